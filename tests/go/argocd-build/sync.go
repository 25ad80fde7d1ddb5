package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/cache"
	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/sync"
	synccommon "github.com/argoproj/argo-cd/gitops-engine/v3/pkg/sync/common"
	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/utils/kube"
	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/utils/tracing"
	log "github.com/sirupsen/logrus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/argo"
	logutils "github.com/argoproj/argo-cd/v3/util/log"
	"github.com/argoproj/argo-cd/v3/util/lua"
)

// usageError is a command line mistake: exit status 2.
type usageError struct{ error }

// The application's resource tracking: Argo CD 3.x's default, the tracking-id annotation
// (<app>:<group>/<kind>:<namespace>/<name>) set on every target by the repo-server.
const trackingMethod = v1alpha1.TrackingMethodAnnotation

var tracking = argo.NewResourceTracking()

// trackedBy is what the cluster cache records of each live object: the application its
// tracking-id names, when that id refers to the object itself (an id copied onto another object
// does not make it the application's, as with the controller's isSelfReferencedObj).
type trackedBy struct{ app string }

// taskResult is one of the engine's ResourceSyncResults, for stdout and the stderr log.
type taskResult struct {
	Group     string   `json:"group"`
	Version   string   `json:"version"`
	Kind      string   `json:"kind"`
	Namespace string   `json:"namespace"`
	Name      string   `json:"name"`
	Status    string   `json:"status"`
	Message   string   `json:"message"`
	SyncPhase string   `json:"syncPhase"`
	HookPhase string   `json:"hookPhase"`
	HookType  string   `json:"hookType,omitempty"`
	Images    []string `json:"images,omitempty"`
	Operation string   `json:"operation"`
	Order     int      `json:"order"`
}

// runSync applies manifests to a namespace as an Argo CD Application sync does: the targets
// carry the application's tracking, the managed live objects come from a gitops-engine cluster
// cache, and the operation is run by gitops-engine's sync context with the options the
// application controller (controller/sync.go) passes by default. Like the controller, every step
// reconciles afresh against the cache and resumes the operation from the previous step's state.
// (pkg/engine's Sync keeps the live objects it read before its first step: an object it creates in
// one wave has no live object to judge the health of, and the next wave never starts.)
// Each task is logged to stderr when a step reports it or changes it; the operation's state and
// its tasks go to stdout as JSON.
func runSync(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the destination cluster")
	namespace := fs.String("namespace", "", "the Application's spec.destination.namespace")
	app := fs.String("app", "", "the Application's name (the tracking-id's application)")
	pruneLast := fs.Bool("prune-last", false, "sync option PruneLast=true: prune after all the waves, once the rest is healthy")
	serverSide := fs.Bool("server-side", false, "sync option ServerSideApply=true (field manager "+common.ArgoCDSSAManager+")")
	timeout := fs.Duration("timeout", 180*time.Second, "give up on an operation still running after this long")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *kubeconfig == "" || *namespace == "" || *app == "" || fs.NArg() > 0 {
		return usageError{errors.New("sync: -kubeconfig, -namespace and -app are required, and no arguments")}
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	objs, err := kube.SplitYAML(data)
	if err != nil {
		return err
	}
	// The controller's two configs of a cluster: the raw one, which kubectl's apply gets as a
	// kubeconfig file, and the one with Argo CD's client defaults for everything else.
	rawConfig, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	rawConfig.QPS, rawConfig.Burst = v1alpha1.K8sClientConfigQPS, v1alpha1.K8sClientConfigBurst
	config := rest.CopyConfig(rawConfig)
	if err := v1alpha1.SetK8SConfigDefaults(config); err != nil {
		return err
	}
	config.WarningHandler = rest.NoWarnings{} // as the controller's cluster cache, below debug level

	logger := logutils.NewLogrusLogger(log.WithField("application", *app))
	kubectl := &kube.KubectlCmd{Log: logger, Tracer: tracing.NopTracer{}}
	clusterCache := cache.NewClusterCache(config,
		cache.SetNamespaces([]string{*namespace}),
		cache.SetKubectl(kubectl),
		cache.SetLogr(logger),
		cache.SetPopulateResourceInfoHandler(func(un *unstructured.Unstructured, isRoot bool) (any, bool) {
			info := &trackedBy{}
			if aiv := tracking.GetAppInstance(un, trackingMethod, ""); isRoot && aiv != nil &&
				aiv.Group == un.GroupVersionKind().Group && aiv.Kind == un.GetKind() &&
				aiv.Namespace == un.GetNamespace() && aiv.Name == un.GetName() {
				info.app = aiv.ApplicationName
			}
			return info, info.app != "" // the manifests of the tracked objects are kept, to sync against
		}),
	)
	if err := clusterCache.EnsureSynced(); err != nil {
		return fmt.Errorf("cluster cache: %w", err)
	}
	defer clusterCache.Invalidate()

	targets, err := trackTargets(objs, *app, *namespace, clusterCache)
	if err != nil {
		return err
	}
	targetKeys := map[kube.ResourceKey]bool{}
	for _, t := range targets {
		targetKeys[kube.GetResourceKey(t)] = true
	}
	isManaged := func(r *cache.Resource) bool { return r.Info.(*trackedBy).app == *app }

	updated := make(chan struct{}, 1)
	unsubscribe := clusterCache.OnResourceUpdated(func(newRes, oldRes *cache.Resource, _ map[kube.ResourceKey]*cache.Resource) {
		r := newRes
		if r == nil {
			r = oldRes
		}
		if targetKeys[r.ResourceKey()] || isManaged(r) {
			select {
			case updated <- struct{}{}:
			default:
			}
		}
	})
	defer unsubscribe()

	propagation := metav1.DeletePropagationForeground // the controller's default (PrunePropagationPolicy)
	opts := []sync.SyncOpt{
		sync.WithLogr(logger),
		sync.WithHealthOverride(lua.ResourceHealthOverrides{}), // no argocd-cm overrides: the built-in Lua scripts
		sync.WithPrune(true),
		sync.WithPruneLast(*pruneLast),
		sync.WithPrunePropagationPolicy(&propagation),
		sync.WithManifestValidation(true),
		sync.WithServerSideApply(*serverSide),
		sync.WithServerSideApplyManager(common.ArgoCDSSAManager),
		sync.WithClientSideApplyMigration(true, synccommon.DefaultClientSideApplyMigrationManager),
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var (
		phase     synccommon.OperationPhase
		message   string
		results   []synccommon.ResourceSyncResult
		startedAt = metav1.Now()
		syncCtx   sync.SyncContext
		logged    = map[string]taskResult{}
	)
	// logTasks logs the tasks that are new or changed since it last ran: after each step and after
	// each wave's tasks ran (in the wave hook, before its delay).
	logTasks := func() {
		_, _, current := syncCtx.GetState()
		for _, r := range current {
			t := toTaskResult(r, targetKeys)
			key := fmt.Sprintf("%s:%s", r.ResourceKey, r.SyncPhase)
			if before, ok := logged[key]; !ok || before.Status != t.Status || before.HookPhase != t.HookPhase || before.Message != t.Message {
				logged[key] = t
				fmt.Fprintf(os.Stderr, "%s task %d %s %s %s/%s %s: %s %s %q\n", time.Now().Format(time.RFC3339Nano),
					t.Order, t.SyncPhase, t.Kind, t.Namespace, t.Name, t.Operation, t.Status, t.HookPhase, t.Message)
			}
		}
	}
	waveHook := sync.WithSyncWaveHook(func(syncPhase synccommon.SyncPhase, wave int, finalWave bool) error {
		logTasks()
		return delayBetweenSyncWaves(syncPhase, wave, finalWave)
	})
	for {
		live, err := clusterCache.GetManagedLiveObjs(targets, isManaged)
		if err != nil {
			return err
		}
		reconciled := sync.Reconcile(targets, live, *namespace, clusterCache)
		var cleanup func()
		syncCtx, cleanup, err = sync.NewSyncContext("", reconciled, config, rawConfig, kubectl, *namespace,
			append(opts, waveHook, sync.WithInitialState(phase, message, results, startedAt))...)
		if err != nil {
			return err
		}
		syncCtx.Sync(ctx)
		previous := phase
		phase, message, results = syncCtx.GetState()
		cleanup()
		logTasks()
		if phase != previous || phase.Completed() {
			fmt.Fprintf(os.Stderr, "%s operation %s %q\n", time.Now().Format(time.RFC3339Nano), phase, message)
		}
		if phase.Completed() || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-updated:
		case <-time.After(time.Second):
		}
	}
	if ctx.Err() != nil && !phase.Completed() {
		message = fmt.Sprintf("timed out after %s: %s", *timeout, message)
	}

	report := struct {
		Phase   string       `json:"phase"`
		Message string       `json:"message"`
		Tasks   []taskResult `json:"tasks"`
	}{Phase: string(phase), Message: message, Tasks: []taskResult{}}
	for _, r := range results {
		report.Tasks = append(report.Tasks, toTaskResult(r, targetKeys))
	}
	data, err = json.Marshal(report)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(out, "%s\n", data); err != nil {
		return err
	}
	if phase != synccommon.OperationSucceeded {
		return fmt.Errorf("sync %s: %s", phase, message)
	}
	return nil
}

// trackTargets flattens Lists, puts namespaced objects that name no namespace in the
// destination namespace, and sets the application's tracking on each object (not on CRDs), as
// the repo-server and the controller's NormalizeTargetObjects do.
func trackTargets(objs []*unstructured.Unstructured, app, namespace string, info kube.ResourceInfoProvider) ([]*unstructured.Unstructured, error) {
	var targets []*unstructured.Unstructured
	for _, obj := range objs {
		if !obj.IsList() {
			targets = append(targets, obj)
			continue
		}
		err := obj.EachListItem(func(item runtime.Object) error {
			u, ok := item.(*unstructured.Unstructured)
			if !ok {
				return fmt.Errorf("list item of type %T", item)
			}
			targets = append(targets, u)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, t := range targets {
		if kube.IsNamespacedOrUnknown(info, t.GroupVersionKind().GroupKind()) {
			if t.GetNamespace() == "" {
				t.SetNamespace(namespace)
			}
		} else {
			t.SetNamespace("")
		}
		if kube.IsCRD(t) {
			continue
		}
		if err := tracking.SetAppInstance(t, common.LabelKeyAppInstance, app, namespace, trackingMethod, ""); err != nil {
			return nil, fmt.Errorf("%s %s: %w", t.GetKind(), t.GetName(), err)
		}
	}
	return targets, nil
}

// delayBetweenSyncWaves is the controller's wave hook: a pause (ARGOCD_SYNC_WAVE_DELAY
// seconds, 2 by default) after each wave but the last, for other controllers to catch up.
func delayBetweenSyncWaves(_ synccommon.SyncPhase, _ int, finalWave bool) error {
	if !finalWave {
		seconds := 2
		if value, err := strconv.Atoi(os.Getenv("ARGOCD_SYNC_WAVE_DELAY")); err == nil {
			seconds = value
		}
		time.Sleep(time.Duration(seconds) * time.Second)
	}
	return nil
}

// toTaskResult names what a task did: a prune (a live object that is no target), a hook, or
// an apply.
func toTaskResult(r synccommon.ResourceSyncResult, targets map[kube.ResourceKey]bool) taskResult {
	operation := "apply"
	switch {
	case r.HookType != "":
		operation = "hook"
	case !targets[r.ResourceKey]:
		operation = "prune"
	}
	return taskResult{
		Group: r.ResourceKey.Group, Version: r.Version, Kind: r.ResourceKey.Kind,
		Namespace: r.ResourceKey.Namespace, Name: r.ResourceKey.Name,
		Status: string(r.Status), Message: r.Message, SyncPhase: string(r.SyncPhase),
		HookPhase: string(r.HookPhase), HookType: string(r.HookType), Images: r.Images,
		Operation: operation, Order: r.Order,
	}
}
