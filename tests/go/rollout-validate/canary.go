package main

// How many canary and stable pods a step of a canary without a traffic router holds at, as the Argo
// Rollouts controller sizes them: its own CalculateReplicaCountsForBasicCanary, run until nothing
// changes, with every pod it asks for counted available.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	replicasetutil "github.com/argoproj/argo-rollouts/utils/replicaset"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// canaryCase is one input line: a Rollout's replicas, surge settings and the weight of its current
// step, and the pods each ReplicaSet has when the step starts.
type canaryCase struct {
	Replicas       int32              `json:"replicas"`
	MaxSurge       intstr.IntOrString `json:"maxSurge"`
	MaxUnavailable intstr.IntOrString `json:"maxUnavailable"`
	Weight         int32              `json:"weight"`
	Canary         int32              `json:"canary"`
	Stable         int32              `json:"stable"`
}

// canaryCounts answers each case on `in` with a line {"canary": N, "stable": N}.
func canaryCounts(in io.Reader, out io.Writer) error {
	scanner := bufio.NewScanner(in)
	encoder := json.NewEncoder(out)
	for line := 1; scanner.Scan(); line++ {
		var c canaryCase
		if err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		canary, stable := settle(c)
		if err := encoder.Encode(map[string]int32{"canary": canary, "stable": stable}); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// settleLimit bounds the passes, as the Python port does: each pass moves a pod, or none moves.
const settleLimit = 1000

func settle(c canaryCase) (int32, int32) {
	step := int32(0)
	rollout := &v1alpha1.Rollout{
		Spec: v1alpha1.RolloutSpec{
			Replicas: &c.Replicas,
			Strategy: v1alpha1.RolloutStrategy{Canary: &v1alpha1.CanaryStrategy{
				MaxSurge: &c.MaxSurge, MaxUnavailable: &c.MaxUnavailable,
				Steps: []v1alpha1.CanaryStep{{SetWeight: &c.Weight}},
			}},
		},
		// A new version is being rolled out: the stable ReplicaSet is another one, and the first step is current.
		Status: v1alpha1.RolloutStatus{StableRS: "stable", CurrentPodHash: "canary", CurrentStepIndex: &step},
	}
	canary, stable := c.Canary, c.Stable
	for i := 0; i < settleLimit; i++ {
		newCanary, newStable := replicasetutil.CalculateReplicaCountsForBasicCanary(rollout, replicaSet("canary", canary), replicaSet("stable", stable), nil)
		if newCanary == canary && newStable == stable {
			break
		}
		canary, stable = newCanary, newStable
	}
	return canary, stable
}

func replicaSet(name string, pods int32) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       appsv1.ReplicaSetSpec{Replicas: &pods},
		Status:     appsv1.ReplicaSetStatus{Replicas: pods, AvailableReplicas: pods, ReadyReplicas: pods},
	}
}
