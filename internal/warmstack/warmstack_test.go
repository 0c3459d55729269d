package warmstack

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestResults: check's results come back, input by input.
func TestResults(t *testing.T) {
	errOdd := errors.New("odd")
	run := New(func(b []byte) error {
		if len(b)%2 == 1 {
			return errOdd
		}
		return nil
	})
	for n := range 10 {
		if err := run(make([]byte, n)); (err != nil) != (n%2 == 1) || (err != nil && !errors.Is(err, errOdd)) {
			t.Fatalf("input of %d bytes: %v", n, err)
		}
	}
}

// TestSameGoroutine: every call runs on the same goroutine, whose stack keeps
// its size (the point of the package), never the caller's.
func TestSameGoroutine(t *testing.T) {
	var ids []string
	run := New(func([]byte) error {
		buf := make([]byte, 64)
		ids = append(ids, strings.Fields(string(buf[:runtime.Stack(buf, false)]))[1])
		return nil
	})
	for range 3 {
		_ = run(nil)
	}
	buf := make([]byte, 64)
	caller := strings.Fields(string(buf[:runtime.Stack(buf, false)]))[1]
	if ids[0] != ids[1] || ids[1] != ids[2] || ids[0] == caller {
		t.Fatalf("goroutines %v, caller %s", ids, caller)
	}
}

// TestPanic: a panic in check panics in the caller with check's value and
// stack, and the next call works.
func TestPanic(t *testing.T) {
	errBoom := errors.New("boom")
	run := New(func(b []byte) error {
		if len(b) > 0 {
			panic(errBoom)
		}
		return nil
	})
	func() {
		defer func() {
			p, ok := recover().(*Panic)
			if !ok || !errors.Is(p, errBoom) || !strings.Contains(p.Error(), "TestPanic") {
				t.Fatalf("recovered %#v", p)
			}
		}()
		_ = run([]byte{1})
		t.Fatal("no panic")
	}()
	if err := run(nil); err != nil {
		t.Fatal(err)
	}
}

// TestGoexit: runtime.Goexit in check is reported as a panic, and another
// goroutine serves the next call.
func TestGoexit(t *testing.T) {
	run := New(func(b []byte) error {
		if len(b) > 0 {
			runtime.Goexit()
		}
		return nil
	})
	func() {
		defer func() {
			if p, ok := recover().(*Panic); !ok || !strings.Contains(p.Error(), "Goexit") {
				t.Fatalf("recovered %#v", p)
			}
		}()
		_ = run([]byte{1})
	}()
	if err := run(nil); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentCallers: callers on several goroutines each get their own
// input's result.
func TestConcurrentCallers(t *testing.T) {
	run := New(func(b []byte) error {
		if b[0]%3 == 0 {
			return errors.New("three")
		}
		return nil
	})
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			if err := run([]byte{byte(i)}); (err != nil) != (i%3 == 0) {
				t.Errorf("input %d: %v", i, err)
			}
		})
	}
	wg.Wait()
}
