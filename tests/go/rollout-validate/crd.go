package main

// What the API server does with a custom resource before storing it, for one version of its CRD
// (a Rollout CRD's v1alpha1, or a version a --schema-crd serves): the steps of
// k8s.io/apiextensions-apiserver's request decoding (pruning, metadata coercion, defaulting) and
// then its custom resource strategy's Validate (metadata, OpenAPI schema, scale subresource,
// embedded objects, list-type map/set uniqueness, CEL rules).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apiextensions-apiserver/pkg/apihelpers"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

var rolloutGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Rollout"}

type crdHandling struct {
	name         string // the file's base name, reported as "crd"
	gvk          schema.GroupVersionKind
	namespaced   bool
	structural   *structuralschema.Structural
	strategy     customResourceStrategy
	fieldManager *managedfields.FieldManager // server-side apply's (apply.go); Rollout CRDs only
}

type customResourceStrategy interface {
	PrepareForCreate(context.Context, runtime.Object)
	Validate(context.Context, runtime.Object) field.ErrorList
	GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set
}

// decodeCRD reads a CustomResourceDefinition file, strictly.
func decodeCRD(path string) (*apiextensionsv1.CustomResourceDefinition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	scheme := runtime.NewScheme()
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if _, _, err := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDecoder(apiextensionsv1.SchemeGroupVersion).Decode(data, nil, crd); err != nil {
		return nil, fmt.Errorf("not a CustomResourceDefinition: %w", err)
	}
	return crd, nil
}

// loadCRD reads a Rollout CRD: the handling of its v1alpha1 version, server-side apply included.
func loadCRD(path string) (*crdHandling, error) {
	crd, err := decodeCRD(path)
	if err != nil {
		return nil, err
	}
	if crd.Spec.Group != rolloutGVK.Group || crd.Spec.Names.Kind != rolloutGVK.Kind {
		return nil, fmt.Errorf("CRD %s is not the Rollout CRD", crd.Name)
	}
	c, err := newCRDHandling(crd, filepath.Base(path), rolloutGVK.Version)
	if err != nil {
		return nil, err
	}
	if c.fieldManager, err = newApplyFieldManager(crd, c.gvk, c.structural, c.strategy.GetResetFields()); err != nil {
		return nil, fmt.Errorf("server-side apply: %w", err)
	}
	return c, nil
}

// loadSchemaCRD reads any other CRD (--schema-crd): the handling of each version it serves.
func loadSchemaCRD(path string) ([]*crdHandling, error) {
	crd, err := decodeCRD(path)
	if err != nil {
		return nil, err
	}
	if crd.Spec.Group == rolloutGVK.Group && crd.Spec.Names.Kind == rolloutGVK.Kind {
		return nil, fmt.Errorf("CRD %s is the Rollout CRD: give it with --crd", crd.Name)
	}
	var handlings []*crdHandling
	for _, v := range crd.Spec.Versions {
		if v.Served {
			c, err := newCRDHandling(crd, filepath.Base(path), v.Name)
			if err != nil {
				return nil, fmt.Errorf("version %s: %w", v.Name, err)
			}
			handlings = append(handlings, c)
		}
	}
	return handlings, nil
}

// newCRDHandling builds, from a CRD, what the API server builds when it starts serving one of the
// CRD's versions (apiextensions-apiserver's crdHandler.getOrCreateServingInfoFor).
func newCRDHandling(crd *apiextensionsv1.CustomResourceDefinition, name, version string) (*crdHandling, error) {
	gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: version, Kind: crd.Spec.Names.Kind}
	v1Validation, err := apihelpers.GetSchemaForVersion(crd, version)
	if err != nil || v1Validation == nil || v1Validation.OpenAPIV3Schema == nil {
		return nil, fmt.Errorf("CRD has no %s schema (%v)", version, err)
	}
	validation := &apiextensions.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v1Validation, validation, nil); err != nil {
		return nil, err
	}
	structural, err := structuralschema.NewStructural(validation.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("schema is not structural: %w", err)
	}
	if errs := structuralschema.ValidateStructural(nil, structural); len(errs) > 0 {
		return nil, fmt.Errorf("schema is not structural: %v", errs.ToAggregate())
	}
	validator, _, err := apiservervalidation.NewSchemaValidator(validation.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	var statusValidator apiservervalidation.SchemaValidator
	var status *apiextensions.CustomResourceSubresourceStatus
	var scale *apiextensions.CustomResourceSubresourceScale
	subresources, err := apihelpers.GetSubresourcesForVersion(crd, version)
	if err != nil {
		return nil, err
	}
	if subresources != nil && subresources.Status != nil {
		status = &apiextensions.CustomResourceSubresourceStatus{}
		if statusSchema, ok := validation.OpenAPIV3Schema.Properties["status"]; ok {
			if statusValidator, _, err = apiservervalidation.NewSchemaValidator(&statusSchema); err != nil {
				return nil, err
			}
		}
	}
	if subresources != nil && subresources.Scale != nil {
		scale = &apiextensions.CustomResourceSubresourceScale{}
		if err := apiextensionsv1.Convert_v1_CustomResourceSubresourceScale_To_apiextensions_CustomResourceSubresourceScale(subresources.Scale, scale, nil); err != nil {
			return nil, err
		}
	}
	var selectableFields []apiextensionsv1.SelectableField
	for _, v := range crd.Spec.Versions {
		if v.Name == version {
			if !v.Served {
				return nil, fmt.Errorf("CRD does not serve %s", version)
			}
			selectableFields = v.SelectableFields
		}
	}
	namespaced := crd.Spec.Scope == apiextensionsv1.NamespaceScoped
	strategy := customresource.NewStrategy(unstructuredTyper{gvk}, namespaced, gvk,
		validator, statusValidator, structural, status, scale, selectableFields)
	return &crdHandling{name: name, gvk: gvk, namespaced: namespaced, structural: structural, strategy: strategy}, nil
}

// admit returns the object as the API server would store it, and the reasons it would refuse it.
func (c *crdHandling) admit(in *unstructured.Unstructured) (*unstructured.Unstructured, []string) {
	u := in.DeepCopy()
	setNamespace(u, c.namespaced)
	var problems []string
	// Decoding (customresource_handler.go, unstructuredSchemaCoercer.apply): unknown fields are
	// pruned; with kubectl's default --validate=strict each one makes the request fail.
	objectMeta, _, unknown, err := schemaobjectmeta.GetObjectMetaWithOptions(u.Object, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return u, []string{fmt.Sprintf("metadata: %v", err)}
	}
	unknown = append(unknown, structuralpruning.PruneWithOptions(u.Object, c.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, c.structural)
	coerceErr, coerceUnknown := schemaobjectmeta.CoerceWithOptions(nil, u.Object, c.structural, false,
		schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if coerceErr != nil {
		problems = append(problems, coerceErr.Error())
	}
	for _, path := range append(unknown, coerceUnknown...) {
		problems = append(problems, fmt.Sprintf(`%s: unknown field %q: the API server prunes it, and strict field validation (kubectl apply's default) rejects the object`, path, path))
	}
	if objectMeta != nil {
		if err := schemaobjectmeta.SetObjectMeta(u.Object, objectMeta); err != nil {
			problems = append(problems, fmt.Sprintf("metadata: %v", err))
		}
	}
	// Defaulting (unstructuredDefaulter), then what the registry does before storing a new object.
	structuraldefaulting.Default(u.Object, c.structural)
	c.strategy.PrepareForCreate(context.Background(), u)
	for _, e := range c.strategy.Validate(context.Background(), u) {
		problems = append(problems, e.Error())
	}
	return u, problems
}

// validateCustomResource judges an object of a kind a --schema-crd defines, as created.
func validateCustomResource(obj *unstructured.Unstructured, crd *crdHandling) report {
	_, problems := crd.admit(obj)
	return report{Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName(), CRD: crd.name, Errors: problems}
}

// setNamespace does what kubectl and the API server do with an object's namespace on create:
// kubectl sends a namespaced object without one to its context's namespace ("default"), and the
// API server drops a cluster-scoped object's (rest.EnsureObjectNamespaceMatchesRequestNamespace).
func setNamespace(obj metav1.Object, namespaced bool) {
	if !namespaced {
		obj.SetNamespace("")
	} else if obj.GetNamespace() == "" {
		obj.SetNamespace("default")
	}
}

// unstructuredTyper satisfies runtime.ObjectTyper for the strategy; validation never calls it.
type unstructuredTyper struct{ gvk schema.GroupVersionKind }

func (unstructuredTyper) ObjectKinds(obj runtime.Object) ([]schema.GroupVersionKind, bool, error) {
	return []schema.GroupVersionKind{obj.GetObjectKind().GroupVersionKind()}, false, nil
}
func (t unstructuredTyper) Recognizes(gvk schema.GroupVersionKind) bool { return gvk == t.gvk }
