package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/argoproj/argo-cd/gitops-engine/v3/pkg/utils/kube"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/argoproj/argo-cd/v3/cmpserver"
	"github.com/argoproj/argo-cd/v3/cmpserver/plugin"
	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
)

// runCMP starts the sidecar's argocd-cmp-server on plugin.yaml, then does what the repo-server
// does for an Application with spec.source.plugin (reposerver/repository's
// runConfigManagementPluginSidecars and generateManifestsCMP, unexported, repeated here in
// their few lines): find the plugin's socket, stream the repository to it, collect manifests.
func runCMP(args []string) error {
	fs := flag.NewFlagSet("cmp", flag.ContinueOnError)
	configDir := fs.String("plugin-config", "", "directory holding plugin.yaml (the sidecar's /home/argocd/cmp-server/config)")
	repoRoot := fs.String("repo-root", "", "the repository checkout")
	path := fs.String("path", "", "the Application's spec.source.path, relative to -repo-root")
	pluginName := fs.String("plugin", "", "spec.source.plugin.name; empty: the plugin's discovery rules decide")
	output := fs.String("o", "yaml", "output format: yaml (a YAML stream) or json (one object per line)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *configDir == "" {
		return errors.New("-plugin-config is required")
	}
	root, app, err := appDir(*repoRoot, *path)
	if err != nil {
		return err
	}
	// The sidecar reads and validates its configuration with this function at start-up.
	config, err := plugin.ReadPluginConfig(*configDir)
	if err != nil {
		return err
	}

	cleanup, err := privateTempDir()
	if err != nil {
		return err
	}
	defer cleanup()
	// The socket directory (shared by repo-server and sidecars, /home/argocd/cmp-server/plugins
	// in the pod) and the sidecar's work directory, where each request's tarball is unpacked.
	sockets := filepath.Join(os.TempDir(), "plugins")
	if err := os.Mkdir(sockets, 0o700); err != nil {
		return err
	}
	if err := os.Setenv(common.EnvPluginSockFilePath, sockets); err != nil {
		return err
	}
	if err := os.Setenv(common.EnvCMPWorkDir, os.TempDir()); err != nil {
		return err
	}

	server, err := cmpserver.NewServer(plugin.CMPServerInitConstants{PluginConfig: *config})
	if err != nil {
		return err
	}
	go server.Run() // exits the process on a listen error, as the sidecar does
	if err := waitForSocket(config.Address(), 10*time.Second); err != nil {
		return err
	}

	ctx := context.Background()
	// The environment the repo-server sends with a request (newEnv, getPluginEnvs).
	env := []string{
		"ARGOCD_APP_NAME=" + filepath.Base(app),
		"ARGOCD_APP_SOURCE_PATH=" + *path,
		"KUBE_VERSION=",
		"KUBE_API_VERSIONS=",
	}
	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, app, root, *pluginName, env, nil)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()

	stream, err := client.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		return fmt.Errorf("error getting generateManifestStream: %w", err)
	}
	if err := cmp.SendRepoStream(ctx, app, root, stream, env, nil); err != nil {
		return fmt.Errorf("error sending file to cmp-server: %w", err)
	}
	response, err := stream.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("error generating manifests in cmp: %w", err)
	}
	var objs []*unstructured.Unstructured
	for _, manifest := range response.Manifests {
		parsed, err := kube.SplitYAML([]byte(manifest))
		if err != nil {
			return fmt.Errorf("failed to convert CMP manifests to unstructured objects: %w", err)
		}
		objs = append(objs, parsed...)
	}
	return writeObjects(os.Stdout, objs, *output)
}

func waitForSocket(address string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if info, err := os.Stat(address); err == nil && info.Mode()&os.ModeSocket != 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("argocd-cmp-server did not listen on %s within %s", address, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
