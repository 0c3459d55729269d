package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/source"
)

// checkOther handles the policies that check validates but does not run the
// invariants on: trust and resource policies (the invariants speak about what an
// IAM user may do with an identity policy). done is false for identity policies
// and for policies source could not extract (TargetFor reports those).
func checkOther(p *source.Policy) (checkResult, bool) {
	if p.Err != nil || p.Kind == source.Identity {
		return checkResult{}, false
	}
	r := checkResult{path: p.Name, src: p}
	if _, err := model.Parse(p.Doc, p.ModelType()); err != nil {
		r.err = &properties.PolicyFileError{File: p.Name, Err: err, Source: p}
		return r, true
	}
	r.skipped = fmt.Sprintf("a %s policy: validated; the invariants concern what identity policies allow (eval decides it in cases)", p.Kind)
	return r, true
}

func writeSkippedText(w io.Writer, r checkResult) {
	fmt.Fprintf(w, "SKIP %s: %s\n", r.path, r.skipped)
	writeSourceNotes(w, r.src)
}

// writeSourceNotes lists the placeholders a template's policy was checked with.
func writeSourceNotes(w io.Writer, p *source.Policy) {
	if p == nil {
		return
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "  source note: %s\n", n)
	}
}

// at places a statement for the text report: "at file:line:col", or "in
// plan.json#address" for a plan's policy, which has no line of its own.
func at(s *properties.StatementRef, path string) string {
	if s.Line == 0 {
		return "in " + s.Location(path)
	}
	return "at " + s.Location(path)
}

// sourceJSON describes where an extracted policy came from.
type sourceJSON struct {
	File   string   `json:"file"`
	Format string   `json:"format"` // cloudformation or terraform-plan
	ID     string   `json:"id"`     // logical id or plan address
	Kind   string   `json:"kind"`   // identity, trust, resource or boundary
	Line   int      `json:"line,omitzero"`
	Column int      `json:"column,omitzero"`
	Notes  []string `json:"notes,omitempty"`
}

func sourceOf(p *source.Policy) *sourceJSON {
	if p == nil || p.Format == source.PolicyJSON {
		return nil
	}
	f := "cloudformation"
	if p.Format == source.TerraformPlan {
		f = "terraform-plan"
	}
	return &sourceJSON{File: p.File, Format: f, ID: p.ID, Kind: p.Kind.String(), Line: p.Pos.Line, Column: p.Pos.Column, Notes: p.Notes}
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// paramFlags are CloudFormation parameter values, --parameter NAME=VALUE
// (repeatable); VALUE may contain "=" and may be empty, as a deployment's may.
type paramFlags map[string]string

func (p *paramFlags) String() string { return strings.TrimSpace(p.args()) }

func (p *paramFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("want NAME=VALUE (a template parameter's logical name and its value), got %q", v)
	}
	if old, dup := (*p)[name]; dup && old != value {
		return fmt.Errorf("parameter %s given twice, %q and %q", name, old, value)
	}
	if *p == nil {
		*p = paramFlags{}
	}
	(*p)[name] = value
	return nil
}

// args is the flags again, in name order, for the reproduce line.
func (p paramFlags) args() string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(" --parameter " + shellWord(n+"="+p[n]))
	}
	return b.String()
}

// policyFiles are the files among the inputs (policy files, templates, plans):
// --baseline compares files with their old versions by path, and a template's
// or plan's policies by logical id or address.
func policyFiles(pols []*source.Policy) []string {
	var out []string
	for _, p := range pols {
		// A template's or plan's policies follow each other: one file, once.
		if p.File != "-" && (len(out) == 0 || out[len(out)-1] != p.File) {
			out = append(out, p.File)
		}
	}
	return out
}

// dropOtherFiles leaves out the inputs that are not policies, templates or plans
// at all (pre-commit passes every changed JSON and YAML file), saying so on
// stderr. A file that looks like one of them but is malformed stays: its error is
// a finding, not noise.
func dropOtherFiles(pols []*source.Policy, stderr io.Writer) []*source.Policy {
	var out []*source.Policy
	for _, p := range pols {
		if p.Err != nil && p.ID == "" && (errors.Is(p.Err, source.ErrUnknownFormat) || errors.Is(p.Err, source.ErrNoPolicies) ||
			errors.Is(p.Err, source.ErrSyntax) && !source.LooksLikeInput(p.File)) {
			fmt.Fprintf(stderr, "iamfuzz check: %s holds no policy, template or plan: left out\n", p.File)
			continue
		}
		out = append(out, p)
	}
	return out
}
