package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

func init() {
	commands["diff"] = command{
		summary: "differential run: ask two oracles the same cases and report every difference",
		run:     runDiff,
	}
}

// diffReport is the JSON report of a differential run.
type diffReport struct {
	A         string             `json:"a"`
	B         string             `json:"b"`
	Seed      uint64             `json:"seed,omitempty"`
	Source    string             `json:"source"`
	Summary   oracle.Summary     `json:"summary"`
	Findings  []diffFinding      `json:"findings"`
	Seconds   map[string]float64 `json:"seconds,omitempty"`
	Agreement float64            `json:"agreementRate"`
}

type diffFinding struct {
	Verdict oracle.Verdict `json:"verdict"`
	Class   string         `json:"class,omitempty"`
	Case    *model.Case    `json:"case"`
	A       oracle.Result  `json:"a"`
	B       oracle.Result  `json:"b"`
}

func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	a := fs.String("a", "model", "first oracle ("+strings.Join(oracleNames(), ", ")+")")
	b := fs.String("b", "", "second oracle")
	casesFile := fs.String("cases", "", "read cases from this JSON-lines file (\"-\": stdin) instead of generating them")
	n := fs.Int("n", 1000, "number of generated cases")
	seed := fs.Uint64("seed", 0, "seed of the generated cases (0: pick one and print it)")
	report := fs.String("report", "", "write the JSON report to this file")
	batch := fs.Int("batch", 256, "cases per oracle call")
	maxShow := fs.Int("show", 10, "differences to print in full")
	var opts oracleOptions
	fs.IntVar(&opts.budget, "budget", 0, "maximum number of API calls (AWS); 0 means no limit")
	fs.BoolVar(&opts.dryRun, "dry-run", false, "print the calls a live AWS run would make, and how many, without making them")
	fs.StringVar(&opts.record, "record", "", "record every AWS answer into this directory (e.g. corpus/recorded)")
	fs.StringVar(&opts.replay, "replay", "corpus/recorded", "directory of recorded answers for the replay oracle")
	fs.StringVar(&opts.directory, "directory", "", "principal directory file for aws-principal (default: $IAMFUZZ_DIRECTORY)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: iamfuzz diff --a model --b ORACLE [--n N --seed S | --cases FILE] [--report out.json]")
		fmt.Fprintln(stderr, "Asks both oracles every case; exits 1 on an unexplained difference.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *b == "" {
		fs.Usage()
		return exitUsage
	}
	var cases []*model.Case
	source := ""
	if *casesFile != "" {
		var err error
		if *casesFile == "-" {
			cases, err = model.ReadCases(stdin, "<stdin>")
		} else {
			cases, err = model.LoadCaseFile(*casesFile)
		}
		if err != nil {
			fmt.Fprintf(stderr, "iamfuzz diff: %v\n", err)
			return exitUsage
		}
		source = *casesFile
	} else {
		if *seed == 0 {
			*seed = uint64(time.Now().UnixNano())
		}
		fmt.Fprintf(stderr, "diff: %d generated cases, seed %d (rerun with --seed %d)\n", *n, *seed, *seed)
		cases = gencase.Generate(*seed, *n)
		source = "generated"
	}
	if opts.dryRun {
		return runDryRun(*a, *b, opts, cases, *batch, stdout, stderr)
	}
	oa, err := buildOracle(*a, opts)
	if err != nil {
		return oracleFail(stderr, *a, err)
	}
	defer oa.Close()
	ob, err := buildOracle(*b, opts)
	if err != nil {
		return oracleFail(stderr, *b, err)
	}
	defer ob.Close()
	for _, o := range []oracle.Oracle{oa, ob} {
		if w, ok := o.(interface{ Warnings() []string }); ok {
			for _, msg := range w.Warnings() {
				fmt.Fprintf(stderr, "iamfuzz diff: oracle %s: warning: %s\n", o.Name(), msg)
			}
		}
	}

	ctx, stop := interruptContext()
	defer stop()
	known := append(append([]oracle.KnownDifference{}, oracleFactories[*a].known...), oracleFactories[*b].known...)
	rep := diffReport{A: *a, B: *b, Source: source, Seed: *seed, Findings: []diffFinding{}}
	timed := &timedPair{a: oa, b: ob}
	shown, done, unanswered := 0, 0, 0
	progress := newProgress(stderr, len(cases))
	sum, err := oracle.Diff(ctx, timed.wrapA(), timed.wrapB(), cases, *batch, known, func(c oracle.Comparison) {
		done++
		progress.update(done)
		if c.Verdict == oracle.Known && (c.A.Err != "" || c.B.Err != "") {
			unanswered++
		}
		if c.Verdict == oracle.Agree || strings.HasPrefix(string(c.Verdict), "skip") {
			return
		}
		rep.Findings = append(rep.Findings, diffFinding{Verdict: c.Verdict, Class: c.Class, Case: c.Case, A: c.A, B: c.B})
		if c.Verdict != oracle.Known && shown < *maxShow {
			shown++
			printDifference(stdout, c)
		}
	})
	progress.finish()
	rep.Summary = sum
	rep.Seconds = map[string]float64{*a: timed.ta.Seconds(), *b: timed.tb.Seconds()}
	compared := sum.Cases - sum.Verdicts[oracle.SkipError] - sum.Verdicts[oracle.SkipUndef] - sum.Verdicts[oracle.SkipDropped]
	if compared > 0 {
		rep.Agreement = float64(sum.Verdicts[oracle.Agree]) / float64(compared)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "iamfuzz diff: interrupted after %d of %d cases; no summary, no report\n", done, len(cases))
		return exitInterrupted
	}
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz diff: %v\n", err)
		if errors.Is(err, oracle.ErrUnavailable) {
			return exitUsage
		}
		return exitFailures
	}
	fmt.Fprintf(stdout, "diff %s vs %s: %d cases", *a, *b, sum.Cases)
	for _, v := range sum.SortedVerdicts() {
		fmt.Fprintf(stdout, ", %s %d", v, sum.Verdicts[v])
	}
	fmt.Fprintf(stdout, "\n  time: %s %.2fs, %s %.2fs\n", *a, timed.ta.Seconds(), *b, timed.tb.Seconds())
	for class, k := range sum.Known {
		fmt.Fprintf(stdout, "  known difference %s: %d\n", class, k)
	}
	if *report != "" {
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := writeFileAtomic(*report, append(data, '\n')); err != nil {
			fmt.Fprintf(stderr, "iamfuzz diff: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stdout, "  report: %s\n", *report)
	}
	if sum.Failed() {
		return exitFailures
	}
	if sum.Cases > 0 && unanswered == sum.Cases {
		// Every case went unanswered by one side (not recorded, unsupported, out of
		// budget): nothing was compared, and a run that checked nothing must not pass.
		fmt.Fprintf(stderr, "iamfuzz diff: none of the %d cases was answered by both oracles: nothing was compared\n", sum.Cases)
		return exitFailures
	}
	return exitOK
}

func oracleFail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "iamfuzz diff: oracle %s: %v\n", name, err)
	return exitUsage
}

func printDifference(w io.Writer, c oracle.Comparison) {
	line, _ := json.Marshal(c.Case)
	fmt.Fprintf(w, "%s %s: a=%s b=%s\n", strings.ToUpper(string(c.Verdict)), c.Case.ID, describe(c.A), describe(c.B))
	fmt.Fprintf(w, "  case: %s\n", line)
	fmt.Fprintf(w, "  replay: echo '<case>' | iamfuzz eval --explain\n")
}

func describe(r oracle.Result) string {
	if r.Err != "" {
		return "error(" + r.Err + ")"
	}
	s := r.Decision
	if len(r.Matched) > 0 {
		var ms []string
		for _, m := range r.Matched {
			ms = append(ms, fmt.Sprintf("%s#%d", m.Policy, m.Statement))
		}
		s += " by " + strings.Join(ms, ",")
	}
	return s
}

// timedPair measures each oracle's own time, so that a run reports both sides'
// decisions per second on the same cases.
type timedPair struct {
	a, b   oracle.Oracle
	ta, tb time.Duration
}

type timedOracle struct {
	oracle.Oracle
	d *time.Duration
}

func (t timedOracle) Decide(ctx context.Context, cs []*model.Case) ([]oracle.Result, error) {
	start := time.Now()
	r, err := t.Oracle.Decide(ctx, cs)
	*t.d += time.Since(start)
	return r, err
}

func (p *timedPair) wrapA() oracle.Oracle { return timedOracle{p.a, &p.ta} }
func (p *timedPair) wrapB() oracle.Oracle { return timedOracle{p.b, &p.tb} }
