// Command constraint-crd prints the CustomResourceDefinition Gatekeeper creates for the
// constraints of a ConstraintTemplate, made by Gatekeeper's own code: the template is defaulted
// and converted as the API server and the controller do (templates.gatekeeper.sh/v1
// ToVersionless), then the constraint framework's CreateSchema with Gatekeeper's admission
// target (whose MatchSchema is the published schema of a constraint's spec.match), CreateCRD
// and ValidateCRD, as the frameworks client's CreateCRD does when a template is added.
//
// Usage: constraint-crd TEMPLATE.yaml > CRD.yaml
//
// Output: the apiextensions.k8s.io/v1 CRD as YAML (keys sorted, no status), the same bytes for
// the same inputs. Exit code: 0, or 1 on an unusable template.
package main

import (
	"context"
	"fmt"
	"os"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/crds"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: constraint-crd TEMPLATE.yaml")
		os.Exit(2)
	}
	out, err := constraintCRD(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "constraint-crd: %v\n", err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}

func constraintCRD(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ct := &templatesv1.ConstraintTemplate{}
	if err := yaml.UnmarshalStrict(data, ct); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if ct.APIVersion != templatesv1.SchemeGroupVersion.String() || ct.Kind != "ConstraintTemplate" {
		return nil, fmt.Errorf("%s: not a %s ConstraintTemplate", path, templatesv1.SchemeGroupVersion)
	}
	versionless, err := ct.ToVersionless()
	if err != nil {
		return nil, err
	}
	if err := crds.ValidateTargets(versionless); err != nil {
		return nil, err
	}
	crd, err := crds.CreateCRD(versionless, crds.CreateSchema(versionless, &target.K8sValidationTarget{}))
	if err != nil {
		return nil, err
	}
	if err := crds.ValidateCRD(context.Background(), crd); err != nil {
		return nil, err
	}

	scheme := runtime.NewScheme()
	if err := apiextensions.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	v1 := &apiextensionsv1.CustomResourceDefinition{}
	if err := scheme.Convert(crd, v1, nil); err != nil {
		return nil, err
	}
	v1.APIVersion = apiextensionsv1.SchemeGroupVersion.String()
	v1.Kind = "CustomResourceDefinition"
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(v1)
	if err != nil {
		return nil, err
	}
	delete(obj, "status") // what the API server reports, not part of the definition
	return yaml.Marshal(obj)
}
