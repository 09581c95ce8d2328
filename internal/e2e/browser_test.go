package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// explorerRoot is the repository root, where web/ lives, seen from this
	// package's directory.
	explorerRoot = "../.."
	// explorerTimeout bounds the whole browser run; the script bounds each
	// step and itself more tightly.
	explorerTimeout = 4 * time.Minute
)

// requireBrowser skips the test on a machine without Chromium or the web
// app's node modules, and fails it in CI, where both must be installed.
func requireBrowser(t *testing.T) {
	t.Helper()
	playwright := filepath.Join(explorerRoot, "web/node_modules/playwright-core")
	var missing string
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = chromiumPath + " (apt-get install -y chromium)"
	} else if _, err := os.Stat(playwright); err != nil {
		missing = "web/node_modules (npm ci --prefix web)"
	} else if _, err := exec.LookPath("node"); err != nil {
		missing = "node"
	} else {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("the browser test needs %s", missing)
	}
	t.Skipf("the browser test needs %s", missing)
}

// TestExplorerInChromium drives the embedded explorer in headless Chromium
// through web/e2e/explorer.mjs: no token, a malformed and an expired token, a
// master token, browsing, a filter checked against the REST count, and a
// minted restricted token. The
// screenshot goes to a temporary file unless EXPLORER_SCREENSHOT names a path
// (relative to the repository root), as when refreshing docs/explorer.png.
func TestExplorerInChromium(t *testing.T) {
	requireBrowser(t)
	srv := securedServer(t)
	tokens := matrixTokens(t, srv)

	shot := os.Getenv("EXPLORER_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "explorer.png")
	}

	ctx, cancel := context.WithTimeout(context.Background(), explorerTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "web/e2e/explorer.mjs")
	cmd.Dir = explorerRoot
	cmd.Env = append(os.Environ(),
		"GANTRY_URL="+srv.URL(),
		"MASTER_TOKEN="+tokens.master,
		"EXPIRED_TOKEN="+tokens.expired,
		"SCREENSHOT="+shot,
	)
	// Chromium may hold the output pipes after node is killed.
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node web/e2e/explorer.mjs: %v\n%s", err, out)
	}
	t.Logf("explorer.mjs:\n%s", out)

	if !filepath.IsAbs(shot) {
		shot = filepath.Join(explorerRoot, shot)
	}
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Fatalf("screenshot %s is not a PNG of a page (%d bytes)", shot, len(png))
	}
}
