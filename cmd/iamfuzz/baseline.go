package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
)

// errBaseline: the --baseline argument cannot be used.
var errBaseline = fmt.Errorf("%w: --baseline", properties.ErrBadInput)

// baselineSet maps each new policy file to its baseline: the file of the same
// relative path in the old version, or "" when the old version has none (then
// everything the new file allows is new).
type baselineSet struct {
	arg     string            // as given: a file, a folder or git:REV:PATH
	old     map[string]string // new file -> old file ("" none)
	cleanup func()
}

// resolveBaseline pairs the new files with the baseline. newArg is the one path
// given to check (a file or a folder); baseline is a file or folder of the same
// kind, or git:REV:PATH (read from git into a temporary folder).
func resolveBaseline(baseline, newArg string, files []string) (*baselineSet, error) {
	b := &baselineSet{arg: baseline, old: map[string]string{}, cleanup: func() {}}
	oldRoot := baseline
	if rest, ok := strings.CutPrefix(baseline, "git:"); ok {
		rev, path, ok := strings.Cut(rest, ":")
		if !ok || rev == "" || path == "" {
			return nil, fmt.Errorf("%w: %q: write git:REV:PATH, e.g. git:main:policies/", errBaseline, baseline)
		}
		dir, err := os.MkdirTemp("", "iamfuzz-baseline-")
		if err != nil {
			return nil, err
		}
		b.cleanup = func() { os.RemoveAll(dir) }
		if oldRoot, err = materialize(rev, path, dir); err != nil {
			b.cleanup()
			return nil, err
		}
	}
	fi, err := os.Stat(newArg)
	if err != nil {
		b.cleanup()
		return nil, fmt.Errorf("%w: %w", properties.ErrBadInput, err)
	}
	ofi, err := os.Stat(oldRoot)
	switch {
	case err != nil && !fi.IsDir():
		// The file did not exist in the old version: all of it is new.
		b.old[newArg] = ""
		return b, nil
	case err != nil:
		b.cleanup()
		return nil, fmt.Errorf("%w: %w", errBaseline, err)
	case fi.IsDir() != ofi.IsDir():
		b.cleanup()
		return nil, fmt.Errorf("%w: compare a file with a file or a folder with a folder (%s, %s)", errBaseline, newArg, baseline)
	case !fi.IsDir():
		b.old[newArg] = oldRoot
		return b, nil
	}
	for _, f := range files {
		rel, err := filepath.Rel(newArg, f)
		if err != nil {
			continue
		}
		cand := filepath.Join(oldRoot, rel)
		if _, err := os.Stat(cand); err == nil {
			b.old[f] = cand
		} else {
			b.old[f] = ""
		}
	}
	return b, nil
}

// materialize writes the policy files of PATH at git revision rev below dir and
// returns the path that stands for PATH there.
func materialize(rev, path, dir string) (string, error) {
	out, err := exec.Command("git", "ls-tree", "-r", "-z", "--name-only", rev, "--", path).Output()
	if err != nil {
		return "", fmt.Errorf("%w: git ls-tree %s -- %s: %w%s", errBaseline, rev, path, err, stderrOf(err))
	}
	clean := filepath.Clean(path)
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if name == "" || (!strings.EqualFold(filepath.Ext(name), ".json") && name != clean) {
			continue
		}
		data, err := exec.Command("git", "show", rev+":./"+name).Output()
		if err != nil {
			return "", fmt.Errorf("%w: git show %s:%s: %w%s", errBaseline, rev, name, err, stderrOf(err))
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, clean), nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(bytes.TrimSpace(ee.Stderr)) > 0 {
		return ": " + string(bytes.TrimSpace(ee.Stderr))
	}
	return ""
}

// emptyPolicy allows nothing: the baseline of a file the old version lacked.
const emptyPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}`

// compareBaseline compares a checked target with its baseline file.
func compareBaseline(ctx context.Context, t *properties.Target, b *baselineSet, cfg checkConfig) (*properties.AccessDiff, error) {
	oldFile, ok := b.old[t.Path]
	if !ok {
		return nil, nil
	}
	name := b.arg
	var pol *model.Policy
	if oldFile == "" {
		name += " (no such policy: the file is new)"
		p, err := model.Parse([]byte(emptyPolicy), model.IdentityPolicy)
		if err != nil {
			return nil, err
		}
		pol = p
	} else {
		pf, err := properties.LoadPolicyFile(oldFile, model.IdentityPolicy)
		if err != nil {
			return nil, err
		}
		pol = pf.Policy
		if strings.HasPrefix(b.arg, "git:") {
			rev, _, _ := strings.Cut(strings.TrimPrefix(b.arg, "git:"), ":")
			name = "git:" + rev + ":" + t.Path
		} else {
			name = oldFile
		}
	}
	old := properties.NewTargetIn(name, pol, properties.GeneralSpec(), t.Around)
	return properties.CompareAccess(ctx, t, old, name, cfg.checks, cfg.seed), nil
}

// mergeDiff adds a comparison's findings to a report, errors first.
func mergeDiff(rep *properties.Report, d *properties.AccessDiff) {
	rep.Findings = append(rep.Findings, d.Findings...)
	sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Severity < rep.Findings[j].Severity })
	if rep.Failed() {
		rep.Verdict = properties.VerdictFail
	}
}
