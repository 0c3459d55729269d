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
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/internal/hugeheap"
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
	// The catalogue is loaded in the background while the first lines are read,
	// and waited for when a policy or request is first linted.
	cat := &lazyCatalog{load: sync.OnceValues(catalog.Load)}
	go cat.load()
	ev := &evaluator{explain: *explain, pc: &model.PolicyCache{Catalog: cat}, cat: cat, gc: newGCPacer()}
	defer ev.gc.restore()
	var s evalStats
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
		if err := ev.stream(r, name, dir, *maxLine, out, stderr, &s); err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "iamfuzz eval: %s: %v\n", name, err)
			return exitUsage
		}
	}
	out.Flush()
	if _, err := cat.load(); err != nil {
		fmt.Fprintf(stderr, "iamfuzz eval: loading the action catalogue: %v\n", err)
		return exitUsage
	}
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

// gcPacer has the collector run less often while eval runs, unless GOGC or
// GOMEMLIMIT is set. Eval's live heap is small and bounded (lines reuse their
// storage, a policy is cached only when it repeats), but at GOGC=100 each
// collection marks it afresh every few MB allocated: on cases whose policies
// do not repeat the collector was about a third of eval's instructions. Fewer
// collections cost a larger heap, whose fresh pages cost page faults (about
// 12 µs each on the 2-core VM) once: GOGC=200 pays on any file, and GOGC=400,
// which doubles the heap again, only once a run is large, so it is set after
// evalGCLarge bytes of input (docs/performance.md "eval, seventh pass"). The
// memory limit keeps the heap within what GOGC=100 would allow with eval's
// caches full.
//
// Once a run has read evalHugeAt bytes it asks for huge pages on the heap it
// is growing into (internal/hugeheap): a 4 KiB page's first touch is a fault
// of about 10 µs on the 2-core VM, and d20k took ~13,000 of them, a sixth of
// its CPU time. A run of a few lines does not pay for the advice
// (docs/performance.md "eval: huge pages").
type gcPacer struct {
	on, raised bool
	read       int
	undo       func() // puts the collector's settings back (paceCollector)
	huge       bool   // the huge-page advice was asked for
	prepare    func(int)
}

// eval's collector settings (gcPacer).
const (
	evalGCPercent      = 200
	evalGCPercentLarge = 400
	evalGCLarge        = 8 << 20
	evalMemoryLimit    = 512 << 20
	evalHugeAt         = 128 << 10 // bytes of input read before eval asks for huge pages
	evalHugeHeap       = 64 << 20  // more than the heap d20k grows to (~45 MB)
)

func newGCPacer() *gcPacer {
	g := &gcPacer{prepare: hugeheap.Prepare}
	g.undo, g.on = paceCollector(evalGCPercent, evalMemoryLimit)
	return g
}

// add counts n bytes of input read.
func (g *gcPacer) add(n int) {
	if g.raised || !g.on && g.huge {
		return
	}
	g.read += n
	if !g.huge && g.read >= evalHugeAt {
		g.huge = true
		g.prepare(evalHugeHeap)
	}
	if g.on && g.read >= evalGCLarge {
		g.raised = true
		debug.SetGCPercent(evalGCPercentLarge)
	}
}

// restore puts the collector's settings back.
func (g *gcPacer) restore() { g.undo() }

// evaluator decides one batch of lines at a time. Batches are decided by several
// workers in parallel and written in input order, so eval keeps its one-line-in,
// one-line-out contract while using every core.
type evaluator struct {
	explain bool
	gc      *gcPacer // the reader's
	pc      *model.PolicyCache
	cat     model.ActionCatalog
	e       model.Evaluator
	res     model.Result
	dec     model.LineDecoder // the fast path; declined lines go to ParseCaseShared
	req     model.Request     // reused from line to line (Request.ResetList)
	bundle  model.Bundle      // reused from line to line (Case.BundleInto)
	// warned memoizes the catalogue's warnings about a request by action and
	// resource: lines whose requests repeat look the catalogue up once.
	warned  map[string]map[string][]string
	nWarned int
	// typoWarned holds the JSON paths of the misspelt fields warned about in this
	// run (the reader's evaluator; written by the writer only).
	typoWarned map[string]bool
}

// useLineDecoder turns eval's fast line decoder on; TestEvalFastPathSameOutput
// turns it off to compare the output with the reference decoder's.
var useLineDecoder = true

// maxWarned bounds a worker's memo of request warnings; past it the memo starts over.
const maxWarned = 4096

// requestWarnings returns model.RequestWarnings(req, ev.cat), memoized.
func (ev *evaluator) requestWarnings(req *model.Request) []string {
	byRes := ev.warned[req.Action]
	if ws, ok := byRes[req.Resource]; ok {
		return ws
	}
	ws := model.RequestWarnings(req, ev.cat)
	if ev.warned == nil || ev.nWarned >= maxWarned {
		ev.warned, ev.nWarned = map[string]map[string][]string{}, 0
		byRes = nil
	}
	if byRes == nil {
		byRes = map[string][]string{}
		ev.warned[req.Action] = byRes
	}
	byRes[req.Resource] = ws
	ev.nWarned++
	return ws
}

// batch is a run of input lines and, once decided, their output.
type batch struct {
	seq      int
	name     string
	dir      string
	lines    [][]byte
	arena    []byte // the lines' storage (keep)
	lineNos  []int
	readErrs []error
	out      []byte // result lines (or explanations)
	errOut   []byte // assertion failures, for stderr
	typos    []lineTypo
	stats    evalStats
}

// A batch ends after batchSize lines or once its lines hold batchBytes: a few
// hundred cases with policies of a kilobyte or two would otherwise fill a
// quarter-megabyte batch storage (and grow it), and fresh memory costs page
// faults, which on d2k cost more than the collections they would save
// (docs/performance.md, eval).
const (
	batchSize  = 256
	batchBytes = 64 << 10
	longLine   = 64 << 10 // longer lines are not kept in the batch storage
)

// keep copies a line out of the reader's buffer into the batch's storage, which
// is reused when the batch is (see stream): a line allocates nothing once the
// first batches have made their storage. The storage never grows: a batch holds
// less than batchBytes before its last line, which is at most longLine.
func (b *batch) keep(line []byte) []byte {
	if len(line) > longLine {
		return bytes.Clone(line) // a rare long line is not kept in the reused storage
	}
	if b.arena == nil {
		b.arena = make([]byte, 0, batchBytes+longLine)
	}
	start := len(b.arena)
	b.arena = append(b.arena, line...)
	return b.arena[start:len(b.arena):len(b.arena)]
}

// full reports whether the batch should be sent to the workers.
func (b *batch) full() bool { return len(b.lines) == batchSize || len(b.arena) >= batchBytes }

// reuse empties a written batch for the next lines, keeping its storage.
func (b *batch) reuse() {
	*b = batch{name: b.name, dir: b.dir, lines: b.lines[:0], arena: b.arena[:0], lineNos: b.lineNos[:0],
		readErrs: b.readErrs[:0], out: b.out[:0], errOut: b.errOut[:0], typos: b.typos[:0]}
}

// stream reads lines and has them decided by workers; results are written in order.
func (ev *evaluator) stream(r io.Reader, name, dir string, maxLine int, out, errOut io.Writer, stats *evalStats) error {
	workers := runtime.GOMAXPROCS(0)
	todo := make(chan *batch, workers)
	done := make(chan *batch, workers)
	// Written batches come back to the reader through free, so the storage of
	// lines and results is allocated for the first few batches only: at most
	// inFlight batches exist, and the reader waits for one to be written when
	// all are in use (which also bounds eval's memory).
	inFlight := 2*workers + 2
	free := make(chan *batch, inFlight)
	made := 1
	next := func() *batch {
		select {
		case b := <-free:
			return b
		default:
		}
		if made < inFlight {
			made++
			return &batch{name: name, dir: dir}
		}
		return <-free
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		worker := &evaluator{explain: ev.explain, pc: ev.pc, cat: ev.cat}
		worker.dec.DeferPolicyChecks = true // see one
		go func() {
			defer wg.Done()
			for b := range todo {
				worker.decideBatch(b)
				done <- b
			}
		}()
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		pending := map[int]*batch{}
		next := 0
		for b := range done {
			pending[b.seq] = b
			for pb, ok := pending[next]; ok; pb, ok = pending[next] {
				out.Write(pb.out)
				ev.writeTypos(errOut, pb)
				errOut.Write(pb.errOut)
				stats.add(pb.stats)
				delete(pending, next)
				next++
				pb.reuse()
				free <- pb // never blocks: at most inFlight batches exist
			}
		}
	}()

	lr := model.NewLineReader(r)
	lr.Max = maxLine
	cur := &batch{name: name, dir: dir}
	seq := 0
	flush := func() {
		if len(cur.lines) > 0 {
			cur.seq = seq
			seq++
			todo <- cur
			cur = next()
		}
	}
	var readErr error
	for {
		line, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, model.ErrLineTooLong) {
			readErr = err
			break
		}
		if err == nil {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
		}
		ev.gc.add(len(line))
		cur.lines = append(cur.lines, cur.keep(line))
		cur.lineNos = append(cur.lineNos, lr.Line())
		cur.readErrs = append(cur.readErrs, err)
		if cur.full() {
			flush()
		}
	}
	flush()
	close(todo)
	wg.Wait()
	close(done)
	<-writerDone
	return readErr
}

func (s *evalStats) add(o evalStats) {
	s.cases += o.cases
	s.errors += o.errors
	s.expectedErrors += o.expectedErrors
	for i := range s.decisions {
		s.decisions[i] += o.decisions[i]
	}
	s.passed += o.passed
	s.failed += o.failed
}

func (ev *evaluator) decideBatch(b *batch) {
	for i, line := range b.lines {
		b.stats.cases++
		ev.one(b, line, b.readErrs[i], b.lineNos[i])
	}
}

func (ev *evaluator) one(bt *batch, line []byte, readErr error, n int) {
	name, dir := bt.name, bt.dir
	fail := func(id string, err error, c *model.Case) {
		if c != nil && c.Expect == "error" && (c.ExpectError == "" || c.ExpectError == model.KindOf(err)) {
			bt.stats.expectedErrors++
			bt.stats.passed++
		} else if c != nil && c.Expect != "" {
			bt.stats.failed++
			bt.errOut = fmt.Appendf(bt.errOut, "FAIL %s:%d %s: expected %s, got error: %v\n", name, n, id, c.Expect, err)
		}
		bt.stats.errors++
		if ev.explain {
			bt.out = fmt.Appendf(bt.out, "%s:%d %s: error: %v\n\n", name, n, id, err)
			return
		}
		bt.out = model.AppendErrorJSON(bt.out, id, n, err)
		bt.out = append(bt.out, '\n')
	}
	if readErr != nil {
		fail("", readErr, nil)
		return
	}
	// The batch keeps the line until its result is written: the case's policies
	// point into it.
	c, ctx, ok := ev.dec.Decode(line)
	if !ok || !useLineDecoder {
		// The reference decoding reads the context from the case's map too, so
		// that TestEvalFastPathSameOutput compares the fast path's context with it.
		ctx = nil
		var err error
		if c, err = model.ParseCaseShared(line); err != nil {
			id := ""
			if c != nil {
				id = c.ID
			}
			fail(id, err, c)
			return
		}
	}
	if !ok || !useLineDecoder || ev.dec.Unknown() {
		// Only a line with an unknown member can hold a misspelt field: the fast
		// decoder says so for free, and lines it declined are slow anyway. A line
		// decoded again below adds its typos twice; writeTypos warns once.
		for _, ty := range model.CaseFieldTypos(line) {
			bt.typos = append(bt.typos, lineTypo{n, ty})
		}
	}
	c.Dir, c.Line, c.File = dir, n, name
	b := &ev.bundle
	if err := c.BundleInto(ev.pc, b); err != nil {
		if ok && useLineDecoder && ev.dec.Unchecked() {
			// A policy the decoder left unchecked (LineDecoder.DeferPolicyChecks)
			// did not compile: it may not be JSON the reference accepts, so the
			// line is decoded again with every policy checked, and a line the
			// reference rejects gets the reference's error.
			ev.dec.DeferPolicyChecks = false
			ev.one(bt, line, readErr, n)
			ev.dec.DeferPolicyChecks = true
			return
		}
		fail(c.ID, err, c)
		return
	}
	req := &ev.req
	if err := c.RequestInto(req, ctx); err != nil {
		fail(c.ID, err, c)
		return
	}
	var tr *model.Trace
	if ev.explain {
		ev.res, tr = ev.e.Explain(b, req)
	} else {
		ev.e.Decide(b, req, &ev.res)
	}
	bt.stats.decisions[ev.res.Decision]++
	if c.Expect != "" {
		if mm := c.Mismatch(&ev.res, nil); mm == "" {
			bt.stats.passed++
		} else {
			bt.stats.failed++
			var b2 bytes.Buffer
			res, tr2 := ev.e.Explain(b, req)
			model.WriteExplanation(&b2, req, res, tr2)
			src := ""
			if c.Source != "" {
				src = " (source: " + c.Source + ")"
			}
			bt.errOut = fmt.Appendf(bt.errOut, "FAIL %s:%d %s: %s%s\n%s\n", name, n, c.ID, mm, src, b2.Bytes())
		}
	}
	warnings := capResultWarnings(append(bundleWarnings(b), ev.requestWarnings(req)...))
	if p := &c.Policies; len(p.Identity)+len(p.Boundary)+len(p.SCP)+len(p.Resource)+len(p.RCP) == 0 {
		// Unknown fields of a case are ignored (docs/eval-format.md): a case that
		// wrote "policy" was decided, implicitDeny, as if it had meant that.
		warnings = append(warnings, noPoliciesWarning)
	}
	if ev.explain {
		var b2 bytes.Buffer
		fmt.Fprintf(&b2, "%s:%d %s\n", name, n, c.ID)
		model.WriteExplanation(&b2, req, ev.res, tr)
		for _, w := range warnings {
			fmt.Fprintf(&b2, "  warning: %s\n", w)
		}
		b2.WriteString("\n")
		bt.out = append(bt.out, b2.Bytes()...)
		return
	}
	bt.out = model.AppendResultJSON(bt.out, c.ID, &ev.res, warnings)
	bt.out = append(bt.out, '\n')
}

// noPoliciesWarning is the warning on a case that gives no policies.
const noPoliciesWarning = `the case gives no policies, so nothing allows the request (is "policies" misspelt? unknown fields are ignored)`

// lazyCatalog is the action catalogue, loaded on first use. Should loading fail
// it knows every action (no warnings) and runEval reports the error at the end.
type lazyCatalog struct {
	load func() (*catalog.Catalog, error)
}

func (l *lazyCatalog) get() *catalog.Catalog {
	c, _ := l.load()
	return c
}

func (l *lazyCatalog) LookupAction(a string) (string, bool) {
	if c := l.get(); c != nil {
		return c.LookupAction(a)
	}
	return a, true
}

func (l *lazyCatalog) KnownService(p string) bool {
	c := l.get()
	return c == nil || c.KnownService(p)
}

// GlobalKey knows every key should loading fail, as LookupAction every action.
func (l *lazyCatalog) GlobalKey(k string) (string, bool) {
	if c := l.get(); c != nil {
		return c.GlobalKey(k)
	}
	return k, true
}

func (l *lazyCatalog) SuggestGlobalKey(k string) (string, bool) {
	if c := l.get(); c != nil {
		return c.SuggestGlobalKey(k)
	}
	return "", false
}

func (l *lazyCatalog) SuggestAction(a string) (string, bool) {
	if c := l.get(); c != nil {
		return c.SuggestAction(a)
	}
	return "", false
}

func (l *lazyCatalog) ResourceFits(a, r string) (bool, bool) {
	if c := l.get(); c != nil {
		return c.ResourceFits(a, r)
	}
	return false, false
}

func (l *lazyCatalog) ResourceTypesOf(a string) string {
	if c := l.get(); c != nil {
		return c.ResourceTypesOf(a)
	}
	return ""
}

// maxResultWarnings bounds the warnings of one result line (each policy already
// keeps at most model.MaxWarnings); the rest are counted.
const maxResultWarnings = 200

func capResultWarnings(ws []string) []string {
	if len(ws) <= maxResultWarnings {
		return ws
	}
	return append(ws[:maxResultWarnings:maxResultWarnings], fmt.Sprintf("%d more warnings not shown", len(ws)-maxResultWarnings))
}

// bundleWarnings lists the policies' warnings, each prefixed by its policy's name.
func bundleWarnings(b *model.Bundle) []string {
	var out []string
	for ref, c := range b.All() {
		for _, w := range c.Policy.Warnings {
			out = append(out, ref.String()+": "+w.String())
		}
	}
	return out
}
