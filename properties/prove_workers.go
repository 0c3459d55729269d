package properties

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/partition"
)

// A proof's classes are decided and judged on several goroutines but
// accounted in the enumeration's order on the proof's own (Prove): the
// enumeration, which stays on the proof's goroutine, queues consecutive
// classes in batches for helper goroutines, and the proof's goroutine checks
// a batch itself when the queue is full or while it waits for the oldest.
// Whatever goroutine checked a class, the report is made from the outcomes one
// class after the other, exactly as the single-goroutine engine makes it
// (TestWorkersAgree); a proof that stops at its first error stops the
// enumeration's coverage at that class (partition.Coverage.StopAt).
// docs/performance.md, "check: one proof on both cores".

// classBatchSize is how many consecutive classes a batch holds: a few hundred
// microseconds of work, so handing one over costs little, and consecutive
// classes share their caller and context (Target.checkClass).
const classBatchSize = 64

// busyCheckers counts the goroutines of this process checking a proof's
// classes: each proof's own and its helpers. A proof with Options.Workers 0
// starts a helper only while fewer than GOMAXPROCS are busy, so that policies
// checked at the same time (check --parallel) share the cores instead of each
// taking all of them.
var busyCheckers atomic.Int64

// classBatch is consecutive classes of one proof and, once done is closed,
// their outcomes.
type classBatch struct {
	classes []*partition.Class
	out     []classOutcome
	done    chan struct{}
	panic   any // a helper's panic, raised again on the proof's goroutine
}

// classOutcome is one checked class: its outcome, its probe when it broke an
// invariant (for minimizing), and whether its witness was allowed (setProof).
type classOutcome struct {
	p       Probe
	po      ProbeOutcome
	allowed bool
}

// classWorker is one goroutine's storage for checking classes: its prober and
// the ARN of the caller of the last class it checked.
type classWorker struct {
	w       *prober
	lastPr  partition.Principal
	lastARN string
}

// check decides and judges a class in the worker's storage, into out.
func (cw *classWorker) check(t *Target, c *partition.Class, out *classOutcome) {
	// Classes come principal by principal: the caller's ARN is worked out once
	// for each.
	if cw.lastARN == "" || c.Principal != cw.lastPr {
		cw.lastPr, cw.lastARN = c.Principal, callerOf(c.Principal).ARN()
	}
	out.p, out.po = t.checkClass(c, cw.lastARN, cw.w)
	out.allowed = out.po.Err == nil && cw.w.res.Decision == model.Allowed
}

// checkBatch checks every class of b, in order.
func (cw *classWorker) checkBatch(t *Target, b *classBatch) {
	b.out = b.out[:len(b.classes)]
	for i, c := range b.classes {
		if plantedWorkerBug && plantedMisCheck(cw, c, i) {
			continue
		}
		cw.check(t, c, &b.out[i])
	}
}

// classChecker checks a proof's classes and accounts them in order.
type classChecker struct {
	t *Target
	// account records one checked class in the report; false stops the proof.
	account func(c *partition.Class, o *classOutcome) bool
	own     classWorker  // the proof's goroutine's
	one     classOutcome // the class checked last, with no helpers
	// maxHelpers is how many helper goroutines the proof may start; limited
	// says each also needs a spare core (busyCheckers).
	maxHelpers int
	limited    bool
	helpers    int
	work       chan *classBatch // batches queued for the helpers
	wg         sync.WaitGroup
	cur        *classBatch   // being filled
	pending    []*classBatch // handed out and not yet accounted, in order
	spare      []*classBatch // accounted, for reuse
	stopped    bool
	stopAt     *partition.Class // the class account stopped at
	released   bool
}

// newClassChecker makes the checker of one proof for o.Workers goroutines
// (Options.Workers). Its own goroutine counts as busy until release, which the
// proof defers: a panic on its goroutine (an account or Progress callback, a
// helper's panic raised again) otherwise left the helpers waiting for batches
// forever and the busy count up, so that a process that recovers (serve) lost
// a core to every such proof.
func (t *Target) newClassChecker(o Options, account func(*partition.Class, *classOutcome) bool) *classChecker {
	cc := &classChecker{t: t, account: account, own: classWorker{w: t.getProber()}}
	switch {
	case o.Workers == 0:
		cc.maxHelpers, cc.limited = runtime.GOMAXPROCS(0)-1, true
	case o.Workers > 1:
		cc.maxHelpers = o.Workers - 1
	}
	cc.work = make(chan *classBatch, 4*max(cc.maxHelpers, 0))
	busyCheckers.Add(1)
	return cc
}

// visit takes the enumeration's next class; false stops the enumeration.
func (cc *classChecker) visit(c *partition.Class) bool {
	if cc.stopped {
		return false
	}
	if cc.maxHelpers == 0 {
		cc.own.check(cc.t, c, &cc.one)
		cc.accountOne(c, &cc.one)
		return !cc.stopped
	}
	if cc.cur == nil {
		cc.cur = cc.newBatch()
	}
	cc.cur.classes = append(cc.cur.classes, c)
	if len(cc.cur.classes) == classBatchSize {
		cc.flush()
	}
	return !cc.stopped
}

func (cc *classChecker) accountOne(c *partition.Class, o *classOutcome) {
	if !cc.account(c, o) {
		cc.stopped, cc.stopAt = true, c
	}
}

func (cc *classChecker) newBatch() *classBatch {
	if n := len(cc.spare); n > 0 {
		b := cc.spare[n-1]
		cc.spare = cc.spare[:n-1]
		b.classes, b.done, b.panic = b.classes[:0], make(chan struct{}), nil
		return b
	}
	return &classBatch{classes: make([]*partition.Class, 0, classBatchSize), out: make([]classOutcome, classBatchSize), done: make(chan struct{})}
}

// flush queues the batch being filled for the helpers (starting one if the
// proof may and none runs yet, or if the queue is full), or checks it on this
// goroutine when no helper may run or the queue is full and no more may; then
// accounts what is done, in order. The enumeration runs on this goroutine and
// is most of a proof's work: it goes on while helpers check, and checks a
// batch itself only when they are behind.
func (cc *classChecker) flush() {
	b := cc.cur
	cc.cur = nil
	if b == nil || len(b.classes) == 0 {
		return
	}
	cc.pending = append(cc.pending, b)
	if cc.helpers == 0 {
		cc.startHelper()
	}
	queued := false
	if cc.helpers > 0 {
		select {
		case cc.work <- b:
			queued = true
		default:
			if cc.startHelper() {
				cc.work <- b
				queued = true
			}
		}
	}
	if !queued {
		cc.checkHere(b)
	}
	cc.drain()
	// Bound how far the enumeration runs ahead of the accounting.
	for len(cc.pending) > 8*(cc.helpers+1) && !cc.stopped {
		cc.waitOldest()
		cc.drain()
	}
}

// checkHere checks a batch on the proof's goroutine.
func (cc *classChecker) checkHere(b *classBatch) {
	cc.own.checkBatch(cc.t, b)
	close(b.done)
}

// waitOldest returns when the oldest pending batch is done, checking queued
// batches here meanwhile.
func (cc *classChecker) waitOldest() {
	first := cc.pending[0]
	for {
		select {
		case <-first.done:
			return
		default:
		}
		select {
		case <-first.done:
			return
		case b := <-cc.work:
			cc.checkHere(b)
		}
	}
}

// startHelper starts a helper goroutine if the proof may.
func (cc *classChecker) startHelper() bool {
	if cc.helpers >= cc.maxHelpers {
		return false
	}
	if cc.limited {
		procs := int64(runtime.GOMAXPROCS(0))
		for {
			n := busyCheckers.Load()
			if n >= procs {
				return false
			}
			if busyCheckers.CompareAndSwap(n, n+1) {
				break
			}
		}
	} else {
		busyCheckers.Add(1)
	}
	cc.helpers++
	cc.wg.Add(1)
	go cc.help()
	return true
}

// help checks the batches it is handed until the proof ends.
func (cc *classChecker) help() {
	defer cc.wg.Done()
	defer busyCheckers.Add(-1)
	cw := classWorker{w: cc.t.getProber()}
	defer cc.t.probers.Put(cw.w)
	for b := range cc.work {
		func() {
			defer func() {
				if r := recover(); r != nil {
					b.panic = r
				}
				close(b.done)
			}()
			cw.checkBatch(cc.t, b)
		}()
	}
}

// drain accounts the done batches at the head of pending, in order.
func (cc *classChecker) drain() {
	for len(cc.pending) > 0 && !cc.stopped {
		b := cc.pending[0]
		select {
		case <-b.done:
		default:
			return
		}
		if b.panic != nil {
			panic(b.panic)
		}
		for i, c := range b.classes {
			cc.accountOne(c, &b.out[i])
			if cc.stopped {
				break
			}
		}
		cc.pending = cc.pending[1:]
		clear(b.out)
		cc.spare = append(cc.spare, b)
	}
}

// finish checks and accounts what the enumeration left, stops the helpers
// and fixes the coverage of a proof that stopped early.
func (cc *classChecker) finish(cov *partition.Coverage) {
	if !cc.stopped {
		cc.flush()
	}
	for len(cc.pending) > 0 && !cc.stopped {
		cc.waitOldest()
		cc.drain()
	}
	cc.release()
	if cc.stopAt != nil && cov != nil {
		cov.StopAt(cc.stopAt)
	}
}

// release stops the helpers and gives back the proof's cores and storage,
// once: from finish, or deferred, after a panic. What is still queued will not
// be accounted and is left unchecked.
func (cc *classChecker) release() {
	if cc.released {
		return
	}
	cc.released = true
	discardQueued(cc.work)
	close(cc.work)
	// Helpers still checking batches finish them first: they use the target's
	// probers.
	cc.wg.Wait()
	busyCheckers.Add(-1)
	cc.t.probers.Put(cc.own.w)
}

// discardQueued empties work without ever blocking. Helpers receive from the
// same channel, so one may take the last queued batch between a length check
// and a receive: a blocking receive then waited for a batch nobody would send,
// and a stopped proof hung (once, in a test run under load).
func discardQueued(work chan *classBatch) {
	for {
		select {
		case <-work:
		default:
			return
		}
	}
}
