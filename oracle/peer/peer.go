// Package peer is the oracle backed by the independent simulator
// @cloud-copilot/iam-simulate. The simulator is AGPL-licensed, so it is never linked
// into iamfuzz: the oracle runs the Node adapter in scripts/peer (adapter.mjs) as one
// long-lived subprocess and streams cases through its pipes in the eval JSON-lines
// format (docs/eval-format.md), one case line in, one result line out, in order.
//
// The oracle never answers on the peer's behalf. When the subprocess dies, stops
// answering or writes something that is not a result line, the whole batch fails
// with an error (and the next batch starts a fresh subprocess); when node or the
// npm package is missing, New fails with an error that wraps oracle.ErrUnavailable
// and says what to do.
//
// KnownDifferences lists the triaged classes of disagreement between the peer and
// the reference model (corpus/peer-differences.md).
package peer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// Library is the npm package the adapter runs.
const Library = "@cloud-copilot/iam-simulate"

// Environment variables that configure the oracle when Options leaves a field empty.
const (
	// EnvDir names the directory holding adapter.mjs (scripts/peer).
	EnvDir = "IAMFUZZ_PEER_DIR"
	// EnvNode names the node executable.
	EnvNode = "IAMFUZZ_NODE"
)

// Sentinel errors. Each unavailability error wraps oracle.ErrUnavailable, so that
// callers can tell "cannot run here" from "the peer broke".
var (
	// ErrNodeNotFound: no node executable.
	ErrNodeNotFound = fmt.Errorf("%w: node not found", oracle.ErrUnavailable)
	// ErrNotInstalled: the adapter's npm package is not installed.
	ErrNotInstalled = fmt.Errorf("%w: %s is not installed", oracle.ErrUnavailable, Library)
	// ErrNoAdapter: scripts/peer/adapter.mjs cannot be found.
	ErrNoAdapter = fmt.Errorf("%w: cannot find scripts/peer/adapter.mjs", oracle.ErrUnavailable)

	// ErrStart: the adapter did not become ready (it exited or took too long).
	ErrStart = errors.New("peer adapter did not start")
	// ErrExited: the adapter exited while cases were outstanding.
	ErrExited = errors.New("peer adapter exited")
	// ErrTimeout: the adapter stopped answering.
	ErrTimeout = errors.New("peer adapter stopped answering")
	// ErrProtocol: the adapter wrote a line that is not the expected result.
	ErrProtocol = errors.New("peer adapter protocol error")
)

// Options configure the oracle. The zero value works from anywhere inside the module.
type Options struct {
	// Dir is the directory holding adapter.mjs. Empty: $IAMFUZZ_PEER_DIR, else
	// scripts/peer under the module root found by walking up from the working
	// directory to go.mod.
	Dir string
	// Node is the interpreter that runs the script. Empty: $IAMFUZZ_NODE, else "node"
	// from PATH.
	Node string
	// Script is the adapter script. Empty: Dir/adapter.mjs. Tests point it at fakes.
	Script string
	// SkipInstallCheck skips the check that Dir/node_modules holds the package
	// (for test doubles that need no package).
	SkipInstallCheck bool
	// StartTimeout bounds the wait for the adapter's readiness note. Default 60 s:
	// loading the library takes about 0.2 s, but a cold disk or a loaded CI machine
	// can be much slower.
	StartTimeout time.Duration
	// CaseTimeout is the adapter's own per-case limit (IAMFUZZ_PEER_TIMEOUT_MS); a
	// case over it is answered with a peer error. Default 10 s.
	CaseTimeout time.Duration
	// IdleTimeout is how long the oracle waits for the next result line before it
	// declares the adapter hung and kills it. Default 2×CaseTimeout + 5 s, so that
	// the adapter's own timeout always fires first.
	IdleTimeout time.Duration
	// Restarts is how many times a batch is retried on a fresh subprocess after the
	// adapter died or hung. Default 1; negative means none. A batch that kills the
	// adapter every time fails with the last error.
	Restarts int
}

// Oracle is the peer simulator as an oracle.Oracle. It is safe for use by one
// goroutine at a time; Decide calls are serialised.
type Oracle struct {
	mu      sync.Mutex
	opts    Options
	script  string
	node    string
	proc    *process
	seq     uint64
	closed  bool
	version string
}

// New finds node and the adapter, starts the adapter and waits until it is ready.
func New(opts Options) (*Oracle, error) {
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 60 * time.Second
	}
	if opts.CaseTimeout <= 0 {
		opts.CaseTimeout = 10 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 2*opts.CaseTimeout + 5*time.Second
	}
	if opts.Restarts == 0 {
		opts.Restarts = 1
	}
	o := &Oracle{opts: opts}
	var err error
	if o.node, err = findNode(opts.Node); err != nil {
		return nil, err
	}
	if o.script, err = findScript(opts); err != nil {
		return nil, err
	}
	p, err := o.start()
	if err != nil {
		return nil, err
	}
	o.proc = p
	o.version = p.version
	return o, nil
}

// Name implements oracle.Oracle.
func (o *Oracle) Name() string { return "peer" }

// Version returns the library version the adapter reported when it started.
func (o *Oracle) Version() string { return o.version }

func findNode(node string) (string, error) {
	if node == "" {
		node = os.Getenv(EnvNode)
	}
	if node == "" {
		node = "node"
	}
	p, err := exec.LookPath(node)
	if err != nil {
		return "", fmt.Errorf("%w (%q: %v); install Node.js 18 or newer, then run `npm ci` in scripts/peer", ErrNodeNotFound, node, err)
	}
	return p, nil
}

// ModuleRoot walks up from dir to the first directory holding go.mod.
func ModuleRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod in %s or any parent", dir)
		}
		d = parent
	}
}

func findScript(opts Options) (string, error) {
	dir := opts.Dir
	if dir == "" {
		dir = os.Getenv(EnvDir)
	}
	if dir == "" && opts.Script == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrNoAdapter, err)
		}
		root, err := ModuleRoot(wd)
		if err != nil {
			return "", fmt.Errorf("%w: %v; set %s or run inside the iamfuzz module", ErrNoAdapter, err, EnvDir)
		}
		dir = filepath.Join(root, "scripts", "peer")
	}
	script := opts.Script
	if script == "" {
		script = filepath.Join(dir, "adapter.mjs")
	}
	if _, err := os.Stat(script); err != nil {
		return "", fmt.Errorf("%w: %v; set %s to the directory holding adapter.mjs", ErrNoAdapter, err, EnvDir)
	}
	if !opts.SkipInstallCheck {
		if dir == "" {
			dir = filepath.Dir(script)
		}
		pkg := filepath.Join(dir, "node_modules", filepath.FromSlash(Library), "package.json")
		if _, err := os.Stat(pkg); err != nil {
			return "", fmt.Errorf("%w: run `npm ci` in %s (no %s)", ErrNotInstalled, dir, pkg)
		}
	}
	return script, nil
}

// Decide implements oracle.Oracle: it streams the batch through the adapter and
// reads one result per case, in order. On a dead or hung adapter it restarts it and
// retries the batch up to Options.Restarts times, then fails the whole batch.
func (o *Oracle) Decide(ctx context.Context, cases []*model.Case) ([]oracle.Result, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, errors.New("peer oracle is closed")
	}
	// Lines are built once; a case whose policies cannot be read is answered
	// locally with the same error the model gives, without a round trip.
	out := make([]oracle.Result, len(cases))
	lines := make([][]byte, 0, len(cases))
	idx := make([]int, 0, len(cases))
	for i, c := range cases {
		line, err := wireLine(c)
		if err != nil {
			out[i] = oracle.FromError(c.ID, err)
			continue
		}
		lines = append(lines, line)
		idx = append(idx, i)
	}
	if len(lines) == 0 {
		return out, nil
	}
	var lastErr error
	for attempt := 0; attempt <= max(o.opts.Restarts, 0); attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if o.proc == nil {
			p, err := o.start()
			if err != nil {
				return nil, errors.Join(lastErr, err)
			}
			o.proc = p
		}
		res, err := o.proc.run(ctx, lines, &o.seq, o.opts.IdleTimeout)
		if err == nil {
			for k, r := range res {
				r.ID = cases[idx[k]].ID
				out[idx[k]] = r
			}
			return out, nil
		}
		// Whatever went wrong, this subprocess is no longer trusted.
		o.proc.kill()
		o.proc = nil
		lastErr = err
		if ctx.Err() != nil || errors.Is(err, ErrProtocol) {
			break
		}
	}
	return nil, lastErr
}

// Close implements oracle.Oracle: it closes the adapter's input (it exits at the
// end of its input) and kills it if it does not exit promptly.
func (o *Oracle) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	if o.proc == nil {
		return nil
	}
	err := o.proc.close(5 * time.Second)
	o.proc = nil
	return err
}

// wireCase is what the adapter reads: the case with every policy as a JSON string
// holding the document text ($ref resolved here, against the case's directory, since
// the adapter's working directory is not the case file's).
type wireCase struct {
	Policies wirePolicies      `json:"policies"`
	Request  model.CaseRequest `json:"request"`
}

type wirePolicies struct {
	Identity []string   `json:"identity"`
	Boundary []string   `json:"boundary,omitempty"`
	SCP      [][]string `json:"scp,omitempty"`
	Resource []string   `json:"resource,omitempty"`
	RCP      [][]string `json:"rcp,omitempty"`
}

// wireLine builds the case line sent to the adapter, without the id (run adds a
// sequence id so that every answer can be checked to belong to its question).
func wireLine(c *model.Case) ([]byte, error) {
	// Unknown policy types never reach here: CasePolicies rejects them when the
	// case is decoded.
	text := func(name string, v jsontext.Value) (string, error) {
		b, err := model.PolicyText(v, c.Dir)
		if err != nil {
			return "", &model.CaseError{Policy: name, Err: err}
		}
		return string(b), nil
	}
	var w wireCase
	w.Request = c.Request
	w.Policies.Identity = []string{}
	levels := func(n int) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = []string{}
		}
		return out
	}
	w.Policies.SCP, w.Policies.RCP = levels(len(c.Policies.SCP)), levels(len(c.Policies.RCP))
	for ref, v := range c.Policies.All() {
		s, err := text(ref.String(), v)
		if err != nil {
			return nil, err
		}
		switch ref.Type {
		case model.IdentityPolicy:
			w.Policies.Identity = append(w.Policies.Identity, s)
		case model.BoundaryPolicy:
			w.Policies.Boundary = append(w.Policies.Boundary, s)
		case model.SCPPolicy:
			w.Policies.SCP[ref.Level] = append(w.Policies.SCP[ref.Level], s)
		case model.ResourcePolicy:
			w.Policies.Resource = append(w.Policies.Resource, s)
		case model.RCPPolicy:
			w.Policies.RCP[ref.Level] = append(w.Policies.RCP[ref.Level], s)
		default:
			// Sending the case without the policy would ask the peer another question.
			return nil, &model.CaseError{Policy: ref.String(), Err: &model.PolicyError{Offset: -1,
				Kind: model.ErrInvalidRequest, Msg: "the peer adapter takes no " + ref.Type.String() + " policies"}}
		}
	}
	// Policy texts go out byte for byte (invalid UTF-8 included) so that the peer
	// sees exactly the document the model saw.
	b, err := json.Marshal(w, jsontext.AllowInvalidUTF8(true), jsontext.EscapeForHTML(false))
	if err != nil {
		return nil, &model.PolicyError{Offset: -1, Kind: model.ErrInvalidRequest, Msg: err.Error()}
	}
	return b, nil
}

// wireResult is one result line of the adapter.
type wireResult struct {
	ID        *string              `json:"id"`
	Decision  string               `json:"decision"`
	Matched   []oracle.MatchedStmt `json:"matched"`
	Missing   []string             `json:"missing"`
	Dropped   []string             `json:"dropped"`
	Notes     []string             `json:"notes"`
	Error     string               `json:"error"`
	ErrorKind string               `json:"errorKind"`
	Line      int                  `json:"line"`
}

// parseResult reads one result line and checks it answers the case sent with id
// want.
func parseResult(line []byte, want string) (oracle.Result, error) {
	var w wireResult
	if err := json.Unmarshal(line, &w, json.RejectUnknownMembers(false)); err != nil {
		return oracle.Result{}, fmt.Errorf("%w: not a result line (%v): %.200q", ErrProtocol, err, line)
	}
	if w.ID == nil || *w.ID != want {
		got := "none"
		if w.ID != nil {
			got = strconv.Quote(*w.ID)
		}
		return oracle.Result{}, fmt.Errorf("%w: expected the answer to case %q, got id %s: %.200q", ErrProtocol, want, got, line)
	}
	r := oracle.Result{Missing: w.Missing, Dropped: w.Dropped, Notes: w.Notes, Matched: w.Matched}
	if w.Error != "" {
		r.Err, r.ErrKind = w.Error, w.ErrorKind
		if r.ErrKind == "" {
			r.ErrKind = "peer"
		}
		return r, nil
	}
	if _, ok := model.ParseDecision(w.Decision); !ok {
		return oracle.Result{}, fmt.Errorf("%w: case %q: neither a decision nor an error: %.200q", ErrProtocol, want, line)
	}
	r.Decision = w.Decision
	return r, nil
}

// process is one running adapter.
type process struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	lines   chan []byte   // result lines; closed at EOF of stdout
	exited  chan struct{} // closed when the process has exited
	quit    chan struct{} // closed by kill: stop delivering lines
	once    sync.Once
	waitErr error // valid after exited is closed
	stderr  *tail
	version string
}

const readyPrefix = "iamfuzz-peer: ready"

// start runs the adapter and waits for its readiness note on stderr.
func (o *Oracle) start() (*process, error) {
	cmd := exec.Command(o.node, o.script)
	cmd.Dir = filepath.Dir(o.script)
	env := make([]string, 0, len(os.Environ())+2)
	for _, kv := range os.Environ() {
		// The readiness note is how a slow start is told from a hung one.
		if strings.HasPrefix(kv, "IAMFUZZ_PEER_QUIET=") || strings.HasPrefix(kv, "IAMFUZZ_PEER_TIMEOUT_MS=") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, fmt.Sprintf("IAMFUZZ_PEER_TIMEOUT_MS=%d", o.opts.CaseTimeout.Milliseconds()))
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %v", ErrNodeNotFound, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrStart, err)
	}
	p := &process{cmd: cmd, stdin: stdin, lines: make(chan []byte, 256), exited: make(chan struct{}),
		quit: make(chan struct{}), stderr: &tail{}}
	ready := make(chan string, 1)
	stderrDone := make(chan struct{})
	stdoutDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if rest, ok := strings.CutPrefix(line, readyPrefix); ok {
				select {
				case ready <- readyVersion(rest):
				default:
				}
				continue
			}
			p.stderr.add(line)
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() {
		defer close(stdoutDone)
		defer close(p.lines)
		r := bufio.NewReaderSize(stdout, 1<<16)
		for {
			line, err := r.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				select {
				case p.lines <- line:
				case <-p.quit:
					// Nobody reads any more: drain so that the process can exit.
					_, _ = io.Copy(io.Discard, r)
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		// os/exec: Wait closes the pipes, so it may only be called once every read
		// from them has completed.
		<-stderrDone
		<-stdoutDone
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	timer := time.NewTimer(o.opts.StartTimeout)
	defer timer.Stop()
	select {
	case v := <-ready:
		p.version = v
		return p, nil
	case <-p.exited:
		msg := p.stderr.String()
		if strings.Contains(msg, "npm ci") || strings.Contains(msg, "cannot load") {
			return nil, fmt.Errorf("%w: run `npm ci` in %s (%s)", ErrNotInstalled, filepath.Dir(o.script), firstLine(msg))
		}
		return nil, fmt.Errorf("%w: %s exited (%s) before it was ready: %s", ErrStart, o.script, p.status(0), msg)
	case <-timer.C:
		p.kill()
		return nil, fmt.Errorf("%w: no readiness note from %s within %s: %s", ErrStart, o.script, o.opts.StartTimeout, p.stderr.String())
	}
}

// readyVersion extracts "LIBRARY VERSION" from the rest of the readiness note,
// " (@cloud-copilot/iam-simulate 0.1.173, timeout 10000 ms)".
func readyVersion(rest string) string {
	v := strings.Trim(rest, " ()")
	v, _, _ = strings.Cut(v, ",")
	return v
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// run writes the batch and reads one result per line, in order. It never returns a
// partial answer.
func (p *process) run(ctx context.Context, lines [][]byte, seq *uint64, idle time.Duration) ([]oracle.Result, error) {
	ids := make([]string, len(lines))
	for i := range lines {
		*seq++
		ids[i] = "p" + strconv.FormatUint(*seq, 10)
	}
	// The writer runs beside the reader: the adapter reads ahead only a window of
	// cases before it waits for its output to be read, so writing everything first
	// could deadlock on full pipes.
	werr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		bw := bufio.NewWriterSize(p.stdin, 1<<16)
		for i, l := range lines {
			select {
			case <-stop:
				werr <- nil
				return
			default:
			}
			// {"id":"pN",<rest of the case object>}
			bw.WriteString(`{"id":"`)
			bw.WriteString(ids[i])
			bw.WriteString(`",`)
			bw.Write(l[1:])
			if err := bw.WriteByte('\n'); err != nil {
				werr <- err
				return
			}
		}
		werr <- bw.Flush()
	}()
	out := make([]oracle.Result, len(lines))
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for i := 0; i < len(lines); {
		select {
		case line, ok := <-p.lines:
			if !ok {
				return nil, fmt.Errorf("%w (%s) after %d of %d cases of the batch; stderr: %s", ErrExited, p.status(idle), i, len(lines), p.stderr.String())
			}
			r, err := parseResult(line, ids[i])
			if err != nil {
				return nil, err
			}
			out[i] = r
			i++
		case err := <-werr:
			if err != nil {
				return nil, fmt.Errorf("%w: writing cases: %v; stderr: %s", ErrExited, err, p.stderr.String())
			}
			werr = nil // done writing; keep reading
			continue
		case <-timer.C:
			return nil, fmt.Errorf("%w: no answer within %s after %d of %d cases of the batch", ErrTimeout, idle, i, len(lines))
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		timer.Reset(idle) // Go ≥ 1.23: Reset discards a stale expiry

	}
	return out, nil
}

// status waits up to d for the process to exit and describes how it ended.
func (p *process) status(d time.Duration) string {
	select {
	case <-p.exited:
		if p.waitErr == nil {
			return "exit status 0"
		}
		return p.waitErr.Error()
	case <-time.After(d):
		return "closed its output but is still running"
	}
}

func (p *process) kill() {
	p.once.Do(func() { close(p.quit) })
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
	_ = p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
	}
}

func (p *process) close(grace time.Duration) error {
	_ = p.stdin.Close()
	select {
	case <-p.exited:
		if p.waitErr != nil {
			return fmt.Errorf("%w: %v; stderr: %s", ErrExited, p.waitErr, p.stderr.String())
		}
		return nil
	case <-time.After(grace):
		p.kill()
		return fmt.Errorf("%w: the adapter did not exit within %s of the end of its input; killed", ErrTimeout, grace)
	}
}

// tail keeps the last few lines the adapter wrote on stderr, for error messages.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func (t *tail) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, s)
	if len(t.lines) > 20 {
		t.lines = t.lines[len(t.lines)-20:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == 0 {
		return "(nothing on stderr)"
	}
	return strings.Join(t.lines, "\n")
}
