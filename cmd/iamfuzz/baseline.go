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
	"github.com/iamfuzz/iamfuzz/source"
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
		if name == "" || (!source.Candidate(filepath.Base(name)) && name != clean) {
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

// compareBaseline compares a checked target with its baseline: the old version
// of its file, and in a template or plan the old file's policy of the same
// logical id or address.
func compareBaseline(ctx context.Context, t *properties.Target, b *baselineSet, cfg checkConfig) (*properties.AccessDiff, error) {
	file, id := t.Path, ""
	if t.Source != nil {
		file, id = t.Source.File, t.Source.ID
	}
	oldFile, ok := b.old[file]
	if !ok {
		// Every input file was paired (resolveBaseline): a policy without a
		// baseline would go uncompared, which check must never do silently.
		return nil, fmt.Errorf("%w: %s was not paired with a file of %s", errBaseline, file, b.arg)
	}
	name := b.arg
	var pol *model.Policy
	var err error
	switch {
	case oldFile == "":
		name += " (no such policy: the file is new)"
	case id == "":
		pf, err := properties.LoadPolicyFile(oldFile, model.IdentityPolicy)
		if err != nil {
			return nil, err
		}
		pol, name = pf.Policy, oldFile
	default:
		if pol, err = policyOfSource(oldFile, id, cfg.params); err != nil {
			return nil, err
		}
		name = oldFile + "#" + id
		if pol == nil {
			name += " (no such policy: " + id + " is new)"
		}
	}
	if pol == nil {
		if pol, err = model.Parse([]byte(emptyPolicy), model.IdentityPolicy); err != nil {
			return nil, err
		}
	} else if strings.HasPrefix(b.arg, "git:") {
		rev, _, _ := strings.Cut(strings.TrimPrefix(b.arg, "git:"), ":")
		name = "git:" + rev + ":" + t.Path
	}
	old := properties.NewTargetIn(name, pol, properties.GeneralSpec(), t.Around)
	return properties.CompareAccess(ctx, t, old, name, cfg.checks, cfg.seed), nil
}

// policyOfSource is the identity policy of logical id or address id in a
// template or plan file, nil when the file holds none of that name.
func policyOfSource(file, id string, params map[string]string) (*model.Policy, error) {
	// A Reader of its own: comparisons run in parallel, and a Reader records
	// what it read.
	pols, err := (&source.Reader{Parameters: params}).ReadFile(file, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBaseline, err)
	}
	for _, p := range pols {
		if p.ID != id {
			continue
		}
		if p.Err != nil {
			return nil, &properties.PolicyFileError{File: p.Name, Err: p.Err, Source: p}
		}
		pol, err := model.Parse(p.Doc, model.IdentityPolicy)
		if err != nil {
			return nil, &properties.PolicyFileError{File: p.Name, Err: err, Source: p}
		}
		return pol, nil
	}
	return nil, nil
}

// mergeDiff adds a comparison's findings to a report, errors first.
func mergeDiff(rep *properties.Report, d *properties.AccessDiff) {
	rep.Findings = append(rep.Findings, d.Findings...)
	sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Severity < rep.Findings[j].Severity })
	if rep.Failed() {
		rep.Verdict = properties.VerdictFail
	}
}
