package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	jsonserializer "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"sigs.k8s.io/yaml"

	appsv1alpha1 "github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"

	_ "k8s.io/kubernetes/pkg/apis/admissionregistration/install"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	_ "k8s.io/kubernetes/pkg/apis/scheduling/install"
	_ "k8s.io/kubernetes/pkg/apis/storage/install"

	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrole"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrolebinding"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
)

// The kinds run through the API server's create path: each one's registry strategy is the code
// kube-apiserver runs for it (PrepareForCreate, Validate, metadata validation, warnings).
// Not Service: its REST storage allocates and normalises cluster IPs before the strategy
// validates (a headless Service without ports is valid only after that), which is not repeated here.
var strategies = map[schema.GroupKind]rest.RESTCreateStrategy{
	{Group: "apps", Kind: "Deployment"}:                              deployment.Strategy,
	{Group: "apps", Kind: "StatefulSet"}:                             statefulset.Strategy,
	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:          horizontalpodautoscaler.Strategy,
	{Kind: "ConfigMap"}:                                              configmap.Strategy,
	{Kind: "Secret"}:                                                 secret.Strategy,
	{Kind: "ServiceAccount"}:                                         serviceaccount.Strategy,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:              networkpolicy.Strategy,
	{Group: "policy", Kind: "PodDisruptionBudget"}:                   poddisruptionbudget.Strategy,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:        clusterrole.Strategy,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}: clusterrolebinding.Strategy,
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:               role.Strategy,
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:        rolebinding.Strategy,
}

// Strict decoders: an unknown or duplicate field is an error, as `kubectl apply` (field
// validation Strict, the default) makes it. Argo CD's own kinds decode into its Go types.
var (
	builtinDecoder = jsonserializer.NewSerializerWithOptions(jsonserializer.DefaultMetaFactory,
		legacyscheme.Scheme, legacyscheme.Scheme, jsonserializer.SerializerOptions{Yaml: true, Strict: true})
	argoScheme  = runtime.NewScheme()
	argoDecoder = jsonserializer.NewSerializerWithOptions(jsonserializer.DefaultMetaFactory,
		argoScheme, argoScheme, jsonserializer.SerializerOptions{Yaml: true, Strict: true})
)

func init() {
	if err := appsv1alpha1.AddToScheme(argoScheme); err != nil {
		panic(err)
	}
}

type warnings []string

func (w *warnings) AddWarning(_, text string) { *w = append(*w, text) }

// runValidate prints one line per object: "validated" (decoded strictly and passed the API
// server's create validation), "decoded" (a kind known here without a strategy above: decoded
// strictly only) or "unchecked" (a kind unknown here, e.g. a CRD or a custom resource), then the
// apiVersion, kind and namespace/name. Problems go to stderr; any error makes the exit status 1.
func runValidate(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	namespace := fs.String("namespace", "default", "namespace for namespaced objects that name none (kubectl apply -n)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	failed := 0
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		result, id, problems := validateDocument(doc, *namespace)
		fmt.Fprintf(out, "%s %s\n", result, id)
		for _, p := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", id, p)
		}
		if result == "invalid" {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d invalid object(s)", failed)
	}
	return nil
}

func validateDocument(doc []byte, namespace string) (result, id string, problems []string) {
	var header metav1.PartialObjectMetadata
	if err := yaml.Unmarshal(doc, &header); err != nil {
		return "invalid", "(unparsable document)", []string{err.Error()}
	}
	gvk := header.GroupVersionKind()
	id = fmt.Sprintf("%s %s %s", header.APIVersion, header.Kind, header.Name)
	if header.Namespace != "" {
		id = fmt.Sprintf("%s %s %s/%s", header.APIVersion, header.Kind, header.Namespace, header.Name)
	}

	switch {
	case legacyscheme.Scheme.Recognizes(gvk):
		obj, _, err := builtinDecoder.Decode(doc, nil, nil)
		if err != nil {
			return "invalid", id, []string{err.Error()}
		}
		strategy, ok := strategies[gvk.GroupKind()]
		if !ok {
			return "decoded", id, nil
		}
		warned, err := createValidation(obj, gvk, strategy, namespace)
		for _, w := range warned {
			problems = append(problems, "warning: "+w)
		}
		if err != nil {
			return "invalid", id, append(problems, err.Error())
		}
		return "validated", id, problems
	case argoScheme.Recognizes(gvk):
		if _, _, err := argoDecoder.Decode(doc, nil, nil); err != nil {
			return "invalid", id, []string{err.Error()}
		}
		return "decoded", id, nil
	default:
		return "unchecked", id, nil
	}
}

// createValidation runs what kube-apiserver runs on a create after decoding: defaulting,
// conversion to the internal version, then, with the request's namespace and RequestInfo in the
// context, rest.BeforeCreate (namespace rules, the strategy's
// PrepareForCreate and Validate, metadata validation, warnings).
func createValidation(obj runtime.Object, gvk schema.GroupVersionKind, strategy rest.RESTCreateStrategy, namespace string) ([]string, error) {
	legacyscheme.Scheme.Default(obj)
	internal, err := legacyscheme.Scheme.ConvertToVersion(obj, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
	if err != nil {
		return nil, err
	}
	accessor, err := meta.Accessor(internal)
	if err != nil {
		return nil, err
	}
	requestNamespace := metav1.NamespaceNone
	if strategy.NamespaceScoped() {
		requestNamespace = accessor.GetNamespace()
		if requestNamespace == "" {
			requestNamespace = namespace
		}
	}
	rest.FillObjectMetaSystemFields(accessor)
	var warned warnings
	ctx := genericapirequest.WithNamespace(context.Background(), requestNamespace)
	resource, _ := meta.UnsafeGuessKindToResource(gvk)
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIGroup: gvk.Group, APIVersion: gvk.Version,
		Resource: resource.Resource, Namespace: requestNamespace, Name: accessor.GetName(),
	})
	ctx = warning.WithWarningRecorder(ctx, &warned)
	err = rest.BeforeCreate(strategy, ctx, internal)
	return warned, err
}
