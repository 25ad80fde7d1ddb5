package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	apppathutil "github.com/argoproj/argo-cd/v3/util/app/path"
	"github.com/argoproj/argo-cd/v3/util/git"
	"github.com/argoproj/argo-cd/v3/util/kustomize"
)

// appDir resolves an Application's spec.source.path the way the repo-server does (an absolute
// path inside the checkout). The repo-server also refuses a checkout with symlinks pointing
// outside it (apppathutil.CheckOutOfBoundsSymlinks); that check is left out here because a
// working tree holds git-ignored virtualenvs whose symlinks a clone would not have.
func appDir(repoRoot, path string) (root, app string, err error) {
	if repoRoot == "" || path == "" {
		return "", "", errors.New("-repo-root and -path are required")
	}
	if root, err = filepath.Abs(repoRoot); err != nil {
		return "", "", err
	}
	if app, err = apppathutil.Path(root, path); err != nil {
		return "", "", err
	}
	return root, app, nil
}

func runBuild(args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	repoRoot := fs.String("repo-root", "", "the repository checkout (the repo-server runs kustomize from here)")
	path := fs.String("path", "", "the Application's spec.source.path, relative to -repo-root")
	binary := fs.String("kustomize", "", "kustomize binary; empty: `kustomize` on PATH, as the repo-server")
	buildOptions := fs.String("build-options", "--enable-alpha-plugins --enable-exec --enable-helm",
		"argocd-cm kustomize.buildOptions")
	output := fs.String("o", "yaml", "output format: yaml (a YAML stream) or json (one object per line)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, app, err := appDir(*repoRoot, *path)
	if err != nil {
		return err
	}
	cleanup, err := privateTempDir()
	if err != nil {
		return err
	}
	defer cleanup()

	k := kustomize.NewKustomizeApp(root, app, git.NopCreds{}, "", *binary, "", "")
	objs, _, _, err := k.Build(nil, &v1alpha1.KustomizeOptions{BuildOptions: *buildOptions}, nil, nil)
	if err != nil {
		return err
	}
	return writeObjects(os.Stdout, objs, *output)
}
