package iamtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits of one request (README, "Limits"): a body of at most MaxBody bytes, and
// at most MaxPairs action × resource decisions per answered page.
const (
	MaxBody  = 8 << 20
	MaxPairs = 100_000
)

// ServerHeader is the response header by which the endpoint says it is not AWS
// (awsiam.ServerHeader; the oracle labels records of such answers "not AWS").
const ServerHeader = "X-Iamfuzz-Server"

const (
	opCustom    = "SimulateCustomPolicy"
	opPrincipal = "SimulatePrincipalPolicy"
	apiVersion  = "2010-05-08"
)

// APIError is an error answer: an HTTP status and the Query protocol's code and
// message, written as an <ErrorResponse> document.
type APIError struct {
	Status  int
	Code    string
	Message string
}

// Error implements error.
func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func validation(msg string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "ValidationError", Message: "1 validation error detected: " + msg}
}

func invalidInput(msg string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "InvalidInput", Message: msg}
}

// Decider answers simulations. It returns the results of the actions
// sim.ActionNames[sim.From:sim.To] (all of them when To is 0), one per action; a
// decider that returns every action's result anyway is paged by the handler. An *APIError is answered as such; any other error as a 500.
type Decider interface {
	Simulate(ctx context.Context, sim *Simulation) ([]EvaluationResult, error)
}

// Handler serves SimulateCustomPolicy and SimulatePrincipalPolicy over the IAM
// Query protocol: a form-encoded POST (or GET) signed with SigV4 in, an XML
// document out. It checks that every request carries a well-formed SigV4
// Authorization header (it cannot check the signature without the secret key, and
// needs none). It is safe for concurrent use.
type Handler struct {
	Decider Decider
	// Name is sent in ServerHeader, e.g. "model".
	Name string
	// Log, when set, gets one line per request.
	Log io.Writer
	// PageSize, when positive, caps the results per page below MaxItems, so that
	// clients meet IsTruncated and Marker as AWS may send them.
	PageSize int

	logMu sync.Mutex
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, 0)
}

// serve answers one request; pageSize, when positive, overrides the page size for
// this answer only (fault injection).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, pageSize int) {
	start := time.Now()
	requestID := newRequestID()
	w.Header().Set(ServerHeader, h.name())
	w.Header().Set("x-amzn-RequestId", requestID)
	op, summary, status := "-", "", http.StatusOK
	defer func() {
		h.logf("%s %s %s %d %s %s", start.UTC().Format(time.RFC3339), requestID, op, status, time.Since(start).Round(time.Microsecond), summary)
	}()
	fail := func(e *APIError) {
		status = e.Status
		summary = e.Code + ": " + e.Message
		writeXML(w, e.Status, errorDocument(e, requestID))
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		fail(&APIError{Status: http.StatusMethodNotAllowed, Code: "InvalidAction", Message: "use POST (form-encoded) or GET"})
		return
	}
	if e := checkSigV4(r); e != nil {
		fail(e)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
			fail(&APIError{Status: status, Code: "RequestEntityTooLarge", Message: fmt.Sprintf("the request body is over %d bytes", MaxBody)})
			return
		}
		fail(&APIError{Status: http.StatusBadRequest, Code: "MalformedQueryString", Message: err.Error()})
		return
	}
	op = r.Form.Get("Action")
	if v := r.Form.Get("Version"); v != "" && v != apiVersion {
		fail(&APIError{Status: http.StatusBadRequest, Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s", op, v)})
		return
	}
	if op != opCustom && op != opPrincipal {
		fail(&APIError{Status: http.StatusBadRequest, Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s (this endpoint answers %s and %s)", op, apiVersion, opCustom, opPrincipal)})
		return
	}
	sim, err := parseSimulation(op, r.Form)
	if err != nil {
		fail(asAPIError(err))
		return
	}
	size := 100 // the API's default MaxItems
	if sim.MaxItems > 0 {
		size = sim.MaxItems
	}
	if h.PageSize > 0 && h.PageSize < size {
		size = h.PageSize
	}
	if pageSize > 0 && pageSize < size {
		size = pageSize
	}
	// Bound the work of one answer: at most MaxPairs action × resource decisions;
	// a page always holds at least one action, whose resources all answer at once.
	nres := max(1, len(sim.ResourceArns))
	if nres > MaxPairs {
		fail(validation(fmt.Sprintf("%d resource ARNs: this endpoint answers at most %d per request", nres, MaxPairs)))
		return
	}
	size = max(1, min(size, MaxPairs/nres))
	total := len(sim.ActionNames)
	fingerprint := requestFingerprint(r.Form)
	from := 0
	if sim.Marker != "" {
		if from, err = readMarker(sim.Marker, fingerprint); err != nil || from < 0 || from > total {
			fail(invalidInput("Invalid Marker: it does not belong to this request"))
			return
		}
	}
	to := min(from+size, total)
	sim.From, sim.To = from, to
	results, err := h.Decider.Simulate(r.Context(), sim)
	if err != nil {
		fail(asAPIError(err))
		return
	}
	if len(results) == total && to-from != total {
		results = results[from:to] // a decider that answered every action
	}
	truncated := to < total
	marker := ""
	if truncated {
		marker = makeMarker(to, fingerprint)
	}
	summary = describe(sim, results, from, total)
	writeXML(w, http.StatusOK, resultDocument(op, requestID, results, truncated, marker))
}

func (h *Handler) name() string {
	if h.Name == "" {
		return "iamtest"
	}
	return h.Name
}

func (h *Handler) logf(format string, args ...any) {
	if h.Log == nil {
		return
	}
	line := logSafe(fmt.Sprintf(format, args...))
	h.logMu.Lock()
	defer h.logMu.Unlock()
	fmt.Fprintln(h.Log, line)
}

// logSafe escapes control characters (a client's newline would forge a log line)
// and caps the length of a log line.
func logSafe(s string) string {
	const maxLog = 2048
	if len(s) > maxLog {
		s = s[:maxLog] + "…"
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' }) < 0 {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

func describe(sim *Simulation, page []EvaluationResult, from, total int) string {
	counts := map[string]int{}
	for _, r := range page {
		if len(r.ResourceSpecificResults) == 0 {
			counts[r.EvalDecision]++
		}
		for _, rs := range r.ResourceSpecificResults {
			counts[rs.EvalResourceDecision]++
		}
	}
	res := "*"
	if sim.ResourceArns != nil {
		res = strconv.Itoa(len(sim.ResourceArns))
	}
	var parts []string
	for _, d := range []string{"allowed", "explicitDeny", "implicitDeny"} {
		if counts[d] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", d, counts[d]))
		}
	}
	return fmt.Sprintf("actions=%d resources=%s results %d-%d/%d %s", len(sim.ActionNames), res, from+1, from+len(page), total, strings.Join(parts, " "))
}

func asAPIError(err error) *APIError {
	var e *APIError
	if errors.As(err, &e) {
		return e
	}
	return &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// authRE is the shape of a SigV4 Authorization header for IAM, compiled on the
// first request: every command of the iamfuzz binary links this package, and
// compiling the `{1,128}` and `{64}` at start-up was 0.4 % of `iamfuzz check
// corpus/policies` (docs/performance.md, "check and the proof engine, fifth
// pass").
var authRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9_-]{1,128})/(\d{8})/([a-z0-9-]+)/iam/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$`)
})

// checkSigV4 verifies that the request is signed with SigV4 for IAM: the
// Authorization header is well formed, its scope's date is X-Amz-Date's date, and
// it signs at least host and x-amz-date. The signature itself is not verified.
func checkSigV4(r *http.Request) *APIError {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return &APIError{Status: http.StatusForbidden, Code: "MissingAuthenticationToken", Message: "Request is missing Authentication Token"}
	}
	m := authRE().FindStringSubmatch(auth)
	if m == nil {
		return &APIError{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: "Authorization header is not a SigV4 signature for the iam service: " + auth}
	}
	date := r.Header.Get("X-Amz-Date")
	if _, err := time.Parse("20060102T150405Z", date); err != nil {
		return &APIError{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: "X-Amz-Date is missing or not in ISO 8601 basic format"}
	}
	if date[:8] != m[2] {
		return &APIError{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: "the credential scope's date is not X-Amz-Date's date"}
	}
	signed := map[string]bool{}
	for _, hname := range strings.Split(m[4], ";") {
		signed[hname] = true
	}
	if !signed["host"] || !signed["x-amz-date"] {
		return &APIError{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: "SignedHeaders must include host and x-amz-date"}
	}
	return nil
}

// requestFingerprint hashes the parameters of a request other than Marker and
// MaxItems: a Marker is valid only for the request that it continues.
func requestFingerprint(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "Marker" && k != "MaxItems" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		for _, v := range form[k] {
			fmt.Fprintf(h, "%d:%s=%d:%s\n", len(k), k, len(v), v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// A Marker carries the offset of the next result and the request's fingerprint;
// the endpoint keeps no state between pages.
func makeMarker(offset int, fingerprint string) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(offset))
	return base64.RawURLEncoding.EncodeToString(append(b[:], fingerprint...))
}

func readMarker(m, fingerprint string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || len(b) != 8+len(fingerprint) || string(b[8:]) != fingerprint {
		return 0, errors.New("invalid marker")
	}
	return int(binary.BigEndian.Uint64(b[:8])), nil
}

// newRequestID returns a random UUID, the form of AWS request IDs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
