package main

// The Argo Rollouts controller's view of a stored Rollout: what it checks before it marks the
// Rollout InvalidSpec (rollout/controller.go, newRolloutContext and getRolloutValidationErrors).

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/validation"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	sigsjson "sigs.k8s.io/json"
)

// Kinds a workloadRef may name, with where their pod template and selector are
// (rollout/templateref.go, infoByGroupKind).
var workloadKinds = map[schema.GroupKind]struct{ template, selector []string }{
	{Kind: "PodTemplate"}:               {template: []string{"template"}},
	{Group: "apps", Kind: "Deployment"}: {template: []string{"spec", "template"}, selector: []string{"spec", "selector"}},
	{Group: "apps", Kind: "ReplicaSet"}: {template: []string{"spec", "template"}, selector: []string{"spec", "selector"}},
}

func validateRollout(obj *unstructured.Unstructured, crd *crdHandling, objects []*unstructured.Unstructured) report {
	r := report{Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName(), CRD: crd.name}
	stored, problems := crd.admit(obj)
	r.Errors = append(r.Errors, problems...)
	// The object as written must also decode strictly into argo-rollouts' own Go type.
	raw, _ := obj.MarshalJSON()
	r.Errors = append(r.Errors, crd.applyServerSide(raw)...)
	r.Errors = append(r.Errors, strictDecode(raw, &v1alpha1.Rollout{}, "v1alpha1.Rollout")...)

	// The controller reads the stored object (its informer decodes it leniently) and re-marshals it.
	var ro v1alpha1.Rollout
	raw, _ = stored.MarshalJSON()
	if err := json.Unmarshal(raw, &ro); err != nil {
		r.Errors = append(r.Errors, fmt.Sprintf("<root>: the controller cannot decode the stored Rollout: %v", err))
		return r
	}
	if ro.Spec.WorkloadRef != nil {
		resolved, err := resolveWorkloadRef(&ro, obj.GetNamespace(), objects)
		if err != nil {
			r.Errors = append(r.Errors, validation.InvalidWorkloadRef(&ro, err).Error())
			return r // the controller stops here
		}
		if !resolved {
			r.Notes = append(r.Notes, fmt.Sprintf("spec.workloadRef: %s %q is not in the input: its pod template was not validated",
				ro.Spec.WorkloadRef.Kind, ro.Spec.WorkloadRef.Name))
		}
	}
	for _, e := range validation.ValidateRollout(&ro) {
		r.Errors = append(r.Errors, e.Error())
	}
	// Referenced objects: the controller first checks the ingress and VirtualService settings, then
	// validates the Services it fetches (here: from the input).
	for _, check := range []func(*v1alpha1.Rollout) error{validation.ValidateRolloutNginxIngressesConfig,
		validation.ValidateRolloutAlbIngressesConfig, validation.ValidateRolloutVirtualServicesConfig} {
		if err := check(&ro); err != nil {
			r.Errors = append(r.Errors, err.Error())
		}
	}
	var refs validation.ReferencedResources
	for _, ref := range referencedServices(&ro) {
		svc := findObject(objects, "v1", "Service", obj.GetNamespace(), ref.name)
		if svc == nil {
			r.Notes = append(r.Notes, fmt.Sprintf("%s: Service %q is not in the input (the controller needs it to exist)",
				validation.GetServiceWithTypeFieldPath(ref.kind), ref.name))
			continue
		}
		var service corev1.Service
		if err := remarshal(svc.Object, &service); err == nil {
			refs.ServiceWithType = append(refs.ServiceWithType, validation.ServiceWithType{Service: &service, Type: ref.kind})
		}
	}
	for _, e := range validation.ValidateRolloutReferencedResources(&ro, refs) {
		r.Errors = append(r.Errors, e.Error())
	}
	if canary := ro.Spec.Strategy.Canary; canary != nil && (canary.TrafficRouting != nil || canary.Analysis != nil || hasAnalysisSteps(canary)) {
		r.Notes = append(r.Notes, "analysis templates and traffic-routing objects the Rollout references are not looked up")
	}
	return r
}

// resolveWorkloadRef gives the Rollout the referenced workload's template and (if it has none)
// selector, as rollout/templateref.go does; false when the workload is not in the input.
func resolveWorkloadRef(ro *v1alpha1.Rollout, namespace string, objects []*unstructured.Unstructured) (bool, error) {
	if !ro.Spec.TemplateResolvedFromRef && !ro.Spec.EmptyTemplate() {
		return false, errors.New("template must be empty for workload reference rollout")
	}
	ref := ro.Spec.WorkloadRef
	gvk := schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind)
	info, ok := workloadKinds[gvk.GroupKind()]
	if !ok {
		return false, fmt.Errorf("workload of type %s/%s is not supported", gvk.Group, gvk.Kind)
	}
	workload := findObject(objects, ref.APIVersion, ref.Kind, namespace, ref.Name)
	if workload == nil {
		return false, nil
	}
	if templateMap, found, _ := unstructured.NestedMap(workload.Object, info.template...); found {
		var template corev1.PodTemplateSpec
		if err := remarshal(templateMap, &template); err != nil {
			return false, err
		}
		ro.Spec.SetResolvedTemplate(template)
	}
	if ro.Spec.Selector == nil && info.selector != nil {
		if selectorMap, found, _ := unstructured.NestedMap(workload.Object, info.selector...); found {
			var selector metav1.LabelSelector
			if err := remarshal(selectorMap, &selector); err != nil {
				return false, err
			}
			ro.Spec.SetResolvedSelector(&selector)
		}
	}
	return true, nil
}

type serviceRef struct {
	kind validation.ServiceType
	name string
}

// referencedServices lists the Services the controller fetches (rollout/controller.go, getReferencedServices).
func referencedServices(ro *v1alpha1.Rollout) []serviceRef {
	var refs []serviceRef
	add := func(kind validation.ServiceType, name string) {
		if name != "" {
			refs = append(refs, serviceRef{kind, name})
		}
	}
	if bg := ro.Spec.Strategy.BlueGreen; bg != nil {
		add(validation.ActiveService, bg.ActiveService)
		add(validation.PreviewService, bg.PreviewService)
	} else if canary := ro.Spec.Strategy.Canary; canary != nil {
		add(validation.StableService, canary.StableService)
		add(validation.CanaryService, canary.CanaryService)
		if canary.PingPong != nil {
			add(validation.PingService, canary.PingPong.PingService)
			add(validation.PongService, canary.PingPong.PongService)
		}
	}
	return refs
}

func hasAnalysisSteps(canary *v1alpha1.CanaryStrategy) bool {
	for _, step := range canary.Steps {
		if step.Analysis != nil || step.Experiment != nil {
			return true
		}
	}
	return false
}

func findObject(objects []*unstructured.Unstructured, apiVersion, kind, namespace, name string) *unstructured.Unstructured {
	for _, o := range objects {
		if o.GetAPIVersion() == apiVersion && o.GetKind() == kind && o.GetNamespace() == namespace && o.GetName() == name {
			return o
		}
	}
	return nil
}

func remarshal(in any, out any) error {
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

var strictErrorPath = regexp.MustCompile(`^(unknown|duplicate) field "(.*)"$`)

// strictDecode decodes like the API server's strict field validation (sigs.k8s.io/json), and
// returns one "field: message" per unknown or duplicate field.
func strictDecode(data []byte, into any, typeName string) []string {
	strictErrs, err := sigsjson.UnmarshalStrict(data, into, sigsjson.DisallowUnknownFields)
	if err != nil {
		return []string{fmt.Sprintf("<root>: does not decode into %s: %v", typeName, err)}
	}
	var found []string
	for _, e := range strictErrs {
		if m := strictErrorPath.FindStringSubmatch(e.Error()); m != nil {
			found = append(found, fmt.Sprintf("%s: %s field in %s", m[2], m[1], typeName))
		} else {
			found = append(found, fmt.Sprintf("<root>: %v", e))
		}
	}
	return found
}
