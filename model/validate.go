package model

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// validate applies the write-time rules of docs/semantics.md §1.4 that need the
// whole statement: required elements, exclusive pairs, names and variables.
func (p *parser) validate(pol *Policy, typ PolicyType) {
	if pol.HasVersion && pol.Version != "2012-10-17" && pol.Version != "2008-10-17" {
		p.errf("Version", -1, ErrInvalidVersion, "%q is not a policy language version (2012-10-17 or 2008-10-17)", pol.Version)
	}
	if typ == RCPPolicy && pol.Version != "2012-10-17" {
		// AWS's RCP syntax page: "Every RCP must include a Version element with
		// the value 2012-10-17" (docs/semantics.md §1.1 rule 14).
		p.errf("Version", -1, ErrInvalidVersion, "a resource control policy needs \"Version\": \"2012-10-17\"")
	} else if !pol.HasVersion {
		p.warn("Version", -1, "missing-version", "no Version: policy variables are literal text; write \"Version\": \"2012-10-17\"")
	}
	vars := pol.Version == "2012-10-17"
	if len(pol.Statements) == 0 && !hasKey(pol.keys, "Statement") {
		p.errf("", -1, ErrMissingStatement, "the policy has no Statement")
	}
	sids := map[string]int{}
	for i := range pol.Statements {
		st := &pol.Statements[i]
		path := "Statement"
		if !pol.StatementSingle {
			path = listStatementPath(i)
		}
		p.validateStatement(st, path, typ, vars)
		if st.HasSid && st.Sid != "" {
			if j, dup := sids[st.Sid]; dup && UniqueSids(typ) {
				// The Sid page: "In IAM, the Sid value must be unique within a JSON
				// policy"; IAM refuses the policy (docs/semantics.md §1.1 rule 9).
				p.errf(path+".Sid", st.Offset(), ErrInvalidSid, "Sid %q is also used by statement %d: IAM answers \"Statement IDs (SID) in a single policy must be unique\"", st.Sid, j)
			} else if dup {
				p.warnf(path+".Sid", st.Offset(), "duplicate-sid", "Sid %q is also used by statement %d", st.Sid, j)
			} else {
				sids[st.Sid] = i
			}
		}
	}
}

// listStatementPath is the path of the i-th statement of a list, from
// statementPaths when it is there: a Sprintf per statement was 1.6 % of eval's
// instructions on d2k (docs/performance.md "eval, sixth pass").
func listStatementPath(i int) string {
	if i+1 < len(statementPaths) {
		return statementPaths[i+1].self
	}
	return index("Statement", i)
}

func hasKey(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

func (p *parser) validateStatement(st *Statement, path string, typ PolicyType, vars bool) {
	off := st.Offset()
	switch {
	case !st.HasEffect:
		p.errf(path, off, ErrMissingEffect, "the statement has no Effect")
	case st.Effect == "Allow" || st.Effect == "Deny":
	case strings.EqualFold(st.Effect, "Allow") || strings.EqualFold(st.Effect, "Deny"):
		p.errf(path+".Effect", off, ErrInvalidEffect, "%q: Effect is case-sensitive; write Allow or Deny", st.Effect)
	default:
		if st.Effect != "" || hasKey(st.keys, "Effect") {
			p.errf(path+".Effect", off, ErrInvalidEffect, "%q: Effect must be Allow or Deny", st.Effect)
		}
	}
	if typ == RCPPolicy && st.Effect == "Allow" {
		p.errf(path+".Effect", off, ErrInvalidEffect, "a resource control policy can only Deny: the one Allow, RCPFullAWSAccess, is attached by AWS at every level")
	}
	if st.HasSid && !ValidSid(typ, st.Sid) {
		p.errf(path+".Sid", off, ErrInvalidSid, "%q: a Sid in an IAM policy may only contain A-Z, a-z and 0-9", st.Sid)
	}

	switch {
	case st.Action != nil && st.NotAction != nil:
		p.errf(path, off, ErrUnsupportedCombination, "a statement has either Action or NotAction, not both")
	case st.Action == nil && st.NotAction == nil:
		p.errf(path, off, ErrMissingAction, "the statement has no Action or NotAction")
	case typ == RCPPolicy && st.NotAction != nil:
		p.errf(path+".NotAction", off, ErrInvalidElement, "NotAction cannot be used in a resource control policy: write Action")
	}
	if typ == RCPPolicy && st.Action != nil {
		for j, a := range st.Action.Values {
			if svc, _, _ := strings.Cut(a, ":"); strings.Trim(svc, "*?") == "" {
				p.errf(elemPath(path+".Action", st.Action, j), off, ErrInvalidAction, "%q: a resource control policy names the service of each action (\"s3:*\", not \"*\")", a)
			}
		}
	}
	for _, e := range []struct {
		name string
		l    *StringList
	}{{"Action", st.Action}, {"NotAction", st.NotAction}} {
		name, l := e.name, e.l
		if l == nil {
			continue
		}
		if len(l.Values) == 0 && !l.invalid {
			p.errf(path+"."+name, off, ErrMissingAction, "%s is an empty list", name)
		}
		for j, a := range l.Values {
			if !validActionSyntax(a) {
				p.validateAction(elemPath(path+"."+name, l, j), off, a)
			}
		}
	}

	switch {
	case typ == TrustPolicy && (st.Resource != nil || st.NotResource != nil):
		name := "Resource"
		if st.Resource == nil {
			name = "NotResource"
		}
		p.errf(path+"."+name, off, ErrResourceInTrustPolicy, "a role trust policy has no %s: the role is the resource (IAM: \"Has prohibited field Resource\")", name)
	case st.Resource != nil && st.NotResource != nil:
		p.errf(path, off, ErrUnsupportedCombination, "a statement has either Resource or NotResource, not both")
	case st.Resource == nil && st.NotResource == nil && typ != TrustPolicy:
		msg := "the statement has no Resource or NotResource"
		if typ == ResourcePolicy && st.Principal != nil {
			msg += " (only a role trust policy has none: give the role's ARN as the request's resource)"
		}
		p.errf(path, off, ErrMissingResource, "%s", msg)
	}
	for _, e := range []struct {
		name string
		l    *StringList
	}{{"Resource", st.Resource}, {"NotResource", st.NotResource}} {
		name, l := e.name, e.l
		if l == nil {
			continue
		}
		if len(l.Values) == 0 && !l.invalid {
			p.errf(path+"."+name, off, ErrMissingResource, "%s is an empty list", name)
		}
		for j, r := range l.Values {
			if r != "*" && (strings.Contains(r, "${") || !strings.HasPrefix(r, "arn:") || hasUpperService(r) || placeholderAccount(arnAccount(r))) {
				// The path is written only for an error or a warning.
				p.validateResource(func() string { return elemPath(path+"."+name, l, j) }, off, r, vars)
			}
		}
	}

	hasPrincipal := st.Principal != nil || st.NotPrincipal != nil
	switch {
	case st.Principal != nil && st.NotPrincipal != nil:
		p.errf(path, off, ErrUnsupportedCombination, "a statement has either Principal or NotPrincipal, not both")
	case hasPrincipal && !typ.takesPrincipal():
		p.errf(path, off, ErrPrincipalInIdentity, "%s must not name a Principal (IAM: \"Policy document should not specify a principal.\")", typ.phrase())
	case !hasPrincipal && typ == ResourcePolicy:
		p.errf(path, off, ErrMissingPrincipal, "a resource-based policy statement needs a Principal or NotPrincipal")
	case !hasPrincipal && typ == RCPPolicy:
		p.errf(path, off, ErrMissingPrincipal, "a resource control policy statement needs \"Principal\": \"*\" (narrow principals with conditions)")
	case st.Principal != nil && typ == RCPPolicy && (!st.Principal.Wildcard || len(st.Principal.Entries) > 0):
		p.errf(path+".Principal", off, ErrInvalidPrincipal, "a resource control policy takes only \"Principal\": \"*\" (narrow principals with conditions)")
	case !hasPrincipal && typ == TrustPolicy:
		p.errf(path, off, ErrMissingPrincipal, "a role trust policy statement needs a Principal: it says who may assume the role")
	case st.NotPrincipal != nil && typ == TrustPolicy:
		p.errf(path+".NotPrincipal", off, ErrInvalidPrincipal, "NotPrincipal cannot be used in a role trust policy")
	case st.NotPrincipal != nil && typ == RCPPolicy:
		p.errf(path+".NotPrincipal", off, ErrInvalidPrincipal, "NotPrincipal cannot be used in a resource control policy")
	}
	for _, pb := range []struct {
		name string
		b    *PrincipalBlock
	}{{"Principal", st.Principal}, {"NotPrincipal", st.NotPrincipal}} {
		name, b := pb.name, pb.b
		if b == nil || !typ.takesPrincipal() {
			continue
		}
		for _, e := range b.Entries {
			for j, v := range e.Values.Values {
				ep := elemPath(path+"."+name+"."+e.Type, &e.Values, j)
				switch {
				case strings.Contains(v, "${"):
					p.errf(ep, off, ErrVariableInElement, "policy variables are not allowed in %s", name)
				case v != "*" && hasWildcard(v):
					p.errf(ep, off, ErrInvalidPrincipal, "%q: partial wildcards are not supported in principals", v)
				case e.Type == "AWS" && strings.HasPrefix(v, "arn:"):
					if parts := splitARN(v, nil); len(parts) > 4 {
						p.warnPlaceholderAccount(ep, off, v, parts[4])
					}
				case e.Type == "AWS" && v != "*" && !uniqueID(v):
					// An account given by its id alone.
					p.warnPlaceholderAccount(ep, off, v, v)
				}
			}
		}
	}

	if st.HasCondition {
		p.validateCondition(st, func() string { return path + ".Condition" }, off, vars)
	}
}

func elemPath(path string, l *StringList, j int) string {
	if l.Single {
		return path
	}
	return index(path, j)
}

// validActionSyntax is the fast path of validateAction: the common, valid
// "service:Name" shape needs no path string and no further checks.
func validActionSyntax(a string) bool {
	if a == "*" {
		return true
	}
	colons := 0
	for i := 0; i < len(a); i++ {
		switch c := a[i]; {
		case c == ':':
			colons++
		case nameBytes[c]&actionByte == 0:
			return false
		}
	}
	return colons == 1 && a[0] != ':' && a[len(a)-1] != ':'
}

// nameBytes classes the bytes of action names and condition keys for
// validActionSyntax and validKeyName: one table load a byte instead of up to a
// dozen comparisons (0.4 % of eval's instructions on distinct cases,
// docs/performance.md "eval, eighth pass"; TestNameBytes holds them to the
// comparisons).
var nameBytes = func() (t [256]uint8) {
	for c := range 256 {
		b := byte(c)
		word := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_' || b == '.'
		if word {
			t[c] |= prefixByte | actionByte
		}
		if b == '*' || b == '?' {
			t[c] |= actionByte
		}
		switch b {
		case ' ', '\t', '\r', '\n', '$', '{', '}':
			t[c] |= keyBadByte
		}
	}
	return t
}()

const (
	actionByte = 1 << iota // may appear in an action name (besides its one colon)
	prefixByte             // may appear in a condition key's service prefix
	keyBadByte             // may not appear anywhere in a condition key
)

// hasUpperService reports an upper-case letter in an ARN's service segment.
func hasUpperService(r string) bool {
	// The segment is found without strings.SplitN's slice, and an ASCII one is
	// checked without strings.ToLower's copy (called for every resource).
	i := strings.IndexByte(r, ':')
	if i < 0 {
		return false
	}
	j := strings.IndexByte(r[i+1:], ':')
	if j < 0 {
		return false
	}
	svc := r[i+1+j+1:]
	if k := strings.IndexByte(svc, ':'); k >= 0 {
		svc = svc[:k]
	}
	if !isASCII(svc) {
		return svc != strings.ToLower(svc)
	}
	for k := 0; k < len(svc); k++ {
		if 'A' <= svc[k] && svc[k] <= 'Z' {
			return true
		}
	}
	return false
}

// UniqueSids reports whether a policy of type typ may not use a Sid twice: the
// types IAM itself stores and validates (identity policies, permissions
// boundaries, role trust policies), whose Sids IAM requires to be unique
// (docs/semantics.md §1.1 rule 9).
func UniqueSids(typ PolicyType) bool {
	return typ == IdentityPolicy || typ == BoundaryPolicy || typ == TrustPolicy
}

// ValidSid reports whether IAM accepts sid as the Sid of a policy of type typ: the
// IAM policy types (identity, boundary, SCP) take only ASCII letters and digits,
// resource-based policies and RCPs any string.
func ValidSid(typ PolicyType, sid string) bool {
	return typ == ResourcePolicy || typ == RCPPolicy || isAlnum(sid)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func (p *parser) validateAction(path string, off int64, a string) {
	if a == "*" {
		return
	}
	if strings.Contains(a, "${") {
		p.errf(path, off, ErrVariableInElement, "%q: policy variables are not allowed in actions", a)
		return
	}
	i := strings.IndexByte(a, ':')
	switch {
	case i < 0:
		p.errf(path, off, ErrInvalidAction, "%q is not service:Action", a)
	case strings.IndexByte(a[i+1:], ':') >= 0:
		p.errf(path, off, ErrInvalidAction, "%q: an action can contain only one colon", a)
	case i == 0 || i == len(a)-1:
		p.errf(path, off, ErrInvalidAction, "%q: both the service prefix and the action name are needed", a)
	default:
		for _, c := range []byte(a) {
			if !(c == ':' || c == '*' || c == '?' || c == '-' || c == '_' || c == '.' ||
				'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				p.errf(path, off, ErrInvalidAction, "%q: character %q is not allowed in an action", a, c)
				return
			}
		}
	}
}

func (p *parser) validateResource(path func() string, off int64, r string, vars bool) {
	if r == "*" {
		return
	}
	if p.clean == nil {
		p.validateResourceText(path, off, r, vars)
		return
	}
	if p.clean.has(r, vars) {
		return
	}
	errs, warns, dropped, warnsDropped := len(p.errs), len(p.warns), p.dropped, p.warnsDropped
	p.validateResourceText(path, off, r, vars)
	if len(p.errs) == errs && len(p.warns) == warns && p.dropped == dropped && p.warnsDropped == warnsDropped {
		p.clean.add(r, vars)
	}
}

// validateResourceText checks one resource (not "*").
func (p *parser) validateResourceText(path func() string, off int64, r string, vars bool) {
	if !strings.HasPrefix(r, "arn:") {
		p.errf(path(), off, ErrInvalidARN, "%q: a resource is an ARN (arn:partition:service:region:account:resource) or \"*\"", r)
		return
	}
	var partBuf [6]string
	parts := splitARN(r, partBuf[:0])
	if len(parts) > 2 {
		if svc := parts[2]; svc != strings.ToLower(svc) {
			p.errf(path(), off, ErrInvalidARN, "%q: the service segment of an ARN must be lower-case", r)
		}
	}
	if len(parts) > 4 && placeholderAccount(parts[4]) {
		p.warnPlaceholderAccount(path(), off, r, parts[4])
	}
	if !vars {
		if strings.Contains(r, "${") {
			p.warn(path(), off, "variable-literal", strconv.Quote(r)+": without \"Version\": \"2012-10-17\" the variable is literal text")
		}
		return
	}
	if !p.checkVariableCount(path, off, r) {
		return
	}
	for k := 0; k < len(parts) && k < 5; k++ {
		if !strings.Contains(parts[k], "${") {
			continue
		}
		if k < 3 {
			p.errf(path(), off, ErrVariableInElement, "%q: policy variables are not allowed in the partition or service of an ARN", r)
			return
		}
		// AWS documents variables only in the resource part, yet its own managed
		// policies put ${aws:PrincipalAccount} in the account segment and IAM stores
		// them: accept, substitute, and mark decisions UNDEF.
		p.warn(path(), off, "variable-in-arn-prefix", strconv.Quote(r)+": AWS documents policy variables only in the resource part of an ARN")
		p.checkVariables(path, off, parts[k])
	}
	if len(parts) == 6 {
		p.checkVariables(path, off, parts[5])
	}
}

// MaxVariables bounds the policy variables in one Resource or condition value.
// A compiled pattern numbers its variables in 16-bit code units, so an unbounded
// count would wrap into literal text and skip a Deny; IAM's own size limits (10,240
// characters for an inline policy) allow about 1,500 variables in a whole policy.
const MaxVariables = 4096

// checkVariableCount rejects s when it holds more than MaxVariables "${" (the
// special ${*} ${?} ${$} included, so the cap is a cheap, conservative count).
func (p *parser) checkVariableCount(path func() string, off int64, s string) bool {
	if n := strings.Count(s, "${"); n > MaxVariables {
		p.errf(path(), off, ErrTooLarge, "%d policy variables in one value; the limit is %d", n, MaxVariables)
		return false
	}
	return true
}

// checkVariables checks the ${…} syntax of docs/semantics.md §6: a key, optionally
// followed by ", 'default'"; ${*} ${?} ${$}; no empty variable, no missing brace,
// no stray space.
func (p *parser) checkVariables(path func() string, off int64, s string) {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			p.errf(path(), off, ErrInvalidVariable, "%q: a policy variable is missing its closing brace", s)
			return
		}
		body := s[i+2 : i+end]
		s = s[i+end+1:]
		switch {
		case body == "*" || body == "?" || body == "$":
			continue
		case body == "":
			p.errf(path(), off, ErrInvalidVariable, "empty policy variable ${}")
			continue
		}
		key, def, hasDef := body, "", false
		if c := strings.IndexByte(body, ','); c >= 0 {
			key, def, hasDef = body[:c], body[c+1:], true
		}
		switch {
		case strings.ContainsAny(key, " \t"):
			p.errf(path(), off, ErrInvalidVariable, "${%s}: spaces are not allowed in a variable name", body)
		case !validKeyName(key):
			p.errf(path(), off, ErrInvalidVariable, "${%s}: %q is not a context key name", body, key)
		case hasDef && !(strings.HasPrefix(def, " '") && strings.HasSuffix(def, "'") && len(def) >= 3 && !strings.Contains(def[2:len(def)-1], "'")):
			p.errf(path(), off, ErrInvalidVariable, "${%s}: a default value is written ${key, 'default'}", body)
		}
	}
}

// onlyPrivateIPs reports values that all parse as blocks inside the private
// ranges (RFC 1918, fc00::/7): Access Analyzer's error "Private IP address"
// (docs/semantics.md §5.3). Any other value, or none, is not only private.
func onlyPrivateIPs(vs []Value) bool {
	for _, v := range vs {
		pfx, ok, _ := parsePrefix(v.Text)
		if !ok || !slices.ContainsFunc(privateBlocks, func(b netip.Prefix) bool {
			return b.Bits() <= pfx.Bits() && b.Contains(pfx.Addr())
		}) {
			return false
		}
	}
	return len(vs) > 0
}

var privateBlocks = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("fc00::/7"),
}

// validKeyName accepts service:name keys, including tag keys such as
// aws:PrincipalTag/team.
func validKeyName(k string) bool {
	i := strings.IndexByte(k, ':')
	if i <= 0 || i == len(k)-1 {
		return false
	}
	for j := 0; j < i; j++ {
		if nameBytes[k[j]]&prefixByte == 0 {
			return false
		}
	}
	// The prefix's bytes are none of the bad ones, nor is its colon.
	for j := i + 1; j < len(k); j++ {
		if nameBytes[k[j]]&keyBadByte != 0 {
			return false
		}
	}
	return true
}

func (p *parser) validateCondition(st *Statement, path func() string, off int64, vars bool) {
	for _, co := range st.Condition {
		op, known, nullIfExists := parseOperator(co.Operator)
		switch {
		case !known:
			p.errf(path(), off, ErrUnknownOperator, "unknown operator %q%s", co.Operator, operatorHint(co.Operator))
			continue
		case nullIfExists:
			p.errf(path()+"."+co.Operator, off, ErrNullWithIfExists, "Null cannot be combined with IfExists (IAM rejects NullIfExists; ForAllValues:Null and ForAnyValue:Null are accepted)")
			continue
		}
		seen := map[string]string{}
		for _, k := range co.Keys {
			// A key's path is written only for an error or a warning (two
			// concatenations per key, and one more per non-string value, were a
			// twentieth of the objects eval allocated on d2k).
			kp := func() string { return path() + "." + co.Operator + "." + k.Key }
			switch {
			case strings.Contains(k.Key, "${"):
				p.errf(kp(), off, ErrVariableInElement, "policy variables are not allowed in condition keys")
				continue
			case !validKeyName(k.Key):
				p.errf(kp(), off, ErrInvalidConditionKey, "%q is not a condition key (service:name, e.g. aws:SourceIp)", k.Key)
				continue
			}
			lk := lowerName(k.Key)
			if prev, dup := seen[lk]; dup {
				p.errf(kp(), off, ErrDuplicateConditionKey, "%q and %q are the same key (keys are case-insensitive)", prev, k.Key)
			}
			seen[lk] = k.Key
			if op.fam == famIP && lk == "aws:sourceip" && onlyPrivateIPs(k.Values) {
				p.warn(kp(), off, "private-source-ip", "aws:SourceIp holds the public address a request comes from, so blocks that are all private never match it (IAM Access Analyzer: \"Private IP address\"); a request through a VPC endpoint has aws:VpcSourceIp instead")
			}
			for j, v := range k.Values {
				i := j
				if k.Single {
					i = -1
				}
				vp := func() string { return index(kp(), i) }
				if vars && op.substitutes() && strings.Contains(v.Text, "${") && p.checkVariableCount(vp, off, v.Text) {
					p.checkVariables(vp, off, v.Text)
				}
				if op.fam != famString || hasWildcard(v.Text) {
					p.checkValueType(kp, i, off, op, v.Text)
				}
			}
		}
	}
}

// checkValueType warns, as Access Analyzer does, about values of the wrong type for
// their operator; IAM stores such policies, and their runtime meaning is UNDEF.
// The value's path is index(kp(), i), written only for a warning.
func (p *parser) checkValueType(kp func() string, i int, off int64, op operator, v string) {
	ok := true
	switch op.fam {
	case famNumeric:
		_, ok = parseNumber(v)
	case famDate:
		_, ok = parseDate(v)
	case famBool, famNull:
		_, ok = parseBool(v)
		if op.fam == famBool && strings.Contains(v, "${") {
			ok = true
		}
	case famIP:
		_, ok, _ = parsePrefix(v)
	case famString:
		if op.cmp != cmpLike && hasWildcard(v) && !strings.Contains(v, "${") {
			p.warn(index(kp(), i), off, "wildcard-without-like", strconv.Quote(v)+": wildcards are literal under this operator; use StringLike for a pattern")
		}
	}
	if !ok {
		p.warn(index(kp(), i), off, "type-mismatch", strconv.Quote(v)+" is not a valid value for this operator; it never matches (UNDEF)")
	}
}

func operatorHint(name string) string {
	base := strings.TrimPrefix(strings.TrimPrefix(name, "ForAllValues:"), "ForAnyValue:")
	best, ok := Closest(base, operatorNames, 2)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", strings.TrimSuffix(name, base)+best)
}

// SplitARN splits an ARN pattern into at most six segments (fewer when it has
// fewer colons) at the colons that are not inside a ${…} variable
// (${aws:PrincipalAccount} is one segment's text, docs/semantics.md §13
// variable-in-arn-prefix).
func SplitARN(s string) []string {
	return splitARN(s, make([]string, 0, 6)) // grown by appending, four allocations a pattern
}

// splitARN is SplitARN appending to out (validation's is on the stack).
func splitARN(s string, out []string) []string {
	start, depth := 0, 0
	for i := 0; i < len(s) && len(out) < 5; i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == ':' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
