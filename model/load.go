package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadCaseFile reads every case of a JSON-lines file. It is the one loader behind
// the corpus tests, the fuzz seeds, eval and the differential runs. Blank lines and
// lines starting with // are skipped. A malformed line is an error naming the file
// and line: corpus files must be clean.
func LoadCaseFile(path string) ([]*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCases(f, path)
}

// ReadCases reads cases from r; name is used in errors and to resolve $ref.
func ReadCases(r io.Reader, name string) ([]*Case, error) {
	lr := NewLineReader(r)
	dir := filepath.Dir(name)
	var out []*Case
	for {
		line, err := lr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lr.Line(), err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		c, err := ParseCase(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lr.Line(), err)
		}
		c.Dir, c.Line, c.File = dir, lr.Line(), name
		out = append(out, c)
	}
}

// LoadCaseDir reads every *.jsonl file of a directory, in name order.
func LoadCaseDir(dir string) ([]*Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no *.jsonl case files", dir)
	}
	sort.Strings(files)
	var out []*Case
	var errs []error
	for _, f := range files {
		cs, err := LoadCaseFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, cs...)
	}
	return out, errors.Join(errs...)
}

// Outcome is a decided case checked against its expectation.
type Outcome struct {
	Result   *Result // nil when the case could not be decided
	Err      error   // why the case could not be decided
	Mismatch string  // how the answer differs from the expectation; "" if it holds
}

// Check decides a case and compares the answer with its expectation.
func (c *Case) Check(pc *PolicyCache, e *Evaluator) Outcome {
	res, err := c.Decide(pc, e)
	return Outcome{res, err, c.Mismatch(res, err)}
}

// Mismatch describes how a decision (or an error) differs from the case's
// expectation; "" when it holds or the case expects nothing.
func (c *Case) Mismatch(res *Result, err error) string {
	if c.Expect == "" {
		return ""
	}
	if c.Expect == "error" {
		switch {
		case err == nil:
			return fmt.Sprintf("expected error %s, got %s", c.ExpectError, res.Decision)
		case c.ExpectError != "" && KindOf(err) != c.ExpectError:
			return fmt.Sprintf("expected error %s, got %s: %v", c.ExpectError, KindOf(err), err)
		}
		return ""
	}
	want, ok := ParseDecision(c.Expect)
	switch {
	case !ok:
		return fmt.Sprintf("expect %q is not allowed, explicitDeny, implicitDeny or error", c.Expect)
	case err != nil:
		return fmt.Sprintf("expected %s, got error: %v", c.Expect, err)
	case res.Decision != want:
		return fmt.Sprintf("expected %s, got %s (%s)", want, res.Decision, res.Reason)
	}
	if c.Undef != "" {
		u, ok := UndefByName(c.Undef)
		if !ok {
			return fmt.Sprintf("undef %q is not a known UNDEF reason", c.Undef)
		}
		if res.Undef&u == 0 {
			return fmt.Sprintf("expected the result to be marked UNDEF %s; it carries [%s]", c.Undef, strings.Join(res.Undef.Names(), ", "))
		}
	}
	if c.Note != "" {
		n, ok := NoteByName(c.Note)
		if !ok {
			return fmt.Sprintf("note %q is not a known note", c.Note)
		}
		if res.Notes&n == 0 {
			return fmt.Sprintf("expected the result to carry the note %s; it carries [%s]", c.Note, strings.Join(res.Notes.Names(), ", "))
		}
	}
	return ""
}

// Decide decides the case with its own policies and request.
func (c *Case) Decide(pc *PolicyCache, e *Evaluator) (*Result, error) {
	b, err := c.Bundle(pc)
	if err != nil {
		return nil, err
	}
	r, err := c.BuildRequest()
	if err != nil {
		return nil, err
	}
	res := &Result{}
	e.Decide(b, r, res)
	return res, nil
}
