package model

import (
	"bytes"

	"github.com/go-json-experiment/json/jsontext"
)

// LineDecoder is eval's fast path for one line of the eval format: a single pass
// over the bytes that builds no maps and reuses its storage from line to line.
// It accepts only lines it can decode exactly as ParseCaseShared does (the
// reference: json v2 with its default, strict options) and declines every other
// line, which the caller then decodes with ParseCaseShared. So a line with an
// error is always reported by the reference decoder, with its kind, JSON path and
// message, and the fast path never decides a line the reference would reject.
// TestLineDecoderAgrees and the fuzz target of fuzz/linedecode hold the two to the same answers.
//
// What it declines: anything that is not well-formed JSON as jsontext reads it
// (syntax, invalid UTF-8, duplicate member names), null, member names with
// escapes or non-ASCII bytes, a value of another JSON type than the field takes,
// a policy that is neither an object nor a string, an unknown policy type, a
// context value that is not a string, number, boolean or a flat list of them,
// and nesting deeper than maxFastDepth. Unknown members of the case and of its
// request are checked with jsontext (Value.IsValid) and ignored, as the reference
// ignores them.
//
// With DeferPolicyChecks set, a policy object seen for the first time is not
// checked by jsontext: Unchecked then reports the line, and the line is the
// reference's decoding only if each such object is well-formed JSON. Parse
// proves that when it accepts the object: its decoder has the reference's
// options except for duplicate names, which Parse reports itself in every
// object (parser.object), every value it skips follows an error, and it rejects
// anything after the document. So a caller that compiles every policy of the
// line may use the line when all compile, and must decode it again with
// DeferPolicyChecks off when any does not (eval does; the errors are then the
// reference's). Policies are otherwise read twice: jsontext's check was about a
// tenth of eval's time on cases whose policies do not repeat.
//
// A LineDecoder is not safe for concurrent use: eval has one per worker.
type LineDecoder struct {
	// DeferPolicyChecks leaves a policy object's JSON check to Parse (above).
	DeferPolicyChecks bool

	b         []byte
	c         Case
	ctx       []ContextEntry
	unchecked bool // a policy object of this line was not checked
	unknown   bool // the line has an unknown member in the case or its request

	// names holds the member names of the objects being read, innermost last,
	// for the duplicate check.
	names [][]byte
	// scratch receives an unescaped string.
	scratch []byte

	// strs interns request strings (principals, actions, resources, context
	// keys, expectations), vals context values by their JSON text, and valid the
	// policy objects jsontext has already accepted, so a line whose policies and
	// request repeat earlier lines' allocates little and validates its policies
	// once. Each is emptied when it reaches its bound.
	strs       map[string]string
	vals       map[string]ContextValue
	valid      map[string]struct{}
	validBytes int
	seen       sightings // the objects seen once
}

// Bounds of the decoder's memos and of what it reads itself.
const (
	maxInterned     = 4096
	maxInternedLen  = 1024
	maxValidEntries = 1024
	maxValidBytes   = 64 << 20
	maxFastDepth    = 1000 // the reference allows 10,000 levels in the whole line
	maxFastMembers  = 256  // members of one object (duplicates are checked pairwise)
	declined        = -1
)

// The objects of a line, for member.
const (
	objectCase = iota
	objectPolicies
	objectRequest
	objectContext
)

// Decode decodes one line. It returns the case and its request's context as a
// list (Case.Request.Context stays nil), or ok false when the line must go to
// ParseCaseShared. The case and the list are valid until the next call; policy
// values point into line, as ParseCaseShared's do.
func (d *LineDecoder) Decode(line []byte) (c *Case, ctx []ContextEntry, ok bool) {
	d.b = line
	d.reset()
	i := d.ws(0)
	i = d.object(i, objectCase)
	if i < 0 || d.ws(i) != len(line) {
		return nil, nil, false
	}
	return &d.c, d.ctx, true
}

// Unchecked reports whether the last line decoded holds a policy object that
// was not checked (DeferPolicyChecks).
func (d *LineDecoder) Unchecked() bool { return d.unchecked }

// Unknown reports whether the last line decoded has a member that the case or
// its request does not know (and that the decoder ignored, as the reference
// does). Only such a line can hold a misspelt field (CaseFieldTypos), so eval
// looks at its names only then.
func (d *LineDecoder) Unknown() bool { return d.unknown }

func (d *LineDecoder) reset() {
	d.unchecked, d.unknown = false, false
	p := &d.c.Policies
	scp, rcp := p.SCP[:0], p.RCP[:0]
	d.c = Case{Policies: CasePolicies{Identity: p.Identity[:0], Boundary: p.Boundary[:0], Resource: p.Resource[:0], SCP: scp, RCP: rcp}}
	d.ctx = d.ctx[:0]
	d.names = d.names[:0]
	if d.strs == nil {
		d.strs = make(map[string]string)
		d.vals = make(map[string]ContextValue)
		d.valid = make(map[string]struct{})
	}
}

func (d *LineDecoder) ws(i int) int {
	for i < len(d.b) {
		switch d.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		}
		break
	}
	return i
}

// object reads an object of the given kind at i and returns the offset past it.
func (d *LineDecoder) object(i int, kind int) int {
	if i < 0 || i >= len(d.b) || d.b[i] != '{' {
		return declined
	}
	first := len(d.names)
	end := d.members(i, kind, first)
	d.names = d.names[:first]
	return end
}

// members reads the members of the object at i; names[first:] are those read.
func (d *LineDecoder) members(i, kind, first int) int {
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == '}' {
		return i + 1
	}
	for {
		name, j := d.name(i)
		if j < 0 || len(d.names)-first >= maxFastMembers {
			return declined
		}
		for _, n := range d.names[first:] {
			// plantedBug (plant_on.go): duplicate member names pass, which the
			// reference rejects; TestLineDecoderAgrees must catch it.
			if bytes.Equal(n, name) && !plantedBug {
				return declined
			}
		}
		d.names = append(d.names, name)
		j = d.ws(j)
		if j >= len(d.b) || d.b[j] != ':' {
			return declined
		}
		j = d.member(kind, name, d.ws(j+1))
		if j < 0 {
			return declined
		}
		next, done := d.after(j, '}')
		if done {
			return next
		}
		i = next
	}
}

// after reads what follows a member or an element at j: a comma (more to come:
// next is where the next one starts) or closer (done: next is past it);
// anything else, or the end of the line, is declined.
func (d *LineDecoder) after(j int, closer byte) (next int, done bool) {
	j = d.ws(j)
	if j >= len(d.b) {
		return declined, true
	}
	switch d.b[j] {
	case ',':
		return d.ws(j + 1), false
	case closer:
		return j + 1, true
	}
	return declined, true
}

// name reads a member name: printable ASCII without escapes, so that its bytes
// are the name the reference compares.
func (d *LineDecoder) name(i int) ([]byte, int) {
	if i >= len(d.b) || d.b[i] != '"' {
		return nil, declined
	}
	for j := i + 1; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			return d.b[i+1 : j], j + 1
		case c < 0x20 || c >= 0x80 || c == '\\':
			return nil, declined
		}
	}
	return nil, declined
}

func (d *LineDecoder) member(kind int, name []byte, i int) int {
	switch kind {
	case objectCase:
		switch string(name) {
		case "id":
			s, j := d.str(i)
			if j >= 0 {
				d.c.ID = string(s)
			}
			return j
		case "policies":
			return d.object(i, objectPolicies)
		case "request":
			return d.object(i, objectRequest)
		case "expect":
			return d.internStr(i, &d.c.Expect)
		case "expectError":
			return d.internStr(i, &d.c.ExpectError)
		case "undef":
			return d.internStr(i, &d.c.Undef)
		case "note":
			return d.internStr(i, &d.c.Note)
		case "source":
			return d.internStr(i, &d.c.Source)
		}
		d.unknown = true
		return d.skip(i)
	case objectPolicies:
		p := &d.c.Policies
		switch string(name) {
		case "identity":
			return d.policyList(i, &p.Identity)
		case "boundary":
			return d.policyList(i, &p.Boundary)
		case "resource":
			return d.policyList(i, &p.Resource)
		case "scp":
			return d.policyLevels(i, &p.SCP)
		case "rcp":
			return d.policyLevels(i, &p.RCP)
		}
		return declined // the reference reports unknown policy types
	case objectRequest:
		r := &d.c.Request
		switch string(name) {
		case "principal":
			return d.internStr(i, &r.Principal)
		case "action":
			return d.internStr(i, &r.Action)
		case "resource":
			return d.internStr(i, &r.Resource)
		case "resourceAccount":
			return d.internStr(i, &r.ResourceAccount)
		case "context":
			return d.object(i, objectContext)
		}
		d.unknown = true
		return d.skip(i)
	case objectContext:
		v, j := d.contextValue(i)
		if j >= 0 {
			d.ctx = append(d.ctx, ContextEntry{Key: d.intern(name), Value: v})
		}
		return j
	}
	return declined
}

// str reads a string at i: its contents, unescaped (in scratch when it had
// escapes or non-ASCII bytes, which jsontext.AppendUnquote checks as the
// reference does), and the offset past it.
func (d *LineDecoder) str(i int) ([]byte, int) {
	if i >= len(d.b) || d.b[i] != '"' {
		return nil, declined
	}
	plain := true
	for j := i + 1; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			if plain {
				return d.b[i+1 : j], j + 1
			}
			var err error
			d.scratch, err = jsontext.AppendUnquote(d.scratch[:0], d.b[i:j+1])
			if err != nil {
				return nil, declined
			}
			return d.scratch, j + 1
		case c == '\\':
			plain = false
			j++ // the escaped character; AppendUnquote checks the escape
		case c < 0x20:
			return nil, declined
		case c >= 0x80:
			plain = false
		}
	}
	return nil, declined
}

// internStr reads a string into *dst, interned.
func (d *LineDecoder) internStr(i int, dst *string) int {
	s, j := d.str(i)
	if j >= 0 {
		*dst = d.intern(s)
	}
	return j
}

func (d *LineDecoder) intern(b []byte) string {
	if len(b) > maxInternedLen {
		return string(b)
	}
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	if len(d.strs) >= maxInterned {
		clear(d.strs)
	}
	s := string(b)
	d.strs[s] = s
	return s
}

// number checks a JSON number at i and returns the offset past it.
func (d *LineDecoder) number(i int) int {
	b, j := d.b, i
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		return declined
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			return declined
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return declined
		}
	}
	return j
}

// literal checks that lit is at i and returns the offset past it.
func (d *LineDecoder) literal(i int, lit string) int {
	if !bytes.HasPrefix(d.b[i:], []byte(lit)) {
		return declined
	}
	return i + len(lit)
}

// scalar checks a context scalar (string, number, boolean) at i.
func (d *LineDecoder) scalar(i int) int {
	if i >= len(d.b) {
		return declined
	}
	switch c := d.b[i]; {
	case c == '"':
		_, j := d.str(i)
		return j
	case c == 't':
		return d.literal(i, "true")
	case c == 'f':
		return d.literal(i, "false")
	case c == '-' || c >= '0' && c <= '9':
		return d.number(i)
	}
	return declined
}

// list calls item for each element of an array at i and returns the offset past it.
func (d *LineDecoder) list(i int, item func(i int) int) int {
	if i >= len(d.b) || d.b[i] != '[' {
		return declined
	}
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == ']' {
		return i + 1
	}
	for {
		j := item(i)
		if j < 0 {
			return declined
		}
		next, done := d.after(j, ']')
		if done {
			return next
		}
		i = next
	}
}

// contextValue reads a context value as ParseContextValue reads it. A value seen
// before (by its JSON text) is shared: the request only reads it.
func (d *LineDecoder) contextValue(i int) (ContextValue, int) {
	var end int
	if i < len(d.b) && d.b[i] == '[' {
		end = d.list(i, d.scalar)
	} else {
		end = d.scalar(i)
	}
	if end < 0 {
		return ContextValue{}, declined
	}
	raw := d.b[i:end]
	if v, ok := d.vals[string(raw)]; ok {
		return v, end
	}
	var v ContextValue
	one := func(i int) int {
		if d.b[i] != '"' {
			j := d.scalar(i)
			v.Values = append(v.Values, d.intern(d.b[i:j]))
			return j
		}
		s, j := d.str(i)
		v.Values = append(v.Values, d.intern(s))
		return j
	}
	if d.b[i] == '[' {
		v = ContextValue{Values: []string{}, Multi: true}
		d.list(i, one)
	} else {
		one(i)
	}
	if len(raw) > maxInternedLen {
		// Bounded as strs is: a long value is decoded afresh each time.
		return v, end
	}
	if len(d.vals) >= maxInterned {
		clear(d.vals)
	}
	d.vals[string(raw)] = v
	return v, end
}

// policyList reads a list of policies at i into *dst.
func (d *LineDecoder) policyList(i int, dst *[]jsontext.Value) int {
	return d.list(i, func(i int) int {
		j := d.policy(i)
		if j >= 0 {
			*dst = append(*dst, jsontext.Value(d.b[i:j]))
		}
		return j
	})
}

// policyLevels reads a list of levels of policies (SCPs, RCPs) at i into *dst,
// reusing the levels' storage of earlier lines.
func (d *LineDecoder) policyLevels(i int, dst *[][]jsontext.Value) int {
	return d.list(i, func(i int) int {
		n := len(*dst)
		if n < cap(*dst) {
			*dst = (*dst)[:n+1]
			(*dst)[n] = (*dst)[n][:0]
		} else {
			*dst = append(*dst, nil)
		}
		return d.policyList(i, &(*dst)[n])
	})
}

// policy checks a policy value at i: an object (checked by jsontext once per
// distinct text, or left to Parse: DeferPolicyChecks) or a string.
func (d *LineDecoder) policy(i int) int {
	if i >= len(d.b) {
		return declined
	}
	switch d.b[i] {
	case '"':
		_, j := d.str(i)
		return j
	case '{':
		return d.check(i, d.DeferPolicyChecks)
	}
	return declined
}

// skip checks any value at i (an unknown member's) and returns the offset past it.
func (d *LineDecoder) skip(i int) int {
	if i >= len(d.b) {
		return declined
	}
	switch d.b[i] {
	case '{', '[':
		return d.check(i, false)
	case 'n':
		return declined // null: the reference reads it, but the fast path need not
	}
	return d.scalar(i)
}

// check checks an object or array at i: its end is found by bracket matching,
// then jsontext checks the value (syntax, UTF-8, duplicate names) with the
// reference's options, unless it has accepted these very bytes before. With
// deferFirst, a value seen for the first time is left unchecked (and the line
// marked so, see DeferPolicyChecks).
func (d *LineDecoder) check(i int, deferFirst bool) int {
	end, depth := d.matchBrackets(i)
	if end < 0 || depth > maxFastDepth {
		return declined
	}
	v := d.b[i:end]
	if _, ok := d.valid[string(v)]; ok {
		return end
	}
	// A text is kept once it comes a second time: cases whose policies never
	// repeat copy nothing. (A text jsontext rejects is declined on every
	// sighting, so noting it changes nothing.)
	again := d.seen.again(v, 0)
	if !again && deferFirst {
		d.unchecked = true
		return end
	}
	if !jsontext.Value(v).IsValid() {
		return declined
	}
	if !again {
		return end
	}
	if len(d.valid) >= maxValidEntries || d.validBytes+len(v) > maxValidBytes {
		clear(d.valid)
		d.validBytes = 0
	}
	if len(v) <= maxValidBytes/16 {
		d.valid[string(v)] = struct{}{}
		d.validBytes += len(v)
	}
	return end
}

// matchBrackets returns the offset past the object or array at i and its
// nesting depth. Only quotes, escapes and brackets are looked at: for a valid
// value that is its end, and whatever it returns is checked by jsontext (or was
// accepted by it before) as a complete value.
func (d *LineDecoder) matchBrackets(i int) (end, maxDepth int) {
	b, depth := d.b, 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			k := closingQuote(b, j)
			if k < 0 {
				return declined, 0
			}
			j = k
		case '{', '[':
			depth++
			maxDepth = max(maxDepth, depth)
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, maxDepth
			}
		}
	}
	return declined, 0
}

// closingQuote returns the offset of the quote that closes the string opened at
// i, or -1.
func closingQuote(b []byte, i int) int {
	for j := i + 1; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		n := 0
		for p := j - 1; b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j
		}
		j++
	}
}
