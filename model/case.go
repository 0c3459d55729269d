package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Case is one line of the eval JSON-lines format (docs/eval-format.md): policies, a
// request, and optionally the expected answer.
type Case struct {
	ID          string       `json:"id"`
	Policies    CasePolicies `json:"policies"`
	Request     CaseRequest  `json:"request"`
	Expect      string       `json:"expect,omitempty"`
	ExpectError string       `json:"expectError,omitempty"`
	Undef       string       `json:"undef,omitempty"`
	Note        string       `json:"note,omitempty"`
	Source      string       `json:"source,omitempty"`

	// Dir is the directory that {"$ref": …} policies are resolved against.
	Dir string `json:"-"`
	// Line is the 1-based line of the case in its file, 0 when unknown.
	Line int `json:"-"`
	// File is the file the case came from, "" for standard input.
	File string `json:"-"`
}

// CasePolicies are the policies of a case. Each policy is a JSON object, a JSON
// string holding the document text, or {"$ref": "path"}.
type CasePolicies struct {
	Identity []jsontext.Value   `json:"identity,omitempty"`
	Boundary []jsontext.Value   `json:"boundary,omitempty"`
	SCP      [][]jsontext.Value `json:"scp,omitempty"`
	Resource []jsontext.Value   `json:"resource,omitempty"`
	RCP      [][]jsontext.Value `json:"rcp,omitempty"`
}

// UnmarshalJSONFrom reads the policies in one pass and rejects unknown policy
// types: ignoring a policy (an RCP, a session policy) would silently change the
// decision.
func (p *CasePolicies) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		var m map[string]jsontext.Value // reports the wrong type as before
		return json.UnmarshalDecode(dec, &m)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var unknown []string
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		var target any
		if t, err := ParsePolicyType(name.String()); err == nil && slices.Contains(caseTypes, t) {
			if l := p.list(t); l != nil {
				target = l
			} else {
				target = p.levels(t)
			}
		} else {
			unknown = append(unknown, name.String())
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if err := json.UnmarshalDecode(dec, target); err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return &PolicyError{Path: "policies", Offset: -1, Kind: ErrInvalidElement,
			Msg: fmt.Sprintf("unknown policy type(s) %q: only identity, boundary, scp, resource and rcp are supported (session policies are not), and ignoring a policy would change the decision", unknown)}
	}
	return nil
}

// CaseRequest is the request of a case.
type CaseRequest struct {
	Principal       string                    `json:"principal"`
	Action          string                    `json:"action"`
	Resource        string                    `json:"resource"`
	ResourceAccount string                    `json:"resourceAccount,omitempty"`
	Context         map[string]jsontext.Value `json:"context,omitempty"`
}

// CaseError is an error in one named policy of a case (e.g. identity[0]).
type CaseError struct {
	Policy string
	Err    error
}

func (e *CaseError) Error() string { return e.Policy + ": " + e.Err.Error() }

// Unwrap exposes the policy's errors.
func (e *CaseError) Unwrap() error { return e.Err }

// ParseCase decodes one line of the eval format. Unknown fields are ignored;
// duplicate keys and wrong types are errors.
func ParseCase(line []byte) (*Case, error) { return parseCase(line) }

// ParseCaseShared is ParseCase without copying: the case's policy and context
// values point into line, which must not change while the case is in use. eval
// decodes each line once and keeps it until its result is written, so the policy
// text (kilobytes on every line when the policies repeat) is not copied per line.
func ParseCaseShared(line []byte) (*Case, error) { return parseCase(line, shareValues) }

// shareValues decodes a jsontext.Value as the decoder's own bytes; json.Unmarshal
// decodes from its input slice, so these are the line's bytes. Errors are the
// decoder's, as with jsontext.Value's own method.
var shareValues = json.WithUnmarshalers(json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *jsontext.Value) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*v = raw
	return nil
}))

func parseCase(line []byte, opts ...json.Options) (*Case, error) {
	var c Case
	if err := json.Unmarshal(line, &c, opts...); err != nil {
		var pe *PolicyError
		if errors.As(err, &pe) {
			return &c, pe
		}
		if t := bytes.TrimSpace(line); len(t) == 1 && (t[0] == '{' || t[0] == '[') {
			return &c, &PolicyError{Offset: -1, Kind: ErrSyntax, Msg: fmt.Sprintf("the line is %q alone: a case is one JSON object on one line (JSON lines, docs/eval-format.md), not a pretty-printed document", t)}
		}
		return &c, lineError(err)
	}
	return &c, nil
}

func lineError(err error) error {
	var se *jsontext.SyntacticError
	var ue *json.SemanticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		path := ""
		if errors.As(err, &se) {
			path = pointerToPath(string(se.JSONPointer))
		}
		return &PolicyError{Path: path, Offset: -1, Kind: ErrSyntax, Msg: "the line ends in the middle of a JSON value (truncated?)"}
	case errors.As(err, &se):
		kind := ErrSyntax
		if strings.Contains(se.Err.Error(), "duplicate") {
			kind = ErrDuplicateKey
		}
		return &PolicyError{Path: pointerToPath(string(se.JSONPointer)), Offset: se.ByteOffset, Kind: kind, Msg: se.Err.Error()}
	case errors.As(err, &ue):
		path := pointerToPath(string(ue.JSONPointer))
		got, want := kindName(ue.JSONKind), jsonKindOf(ue.GoType)
		msg := "wrong JSON type"
		switch {
		case ue.JSONKind != 0 && path == "" && want == "an object":
			// A pretty-printed policy or case given to eval reads as lines such
			// as `"Version": "2012-10-17",`.
			msg = fmt.Sprintf("%s, not a case: a case is one JSON object on one line (JSON lines, docs/eval-format.md)", got)
		case ue.JSONKind != 0 && want != "":
			msg = fmt.Sprintf("%s where %s was expected", got, want)
		case ue.JSONKind != 0:
			msg = fmt.Sprintf("%s is not allowed here", got)
		}
		return &PolicyError{Path: path, Offset: ue.ByteOffset, Kind: ErrInvalidType, Msg: msg}
	}
	return &PolicyError{Offset: -1, Kind: ErrSyntax, Msg: err.Error()}
}

// jsonKindOf names the JSON kind that decodes into t, "" when unsure.
func jsonKindOf(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return ""
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Float64:
		return "a number"
	}
	return ""
}

// PolicyCache compiles each distinct policy text once. Cases in a file usually share
// a handful of policies, so caching by content turns parsing into a map lookup.
// It is safe for concurrent use.
type PolicyCache struct {
	// Catalog, when set, adds unknown-action warnings to compiled policies. It
	// must not change once the cache has compiled a policy: the cache remembers
	// its answers.
	Catalog ActionCatalog

	mu    sync.Mutex
	m     [TrustPolicy + 1]map[string]*Compiled // by policy type: validity depends on it
	n     int
	bytes int
	// seen holds a hash of each text (and type) compiled once: a text is kept
	// only when it comes again. Cases whose policies never repeat (held-back
	// differential cases) then keep no compiled policy alive, which kept eval's
	// heap at 100 MB for 2,000 cases and cost more in page faults than compiling
	// a repeated policy a second time does.
	seen sightings
	// lint remembers the Catalog's answers about action names across policies.
	lint lintMemo
	// pats remembers compiled patterns across policies, clean the resources
	// that validate without a finding.
	pats  patternMemo
	clean cleanMemo
}

// The cache is bounded by entries and by bytes (a long-running serve sees every
// text its clients send); past either bound it starts over. A compiled policy
// costs a few times its text: cacheCost is that estimate. Rejected texts are not
// cached at all, so garbage cannot crowd out the policies in use.
const (
	maxCacheEntries = 4096
	maxCacheBytes   = 128 << 20
	cacheCost       = 4
)

// Compile returns the compiled policy for a document text of the given type.
func (pc *PolicyCache) Compile(text []byte, typ PolicyType) (*Compiled, error) {
	pc.mu.Lock()
	if pc.m[typ] == nil {
		pc.m[typ] = make(map[string]*Compiled)
	}
	if c, ok := pc.m[typ][string(text)]; ok { // no copy: the compiler looks up without converting
		pc.mu.Unlock()
		return c, nil
	}
	again := pc.seen.again(text, uint64(typ))
	pc.mu.Unlock()
	// No copy of text: the parsed policy holds nothing of it (see Parse), and
	// the cache's key below is a string of its own.
	p, err := parseWith(text, typ, ParseOptions{Catalog: pc.Catalog}, &pc.lint, &pc.clean)
	if err != nil {
		return nil, err
	}
	c := compile(p, &pc.pats, true)
	cost := cacheCost * len(text)
	if !again || cost > maxCacheBytes {
		return c, nil
	}
	pc.mu.Lock()
	if pc.n >= maxCacheEntries || pc.bytes+cost > maxCacheBytes {
		for i := range pc.m {
			clear(pc.m[i])
		}
		pc.n, pc.bytes = 0, 0
	}
	pc.m[typ][string(text)] = c
	pc.n++
	pc.bytes += cost
	pc.mu.Unlock()
	return c, nil
}

// cached reports the entries and estimated bytes the cache holds.
func (pc *PolicyCache) cached() (n, bytes int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.n, pc.bytes
}

// PolicyText returns the document text of one policy value of a case: the object's
// own bytes, the string's contents, or the referenced file.
func PolicyText(v jsontext.Value, dir string) ([]byte, error) {
	switch v.Kind() {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, &PolicyError{Offset: -1, Kind: ErrSyntax, Msg: err.Error()}
		}
		return []byte(s), nil
	case '{':
		if bytesHasRef(v) {
			if text, ok, err := refText(v, dir); ok {
				return text, err
			}
		}
		return v, nil
	}
	return nil, &PolicyError{Offset: -1, Kind: ErrInvalidType, Msg: fmt.Sprintf("a policy is a JSON object, a string or {\"$ref\": path}, not %s", kindName(v.Kind()))}
}

// refText reads the file a {"$ref": path} object names; ok is false when v is
// not such an object (then it is a policy document).
func refText(v jsontext.Value, dir string) (text []byte, ok bool, err error) {
	var ref struct {
		Ref     string         `json:"$ref"`
		Unknown jsontext.Value `json:",unknown"`
	}
	if json.Unmarshal(v, &ref, json.RejectUnknownMembers(false)) != nil || ref.Ref == "" || len(ref.Unknown) != 0 {
		return nil, false, nil
	}
	data, err := readRef(ref.Ref, dir)
	if err != nil {
		var pe *PolicyError
		if errors.As(err, &pe) {
			return nil, true, &PolicyError{Path: "$ref", Offset: -1, Kind: pe.Kind, Msg: pe.Msg}
		}
		return nil, true, &PolicyError{Path: "$ref", Offset: -1, Kind: ErrInvalidRequest, Msg: err.Error()}
	}
	return data, true, nil
}

func bytesHasRef(v []byte) bool { return bytes.Contains(v[:min(len(v), 64)], []byte(`"$ref"`)) }

// Bundle compiles the case's policies through the cache.
func (c *Case) Bundle(pc *PolicyCache) (*Bundle, error) {
	b := &Bundle{}
	if err := c.BundleInto(pc, b); err != nil {
		return nil, err
	}
	return b, nil
}

// BundleInto is Bundle into b, reusing b's storage (eval keeps one per worker);
// after an error b holds part of the policies.
func (c *Case) BundleInto(pc *PolicyCache, b *Bundle) error {
	b.reset(len(c.Policies.SCP), len(c.Policies.RCP))
	rtyp := ResourcePolicyType(c.Request.Resource)
	for ref, v := range c.Policies.All() {
		if ref.Type == BoundaryPolicy && len(c.Policies.Boundary) > 1 {
			return &PolicyError{Path: "policies.boundary", Offset: -1, Kind: ErrTooManyBoundaries,
				Msg: fmt.Sprintf("%d boundaries given; a principal has at most one permissions boundary", len(c.Policies.Boundary))}
		}
		text, err := PolicyText(v, c.Dir)
		if err != nil {
			return &CaseError{Policy: ref.String(), Err: err}
		}
		typ := ref.Type
		if typ == ResourcePolicy {
			typ = rtyp // the slot stays resource[i]; a role's is its trust policy
		}
		cp, err := pc.Compile(text, typ)
		if err != nil {
			return &CaseError{Policy: ref.String(), Err: err}
		}
		b.add(ref, cp)
	}
	return nil
}

// BuildRequest turns the case's request into a prepared Request.
func (c *Case) BuildRequest() (*Request, error) {
	ctx := make(map[string]ContextValue, len(c.Request.Context))
	for k, v := range c.Request.Context {
		cv, err := ParseContextValue(v)
		if err != nil {
			return nil, requestError("request.context."+k, "%v", err)
		}
		ctx[k] = cv
	}
	return NewRequestIn(c.Request.Principal, c.Request.Action, c.Request.Resource, c.Request.ResourceAccount, ctx)
}

// RequestInto prepares r for the case's request, reusing r's storage
// (Request.ResetList). ctx is the context as LineDecoder listed it, or nil to
// read the case's own Context; its errors are BuildRequest's.
func (c *Case) RequestInto(r *Request, ctx []ContextEntry) error {
	if ctx == nil && len(c.Request.Context) > 0 {
		ctx = make([]ContextEntry, 0, len(c.Request.Context))
		for k, v := range c.Request.Context {
			cv, err := ParseContextValue(v)
			if err != nil {
				return requestError("request.context."+k, "%v", err)
			}
			ctx = append(ctx, ContextEntry{Key: k, Value: cv})
		}
	}
	return r.ResetList(c.Request.Principal, c.Request.Action, c.Request.Resource, c.Request.ResourceAccount, ctx)
}

// ParseContextValue reads one context value of the eval format (a string, number,
// boolean, or a list of them) the way the evaluator does; the replay key reads
// values through it so that it never disagrees with the model.
func ParseContextValue(v jsontext.Value) (ContextValue, error) {
	scalar := func(v jsontext.Value) (string, error) {
		switch v.Kind() {
		case '"':
			var s string
			err := json.Unmarshal(v, &s)
			return s, err
		case 't', 'f', '0':
			return string(v), nil
		}
		return "", fmt.Errorf("a context value is a string, number, boolean or a list of them, not %s", kindName(v.Kind()))
	}
	if v.Kind() == '[' {
		var items []jsontext.Value
		if err := json.Unmarshal(v, &items); err != nil {
			return ContextValue{}, err
		}
		out := ContextValue{Values: make([]string, 0, len(items)), Multi: true}
		for _, it := range items {
			s, err := scalar(it)
			if err != nil {
				return ContextValue{}, err
			}
			out.Values = append(out.Values, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	return ContextValue{Values: []string{s}}, err
}

// AppendResultJSON appends the eval-format result line for a decided case. It
// allocates nothing beyond growing b (eval writes a line per case).
func AppendResultJSON(b []byte, id string, res *Result, warnings []string) []byte {
	b = append(b, `{"id":`...)
	b = appendQuoted(b, id)
	b = append(b, `,"decision":"`...)
	b = append(b, res.Decision.String()...)
	b = append(b, `","matched":[`...)
	for i, m := range res.Matched {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"policy":"`...)
		b = m.Ref().appendTo(b)
		b = append(b, `","statement":`...)
		b = strconv.AppendInt(b, int64(m.Statement), 10)
		if m.Sid != "" {
			b = append(b, `,"sid":`...)
			b = appendQuoted(b, m.Sid)
		}
		b = append(b, '}')
	}
	b = append(b, `],"missing":`...)
	b = appendStrings(b, res.Missing)
	if res.Undef != 0 {
		b = append(b, `,"undefined":`...)
		b = appendStrings(b, res.Undef.Names())
	}
	if res.Notes != 0 {
		b = append(b, `,"notes":`...)
		b = appendStrings(b, res.Notes.Names())
	}
	if len(warnings) > 0 {
		b = append(b, `,"warnings":`...)
		b = appendStrings(b, warnings)
	}
	return append(b, '}')
}

// AppendErrorJSON appends the eval-format error line for a case that could not be
// decided.
func AppendErrorJSON(b []byte, id string, line int, err error) []byte {
	b = append(b, '{')
	if id != "" {
		b = append(b, `"id":`...)
		b = appendQuoted(b, id)
		b = append(b, ',')
	}
	if line > 0 {
		b = fmt.Appendf(b, `"line":%d,`, line)
	}
	b = append(b, `"error":`...)
	b = appendQuoted(b, err.Error())
	if k := KindOf(err); k != "" {
		b = append(b, `,"errorKind":"`...)
		b = append(b, k...)
		b = append(b, '"')
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, s)
	}
	return append(b, ']')
}
