package model

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
)

type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

type comparison uint8

const (
	cmpEquals comparison = iota
	cmpEqualsFold
	cmpLike
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

type setQualifier uint8

const (
	setNone setQualifier = iota
	setForAll
	setForAny
)

// operator is a parsed condition operator name such as ForAnyValue:StringLikeIfExists.
type operator struct {
	fam      family
	cmp      comparison
	negated  bool
	ifExists bool
	set      setQualifier
}

type baseOp struct {
	fam     family
	cmp     comparison
	negated bool
}

// baseOps is the operator table of docs/semantics.md §5.3. Names are case-sensitive.
var baseOps = map[string]baseOp{
	"StringEquals":              {famString, cmpEquals, false},
	"StringNotEquals":           {famString, cmpEquals, true},
	"StringEqualsIgnoreCase":    {famString, cmpEqualsFold, false},
	"StringNotEqualsIgnoreCase": {famString, cmpEqualsFold, true},
	"StringLike":                {famString, cmpLike, false},
	"StringNotLike":             {famString, cmpLike, true},
	"NumericEquals":             {famNumeric, cmpEquals, false},
	"NumericNotEquals":          {famNumeric, cmpEquals, true},
	"NumericLessThan":           {famNumeric, cmpLT, false},
	"NumericLessThanEquals":     {famNumeric, cmpLE, false},
	"NumericGreaterThan":        {famNumeric, cmpGT, false},
	"NumericGreaterThanEquals":  {famNumeric, cmpGE, false},
	"DateEquals":                {famDate, cmpEquals, false},
	"DateNotEquals":             {famDate, cmpEquals, true},
	"DateLessThan":              {famDate, cmpLT, false},
	"DateLessThanEquals":        {famDate, cmpLE, false},
	"DateGreaterThan":           {famDate, cmpGT, false},
	"DateGreaterThanEquals":     {famDate, cmpGE, false},
	"Bool":                      {famBool, cmpEquals, false},
	"BinaryEquals":              {famBinary, cmpEquals, false},
	"IpAddress":                 {famIP, cmpEquals, false},
	"NotIpAddress":              {famIP, cmpEquals, true},
	"ArnEquals":                 {famARN, cmpLike, false},
	"ArnLike":                   {famARN, cmpLike, false},
	"ArnNotEquals":              {famARN, cmpLike, true},
	"ArnNotLike":                {famARN, cmpLike, true},
	"Null":                      {famNull, cmpEquals, false},
}

// OperatorNames lists the base condition operators the evaluator knows.
func OperatorNames() []string {
	out := make([]string, 0, len(baseOps))
	for k := range baseOps {
		out = append(out, k)
	}
	return out
}

// parseOperator splits a full operator name into qualifier, base and IfExists.
// The second result is false for an unknown operator; the third for Null…IfExists,
// which IAM rejects. Null with ForAllValues:/ForAnyValue: is accepted, as IAM does.
func parseOperator(name string) (op operator, known, nullIfExists bool) {
	rest := name
	switch {
	case strings.HasPrefix(rest, "ForAllValues:"):
		op.set, rest = setForAll, rest[len("ForAllValues:"):]
	case strings.HasPrefix(rest, "ForAnyValue:"):
		op.set, rest = setForAny, rest[len("ForAnyValue:"):]
	}
	if b, ok := strings.CutSuffix(rest, "IfExists"); ok {
		op.ifExists, rest = true, b
	}
	base, ok := baseOps[rest]
	if !ok {
		return op, false, false
	}
	op.fam, op.cmp, op.negated = base.fam, base.cmp, base.negated
	if op.fam == famNull && op.ifExists {
		return op, true, true
	}
	return op, true, false
}

// substitutes reports whether policy variables are replaced in this operator's
// values (String, ARN and — per the OPS page, UNDEF per VARS — Bool).
func (op operator) substitutes() bool {
	return op.fam == famString || op.fam == famARN || op.fam == famBool
}

type compiledCond struct {
	op      operator
	opText  string
	key     string // lower-cased
	slot    uint32 // the key's slot (slots.go)
	keyText string
	values  []Value
	pats    []pattern // string and ARN families
	nums    []float64
	dates   []instant
	ips     []netip.Prefix
	bins    [][]byte
	flags   []int8 // Bool and Null: 1 true, 0 false
	valid   []bool // per value: parsed (non-string families)
	static  Undef  // raised whenever the condition is evaluated
	// litSet holds the values of a long StringEquals (or, all ASCII, lower-cased
	// StringEqualsIgnoreCase) list of literals, so that a request value is looked up
	// once instead of compared with each: ForAnyValue with n policy values and m
	// request values costs n + m, not n × m.
	litSet map[string]struct{}
}

// minLitSet is the length of a literal list from which a set beats a scan.
const minLitSet = 16

func compileCondition(opText string, op operator, key ConditionKey, vars bool, memo *patternMemo) compiledCond {
	c := compiledCond{op: op, opText: opText, key: lowerName(key.Key), keyText: key.Key, values: key.Values}
	c.slot = keySlot(c.key, true)
	n := len(key.Values)
	switch op.fam {
	case famString, famARN:
		kind := patLiteral
		if op.cmp == cmpLike {
			kind = patGlob
		}
		c.pats = make([]pattern, n)
		for i, v := range key.Values {
			c.pats[i] = memo.compile(v.Text, kind, vars)
		}
		if op.fam == famString && n >= minLitSet && (op.cmp == cmpEquals || op.cmp == cmpEqualsFold) {
			c.litSet = literalSet(c.pats, op.cmp == cmpEqualsFold)
		}
		return c
	case famBool:
		if vars {
			c.pats = make([]pattern, n)
		}
	}
	c.valid = make([]bool, n)
	for i, v := range key.Values {
		var ok bool
		switch op.fam {
		case famNumeric:
			var f float64
			f, ok = parseNumber(v.Text)
			c.nums = append(c.nums, f)
		case famDate:
			var t instant
			t, ok = parseDate(v.Text)
			c.dates = append(c.dates, t)
			if ok && dateUndocumented(v.Text) {
				c.static |= UndefTypeMismatch
			}
		case famIP:
			var p netip.Prefix
			var undocumented bool
			p, ok, undocumented = parsePrefix(v.Text)
			c.ips = append(c.ips, p)
			if undocumented {
				c.static |= UndefTypeMismatch
			}
		case famBinary:
			b, err := base64.StdEncoding.DecodeString(v.Text)
			ok = err == nil
			c.bins = append(c.bins, b)
		case famBool, famNull:
			var b bool
			b, ok = parseBool(v.Text)
			c.flags = append(c.flags, boolFlag(b))
			if ok && !lowerBool(v.Text) {
				c.static |= UndefTypeMismatch
			}
			if op.fam == famBool && vars && strings.Contains(v.Text, "${") {
				c.pats[i] = memo.compile(v.Text, patLiteral, true)
				c.static |= UndefVariableInBool
				ok = true
			}
		}
		c.valid[i] = ok
		if !ok {
			c.static |= UndefTypeMismatch
		}
	}
	return c
}

func boolFlag(b bool) int8 {
	if b {
		return 1
	}
	return 0
}

// evalCondition decides one key of one operator block for the request
// (docs/semantics.md §5.2, §5.4, §5.5).
func (e *Evaluator) evalCondition(c *compiledCond, r *Request, tr *CondTrace) bool {
	e.undef |= c.static
	cv, present := r.lookup(c.slot, c.key)
	if tr != nil {
		tr.Present = present
		tr.RequestValues = cv.Values
	}
	if c.op.fam == famNull {
		if !present {
			e.addMissing(c.keyText)
		}
		if c.op.set != setNone {
			return e.evalNullSet(c, cv, present, tr)
		}
		if present && emptyValue(cv) {
			e.undef |= UndefNullOnEmptyValue
		}
		for i := range c.flags {
			if c.valid[i] && (c.flags[i] == 1) != present {
				return why(tr, true, "Null: the key is "+presence(present))
			}
		}
		return why(tr, false, "Null: the key is "+presence(present))
	}
	if !present {
		e.addMissing(c.keyText)
		switch {
		case c.op.ifExists:
			if c.op.set == setForAny {
				e.undef |= UndefSetWithIfExists
			}
			return why(tr, true, "the key is absent and the operator ends in IfExists")
		case c.op.set == setForAll:
			return why(tr, true, "the key is absent: ForAllValues is vacuously true")
		case c.op.set == setForAny:
			return why(tr, false, "the key is absent: ForAnyValue is false")
		case c.op.negated:
			return why(tr, true, "the key is absent: a negated operator is true")
		default:
			return why(tr, false, "the key is absent: a positive operator is false")
		}
	}
	vals := cv.Values
	if c.op.set != setNone {
		empty := len(vals) == 0 || (len(vals) == 1 && vals[0] == "")
		if empty && cv.Multi && len(vals) == 1 {
			e.undef |= UndefEmptyStringInSet
		}
		if c.op.set == setForAll {
			if empty {
				return why(tr, true, "the key's value set is empty: ForAllValues is vacuously true")
			}
			for _, v := range vals {
				if !e.condOne(c, v, r) {
					return why(tr, false, "ForAllValues: the request value "+strconv.Quote(v)+" does not satisfy the operator")
				}
			}
			return why(tr, true, "ForAllValues: every request value satisfies the operator")
		}
		if empty {
			return why(tr, false, "the key's value set is empty: ForAnyValue is false")
		}
		for _, v := range vals {
			if e.condOne(c, v, r) {
				return why(tr, true, "ForAnyValue: the request value "+strconv.Quote(v)+" satisfies the operator")
			}
		}
		return why(tr, false, "ForAnyValue: no request value satisfies the operator")
	}
	if len(vals) == 0 {
		e.undef |= UndefEmptyValueList
		return why(tr, c.op.negated, "the key is an empty list (UNDEF)")
	}
	if cv.Multi {
		// A list never satisfies an operator without a set qualifier. AWS's policy
		// simulator answered implicitDeny for ["t2.micro"] under StringLike "t2.*"
		// (docs/semantics.md, multi-valued keys); for a negated operator there is no
		// evidence, so "never matches" makes it true, and the result is UNDEF.
		if !c.op.negated {
			return why(tr, false, "a list of values never satisfies an operator without ForAllValues:/ForAnyValue: (AWS's simulator)")
		}
		e.undef |= UndefMultivaluedWithoutSet
		return why(tr, true, "a list of values never matches an operator without a set qualifier, so the negated operator is true (UNDEF)")
	}
	ok := e.condOne(c, vals[0], r)
	if tr != nil {
		// For a negated operator "true" means the value matched no policy value.
		if ok != c.op.negated {
			return why(tr, ok, "the request value matches a policy value")
		}
		return why(tr, ok, "the request value matches none of the policy values")
	}
	return ok
}

// evalNullSet decides ForAllValues:Null and ForAnyValue:Null by the set rules
// (docs/semantics.md §5.4): a missing key or an empty set makes ForAllValues true
// and ForAnyValue false; otherwise every request value is present, so each one
// satisfies Null exactly when the policy lists "false", and both qualifiers agree.
func (e *Evaluator) evalNullSet(c *compiledCond, cv ContextValue, present bool, tr *CondTrace) bool {
	forAll := c.op.set == setForAll
	if !present {
		return why(tr, forAll, "the key is absent: ForAllValues is vacuously true, ForAnyValue false")
	}
	if len(cv.Values) == 0 || (len(cv.Values) == 1 && cv.Values[0] == "") {
		if cv.Multi && len(cv.Values) == 1 {
			e.undef |= UndefEmptyStringInSet
		}
		return why(tr, forAll, "the key's value set is empty: ForAllValues is vacuously true, ForAnyValue false")
	}
	for i := range c.flags {
		if c.valid[i] && c.flags[i] == 0 {
			return why(tr, true, "every request value is present, and the policy lists Null \"false\"")
		}
	}
	return why(tr, false, "every request value is present, and the policy lists only Null \"true\"")
}

// emptyValue reports a key given as "" or as a list that is empty or holds only
// empty strings: whether Null counts it as null is not documented.
func emptyValue(cv ContextValue) bool {
	for _, v := range cv.Values {
		if v != "" {
			return false
		}
	}
	return true
}

func presence(present bool) string {
	if present {
		return "present"
	}
	return "absent"
}

func why(tr *CondTrace, ok bool, reason string) bool {
	if tr != nil {
		tr.Result, tr.Why = ok, reason
	}
	return ok
}

// condOne applies the operator to one request value: for a positive operator, true
// if the value matches any policy value (OR); for a negated one, true if it matches
// none (NOR, docs/semantics.md §5.1).
// literalSet returns the set of the patterns' literal texts, lower-cased when
// fold; nil when one is not a literal (a variable) or, with fold, not ASCII (only
// ASCII lower-casing agrees with strings.EqualFold).
func literalSet(pats []pattern, fold bool) map[string]struct{} {
	set := make(map[string]struct{}, len(pats))
	for i := range pats {
		p := &pats[i]
		if !p.literal || fold && !isASCII(p.lit) {
			return nil
		}
		k := p.lit
		if fold {
			k = strings.ToLower(k)
		}
		set[k] = struct{}{}
	}
	return set
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (e *Evaluator) condOne(c *compiledCond, v string, r *Request) bool {
	any := false
	switch c.op.fam {
	case famString:
		if c.litSet != nil {
			if c.op.cmp == cmpEqualsFold {
				if isASCII(v) {
					_, any = c.litSet[strings.ToLower(v)]
					break
				}
			} else {
				_, any = c.litSet[v]
				break
			}
		}
		for i := range c.pats {
			e.steps++
			if e.matchString(&c.pats[i], v, r, c.op.cmp) {
				any = true
				break
			}
		}
	case famARN:
		for i := range c.pats {
			if e.matchARN(&c.pats[i], v, r) {
				any = true
				break
			}
		}
	case famNumeric:
		x, ok := parseNumber(v)
		if !ok {
			e.undef |= UndefTypeMismatch
			break
		}
		for i, p := range c.nums {
			if c.valid[i] && compareOrdered(c.op.cmp, cmp3(x, p)) {
				any = true
				break
			}
		}
	case famDate:
		x, ok := parseDate(v)
		if !ok || dateUndocumented(v) {
			e.undef |= UndefTypeMismatch
		}
		if !ok {
			break
		}
		for i, p := range c.dates {
			if c.valid[i] && compareOrdered(c.op.cmp, x.compare(p)) {
				any = true
				break
			}
		}
	case famIP:
		a, ok := parseAddr(v)
		if !ok {
			e.undef |= UndefTypeMismatch
			break
		}
		if a.Is4In6() {
			e.undef |= UndefTypeMismatch
		}
		a = a.Unmap()
		for i, p := range c.ips {
			if c.valid[i] && p.Contains(a) {
				any = true
				break
			}
		}
	case famBool:
		x, ok := parseBool(v)
		if !ok || !lowerBool(v) {
			e.undef |= UndefTypeMismatch
		}
		if !ok {
			break
		}
		for i, f := range c.flags {
			if c.pats != nil && len(c.pats[i].vars) > 0 {
				codes, ok := e.expand(&c.pats[i], r)
				if b, ok2 := parseBool(e.literalBytes(codes)); ok && ok2 && b == x {
					any = true
					break
				}
				continue
			}
			if c.valid[i] && (f == 1) == x {
				any = true
				break
			}
		}
	case famBinary:
		n := base64.StdEncoding.DecodedLen(len(v))
		if cap(e.bytes2) < n {
			e.bytes2 = make([]byte, n)
		}
		m, err := base64.StdEncoding.Decode(e.bytes2[:n], []byte(v))
		if err != nil {
			e.undef |= UndefTypeMismatch
			break
		}
		for i, b := range c.bins {
			if c.valid[i] && bytes.Equal(b, e.bytes2[:m]) {
				any = true
				break
			}
		}
	}
	if c.op.negated {
		return !any
	}
	return any
}

func (e *Evaluator) matchString(p *pattern, v string, r *Request, cmp comparison) bool {
	switch cmp {
	case cmpLike:
		return e.matchPattern(p, v, r, false)
	case cmpEqualsFold:
		if p.literal {
			return strings.EqualFold(p.lit, v)
		}
		codes, ok := e.expand(p, r)
		return ok && strings.EqualFold(e.literalBytes(codes), v)
	default:
		if p.literal {
			return p.lit == v
		}
		codes, ok := e.expand(p, r)
		return ok && e.literalBytes(codes) == v
	}
}

// matchARN implements ArnLike/ArnEquals: both sides are split at their first five
// colons and the six parts are matched pairwise; a value with fewer than six parts
// never matches (docs/semantics.md §5.3).
func (e *Evaluator) matchARN(p *pattern, v string, r *Request) bool {
	codes, ok := e.expand(p, r)
	if !ok {
		return false
	}
	var pc, vc [6]int // start of each part
	np, nv := 1, 1
	for i, c := range codes {
		if c == ':' && np < 6 {
			pc[np] = i + 1
			np++
		}
	}
	for i := 0; i < len(v) && nv < 6; i++ {
		if v[i] == ':' {
			vc[nv] = i + 1
			nv++
		}
	}
	if np < 6 {
		e.undef |= UndefTypeMismatch
		return false
	}
	if nv < 6 || !strings.HasPrefix(v, "arn:") {
		// An Arn operator on a value that is not an ARN: AWS does not say.
		e.undef |= UndefTypeMismatch
		return false
	}
	for k := 0; k < 6; k++ {
		pe, ve := len(codes), len(v)
		if k < 5 {
			pe, ve = pc[k+1]-1, vc[k+1]-1
		}
		if !e.globNFA(codes[pc[k]:pe], v[vc[k]:ve], false) {
			return false
		}
	}
	return true
}

func compareOrdered(cmp comparison, c int) bool {
	switch cmp {
	case cmpLT:
		return c < 0
	case cmpLE:
		return c <= 0
	case cmpGT:
		return c > 0
	case cmpGE:
		return c >= 0
	}
	return c == 0
}

func cmp3(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// parseNumber accepts integers and decimals ("10", "-1.5", ".5"); exponents, hex,
// Inf and NaN are not numbers to IAM's documentation and parse as mismatches.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func parseBool(s string) (bool, bool) {
	switch {
	case s == "true": // the usual spelling, without EqualFold's cost
		return true, true
	case s == "false":
		return false, true
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// lowerBool reports whether a Bool or Null value that parses is spelled as AWS
// documents it; any other case is the model's choice (docs/semantics.md §13,
// type-mismatch).
func lowerBool(s string) bool { return s == "true" || s == "false" }

// parseAddr reads an IP address. An IPv6 zone (fe80::1%eth0) is no part of an
// address AWS documents for aws:SourceIp, so such a value does not parse
// (docs/semantics.md §13, type-mismatch).
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

// parsePrefix reads a CIDR block or a bare address (a /32 or /128). undocumented
// reports a reading AWS does not document (docs/semantics.md §13, type-mismatch):
// an IPv4-mapped IPv6 block, read as its IPv4 block, and a bare IPv6 address, read
// as a /128 where the OPS page says only that a bare address gets the prefix /32
// (written for IPv4: an IPv6 /32 would hold 2^96 addresses).
func parsePrefix(s string) (p netip.Prefix, ok, undocumented bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, false, false
		}
		a := p.Addr().Unmap()
		bitsOff := p.Addr().BitLen() - a.BitLen()
		return netip.PrefixFrom(a, p.Bits()-bitsOff).Masked(), true, p.Addr().Is4In6()
	}
	a, ok := parseAddr(s)
	if !ok {
		return netip.Prefix{}, false, false
	}
	undocumented = a.Is6()
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true, undocumented
}
