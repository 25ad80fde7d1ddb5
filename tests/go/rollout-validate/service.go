package main

// What the API server does with a new v1 Service: strict decoding, the legacy scheme's defaults,
// conversion to the internal type, and the Service registry strategy (PrepareForCreate, Validate).

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	serviceapi "k8s.io/kubernetes/pkg/api/service"
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install" // registers core/v1 defaults and conversions
	"k8s.io/kubernetes/pkg/registry/core/service"
)

var serviceGVK = schema.GroupVersionKind{Version: "v1", Kind: "Service"}

func validateService(obj *unstructured.Unstructured) report {
	r := report{Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
	raw, _ := obj.MarshalJSON()
	var external corev1.Service
	if errs := strictDecode(raw, &external, "v1.Service"); errs != nil {
		r.Errors = append(r.Errors, errs...)
		if remarshal(obj.Object, &external) != nil {
			return r
		}
	}
	if external.Namespace == "" {
		external.Namespace = "default" // kubectl sends it to its context's namespace
	}
	legacyscheme.Scheme.Default(&external)
	var svc core.Service
	if err := legacyscheme.Scheme.Convert(&external, &svc, nil); err != nil {
		r.Errors = append(r.Errors, "<root>: "+err.Error())
		return r
	}
	// Before validating, the Service REST storage (beginCreate) fills clusterIPs from clusterIP and
	// allocates what is unset: cluster IPs and node ports, which validation does not require, and a
	// health-check node port for a LoadBalancer with externalTrafficPolicy Local, which it does.
	if svc.Spec.ClusterIP != "" && len(svc.Spec.ClusterIPs) == 0 {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
	if serviceapi.NeedsHealthCheck(&svc) && svc.Spec.HealthCheckNodePort == 0 {
		svc.Spec.HealthCheckNodePort = 30000 // a stand-in for the allocated port
	}
	ctx := context.Background()
	service.Strategy.PrepareForCreate(ctx, &svc)
	for _, e := range service.Strategy.Validate(ctx, &svc) {
		r.Errors = append(r.Errors, e.Error())
	}
	return r
}
