// Package warmstack runs a fuzz target's body on a goroutine that lives from one
// execution to the next, so that the body's stack grows once per process rather
// than once per execution.
//
// go test -fuzz runs every execution on a fresh goroutine (testing's tRunner),
// whose stack starts at a few kilobytes. A body that needs more outgrows it on
// every execution, and each growth copies the stack frame by frame, looking up
// every frame's tables: for the decide target's property that was about 30,000
// instructions per execution, two thirds of the property's own 44,000, and 8 % of
// a fuzzing run's CPU time (docs/performance.md, "Fuzz targets"). Handing the
// input to a goroutine whose stack has already grown costs two channel
// operations instead.
package warmstack

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// New returns check run on one long-lived goroutine, started by the first call.
// Calls are serialized: the fuzzing engine runs one input at a time per process,
// and concurrent callers (a parallel test, say) wait their turn. A panic in check
// is raised again in the caller's goroutine as a *Panic, which carries check's
// own stack, so go test -fuzz still records the input as a crasher and prints
// where it crashed.
func New(check func([]byte) error) func([]byte) error {
	r := &runner{check: check}
	return r.run
}

type runner struct {
	check func([]byte) error
	start sync.Once
	mu    sync.Mutex
	in    chan []byte
	out   chan outcome
}

type outcome struct {
	err      error
	panicked bool
	value    any
	stack    []byte
}

func (r *runner) run(data []byte) error {
	r.start.Do(func() {
		r.in, r.out = make(chan []byte), make(chan outcome)
		go r.serve()
	})
	r.mu.Lock()
	r.in <- data
	o := <-r.out
	r.mu.Unlock()
	if o.panicked {
		panic(&Panic{Value: o.value, Stack: o.stack})
	}
	return o.err
}

func (r *runner) serve() {
	for data := range r.in {
		r.out <- r.call(data)
	}
}

// call runs check once. A panic is recovered and returned; runtime.Goexit
// (recover gives nil) ends this goroutine, so another takes its place.
func (r *runner) call(data []byte) (o outcome) {
	returned := false
	defer func() {
		if returned {
			return
		}
		v := recover()
		o = outcome{panicked: true, value: v, stack: debug.Stack()}
		if v == nil {
			o.value = "runtime.Goexit called by the target's body"
			r.out <- o
			go r.serve()
		}
	}()
	o.err = r.check(data)
	returned = true
	return o
}

// Panic is what a function from New panics with when check panicked: check's
// panic value and the stack of check's goroutine at the panic.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string {
	return fmt.Sprintf("%v\n\nthe target's body panicked on its own goroutine (internal/warmstack):\n%s", p.Value, p.Stack)
}

// Unwrap returns the panic value if it is an error.
func (p *Panic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
