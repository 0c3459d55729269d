package iamtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// countingDecider records how many actions each simulation asked the model for.
type countingDecider struct {
	ModelDecider
	mu    sync.Mutex
	asked []int
}

func (d *countingDecider) Simulate(ctx context.Context, sim *Simulation) ([]EvaluationResult, error) {
	d.mu.Lock()
	d.asked = append(d.asked, len(sim.window()))
	d.mu.Unlock()
	return d.ModelDecider.Simulate(ctx, sim)
}

func simulationForm(actions, resources int, maxItems string) url.Values {
	form := url.Values{"Action": {opCustom}, "Version": {apiVersion}, "PolicyInputList.member.1": {policy}, "CallerArn": {alice}}
	for i := range actions {
		form.Set(fmt.Sprintf("ActionNames.member.%d", i+1), fmt.Sprintf("iam:GetUser%d", i))
	}
	for i := range resources {
		form.Set(fmt.Sprintf("ResourceArns.member.%d", i+1), fmt.Sprintf("arn:aws:iam::111122223333:user/u%d", i))
	}
	if maxItems != "" {
		form.Set("MaxItems", maxItems)
	}
	return form
}

// TestWorkBoundedByPage: every action × resource pair was decided whatever
// MaxItems said (a 220 KB request: 1.1 GB, 32 s). Only the page sent is decided,
// and a page holds at most MaxPairs decisions.
func TestWorkBoundedByPage(t *testing.T) {
	d := &countingDecider{}
	srv := NewServer(d)
	defer srv.Close()
	if status, code, body := rawPost(t, srv, simulationForm(500, 3, "10"), true); status != http.StatusOK {
		t.Fatalf("%d %s %s", status, code, body)
	}
	if status, _, _ := rawPost(t, srv, simulationForm(200, 1000, "1000"), true); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if status, code, _ := rawPost(t, srv, simulationForm(1, MaxPairs+1, ""), true); status != http.StatusBadRequest {
		t.Errorf("%d resources: %d %s, want 400", MaxPairs+1, status, code)
	}
	want := []int{10, MaxPairs / 1000}
	if fmt.Sprint(d.asked) != fmt.Sprint(want) {
		t.Errorf("actions decided per request %v, want %v", d.asked, want)
	}
}

// TestBodyCapped: a body over MaxBody is refused with 413 without being read whole.
func TestBodyCapped(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	form := simulationForm(1, 0, "")
	form.Set("PolicyInputList.member.1", strings.Repeat(" ", MaxBody))
	if status, code, _ := rawPost(t, srv, form, true); status != http.StatusRequestEntityTooLarge {
		t.Errorf("%d %s, want 413", status, code)
	}
}

// TestLogLinesCannotBeForged: a newline in a parameter wrote a second log line.
func TestLogLinesCannotBeForged(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	var log bytes.Buffer
	var mu sync.Mutex
	srv.Handler.Log = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return log.Write(p) })
	form := simulationForm(1, 0, "")
	form.Set("Action", "Simulate\n2026-01-01T00:00:00Z forged-id SimulateCustomPolicy 200 1ms ok")
	rawPost(t, srv, form, true)
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(log.String(), "\n"); n != 1 {
		t.Errorf("%d log lines for one request:\n%s", n, log.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestGoneClientStopsWork: with the request's context done, the model decides
// nothing more.
func TestGoneClientStopsWork(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sim, err := parseSimulation(opCustom, simulationForm(50, 50, ""))
	if err != nil {
		t.Fatal(err)
	}
	var d ModelDecider
	if res, err := d.Simulate(ctx, sim); err == nil || len(res) != 0 {
		t.Errorf("%d results, err %v: work went on for a gone client", len(res), err)
	}
}
