package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

func init() {
	commands["eval"] = command{
		summary: "decide cases given as JSON lines (files or stdin); check their expectations",
		run:     runEval,
	}
}

type evalStats struct {
	cases, errors, expectedErrors int
	decisions                     [3]int
	passed, failed                int
}

func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	explain := fs.Bool("explain", false, "print a human-readable trace of every case instead of JSON lines")
	maxLine := fs.Int("max-line", model.DefaultMaxLine, "longest accepted input line, in bytes")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: iamfuzz eval [-explain] [files...]   (no files, or \"-\": standard input)")
		fmt.Fprintln(stderr, "Reads one case per line (docs/eval-format.md) and writes one result per line, in order.")
		fmt.Fprintln(stderr, "A case with \"expect\" is an assertion; eval exits 1 if any assertion fails or any line cannot be decided.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	out := bufio.NewWriterSize(stdout, 256<<10)
	defer out.Flush()
	cat, err := catalog.Load()
	if err != nil {
		fmt.Fprintf(stderr, "iamfuzz eval: loading the action catalogue: %v\n", err)
		return exitUsage
	}
	ev := &evaluator{out: out, stderr: stderr, explain: *explain, pc: &model.PolicyCache{Catalog: cat}, cat: cat}
	for _, f := range files {
		var r io.Reader = stdin
		name, dir := "<stdin>", "."
		if f != "-" {
			fh, err := os.Open(f)
			if err != nil {
				fmt.Fprintf(stderr, "iamfuzz eval: %v\n", err)
				return exitUsage
			}
			defer fh.Close()
			r, name, dir = fh, f, filepath.Dir(f)
		}
		if err := ev.stream(r, name, dir, *maxLine); err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "iamfuzz eval: %s: %v\n", name, err)
			return exitUsage
		}
	}
	out.Flush()
	s := ev.stats
	fmt.Fprintf(stderr, "eval: %d cases: %d allowed, %d explicitDeny, %d implicitDeny, %d errors",
		s.cases, s.decisions[model.Allowed], s.decisions[model.ExplicitDeny], s.decisions[model.ImplicitDeny], s.errors)
	if s.expectedErrors > 0 {
		fmt.Fprintf(stderr, " (%d expected)", s.expectedErrors)
	}
	if s.passed+s.failed > 0 {
		fmt.Fprintf(stderr, "; assertions: %d passed, %d failed", s.passed, s.failed)
	}
	fmt.Fprintln(stderr)
	if s.failed > 0 || s.errors > s.expectedErrors {
		return exitFailures
	}
	return exitOK
}

type evaluator struct {
	out     *bufio.Writer
	stderr  io.Writer
	explain bool
	pc      *model.PolicyCache
	cat     model.ActionCatalog
	e       model.Evaluator
	res     model.Result
	buf     []byte
	stats   evalStats
}

func (ev *evaluator) stream(r io.Reader, name, dir string, maxLine int) error {
	lr := model.NewLineReader(r)
	lr.Max = maxLine
	for {
		line, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil && !errors.Is(err, model.ErrLineTooLong) {
			return err
		}
		if err == nil {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
		}
		ev.stats.cases++
		ev.one(line, err, name, dir, lr.Line())
	}
}

func (ev *evaluator) one(line []byte, readErr error, name, dir string, n int) {
	fail := func(id string, err error, c *model.Case) {
		if c != nil && c.Expect == "error" && (c.ExpectError == "" || c.ExpectError == model.KindOf(err)) {
			ev.stats.expectedErrors++
			ev.stats.passed++
		} else if c != nil && c.Expect != "" {
			ev.stats.failed++
			fmt.Fprintf(ev.stderr, "FAIL %s:%d %s: expected %s, got error: %v\n", name, n, id, c.Expect, err)
		}
		ev.stats.errors++
		if ev.explain {
			fmt.Fprintf(ev.out, "%s:%d %s: error: %v\n\n", name, n, id, err)
			return
		}
		ev.buf = model.AppendErrorJSON(ev.buf[:0], id, n, err)
		ev.buf = append(ev.buf, '\n')
		ev.out.Write(ev.buf)
	}
	if readErr != nil {
		fail("", readErr, nil)
		return
	}
	c, err := model.ParseCase(line)
	if err != nil {
		id := ""
		if c != nil {
			id = c.ID
		}
		fail(id, err, c)
		return
	}
	c.Dir, c.Line, c.File = dir, n, name
	b, err := c.Bundle(ev.pc)
	if err != nil {
		fail(c.ID, err, c)
		return
	}
	req, err := c.BuildRequest()
	if err != nil {
		fail(c.ID, err, c)
		return
	}
	var tr *model.Trace
	if ev.explain {
		ev.res, tr = ev.e.Explain(b, req)
	} else {
		ev.e.Decide(b, req, &ev.res)
	}
	ev.stats.decisions[ev.res.Decision]++
	if c.Expect != "" {
		if mm := c.Mismatch(&ev.res, nil); mm == "" {
			ev.stats.passed++
		} else {
			ev.stats.failed++
			var b2 strings.Builder
			res, tr2 := ev.e.Explain(b, req)
			model.WriteExplanation(&b2, req, res, tr2)
			src := ""
			if c.Source != "" {
				src = " (source: " + c.Source + ")"
			}
			fmt.Fprintf(ev.stderr, "FAIL %s:%d %s: %s%s\n%s\n", name, n, c.ID, mm, src, b2.String())
		}
	}
	if ev.explain {
		fmt.Fprintf(ev.out, "%s:%d %s\n", name, n, c.ID)
		model.WriteExplanation(ev.out, req, ev.res, tr)
		for _, w := range append(bundleWarnings(b), model.RequestWarnings(req, ev.cat)...) {
			fmt.Fprintf(ev.out, "  warning: %s\n", w)
		}
		ev.out.WriteString("\n")
		return
	}
	ev.buf = model.AppendResultJSON(ev.buf[:0], c.ID, &ev.res, append(bundleWarnings(b), model.RequestWarnings(req, ev.cat)...))
	ev.buf = append(ev.buf, '\n')
	ev.out.Write(ev.buf)
}

// bundleWarnings lists the policies' warnings, each prefixed by its policy's name.
func bundleWarnings(b *model.Bundle) []string {
	var out []string
	add := func(name string, c *model.Compiled) {
		for _, w := range c.Policy.Warnings {
			out = append(out, name+": "+w.String())
		}
	}
	for i, c := range b.Identity {
		add(fmt.Sprintf("identity[%d]", i), c)
	}
	if b.Boundary != nil {
		add("boundary[0]", b.Boundary)
	}
	for l, lv := range b.SCP {
		for i, c := range lv {
			add(fmt.Sprintf("scp[%d][%d]", l, i), c)
		}
	}
	for i, c := range b.Resource {
		add(fmt.Sprintf("resource[%d]", i), c)
	}
	return out
}
