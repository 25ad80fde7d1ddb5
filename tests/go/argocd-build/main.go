// argocd-build renders a kustomize application the way an Argo CD v3.6.1 repo-server does,
// with Argo CD's own code, and validates manifests the way the Kubernetes API server does.
//
//	argocd-build build -repo-root DIR -path APP [-kustomize BIN] [-build-options OPTS] [-o yaml|json]
//	    util/kustomize: NewKustomizeApp(...).Build(...), i.e. `kustomize build <app> <buildOptions>`
//	    run from the repository root with the repo-server's git and helm wrappers on PATH.
//	argocd-build cmp -plugin-config DIR -repo-root DIR -path APP [-plugin NAME] [-o yaml|json]
//	    a config management plugin: the real argocd-cmp-server serving DIR/plugin.yaml on a
//	    unix socket, and the repo-server's client side (plugin detection, the repository
//	    streamed as a tarball, GenerateManifest).
//	argocd-build validate [-namespace NS] < manifests.yaml
//	    every object strictly decoded (unknown or duplicate fields are errors, as with
//	    `kubectl apply`), and the kinds listed in validate.go run through the API server's
//	    create path (defaulting, the registry strategy's validation, metadata validation).
//	argocd-build sync -kubeconfig PATH -namespace NS -app NAME [-prune-last] [-server-side] [-timeout 180s] < manifests
//	    an Application sync of the manifests (a YAML stream or a List) to NS with gitops-engine's
//	    sync context and cluster cache, as the application controller runs it: the targets carry
//	    the tracking-id annotation of NAME, the live objects tracked for NAME that are no target
//	    are pruned (foreground), a Rollout's health is the built-in Lua script's. It waits for the
//	    operation to complete and prints it as one JSON object (phase, message, tasks); each task
//	    is logged to stderr with a timestamp. Exit status 1 unless the phase is Succeeded, 2 for
//	    a usage error. See sync.go.
//
// Rendered objects go to stdout (a YAML stream, or one JSON object per line with -o json);
// errors go to stderr with exit status 1. The kustomize, helm and exec functions a build
// needs are found on PATH, as in the repo-server container.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	log "github.com/sirupsen/logrus"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const usage = `usage:
  argocd-build build -repo-root DIR -path APP [-kustomize BIN] [-build-options OPTS] [-o yaml|json]
  argocd-build cmp -plugin-config DIR -repo-root DIR -path APP [-plugin NAME] [-o yaml|json]
  argocd-build validate [-namespace NS] < manifests.yaml
  argocd-build sync -kubeconfig PATH -namespace NS -app NAME [-prune-last] [-server-side] [-timeout 180s] < manifests
`

func main() {
	// Argo CD logs every command it runs at info level, some through loggers of its own that
	// read ARGOCD_LOG_LEVEL: keep stderr for what went wrong, unless that asks for more.
	if _, set := os.LookupEnv("ARGOCD_LOG_LEVEL"); !set {
		_ = os.Setenv("ARGOCD_LOG_LEVEL", "warn")
	}
	if level, err := log.ParseLevel(os.Getenv("ARGOCD_LOG_LEVEL")); err == nil {
		log.SetLevel(level)
	} else {
		log.SetLevel(log.WarnLevel)
	}

	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = runBuild(os.Args[2:])
	case "cmp":
		err = runCMP(os.Args[2:])
	case "validate":
		err = runValidate(os.Args[2:], os.Stdin, os.Stdout)
	case "sync":
		err = runSync(os.Args[2:], os.Stdin, os.Stdout)
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		err = fmt.Errorf("unknown command %q\n%s", os.Args[1], usage)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "argocd-build: %v\n", strings.TrimSpace(err.Error()))
		if errors.As(err, new(usageError)) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// writeObjects prints objects in the order Argo CD holds them.
func writeObjects(w io.Writer, objs []*unstructured.Unstructured, format string) error {
	for i, obj := range objs {
		switch format {
		case "json":
			data, err := json.Marshal(obj.Object)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "%s\n", data); err != nil {
				return err
			}
		case "yaml":
			data, err := yaml.Marshal(obj.Object)
			if err != nil {
				return err
			}
			if i > 0 {
				if _, err := io.WriteString(w, "---\n"); err != nil {
					return err
				}
			}
			if _, err := w.Write(data); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown output format %q (yaml or json)", format)
		}
	}
	return nil
}

// privateTempDir points TMPDIR at a fresh directory for the rest of the run: Argo CD writes its
// git and helm wrappers under os.TempDir() and never removes them. The returned function does.
func privateTempDir() (func(), error) {
	dir, err := os.MkdirTemp("", "argocd-build-")
	if err != nil {
		return nil, err
	}
	previous, had := os.LookupEnv("TMPDIR")
	if err := os.Setenv("TMPDIR", dir); err != nil {
		return nil, err
	}
	return func() {
		if had {
			_ = os.Setenv("TMPDIR", previous)
		} else {
			_ = os.Unsetenv("TMPDIR")
		}
		_ = os.RemoveAll(dir)
	}, nil
}
