// Command rollout-validate judges Kubernetes objects with the upstream code that would accept or
// reject them: for argoproj.io/v1alpha1 Rollouts, the API server's handling of the Rollout CRD,
// created (pruning, defaulting, schema, list-map and metadata validation) and server-side applied
// (the field manager's typed conversion, then the same validation; apply.go), and the Argo
// Rollouts controller's own validation; for v1 Services, Kubernetes' Service validation.
//
// Usage: rollout-validate --crd CRD.yaml [--crd CRD2.yaml] [FILE|-]...
//
//	rollout-validate --canary-counts < cases.jsonl   (canary.go: the pods a canary step holds at)
//
// Input: multi-document YAML (or JSON), or a config.kubernetes.io/v1 ResourceList. Output: one
// JSON line per Rollout and CRD, and per Service: {"kind","namespace","name","crd","errors","notes"}.
// Exit code: 0 when every object is accepted, 1 when one is not, 2 on unusable input.
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
	var crdFiles fileList
	flags.Var(&crdFiles, "crd", "Rollout CustomResourceDefinition file (required; repeat to validate against each)")
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
	if len(crdFiles) == 0 {
		return fail("--crd FILE is required")
	}
	var crds []*crdHandling
	for _, file := range crdFiles {
		c, err := loadCRD(file)
		if err != nil {
			return fail("%s: %v", file, err)
		}
		crds = append(crds, c)
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

	out := json.NewEncoder(stdout)
	var rollouts, services, ignored, invalid int
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
		switch obj.GroupVersionKind() {
		case rolloutGVK:
			rollouts++
			for _, crd := range crds {
				emit(validateRollout(obj, crd, objects))
			}
		case serviceGVK:
			services++
			emit(validateService(obj))
		default:
			ignored++
		}
	}
	fmt.Fprintf(stderr, "rollout-validate: %d Rollout(s) against %d CRD(s), %d Service(s), %d other object(s) ignored; %d invalid\n",
		rollouts, len(crds), services, ignored, invalid)
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
