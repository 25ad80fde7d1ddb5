package main

// What the API server does with a Rollout sent by server-side apply (`kubectl apply --server-side`,
// Argo CD's ServerSideApply=true, Helm 4): the body is not decoded through the custom resource
// codec, so nothing prunes or drops its nulls first. The field manager turns it into a typed value
// with the type converter built from the CRD's schema (which refuses unknown fields, duplicate
// list-map keys and values of the wrong kind), merges it into a new object and defaults it; then
// the same strategy as for a create validates the result.

import (
	"context"
	"fmt"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/conversion"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/controller/openapi/builder"
	apiextensionsopenapi "k8s.io/apiextensions-apiserver/pkg/generated/openapi"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	openapibuilder3 "k8s.io/kube-openapi/pkg/builder3"
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/util"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

const applyManager = "rollout-validate"

// staticModels are the OpenAPI models of the types the API server serves itself, which a custom
// resource's own models refer to (ObjectMeta and what it holds): the apiextensions group's
// definitions, as the API server serving that group builds them.
func staticModels() (map[string]*spec.Schema, error) {
	scheme := runtime.NewScheme()
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	config := genericapiserver.DefaultOpenAPIV3Config(apiextensionsopenapi.GetOpenAPIDefinitions, openapinamer.NewDefinitionNamer(scheme))
	return openapibuilder3.BuildOpenAPIDefinitionsForResources(config, util.GetCanonicalTypeName(&apiextensionsv1.CustomResourceDefinition{}))
}

// newApplyFieldManager builds the field manager the API server gives a CRD's resources: a type
// converter from the models of every version of the CRD merged over the static models.
func newApplyFieldManager(crd *apiextensionsv1.CustomResourceDefinition, gvk schema.GroupVersionKind, structural *structuralschema.Structural,
	resetFields map[fieldpath.APIVersion]*fieldpath.Set) (*managedfields.FieldManager, error) {
	static, err := staticModels()
	if err != nil {
		return nil, fmt.Errorf("static OpenAPI models: %w", err)
	}
	specs := []*spec3.OpenAPI{{Version: "3.0.0", Components: &spec3.Components{Schemas: static}}}
	for _, v := range crd.Spec.Versions {
		built, err := builder.BuildOpenAPIV3(crd, v.Name, builder.Options{})
		if err != nil {
			return nil, fmt.Errorf("OpenAPI models of %s: %w", v.Name, err)
		}
		specs = append(specs, built)
	}
	merged, err := builder.MergeSpecsV3(specs...)
	if err != nil {
		return nil, err
	}
	typeConverter, err := managedfields.NewTypeConverter(merged.Components.Schemas, crd.Spec.PreserveUnknownFields)
	if err != nil {
		return nil, fmt.Errorf("type converter: %w", err)
	}
	converterFactory, err := conversion.NewCRConverterFactory(nil, nil)
	if err != nil {
		return nil, err
	}
	safeConverter, _, err := converterFactory.NewConverter(crd)
	if err != nil {
		return nil, err
	}
	return managedfields.NewDefaultCRDFieldManager(typeConverter, safeConverter, schemaDefaulter{structural}, newObjects{},
		gvk, gvk.GroupVersion(), "", fieldpath.NewExcludeFilterSetMap(resetFields))
}

// applyServerSide returns the reasons the API server would refuse `body` (the object as written)
// sent by server-side apply, creating it.
func (c *crdHandling) applyServerSide(body []byte) []string {
	patch := &unstructured.Unstructured{Object: map[string]any{}}
	// The API server's own decoding of an apply body (handlers/patch.go): integers stay int64.
	if err := utilyaml.Unmarshal(body, &patch.Object); err != nil {
		return []string{fmt.Sprintf("server-side apply: error decoding YAML: %v", err)}
	}
	if patch.GetNamespace() == "" {
		patch.SetNamespace("default")
	}
	live, _ := newObjects{}.New(c.gvk)
	applied, err := c.fieldManager.Apply(live, patch, applyManager, true)
	if err != nil {
		return []string{fmt.Sprintf("server-side apply: %v", err)}
	}
	c.strategy.PrepareForCreate(context.Background(), applied)
	var problems []string
	for _, e := range c.strategy.Validate(context.Background(), applied) {
		problems = append(problems, "server-side apply: "+e.Error())
	}
	return problems
}

// schemaDefaulter defaults a custom resource from its structural schema, as the API server's
// defaulter for a CRD's resources does.
type schemaDefaulter struct{ structural *structuralschema.Structural }

func (d schemaDefaulter) Default(in runtime.Object) {
	if u, ok := in.(runtime.Unstructured); ok {
		structuraldefaulting.Default(u.UnstructuredContent(), d.structural)
	}
}

// newObjects makes the empty object an apply that creates starts from.
type newObjects struct{}

func (newObjects) New(kind schema.GroupVersionKind) (runtime.Object, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(kind)
	return u, nil
}
