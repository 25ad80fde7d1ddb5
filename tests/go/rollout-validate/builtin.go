package main

// What the API server does with a new RBAC object (Role, ClusterRole, RoleBinding,
// ClusterRoleBinding) or admission policy object (ValidatingAdmissionPolicy and its binding):
// strict decoding, the legacy scheme's defaults, conversion to the internal type, and the registry
// strategy (PrepareForCreate, Validate; the policy's Validate compiles and checks its CEL
// expressions). The checks that need the requesting user are left out, as for a cluster admin
// (system:masters), who passes them: RBAC's escalation check (a Role may only grant what its creator
// holds) and the policies' authorization of their paramKind and paramRef.

import (
	"context"
	"errors"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	_ "k8s.io/kubernetes/pkg/apis/admissionregistration/install" // registers admissionregistration/v1 defaults and conversions
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"                  // registers rbac/v1 defaults and conversions
	"k8s.io/kubernetes/pkg/registry/admissionregistration/resolver"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingadmissionpolicy"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingadmissionpolicybinding"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrole"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrolebinding"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
)

// The strategies' authorization runs only with an authorizer; the binding's still wants a
// resolver, which it then never calls.
var noResolver = resolver.ResourceResolverFunc(func(schema.GroupVersionKind) (schema.GroupVersionResource, error) {
	return schema.GroupVersionResource{}, errors.New("no resource resolver")
})

// builtinKinds are the kinds judged here, with their registry strategies.
var builtinKinds = map[schema.GroupVersionKind]rest.RESTCreateStrategy{
	rbacv1.SchemeGroupVersion.WithKind("Role"):                                              role.Strategy,
	rbacv1.SchemeGroupVersion.WithKind("ClusterRole"):                                       clusterrole.Strategy,
	rbacv1.SchemeGroupVersion.WithKind("RoleBinding"):                                       rolebinding.Strategy,
	rbacv1.SchemeGroupVersion.WithKind("ClusterRoleBinding"):                                clusterrolebinding.Strategy,
	admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingAdmissionPolicy"):        validatingadmissionpolicy.NewStrategy(nil, noResolver),
	admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingAdmissionPolicyBinding"): validatingadmissionpolicybinding.NewStrategy(nil, nil, noResolver),
}

func validateBuiltin(obj *unstructured.Unstructured, strategy rest.RESTCreateStrategy) report {
	r := report{Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
	gvk := obj.GroupVersionKind()
	external, err := legacyscheme.Scheme.New(gvk)
	if err != nil {
		r.Errors = append(r.Errors, "<root>: "+err.Error())
		return r
	}
	raw, _ := obj.MarshalJSON()
	if errs := strictDecode(raw, external, gvk.Version+"."+gvk.Kind); errs != nil {
		r.Errors = append(r.Errors, errs...)
		if remarshal(obj.Object, external) != nil {
			return r
		}
	}
	legacyscheme.Scheme.Default(external)
	internal, err := legacyscheme.Scheme.ConvertToVersion(external, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
	if err != nil {
		r.Errors = append(r.Errors, "<root>: "+err.Error())
		return r
	}
	accessor, err := meta.Accessor(internal)
	if err != nil {
		r.Errors = append(r.Errors, "<root>: "+err.Error())
		return r
	}
	setNamespace(accessor, strategy.NamespaceScoped())
	ctx := context.Background()
	strategy.PrepareForCreate(ctx, internal)
	for _, e := range strategy.Validate(ctx, internal) {
		r.Errors = append(r.Errors, e.Error())
	}
	return r
}
