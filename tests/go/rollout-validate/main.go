// Command rollout-validate judges Kubernetes objects with the upstream code that would accept or
// reject them: for argoproj.io/v1alpha1 Rollouts, the API server's handling of the Rollout CRD,
// created (pruning, defaulting, schema, list-map and metadata validation) and server-side applied
// (the field manager's typed conversion, then the same validation; apply.go), and the Argo
// Rollouts controller's own validation; for v1 Services, Kubernetes' Service validation; for
// rbac.authorization.k8s.io/v1 Roles, ClusterRoles, RoleBindings and ClusterRoleBindings and
// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicies and their bindings, Kubernetes' own
// validation of each (builtin.go); for an object of a kind a --schema-crd defines, the API server's
// handling of that CRD's version, created (crd.go). Other objects are ignored.
//
// Usage: rollout-validate [--crd CRD.yaml]... [--schema-crd CRD.yaml]... [FILE|-]...
//
//	rollout-validate --canary-counts < cases.jsonl   (canary.go: the pods a canary step holds at)
//
// --crd (needed when the input holds a Rollout) gives a Rollout CRD; each Rollout is judged against
// each. --schema-crd gives any other CRD; an object of its group and kind, in a version it serves,
// is judged against each such CRD; in a version it does not serve, it is refused.
//
// Input: multi-document YAML (or JSON), or a config.kubernetes.io/v1 ResourceList. Output: one
// JSON line per Rollout and Rollout CRD, per custom resource and CRD, and per other object judged:
// {"kind","namespace","name","crd","errors","notes"} ("crd", the CRD file's base name, only for
// the custom resources). Exit code: 0 when every object is accepted, 1 when one is not, 2 on
// unusable input.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// report is one output line.
type report struct {
	Kind      string   `json:"kind"`
	Namespace string   `json:"namespace"`
	Name      string   `json:"name"`
	CRD       string   `json:"crd,omitempty"`
	Errors    []string `json:"errors"`
	Notes     []string `json:"notes,omitempty"`
}

type fileList []string

func (f *fileList) String() string     { return fmt.Sprint(*f) }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("rollout-validate", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var crdFiles, schemaCRDFiles fileList
	flags.Var(&crdFiles, "crd", "Rollout CustomResourceDefinition file (required for a Rollout; repeat to validate against each)")
	flags.Var(&schemaCRDFiles, "schema-crd", "any other CustomResourceDefinition file, to validate the objects it defines (repeatable)")
	counts := flags.Bool("canary-counts", false, "answer each JSON case on stdin with the canary and stable pods its step holds at")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "rollout-validate: "+format+"\n", a...)
		return 2
	}
	if *counts {
		if err := canaryCounts(stdin, stdout); err != nil {
			return fail("%v", err)
		}
		return 0
	}
	var crds []*crdHandling
	for _, file := range crdFiles {
		c, err := loadCRD(file)
		if err != nil {
			return fail("%s: %v", file, err)
		}
		crds = append(crds, c)
	}
	// The served versions of each group and kind the schema CRDs define, and their handling.
	schemaCRDs := map[schema.GroupVersionKind][]*crdHandling{}
	served := map[schema.GroupKind][]string{}
	for _, file := range schemaCRDFiles {
		handlings, err := loadSchemaCRD(file)
		if err != nil {
			return fail("%s: %v", file, err)
		}
		for _, c := range handlings {
			schemaCRDs[c.gvk] = append(schemaCRDs[c.gvk], c)
			served[c.gvk.GroupKind()] = append(served[c.gvk.GroupKind()], c.gvk.GroupVersion().String())
		}
	}

	inputs := flags.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	var objects []*unstructured.Unstructured
	for _, name := range inputs {
		var data []byte
		var err error
		if name == "-" {
			data, err = io.ReadAll(stdin)
		} else {
			data, err = os.ReadFile(name)
		}
		if err == nil {
			var objs []*unstructured.Unstructured
			objs, err = readObjects(data)
			objects = append(objects, objs...)
		}
		if err != nil {
			return fail("%s: %v", name, err)
		}
	}

	if len(crds) == 0 {
		for _, obj := range objects {
			if obj.GroupVersionKind() == rolloutGVK {
				return fail("--crd FILE is required to validate a Rollout")
			}
		}
	}

	out := json.NewEncoder(stdout)
	var rollouts, services, builtins, customs, ignored, invalid int
	emit := func(r report) {
		if r.Errors == nil {
			r.Errors = []string{}
		}
		if len(r.Errors) > 0 {
			invalid++
		}
		_ = out.Encode(r)
	}
	for _, obj := range objects {
		gvk := obj.GroupVersionKind()
		strategy, builtin := builtinKinds[gvk]
		switch {
		case gvk == rolloutGVK:
			rollouts++
			for _, crd := range crds {
				emit(validateRollout(obj, crd, objects))
			}
		case gvk == serviceGVK:
			services++
			emit(validateService(obj))
		case builtin:
			builtins++
			emit(validateBuiltin(obj, strategy))
		case len(schemaCRDs[gvk]) > 0:
			customs++
			for _, crd := range schemaCRDs[gvk] {
				emit(validateCustomResource(obj, crd))
			}
		case served[gvk.GroupKind()] != nil:
			// The API server has no such resource: kubectl finds no mapping for it.
			customs++
			emit(report{Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName(),
				Errors: []string{field.NotSupported(field.NewPath("apiVersion"), obj.GetAPIVersion(), served[gvk.GroupKind()]).Error()}})
		default:
			ignored++
		}
	}
	fmt.Fprintf(stderr, "rollout-validate: %d Rollout(s) against %d CRD(s), %d Service(s), %d RBAC and admission policy object(s), "+
		"%d custom resource(s) against %d schema CRD(s), %d other object(s) ignored; %d invalid\n",
		rollouts, len(crds), services, builtins, customs, len(schemaCRDFiles), ignored, invalid)
	if invalid > 0 {
		return 1
	}
	return 0
}

// readObjects splits a YAML/JSON stream into objects; a ResourceList contributes its items.
func readObjects(data []byte) ([]*unstructured.Unstructured, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objects []*unstructured.Unstructured
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, err
		}
		jsonDoc, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if bytes.Equal(bytes.TrimSpace(jsonDoc), []byte("null")) {
			continue // an empty document
		}
		var content map[string]any
		decoder := json.NewDecoder(bytes.NewReader(jsonDoc))
		decoder.UseNumber() // keep integers exact until the API server's own decoding below
		if err := decoder.Decode(&content); err != nil {
			return nil, fmt.Errorf("document %d is not an object: %w", i, err)
		}
		items := []any{content}
		if content["apiVersion"] == "config.kubernetes.io/v1" && content["kind"] == "ResourceList" {
			list, ok := content["items"].([]any)
			if !ok && content["items"] != nil {
				return nil, fmt.Errorf("document %d: ResourceList items is not a list", i)
			}
			items = list
		}
		for j, item := range items {
			// Re-decode the way the API server does: integers become int64, not float64.
			raw, _ := json.Marshal(item)
			obj := &unstructured.Unstructured{}
			if err := obj.UnmarshalJSON(raw); err != nil {
				return nil, fmt.Errorf("document %d, object %d: %w", i, j, err)
			}
			objects = append(objects, obj)
		}
	}
}
