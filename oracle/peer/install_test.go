package peer

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A fresh clone has no scripts/peer/node_modules. The README promises that
// `go test ./...` passes on a fresh clone with Go and Node present and nothing
// installed by hand, so the peer tests install the adapter's locked dependencies
// themselves (npm ci, from package-lock.json) the first time they need them.
// Without Node they still fail with New's message, never skip.

var installOnce struct {
	sync.Once
	err error
}

// ensureInstalled runs `npm ci` in scripts/peer when New reports the adapter's
// package missing. A file lock keeps two test processes (go test runs packages
// in parallel) from installing into the same folder at once.
func ensureInstalled(t *testing.T) {
	t.Helper()
	installOnce.Do(func() { installOnce.err = install() })
	if installOnce.err != nil {
		t.Logf("installing the peer adapter: %v", installOnce.err)
	}
}

func install() error {
	_, err := findScript(Options{})
	if !errors.Is(err, ErrNotInstalled) {
		return nil // installed, or a problem npm ci cannot fix: New reports it
	}
	npm, lerr := exec.LookPath("npm")
	if lerr != nil {
		return err
	}
	wd, werr := os.Getwd()
	if werr != nil {
		return werr
	}
	root, rerr := ModuleRoot(wd)
	if rerr != nil {
		return rerr
	}
	dir := filepath.Join(root, "scripts", "peer")
	lock, oerr := os.OpenFile(filepath.Join(dir, ".install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if oerr != nil {
		return oerr
	}
	defer lock.Close()
	if ferr := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); ferr != nil {
		return ferr
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := findScript(Options{}); err == nil {
		return nil // another process installed it while we waited
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	out, cerr := cmd.CombinedOutput()
	if cerr != nil {
		return errors.New("npm ci in " + dir + ": " + cerr.Error() + ": " + strings.TrimSpace(string(out)))
	}
	return nil
}
