package main

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/internal/hugeheap"
	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/source"
)

func init() {
	commands["check"] = command{
		summary: "check policies against their specs' invariants (mfa-gate, owner-only, liveness)",
		run:     runCheck,
	}
}

// checkResult is the outcome for one policy file: a report, or why the file
// could not be checked.
type checkResult struct {
	path   string
	target *properties.Target
	report *properties.Report
	// access is the comparison with the baseline (--baseline), or nil.
	access *properties.AccessDiff
	err    error
	// skipped says why a valid policy has nothing to check (a role trust policy,
	// a bucket policy); src is the policy as found in its file (see inputs.go).
	src     *source.Policy
	skipped string
}

type checkConfig struct {
	engine   string
	checks   int
	limit    time.Duration
	seed     uint64
	spec     string
	format   string
	parallel int
	args     []string
	bundle   bundleFlags
	around   *properties.Surroundings
	baseline string
	base     *baselineSet
	exclude  stringList
	// ignoreOthers leaves out named files that hold no policy (see inputs.go).
	ignoreOthers bool
	// strict makes an unknown verdict fail the run: a CI gate that promises
	// "never" cannot accept a policy it could not prove.
	strict bool
	// params are CloudFormation parameter values (--parameter NAME=VALUE).
	params paramFlags
	// sampled is set after the run (seedUsed): random requests were drawn, so
	// --seed and --checks decided which. A proof run draws them only after an
	// unknown proof or baseline comparison; otherwise its seed means nothing
	// and the reports leave it out.
	sampled bool
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg checkConfig
	fs.StringVar(&cfg.engine, "engine", properties.EngineProof, "proof: decide one request of every class of requests, so that no finding means proved; sample: random requests, which can find a violation but never prove")
	fs.IntVar(&cfg.checks, "checks", properties.DefaultChecks, "random requests per policy with --engine sample (after the requests its liveness rules name), and after a proof that ends unknown")
	fs.DurationVar(&cfg.limit, "time", 0, "time limit per policy, e.g. 30s (0: none); with a limit, only --checks makes a run reproducible")
	fs.Uint64Var(&cfg.seed, "seed", 0, "seed of the random requests: --engine sample's, and those drawn after a proof that ends unknown (0: pick one; reports print it only when random requests were drawn)")
	fs.StringVar(&cfg.spec, "spec", "", "spec file for every policy (default: each policy's own spec, see corpus/specs/README.md, else the built-in default)")
	fs.StringVar(&cfg.format, "format", "text", "output format: text, json, sarif or junit")
	fs.Var(&cfg.exclude, "exclude", "skip files and folders whose name or path below a folder argument matches this glob (repeatable)")
	fs.BoolVar(&cfg.ignoreOthers, "ignore-other-files", false, "leave out named files that hold no policy, template or plan (for pre-commit, which passes every changed file)")
	fs.BoolVar(&cfg.strict, "strict", false, "exit 1 when a policy's verdict is unknown (not proved within the budgets), not only when it fails")
	fs.IntVar(&cfg.parallel, "parallel", runtime.GOMAXPROCS(0), "policies checked at the same time")
	fs.Var(&cfg.params, "parameter", "a CloudFormation parameter's value, NAME=VALUE, as a deployment passes it: used instead of the parameter's default, in conditions too (repeatable)")
	cfg.bundle.register(fs)
	fs.StringVar(&cfg.baseline, "baseline", "", "the old version to compare with (a file, a folder, or git:REV:PATH): every request the new policies allow and the old did not is a no-new-access finding")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: iamfuzz check [--format text|json|sarif|junit] [--strict] [--spec FILE] [--baseline OLD] [--time D] [--parallel N]")
		fmt.Fprintln(stderr, "                     [--engine proof|sample] [--checks N] [--seed S] [--exclude GLOB]... [--ignore-other-files] [--parameter NAME=VALUE]...")
		fmt.Fprintln(stderr, "                     [--boundary FILE] [--scp FILE]... [--rcp FILE]... [--resource-policy FILE=ARN]... [--session-policy FILE]")
		fmt.Fprintln(stderr, "                     policy.json|template.yaml|plan.json|folder|- ...")
		fmt.Fprintln(stderr, "Inputs: policy JSON, CloudFormation templates (JSON or YAML, SAM, CDK's cdk.out/*.template.json), Terraform plans (terraform show -json), folders searched for them, - for standard input.")
		fmt.Fprintln(stderr, "Proves or refutes the invariants of each policy's spec (else a built-in default): decides one request of every class of requests with the reference evaluator (--engine sample: random requests, which never prove).")
		fmt.Fprintln(stderr, "A template's or plan's identity policy is checked with the other policies of the same user, group or role: the managed policies attached beside it (AWS's from corpus/managed, the file's own) and its policies written in the file (inline Policies, AWS::IAM::Policy, aws_iam_*_policy, inline_policy), and a user's with the policies of the groups the file puts it in (Groups, UserToGroupAddition, aws_iam_user_group_membership, aws_iam_group_membership); one whose document is not known, or a group the file does not define, makes the verdict unknown.")
		fmt.Fprintln(stderr, "It is checked within its user's or role's permissions boundary (PermissionsBoundary, permissions_boundary) unless --boundary is given, which replaces it; a boundary whose document is not known makes the verdict unknown.")
		fmt.Fprintln(stderr, "Exit status: 0 proved, unknown or skipped (warnings and notes do not fail), 1 a violation (or, with --strict, an unknown verdict), 2 bad usage or an input that cannot be checked (a malformed policy or spec, a template value unresolvable offline, a plan's policy known only after apply).")
		fs.PrintDefaults()
	}
	// Flags may follow the paths: iamfuzz check corpus/policies --format json.
	for {
		if err := fs.Parse(args); err != nil {
			return exitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		cfg.args = append(cfg.args, args[0])
		args = args[1:]
	}
	switch {
	case len(cfg.args) == 0:
		fs.Usage()
		return exitUsage
	case cfg.engine != properties.EngineProof && cfg.engine != properties.EngineSample:
		fmt.Fprintf(stderr, "iamfuzz check: --engine %q: want proof or sample\n", cfg.engine)
		return exitUsage
	case cfg.format != "text" && cfg.format != "json" && cfg.format != "sarif" && cfg.format != "junit":
		fmt.Fprintf(stderr, "iamfuzz check: --format %q: want text, json, sarif or junit\n", cfg.format)
		return exitUsage
	case cfg.checks < 0 || cfg.limit < 0 || cfg.parallel < 1:
		fmt.Fprintln(stderr, "iamfuzz check: --checks and --time must not be negative, --parallel at least 1")
		return exitUsage
	}
	if cfg.checks == 0 {
		cfg.checks = properties.DefaultChecks
	}
	// check grows a heap of tens of megabytes (its inputs, the catalogue, the
	// grouping, the classes) once and exits: on huge pages its first touches cost
	// a fraction (internal/hugeheap; the proof engine asks too, once per process,
	// but only when it loads the catalogue, after the inputs are read).
	hugeheap.Prepare(hugeheap.ProofHeap)
	restoreGC, _ := paceCollector(checkGCPercent, checkMemoryLimit)
	defer restoreGC()
	if cfg.seed == 0 {
		cfg.seed = newSeed()
	}
	rd := &source.Reader{Parameters: cfg.params}
	files, err := rd.Collect(cfg.args, cfg.exclude, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz check: %v\n", err)
		return exitUsage
	}
	if u := rd.Undeclared(); len(u) > 0 {
		// A misspelt name would otherwise leave the default (or the error it was
		// meant to fix) in place without a word.
		declared := "the inputs declare no parameters"
		if d := rd.Declared(); len(d) > 0 {
			declared = "the templates declare " + strings.Join(d, ", ")
		}
		fmt.Fprintf(stderr, "iamfuzz check: --parameter %s: no template among the inputs declares it (%s)\n", strings.Join(u, ", "), declared)
		return exitUsage
	}
	if cfg.ignoreOthers {
		if files = dropOtherFiles(files, stderr); len(files) == 0 {
			fmt.Fprintln(stdout, "iamfuzz check: none of the files holds a policy; nothing to check")
			return exitOK
		}
	}
	if cfg.spec != "" {
		if _, err := properties.LoadSpec(cfg.spec); err != nil {
			fmt.Fprintf(stderr, "iamfuzz check: %v\n", err)
			return exitUsage
		}
	}
	if cfg.around, err = cfg.bundle.load(); err != nil {
		fmt.Fprintf(stderr, "iamfuzz check: %v\n", err)
		return exitUsage
	}
	if cfg.baseline != "" {
		if len(cfg.args) != 1 {
			fmt.Fprintln(stderr, "iamfuzz check: --baseline compares one file or folder with its old version: give exactly one")
			return exitUsage
		}
		if cfg.base, err = resolveBaseline(cfg.baseline, cfg.args[0], policyFiles(files)); err != nil {
			fmt.Fprintf(stderr, "iamfuzz check: %v\n", err)
			return exitUsage
		}
		defer cfg.base.cleanup()
	}
	ctx, stop := interruptContext()
	defer stop()
	results := checkAll(ctx, files, cfg, stderr)
	cfg.sampled = seedUsed(results, cfg)

	var werr error
	switch cfg.format {
	case "json":
		werr = writeCheckJSON(stdout, results, cfg)
	case "sarif":
		werr = writeCheckSARIF(stdout, results, cfg)
	case "junit":
		werr = writeCheckJUnit(stdout, results, cfg)
	default:
		writeCheckText(stdout, results, cfg)
	}
	if werr != nil {
		fmt.Fprintf(stderr, "iamfuzz check: writing the report: %v\n", werr)
		return exitUsage
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "iamfuzz check: interrupted: the report is partial; policies without a verdict are listed as errors")
		return exitInterrupted
	}
	return checkExit(results, cfg.strict)
}

// checkExit: 2 if any input was bad (even if others failed: the run is not
// complete), else 1 if any policy broke an invariant (or, when strict, was not
// proved), else 0.
func checkExit(results []checkResult, strict bool) int {
	status := exitOK
	for _, r := range results {
		switch {
		case r.err != nil:
			return exitUsage
		case r.skipped != "":
		case r.report.Failed():
			status = exitFailures
		case strict && r.report.Verdict == properties.VerdictUnknown:
			status = exitFailures
		}
	}
	return status
}

// seedUsed reports whether the run drew random requests: a sample run always;
// a proof run when a proof was unknown and Check sampled after it (the report
// then has the seed) or a baseline comparison was not exact.
func seedUsed(results []checkResult, cfg checkConfig) bool {
	if cfg.engine != properties.EngineProof {
		return true
	}
	for _, r := range results {
		if (r.report != nil && r.report.Seed != 0) || (r.access != nil && !r.access.Proved) {
			return true
		}
	}
	return false
}

// newSeed picks a seed that a JSON reader keeps exactly (below 2^53).
func newSeed() uint64 {
	var b [8]byte
	if _, err := crand.Read(b[:]); err != nil {
		return uint64(time.Now().UnixNano())&(1<<53-1) | 1
	}
	return binary.LittleEndian.Uint64(b[:])&(1<<53-1) | 1
}

// checkAll loads and checks every policy, cfg.parallel at a time. Results keep
// the order of files, so the output does not depend on scheduling.
func checkAll(ctx context.Context, files []*source.Policy, cfg checkConfig, stderr io.Writer) []checkResult {
	results := make([]checkResult, len(files))
	// The proof engine's work per policy is not known in advance: progress
	// counts policies.
	prog := newProgress(stderr, len(files)*cfg.progressUnit())
	var mu sync.Mutex
	done := 0
	report := func(n int) {
		mu.Lock()
		done += n
		prog.update(done)
		mu.Unlock()
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.parallel, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = checkOne(ctx, files[i], cfg, report)
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	prog.finish()
	return results
}

func checkOne(ctx context.Context, p *source.Policy, cfg checkConfig, progress func(int)) checkResult {
	if ctx.Err() != nil {
		progress(cfg.progressUnit())
		return checkResult{path: p.Name, src: p, err: errInterrupted}
	}
	if r, done := checkOther(p); done {
		progress(cfg.progressUnit())
		return r
	}
	t, err := properties.TargetWith(p, cfg.spec, cfg.around)
	for _, skip := range []error{properties.ErrTrustPolicy, properties.ErrResourcePolicy} {
		if errors.Is(err, skip) {
			progress(cfg.progressUnit())
			return checkResult{path: p.Name, src: p, skipped: skip.Error()}
		}
	}
	if err != nil {
		progress(cfg.progressUnit())
		return checkResult{path: p.Name, src: p, err: err}
	}
	var rep *properties.Report
	if cfg.engine == properties.EngineProof {
		rep = t.Check(ctx, properties.Options{Time: cfg.limit, Checks: cfg.checks, Seed: cfg.seed})
		progress(1)
	} else {
		rep = t.Run(ctx, properties.Options{Checks: cfg.checks, Time: cfg.limit, Seed: cfg.seed, Progress: progress})
	}
	if ctx.Err() != nil {
		return checkResult{path: p.Name, src: p, target: t, err: errInterrupted}
	}
	res := checkResult{path: p.Name, src: p, target: t, report: rep}
	if cfg.base != nil {
		d, err := compareBaseline(ctx, t, cfg.base, cfg)
		if err != nil {
			return checkResult{path: p.Name, src: p, err: err}
		}
		if d != nil {
			mergeDiff(rep, d)
			res.access = d
		}
	}
	return res
}

// progressUnit is the progress one policy makes.
func (cfg checkConfig) progressUnit() int {
	if cfg.engine == properties.EngineProof {
		return 1
	}
	return cfg.checks
}

// reproduceLine is the command line that repeats the run.
func reproduceLine(cfg checkConfig) string {
	var b strings.Builder
	switch {
	case cfg.engine == properties.EngineProof && cfg.sampled:
		// The proof is deterministic; the random requests drawn after an unknown
		// one are not without their seed.
		fmt.Fprintf(&b, "iamfuzz check --seed %d", cfg.seed)
		if cfg.checks != properties.DefaultChecks {
			fmt.Fprintf(&b, " --checks %d", cfg.checks)
		}
	case cfg.engine == properties.EngineProof:
		b.WriteString("iamfuzz check")
	default:
		fmt.Fprintf(&b, "iamfuzz check --engine sample --seed %d --checks %d", cfg.seed, cfg.checks)
	}
	if cfg.spec != "" {
		b.WriteString(" --spec " + shellWord(cfg.spec))
	}
	b.WriteString(cfg.bundle.args())
	if cfg.baseline != "" {
		b.WriteString(" --baseline " + shellWord(cfg.baseline))
	}
	b.WriteString(cfg.params.args())
	for _, a := range cfg.args {
		b.WriteString(" " + shellWord(a))
	}
	return b.String()
}

func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// policiesCount counts the policies checked: "5 policy files" when each is a
// file of its own, else "6 policies in 2 files" (a template or plan holds
// several; "6 policy files" for two files read as a miscount).
func policiesCount(results []checkResult) string {
	files := map[string]bool{}
	for _, r := range results {
		f := r.path
		if r.src != nil {
			f = r.src.File
		}
		files[f] = true
	}
	if len(files) == len(results) {
		return plural(len(results), "policy file")
	}
	n := fmt.Sprintf("%d policies", len(results))
	if len(results) == 1 {
		n = "1 policy"
	}
	return fmt.Sprintf("%s in %s", n, plural(len(files), "file"))
}

// writeCheckText writes the human-readable report.
func writeCheckText(w io.Writer, results []checkResult, cfg checkConfig) {
	if cfg.engine == properties.EngineProof {
		fmt.Fprintf(w, "iamfuzz check: proof engine (one request of every class of requests)")
	} else {
		fmt.Fprintf(w, "iamfuzz check: sample engine, seed %d, %d random requests per policy (sampling never proves)", cfg.seed, cfg.checks)
	}
	if cfg.limit > 0 {
		fmt.Fprintf(w, " (at most %s each)", cfg.limit)
	}
	fmt.Fprintf(w, ", %s\n", policiesCount(results))
	fmt.Fprintf(w, "reproduce: %s\n", reproduceLine(cfg))
	var proved, fail, unknown, bad, skip, nErr, nWarn, nNote int
	for _, r := range results {
		fmt.Fprintln(w)
		if r.skipped != "" {
			skip++
			writeSkippedText(w, r)
			continue
		}
		if r.err != nil {
			bad++
			fmt.Fprintf(w, "ERROR %s: cannot be checked\n", r.path)
			for _, line := range strings.Split(r.err.Error(), "\n") {
				fmt.Fprintf(w, "  %s\n", line)
			}
			continue
		}
		rep := r.report
		errs, warns, notes := rep.BySeverity(properties.SeverityError), rep.BySeverity(properties.SeverityWarning), rep.BySeverity(properties.SeverityNote)
		nErr, nWarn, nNote = nErr+len(errs), nWarn+len(warns), nNote+len(notes)
		switch rep.Verdict {
		case properties.VerdictFail:
			fail++
		case properties.VerdictProved:
			proved++
		default:
			unknown++
		}
		fmt.Fprintf(w, "%s %s\n", strings.ToUpper(rep.Verdict), r.path)
		fmt.Fprintf(w, "  spec: %s; checks %s\n", r.target.Spec.Name(), strings.Join(r.target.Spec.Invariants(), ", "))
		if r.target.SpecWhy != "" {
			fmt.Fprintf(w, "  default chosen because %s\n", r.target.SpecWhy)
		}
		fmt.Fprint(w, describeAround(r.target))
		if r.access != nil {
			fmt.Fprintf(w, "  %s\n", r.access.Summary())
		}
		if c := rep.Coverage; c != nil {
			fmt.Fprintf(w, "  %s\n", coverageLine(rep))
			for _, u := range c.Unknown {
				fmt.Fprintf(w, "  not covered exactly: %s\n", u)
			}
		}
		writeSourceNotes(w, r.src)
		for _, pw := range r.target.Warnings() {
			fmt.Fprintf(w, "  policy warning: %s\n", pw)
		}
		fmt.Fprintf(w, "  %d requests decided, %d judged, in %s", rep.Checks, rep.Judged, rep.Elapsed.Round(time.Millisecond))
		if rep.TimedOut {
			fmt.Fprintf(w, " (time limit reached)")
		}
		var counts []string
		for _, c := range []struct {
			n    int
			word string
		}{{len(errs), "violation"}, {len(warns), "warning"}, {len(notes), "note"}} {
			if c.n > 0 {
				counts = append(counts, plural(c.n, c.word))
			}
		}
		if len(counts) > 0 {
			fmt.Fprintf(w, "; %s", strings.Join(counts, ", "))
		}
		fmt.Fprintln(w)
		for _, f := range rep.Findings {
			writeFindingText(w, r.target, f)
		}
	}
	fmt.Fprintf(w, "\n%s: %d proved, %d fail, %d unknown", policiesCount(results), proved, fail, unknown)
	if skip > 0 {
		fmt.Fprintf(w, ", %d skipped", skip)
	}
	if bad > 0 {
		fmt.Fprintf(w, ", %d cannot be checked", bad)
	}
	fmt.Fprintf(w, "; %s, %s, %s\n", plural(nErr, "violation"), plural(nWarn, "warning"), plural(nNote, "note"))
}

var severityLabel = map[properties.Severity]string{
	properties.SeverityError:   "violation",
	properties.SeverityWarning: "warning (documented limitation)",
	properties.SeverityNote:    "note",
}

func writeFindingText(w io.Writer, t *properties.Target, f *properties.Violation) {
	fmt.Fprintf(w, "\n  %s [%s] %s\n", severityLabel[f.Severity], f.Invariant, f.Rule)
	fmt.Fprintf(w, "    %s\n", f.Reason)
	fmt.Fprintf(w, "    request:   %s\n", properties.RequestJSON(f))
	fmt.Fprintf(w, "    decision:  %s\n", f.Decision)
	switch s := f.Statement; {
	case s != nil && s.Decided && s.Policy != "":
		fmt.Fprintf(w, "    statement: %s at %s\n", s.Label(true, " of the "+s.Policy+" policy"), s.Location(t.Path))
	case s != nil && s.Decided:
		fmt.Fprintf(w, "    statement: %s %s\n", s.Label(true, ""), at(s, t.Path))
	case s != nil:
		fmt.Fprintf(w, "    statement: none allows it; nearest is %s %s: %s\n", s.Label(false, ""), at(s, t.Path), s.Why)
	default:
		fmt.Fprintf(w, "    statement: none; no statement of the policy even names %s\n", f.Request.Action)
	}
	if len(f.Also) > 0 {
		more := ""
		if f.AlsoMore > 0 {
			more = fmt.Sprintf(", and %d more", f.AlsoMore)
		}
		fmt.Fprintf(w, "    also for:  %s%s\n", strings.Join(f.Also, ", "), more)
	}
	fmt.Fprintf(w, "    replay:    %s\n", t.ReplayCommand(f))
}

// The JSON report. Field names are stable: CI scripts read them. Seed and
// Checks are given when random requests were drawn (always with --engine
// sample; in a proof run only after an unknown proof or baseline comparison):
// a proof decides no random request, and a seed there would mean nothing.
type checkJSON struct {
	Engine    string       `json:"engine"`
	Seed      uint64       `json:"seed,omitzero"`
	Checks    int          `json:"checks,omitzero"`
	TimeLimit string       `json:"timeLimit,omitempty"`
	Reproduce string       `json:"reproduce"`
	Policies  []policyJSON `json:"policies"`
}

type policyJSON struct {
	Path    string `json:"path"`
	Verdict string `json:"verdict"` // proved, fail, unknown, error or skipped
	Engine  string `json:"engine,omitempty"`
	// Coverage says what the proof engine covered.
	Coverage    *coverageJSON `json:"coverage,omitempty"`
	Error       string        `json:"error,omitempty"`
	Skipped     string        `json:"skipped,omitempty"` // why a valid file has nothing to check
	Spec        string        `json:"spec,omitempty"`    // the spec file; absent with the built-in default
	DefaultSpec bool          `json:"defaultSpec,omitzero"`
	// DefaultKind is "self-manage" or "general" with a built-in default, and
	// DefaultWhy says why it was chosen.
	DefaultKind string        `json:"defaultKind,omitempty"`
	DefaultWhy  string        `json:"defaultWhy,omitempty"`
	Around      []string      `json:"around,omitempty"` // the policies around it: "boundary FILE" …
	Baseline    *baselineJSON `json:"baseline,omitempty"`
	Invariants  []string      `json:"invariants,omitempty"`
	Requests    int           `json:"requests,omitzero"`
	Judged      int           `json:"judged,omitzero"`
	Millis      int64         `json:"elapsedMs,omitzero"`
	TimedOut    bool          `json:"timedOut,omitzero"`
	// Source is the file the policy came from when it was extracted from a
	// CloudFormation template or a Terraform plan; Notes name the placeholders.
	Source *sourceJSON `json:"source,omitempty"`
	// PolicyWarnings are the model's warnings about the policy itself (an action
	// that does not exist, …); they never change the verdict.
	PolicyWarnings []properties.PolicyWarning `json:"policyWarnings,omitempty"`
	Violations     []findingJSON              `json:"violations"`
	Warnings       []findingJSON              `json:"warnings"`
	Notes          []findingJSON              `json:"notes"`
}

// baselineJSON says how the no-new-access comparison was made.
type baselineJSON struct {
	Path string `json:"path"`
	// Proved is false for a sampled comparison: no finding is then evidence,
	// not proof, of no new access.
	Proved    bool   `json:"proved"`
	Method    string `json:"method"`
	Decided   int    `json:"decided"`
	NewAccess int    `json:"newAccess"`
}

// coverageJSON is the proof engine's coverage: classes per dimension and in
// total, and what was not covered exactly (empty when proved or failed on
// complete coverage).
type coverageJSON struct {
	Classes       int            `json:"classes"`
	Actions       int            `json:"actions"`
	ActionGroups  int            `json:"actionGroups"`
	Principals    int            `json:"principals"`
	Resources     int            `json:"resourceClasses"`
	Contexts      int            `json:"contextClasses"`
	ContextKeys   map[string]int `json:"contextKeys"`
	Complete      bool           `json:"complete"`
	NotExact      []string       `json:"notExact"`
	SampledChecks int            `json:"sampledRequests,omitzero"`
	// Decided and OutOfScope split Classes when the policy can be held only by
	// some callers (Scope): the classes of the others are not decided.
	Decided    int    `json:"decidedClasses"`
	OutOfScope int    `json:"outOfScopeClasses"`
	Scope      string `json:"scope,omitempty"`
}

func coverageOf(rep *properties.Report) *coverageJSON {
	c := rep.Coverage
	if c == nil {
		return &coverageJSON{SampledChecks: rep.Checks, NotExact: []string{"random sampling covers no class completely"}, ContextKeys: map[string]int{}}
	}
	return &coverageJSON{Classes: c.Classes, Actions: c.Actions, ActionGroups: c.Groups, Principals: c.Principals,
		Resources: c.Resources, Contexts: c.Contexts, ContextKeys: c.Keys, Complete: c.Exact(), NotExact: append([]string{}, c.Unknown...),
		Decided: c.Classes - rep.OutOfScope, OutOfScope: rep.OutOfScope, Scope: rep.Scope}
}

// coverageLine says what a proof run covered, in one line.
func coverageLine(rep *properties.Report) string {
	c := rep.Coverage
	what := "covered"
	switch rep.Verdict {
	case properties.VerdictProved:
		what = "proved over"
	case properties.VerdictUnknown:
		what = "not proved; decided"
	}
	keys := make([]string, 0, len(c.Keys))
	for k, n := range c.Keys {
		keys = append(keys, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(keys)
	classes := fmt.Sprintf("%d classes", c.Classes)
	if rep.Scope != "" {
		classes = fmt.Sprintf("%d classes (%d decided, %d out of scope)", c.Classes, c.Classes-rep.OutOfScope, rep.OutOfScope)
	}
	line := fmt.Sprintf("%s %s: %d catalogue actions in %d groups × %d principals × %d resource classes × %d context classes",
		what, classes, c.Actions, c.Groups, c.Principals, c.Resources, c.Contexts)
	if len(keys) > 0 {
		line += " (" + strings.Join(keys, ", ") + ")"
	}
	if rep.Scope != "" {
		// The classes of other accounts' callers are in the partition but cannot
		// hold the policy: without this line "proved over N classes" beside "M
		// requests decided" reads as if some had been skipped in silence.
		n := fmt.Sprintf("%d classes", rep.OutOfScope)
		if rep.OutOfScope == 1 {
			n = "1 class"
		}
		line += fmt.Sprintf("\n  out of scope: %s of %s", n, rep.Scope)
	}
	return line
}

type findingJSON struct {
	Invariant string                   `json:"invariant"`
	Severity  string                   `json:"severity"`
	Rule      string                   `json:"rule"`
	Request   jsontext.Value           `json:"request"`
	Decision  string                   `json:"decision"`
	Statement *properties.StatementRef `json:"statement"`
	Reason    string                   `json:"reason"`
	Also      []string                 `json:"also,omitempty"`
	AlsoMore  int                      `json:"alsoMore,omitzero"`
	Case      jsontext.Value           `json:"case"`
	Replay    string                   `json:"replay"`
}

func findingsJSON(t *properties.Target, fs []*properties.Violation) []findingJSON {
	out := []findingJSON{}
	for i, f := range fs {
		out = append(out, findingJSON{
			Invariant: f.Invariant, Severity: f.Severity.String(), Rule: f.Rule,
			Request: properties.RequestJSON(f), Decision: f.Decision.String(), Statement: f.Statement,
			Reason: f.Reason, Also: f.Also, AlsoMore: f.AlsoMore,
			Case:   t.ReplayCase(f, fmt.Sprintf("%s-%s-%d", f.Invariant, f.Severity, i+1)),
			Replay: t.ReplayCommand(f),
		})
	}
	return out
}

func writeCheckJSON(w io.Writer, results []checkResult, cfg checkConfig) error {
	out := checkJSON{Engine: cfg.engine, Reproduce: reproduceLine(cfg), Policies: []policyJSON{}}
	if cfg.sampled {
		out.Seed, out.Checks = cfg.seed, cfg.checks
	}
	if cfg.limit > 0 {
		out.TimeLimit = cfg.limit.String()
	}
	for _, r := range results {
		p := policyJSON{Path: r.path, Source: sourceOf(r.src)}
		if r.err != nil {
			p.Verdict, p.Error = "error", r.err.Error()
			out.Policies = append(out.Policies, p)
			continue
		}
		if r.skipped != "" {
			p.Verdict, p.Skipped = "skipped", r.skipped
			out.Policies = append(out.Policies, p)
			continue
		}
		rep := r.report
		p.Verdict, p.Engine, p.Coverage = rep.Verdict, rep.Engine, coverageOf(rep)
		p.Spec, p.DefaultSpec = r.target.Spec.File, r.target.Spec.Default
		p.DefaultKind, p.DefaultWhy, p.Around = r.target.Spec.DefaultKind, r.target.SpecWhy, r.target.Around.Files()
		if d := r.access; d != nil {
			p.Baseline = &baselineJSON{Path: d.OldPath, Proved: d.Proved, Method: d.Method, Decided: d.Decided, NewAccess: len(d.Findings)}
		}
		p.Invariants, p.PolicyWarnings = r.target.Spec.Invariants(), r.target.Warnings()
		p.Requests, p.Judged, p.Millis, p.TimedOut = rep.Checks, rep.Judged, rep.Elapsed.Milliseconds(), rep.TimedOut
		p.Violations = findingsJSON(r.target, rep.BySeverity(properties.SeverityError))
		p.Warnings = findingsJSON(r.target, rep.BySeverity(properties.SeverityWarning))
		p.Notes = findingsJSON(r.target, rep.BySeverity(properties.SeverityNote))
		out.Policies = append(out.Policies, p)
	}
	b, err := json.Marshal(out, json.Deterministic(true), jsontext.WithIndent("  "))
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
