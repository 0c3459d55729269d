package awsiam_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/iamtest"
	"github.com/iamfuzz/iamfuzz/oracle/replay"
)

// TestAttemptTimeoutKind: an answer slower than the attempt timeout on every
// attempt failed the call's cases with no error kind; it is KindTimeout.
func TestAttemptTimeoutKind(t *testing.T) {
	cases := faultCases()
	srv := newServer(t)
	srv.SlowDelay = 5 * time.Second
	srv.Inject(iamtest.FaultSlow, iamtest.FaultSlow)
	o := newOracle(t, srv, awsiam.Options{Concurrency: 1}, awsiam.ClientOptions{MaxAttempts: 2, AttemptTimeout: 200 * time.Millisecond})
	got := decide(t, o, cases)
	failed := 0
	for i := range cases {
		if got[i].Err == "" {
			continue
		}
		failed++
		if got[i].ErrKind != awsiam.KindTimeout {
			t.Errorf("%s: kind %q (%s), want %s", cases[i].ID, got[i].ErrKind, got[i].Err, awsiam.KindTimeout)
		}
	}
	if failed != 2 {
		t.Errorf("%d cases failed, want the 2 of the slow call", failed)
	}
}

// TestEndpointRedactedInRecords: a password in the endpoint URL landed in every
// record (RecordedFrom and the request summary).
func TestEndpointRedactedInRecords(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	rec, err := replay.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	co := awsiam.ClientOptions{Endpoint: srv.URL, Retry: awsiam.RetryFast, AttemptTimeout: 5 * time.Second}
	secret := strings.Replace(srv.URL, "http://", "http://admin:hunter2@", 1) + "/?X-Amz-Security-Token=tok3n"
	o := awsiam.New(awsiam.NewClient(awsiam.LocalConfig(), co), awsiam.Options{Endpoint: secret, Recorder: rec})
	decide(t, o, faultCases()[:2])
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(files) == 0 {
		t.Fatal("nothing recorded")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{"hunter2", "tok3n", "admin"} {
			if strings.Contains(string(b), leak) {
				t.Errorf("%s holds %q", f, leak)
			}
		}
	}
}
