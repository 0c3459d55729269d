package iamtest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
)

// Fault is a failure the test server injects into one answer.
type Fault int

// Faults. Each is served to exactly one request, in the order injected.
const (
	// FaultThrottle answers 400 Throttling ("Rate exceeded"), as IAM does.
	FaultThrottle Fault = iota + 1
	// FaultServerError answers 500 InternalFailure.
	FaultServerError
	// FaultUnavailable answers 503 ServiceUnavailable.
	FaultUnavailable
	// FaultTruncate answers with one result per page (IsTruncated and a Marker).
	FaultTruncate
	// FaultMalformedXML answers 200 with a document cut off mid-element.
	FaultMalformedXML
	// FaultEmptyBody answers 200 with no body at all.
	FaultEmptyBody
	// FaultSlow waits SlowDelay, then answers normally.
	FaultSlow
	// FaultDrop closes the connection without answering.
	FaultDrop
	// FaultDropMidBody sends the headers and half the body, then closes.
	FaultDropMidBody
)

var faultNames = map[Fault]string{
	FaultThrottle: "throttle", FaultServerError: "500", FaultUnavailable: "503", FaultTruncate: "truncate",
	FaultMalformedXML: "malformed-xml", FaultEmptyBody: "empty-body", FaultSlow: "slow", FaultDrop: "drop",
	FaultDropMidBody: "drop-mid-body",
}

// String names the fault, as tests print it.
func (f Fault) String() string {
	if n, ok := faultNames[f]; ok {
		return n
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// Server is a local IAM endpoint for tests: an httptest server running a Handler,
// which injects faults on demand and counts what it served.
type Server struct {
	*httptest.Server
	Handler *Handler
	// SlowDelay is how long FaultSlow waits (default 2 s); the wait ends early when
	// the client gives up.
	SlowDelay time.Duration

	mu     sync.Mutex
	faults []Fault
	served map[string]int // successful answers by operation

	requests atomic.Int64
}

// NewServer starts a server that answers with d.
func NewServer(d Decider) *Server {
	s := &Server{Handler: &Handler{Decider: d, Name: "iamtest"}, SlowDelay: 2 * time.Second, served: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewModelServer starts a server backed by the model, with the principals of dir
// (may be nil) for SimulatePrincipalPolicy.
func NewModelServer(dir *directory.Directory) *Server {
	s := NewServer(&ModelDecider{Directory: dir})
	s.Handler.Name = "model"
	return s
}

// Inject queues faults: the next len(faults) requests get them, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// Pending returns the number of injected faults not served yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// Requests returns the number of HTTP requests received, faulted ones included.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// Served returns the number of successful answers to op.
func (s *Server) Served(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served[op]
}

func (s *Server) next() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return 0
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	requestID := newRequestID()
	fail := func(e *APIError) {
		w.Header().Set(ServerHeader, s.Handler.name())
		writeXML(w, e.Status, errorDocument(e, requestID))
	}
	switch s.next() {
	case FaultThrottle:
		fail(&APIError{Status: http.StatusBadRequest, Code: "Throttling", Message: "Rate exceeded"})
		return
	case FaultServerError:
		fail(&APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: "injected internal failure"})
		return
	case FaultUnavailable:
		fail(&APIError{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "injected unavailability"})
		return
	case FaultMalformedXML:
		w.Header().Set(ServerHeader, s.Handler.name())
		writeXML(w, http.StatusOK, []byte(`<?xml version="1.0" encoding="UTF-8"?><SimulateCustomPolicyResponse xmlns="`+xmlns+`"><SimulateCustomPolicyResult><EvaluationResults><member><EvalActionName>iam:GetUser</EvalActionName><EvalDecision>allo`))
		return
	case FaultEmptyBody:
		w.Header().Set(ServerHeader, s.Handler.name())
		w.WriteHeader(http.StatusOK)
		return
	case FaultSlow:
		// Read the body first: only then does net/http watch the connection and
		// cancel the request's context when the client gives up.
		_ = r.ParseForm()
		select {
		case <-time.After(s.SlowDelay):
		case <-r.Context().Done():
			return
		}
	case FaultDrop:
		hijackClose(w)
		return
	case FaultDropMidBody:
		rec := httptest.NewRecorder()
		s.Handler.serve(rec, r, 0)
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		hijackClose(w)
		return
	case FaultTruncate:
		s.answer(w, r, 1)
		return
	}
	s.answer(w, r, 0)
}

// answer serves the request and counts it when it succeeded.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, pageSize int) {
	cw := &codeWriter{ResponseWriter: w, code: http.StatusOK}
	s.Handler.serve(cw, r, pageSize)
	if cw.code == http.StatusOK {
		op := r.Form.Get("Action")
		s.mu.Lock()
		s.served[op]++
		s.mu.Unlock()
	}
}

type codeWriter struct {
	http.ResponseWriter
	code int
}

func (c *codeWriter) WriteHeader(code int) {
	c.code = code
	c.ResponseWriter.WriteHeader(code)
}

// hijackClose closes the connection under a response, as a crashed server or a
// cut network would.
func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("iamtest: the response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic("iamtest: hijack: " + err.Error())
	}
	_ = conn.Close()
}
