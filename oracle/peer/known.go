package peer

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// How a disagreement is recognised as a known one
//
// A class of the peer's documented behaviour is recognised in one of two ways,
// both precise:
//
//   - a direct test, for classes where the peer answers a different question than
//     the model (sts:GetCallerIdentity, a request resource the peer reads as a
//     pattern, a request the peer refuses): the test names exactly that situation;
//
//   - an emulation, for classes where the peer applies a different rule: the case
//     is rewritten so that the model, deciding the rewritten case, follows the
//     peer's rule (e.g. give a policy without Version the 2012-10-17 language), and
//     the class matches only if the model's decision of the rewritten case is then
//     exactly the peer's. A difference that the documented rule does not fully
//     explain stays a disagreement.
//
// A case may need several emulations at once (a policy without Version whose
// NotResource then holds an unresolved variable). The smallest set of emulations
// that explains the peer's answer is searched, and the case is counted under the
// first class of that set, in the order of the list below.

// Class names of the known differences, as reports show them. Each has a section
// in corpus/peer-differences.md.
const (
	ClassGetCallerIdentity     = "get-caller-identity-always-allowed"
	ClassWildcardRequest       = "wildcard-in-request-resource"
	ClassResourceTypeRejected  = "request-resource-not-of-action"
	ClassRoot                  = "root-user-not-special"
	ClassVarsWithoutVersion    = "variables-without-version-2012"
	ClassUnknownOperator       = "invalid-unknown-operator"
	ClassNullIfExists          = "invalid-null-ifexists"
	ClassInvalidSid            = "invalid-sid"
	ClassNotResourceUnresolved = "notresource-unresolved-variable"
	ClassNegatedUnresolved     = "negated-condition-unresolved-variable"
	ClassEpochDate             = "date-epoch-seconds-read-as-milliseconds"
	ClassIPv4ZeroPrefix        = "ipv4-zero-prefix-as-host"
	ClassSpecialVarsInEquals   = "special-variables-literal-in-equals"
	ClassForAnyValueIfExists   = "foranyvalue-ifexists-missing-key"
	ClassNotIPOtherFamily      = "notipaddress-bare-address-other-family"
	ClassNotPrincipalAllow     = "notprincipal-with-allow"
	ClassMultivaluedNoSet      = "multivalued-key-without-set-operator"
	ClassFederatedAsUser       = "federated-user-read-as-iam-user"
	ClassAWSOwnedResource      = "aws-owned-resource-as-other-account"
	ClassNullSet               = "null-set-operator-as-null"
	ClassOneValueList          = "one-value-list-read-as-value"
)

// DifferencesDoc is the file that documents every class.
const DifferencesDoc = "corpus/peer-differences.md"

// emulation rewrites a case so that the model follows one documented peer rule.
// apply edits the case in place and reports whether it changed anything.
type emulation struct {
	class string
	apply func(rc *rewriteCase) bool
}

// emulations, in the order they are applied (later ones may depend on earlier
// ones: the NotResource rule only concerns policies whose variables are variables).
var emulations = []emulation{
	{ClassRoot, emulateRoot},
	{ClassFederatedAsUser, emulateFederatedAsUser},
	{ClassVarsWithoutVersion, emulateVersion},
	{ClassUnknownOperator, emulateUnknownOperator},
	{ClassNullIfExists, emulateNullIfExists},
	{ClassNullSet, emulateNullSet},
	{ClassInvalidSid, emulateInvalidSid},
	{ClassNotResourceUnresolved, emulateNotResourceUnresolved},
	{ClassNegatedUnresolved, emulateNegatedUnresolved},
	{ClassEpochDate, emulateEpochDate},
	{ClassIPv4ZeroPrefix, emulateIPv4ZeroPrefix},
	{ClassSpecialVarsInEquals, emulateSpecialVarsInEquals},
	{ClassForAnyValueIfExists, emulateForAnyValueIfExists},
	{ClassNotIPOtherFamily, emulateNotIPOtherFamily},
	{ClassNotPrincipalAllow, emulateNotPrincipalAllow},
	{ClassMultivaluedNoSet, emulateMultivaluedNoSet},
	{ClassOneValueList, emulateOneValueList},
}

// maxEmulations bounds the size of an explaining set.
const maxEmulations = 5

// KnownDifferences returns the triaged classes of disagreement between the model
// and the peer, each documented in corpus/peer-differences.md. Either side of the
// diff may be the model: the classes check which side gives the model's answer
// (and explain nothing when neither does). The returned list shares one explainer,
// which caches the explanation of the last case it saw (Compare asks every class
// in turn); cases must not change between calls.
func KnownDifferences() []oracle.KnownDifference {
	x := &explainer{}
	classes := []string{ClassGetCallerIdentity, ClassWildcardRequest, ClassResourceTypeRejected, ClassAWSOwnedResource}
	for _, e := range emulations {
		classes = append(classes, e.class)
	}
	out := make([]oracle.KnownDifference, 0, len(classes))
	for _, class := range classes {
		out = append(out, oracle.KnownDifference{
			Class: class,
			Doc:   DifferencesDoc + "#" + class,
			Match: func(c *model.Case, a, b oracle.Result) bool { return x.classify(c, a, b) == class },
		})
	}
	return out
}

// Explain returns the class that explains the difference between the model's
// answer a and the peer's answer b to case c, or "" when no known class does.
func Explain(c *model.Case, a, b oracle.Result) string {
	return (&explainer{}).classify(c, a, b)
}

type explainer struct {
	mu    sync.Mutex
	c     *model.Case
	a, b  oracle.Result
	class string
}

func (x *explainer) classify(c *model.Case, a, b oracle.Result) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.c == c && sameResult(x.a, a) && sameResult(x.b, b) {
		return x.class
	}
	x.c, x.a, x.b = c, a, b
	x.class = classify(c, a, b)
	return x.class
}

func sameResult(p, q oracle.Result) bool {
	return p.Decision == q.Decision && p.Err == q.Err && slices.Equal(p.Notes, q.Notes)
}

func classify(c *model.Case, a, b oracle.Result) string {
	if a.Err == "" && b.Err == "" && a.Decision == b.Decision {
		return "" // no difference to explain
	}
	// The classes are written for the model's answer against the peer's. Which
	// side is the model is checked, not assumed (diff --a peer --b model swaps
	// them); when neither side gives the model's answer nothing is explained.
	m := modelResult(c)
	switch {
	case sameAnswer(m, a):
	case sameAnswer(m, b):
		a, b = b, a
	default:
		return ""
	}
	switch {
	case isGetCallerIdentity(c, a, b):
		return ClassGetCallerIdentity
	case isWildcardRequest(c, b):
		return ClassWildcardRequest
	case isResourceTypeRejected(c, a, b):
		return ClassResourceTypeRejected
	case isAWSOwnedResource(c, a, b):
		return ClassAWSOwnedResource
	}
	if b.Err != "" {
		return "" // the peer could not decide; no emulation explains that
	}
	return explainByEmulation(c, b.Decision)
}

// modelResult is the model's answer to c.
func modelResult(c *model.Case) oracle.Result {
	var pc model.PolicyCache
	var e model.Evaluator
	res, err := c.Decide(&pc, &e)
	if err != nil {
		return oracle.FromError(c.ID, err)
	}
	return oracle.FromModel(c.ID, res)
}

func sameAnswer(p, q oracle.Result) bool {
	return p.Decision == q.Decision && (p.Err == "") == (q.Err == "") && p.ErrKind == q.ErrKind
}

// isGetCallerIdentity: AWS documents that sts:GetCallerIdentity needs no permission
// and cannot be denied; the peer always allows it, without a matched statement,
// while the model decides it by policy logic with the note not-enforced, as AWS's
// policy simulator does (docs/semantics.md §8.2).
func isGetCallerIdentity(c *model.Case, a, b oracle.Result) bool {
	modelOK := a.Err == "" && slices.Contains(a.Notes, "not-enforced") ||
		a.Err != "" && slices.Contains(policyErrorKinds, a.ErrKind)
	return strings.EqualFold(c.Request.Action, "sts:GetCallerIdentity") && modelOK &&
		b.Err == "" && b.Decision == "allowed" && len(b.Matched) == 0
}

// policyErrorKinds are the model's errors for policies IAM rejects (docs/semantics.md
// §1.4): with one of them the model has no decision to compare, whatever the peer
// says.
var policyErrorKinds = []string{"unknown-operator", "null-with-ifexists", "invalid-sid", "duplicate-key"}

// isWildcardRequest: a '*' or '?' in the request's resource ARN is a character of a
// name to AWS (an S3 key may be "*"), but the peer reads it as a pattern and
// simulates every resource of the policies that overlaps it (its note
// peer-wildcard-resource): it answers another question.
func isWildcardRequest(c *model.Case, b oracle.Result) bool {
	return c.Request.Resource != "*" && strings.ContainsAny(c.Request.Resource, "*?") &&
		slices.Contains(b.Notes, "peer-wildcard-resource")
}

// The peer's refusals of a request whose resource is not of the action's resource
// types (the library's own error codes).
var resourceTypeErrors = []string{"must.use.wildcard", "no.resource.types"}

// isResourceTypeRejected: the peer refuses a request whose resource cannot be the
// action's (for instance "*" for iam:GetUser); AWS never makes such a request, and
// its policy simulator evaluates any pair, as the model does (with a warning).
// The catalogue confirms that the resource does not fit.
func isResourceTypeRejected(c *model.Case, a, b oracle.Result) bool {
	if a.Err != "" || b.ErrKind != "peer" || !slices.Contains(resourceTypeErrors, b.Err) {
		return false
	}
	fits, known := catalogue().ResourceFits(c.Request.Action, c.Request.Resource)
	return known && !fits
}

var catalogue = sync.OnceValue(catalog.MustLoad)

// isAWSOwnedResource: a resource whose ARN has the account field "aws" (an AWS
// managed policy, arn:aws:iam::aws:policy/ReadOnlyAccess) belongs to AWS, not to
// another account, so the caller's identity Allow decides; the peer treats "aws" as
// another account and, with no resource-based policy, denies.
func isAWSOwnedResource(c *model.Case, a, b oracle.Result) bool {
	parts := strings.SplitN(c.Request.Resource, ":", 6)
	return len(parts) == 6 && parts[4] == "aws" && len(c.Policies.Resource) == 0 &&
		a.Err == "" && a.Decision == "allowed" && b.Err == "" && b.Decision == "implicitDeny"
}

// explainByEmulation searches the smallest set of emulations (each of which
// changes the case) after which the model decides the case as the peer did.
func explainByEmulation(c *model.Case, want string) string {
	base, err := newRewriteCase(c)
	if err != nil {
		return ""
	}
	// Which emulations change the case, applied in order after the earlier ones
	// (the NotResource rule only bites once variables are variables)? Only those
	// are tried.
	var useful []int
	all := base.clone()
	for i, e := range emulations {
		next := all.clone()
		if e.apply(next) {
			useful = append(useful, i)
			all = next
		}
	}
	for size := 1; size <= min(maxEmulations, len(useful)); size++ {
		var found string
		combinations(len(useful), size, func(pick []int) bool {
			rc := base.clone()
			for _, k := range pick {
				if !emulations[useful[k]].apply(rc) {
					return false // every emulation of the set must matter
				}
			}
			if rc.decide() == want {
				found = emulations[useful[pick[0]]].class
				return true
			}
			return false
		})
		if found != "" {
			return found
		}
	}
	return ""
}

// combinations calls fn with every increasing k-subset of [0, n) until fn returns
// true.
func combinations(n, k int, fn func([]int) bool) bool {
	pick := make([]int, k)
	var rec func(start, depth int) bool
	rec = func(start, depth int) bool {
		if depth == k {
			return fn(pick)
		}
		for i := start; i <= n-(k-depth); i++ {
			pick[depth] = i
			if rec(i+1, depth+1) {
				return true
			}
		}
		return false
	}
	return rec(0, 0)
}

// rewriteCase is a case whose policies are editable trees.
type rewriteCase struct {
	orig     *model.Case
	req      model.CaseRequest
	policies []*rewritePolicy
}

type rewritePolicy struct {
	kind  string // identity, boundary, scp, resource
	level int    // SCP level
	tree  *node  // nil when the text is not JSON (left as text)
	text  []byte
}

func newRewriteCase(c *model.Case) (*rewriteCase, error) {
	rc := &rewriteCase{orig: c, req: c.Request}
	add := func(kind string, level int, v jsontext.Value) error {
		text, err := model.PolicyText(v, c.Dir)
		if err != nil {
			return err
		}
		p := &rewritePolicy{kind: kind, level: level, text: text}
		if t, err := parseTree(text); err == nil && t.kind == '{' {
			p.tree = t
		}
		rc.policies = append(rc.policies, p)
		return nil
	}
	for _, v := range c.Policies.Identity {
		if err := add("identity", 0, v); err != nil {
			return nil, err
		}
	}
	for _, v := range c.Policies.Boundary {
		if err := add("boundary", 0, v); err != nil {
			return nil, err
		}
	}
	for l, level := range c.Policies.SCP {
		for _, v := range level {
			if err := add("scp", l, v); err != nil {
				return nil, err
			}
		}
	}
	for _, v := range c.Policies.Resource {
		if err := add("resource", 0, v); err != nil {
			return nil, err
		}
	}
	return rc, nil
}

// clone copies the case deeply enough for an emulation to edit it: the trees are
// parsed again from their text.
func (rc *rewriteCase) clone() *rewriteCase {
	out := &rewriteCase{orig: rc.orig, req: rc.req}
	if rc.req.Context != nil {
		out.req.Context = make(map[string]jsontext.Value, len(rc.req.Context))
		for k, v := range rc.req.Context {
			out.req.Context[k] = v
		}
	}
	for _, p := range rc.policies {
		q := *p
		if p.tree != nil {
			q.tree, _ = parseTree(p.tree.encode(nil))
		}
		out.policies = append(out.policies, &q)
	}
	return out
}

// filterStatements keeps the statements for which keep is true and reports whether
// any was removed. A policy left without statements gets one that never applies,
// since IAM (and the model) reject an empty Statement list.
func (p *rewritePolicy) filterStatements(keep func(*node) bool) bool {
	if !p.tree.filterStatements(keep) {
		return false
	}
	if len(p.tree.statements()) == 0 {
		neutral := `{"Effect":"Deny","Action":"iamfuzz:NeverRequested","Resource":"*"}`
		if p.kind == "resource" {
			neutral = `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"iamfuzz:NeverRequested","Resource":"*"}`
		}
		st, _ := parseTree([]byte(neutral))
		p.tree.set("Statement", &node{kind: '[', items: []*node{st}})
	}
	return true
}

// decide returns the model's decision of the rewritten case, or "" when it is an
// error. A decision that rests on UNDEF behaviour counts too: what is compared is
// only whether the peer's rule, emulated, gives the peer's answer.
func (rc *rewriteCase) decide() string {
	c := &model.Case{ID: rc.orig.ID, Request: rc.req, Dir: rc.orig.Dir}
	for _, p := range rc.policies {
		text := p.text
		if p.tree != nil {
			text = p.tree.encode(nil)
		}
		v, _ := jsontext.AppendQuote(nil, string(text))
		switch p.kind {
		case "identity":
			c.Policies.Identity = append(c.Policies.Identity, v)
		case "boundary":
			c.Policies.Boundary = append(c.Policies.Boundary, v)
		case "scp":
			for len(c.Policies.SCP) <= p.level {
				c.Policies.SCP = append(c.Policies.SCP, []jsontext.Value{})
			}
			c.Policies.SCP[p.level] = append(c.Policies.SCP[p.level], v)
		case "resource":
			c.Policies.Resource = append(c.Policies.Resource, v)
		}
	}
	// Empty SCP levels of the original case stay empty levels.
	for len(c.Policies.SCP) < len(rc.orig.Policies.SCP) {
		c.Policies.SCP = append(c.Policies.SCP, []jsontext.Value{})
	}
	var pc model.PolicyCache
	var e model.Evaluator
	res, err := c.Decide(&pc, &e)
	if err != nil {
		return ""
	}
	return res.Decision.String()
}

// ---------------------------------------------------------------------------
// The emulations.

// emulateRoot: the peer evaluates the root user like any other principal (no full
// access to its own account's resources). The model does so for a role; the root's
// principal keys are kept by giving them in the context.
func emulateRoot(rc *rewriteCase) bool {
	parts := strings.Split(rc.req.Principal, ":")
	if len(parts) != 6 || parts[2] != "iam" || parts[5] != "root" {
		return false
	}
	acct := parts[4]
	keys := map[string]string{
		"aws:PrincipalType": "Account",
		"aws:userid":        acct,
		"aws:PrincipalArn":  rc.req.Principal,
	}
	if rc.req.Context == nil {
		rc.req.Context = map[string]jsontext.Value{}
	}
	for k, v := range keys {
		given := false
		for ck := range rc.req.Context {
			if strings.EqualFold(ck, k) {
				given = true
			}
		}
		if !given {
			rc.req.Context[k], _ = jsontext.AppendQuote(nil, v)
		}
	}
	rc.req.Principal = "arn:" + parts[1] + ":iam::" + acct + ":role/iamfuzz-emulated-root"
	return true
}

// emulateVersion: the peer substitutes policy variables whatever the Version; the
// model does so only under 2012-10-17 (docs/semantics.md §1.2). Policies without it
// that hold "${" get it.
func emulateVersion(rc *rewriteCase) bool {
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil || !strings.Contains(string(p.tree.encode(nil)), "${") {
			continue
		}
		v, ok := p.tree.get("Version").str()
		if ok && v == "2012-10-17" {
			continue
		}
		p.tree.set("Version", stringNode("2012-10-17"))
		changed = true
	}
	return changed
}

// isKnownOperator reports whether the model knows a condition operator name
// (ForAllValues:/ForAnyValue: prefix, IfExists suffix, a base operator).
func isKnownOperator(name string) bool {
	rest := name
	if r, ok := strings.CutPrefix(rest, "ForAllValues:"); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(rest, "ForAnyValue:"); ok {
		rest = r
	}
	rest, _ = strings.CutSuffix(rest, "IfExists")
	return slices.Contains(model.OperatorNames(), rest)
}

// emulateUnknownOperator: IAM rejects a policy with an unknown condition operator
// (the model's error unknown-operator). The peer accepts it and, having no such
// operator, decides each of its keys from presence alone: an absent key satisfies it
// when the name ends in IfExists or contains "not" (as a negated operator would),
// a present key never does; under ForAllValues an absent key satisfies it, under
// ForAnyValue nothing does. Each key is moved to an operator with that outcome.
func emulateUnknownOperator(rc *rewriteCase) bool {
	changed, failed := false, false
	rc.eachCondition(true, func(_, cond *node, op conditionOp, block *node) {
		name := op.String()
		if isKnownOperator(name) || splitOperator(name).base == "Null" {
			return
		}
		removeBlock(cond, block)
		lower := strings.ToLower(name)
		peerIfExists := strings.HasSuffix(lower, "ifexists")
		base := lower
		if i := strings.LastIndexByte(base, ':'); i >= 0 {
			base = base[i+1:]
		}
		for _, k := range block.members {
			switch {
			case op.set != "":
				failed = failed || !moveKey(cond, k, op.set, false)
			default:
				failed = failed || !moveKey(cond, k, "", peerIfExists || strings.Contains(base, "not"))
			}
		}
		changed = true
	})
	return changed && !failed
}

// moveKey adds key k to an operator block whose outcome depends on the key's
// presence only: the key's value is a variable that never resolves, so a positive
// operator never matches a present key. With set "" and ifExists the outcome is
// "true when absent, false when present"; with set "" alone "always false";
// ForAllValues: "true when absent (or empty), else false"; ForAnyValue: "false".
// Any positive operator will do; the first that does not already test the key is
// used. It reports false when all of them do.
func moveKey(cond *node, k member, set string, ifExists bool) bool {
	for _, base := range []string{"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"} {
		target := conditionOp{set: set, base: base, ifExists: ifExists}.String()
		tb := cond.get(target)
		if tb != nil && slices.ContainsFunc(tb.members, func(m member) bool { return strings.EqualFold(m.name, k.name) }) {
			continue
		}
		if tb == nil {
			tb = &node{kind: '{'}
			cond.members = append(cond.members, member{target, tb})
		}
		tb.members = append(tb.members, member{k.name, stringNode("${iamfuzz:NeverResolved}")})
		return true
	}
	return false
}

// removeBlock removes an operator block from a Condition.
func removeBlock(cond, block *node) {
	for i, m := range cond.members {
		if m.val == block {
			cond.members = append(cond.members[:i], cond.members[i+1:]...)
			return
		}
	}
}

// emulateNullIfExists: IAM rejects Null…IfExists (the model's error
// null-with-ifexists); the peer evaluates it as Null.
func emulateNullIfExists(rc *rewriteCase) bool {
	return rc.mergeIntoNull(func(name string) bool { return name == "NullIfExists" })
}

// emulateNullSet: IAM accepts ForAllValues:Null and ForAnyValue:Null, and the model
// decides them by the set rules (a missing key makes ForAllValues true and
// ForAnyValue false, iam-semantics.md §5.4); the peer ignores the qualifier and
// evaluates them as Null.
func emulateNullSet(rc *rewriteCase) bool {
	return rc.mergeIntoNull(func(name string) bool { return name == "ForAllValues:Null" || name == "ForAnyValue:Null" })
}

// mergeIntoNull moves the keys of the operator blocks whose name is picked into the
// statement's Null block (made when there is none).
func (rc *rewriteCase) mergeIntoNull(pick func(string) bool) bool {
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		for _, st := range p.tree.statements() {
			cond := st.get("Condition")
			if cond == nil || cond.kind != '{' {
				continue
			}
			var null *node
			for _, m := range cond.members {
				if m.name == "Null" {
					null = m.val
				}
			}
			out := cond.members[:0]
			for _, m := range cond.members {
				if !pick(m.name) {
					out = append(out, m)
					continue
				}
				changed = true
				if null == nil {
					out = append(out, member{"Null", m.val})
					null = m.val
				} else if null.kind == '{' && m.val.kind == '{' {
					null.members = append(null.members, m.val.members...)
				}
			}
			cond.members = out
		}
	}
	return changed
}

// emulateOneValueList: the peer reads a context value given as a list of one value
// as that value, so an operator without a set qualifier compares it; the model
// follows AWS's policy simulator, for which a list never satisfies such an
// operator (docs/eval-format.md). The list is rewritten as its one value.
func emulateOneValueList(rc *rewriteCase) bool {
	changed := false
	for k, v := range rc.req.Context {
		if v.Kind() != '[' {
			continue
		}
		var items []jsontext.Value
		if err := json.Unmarshal(v, &items); err != nil || len(items) != 1 {
			continue
		}
		rc.req.Context[k] = items[0]
		changed = true
	}
	return changed
}

// emulateInvalidSid: IAM accepts only A-Z, a-z and 0-9 in the Sid of an IAM policy
// (the model's error invalid-sid); the peer accepts any Sid, which has no effect on
// a decision.
func emulateInvalidSid(rc *rewriteCase) bool {
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil || p.kind == "resource" {
			continue
		}
		for _, st := range p.tree.statements() {
			sid, ok := st.get("Sid").str()
			if st.get("Sid") != nil && (!ok || !alnum(sid)) {
				st.del("Sid")
				changed = true
			}
		}
	}
	return changed
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// emulateNotResourceUnresolved: in a NotResource entry whose variable has no value
// (and no default), the model follows the rule book: the entry matches no resource,
// so it excludes nothing (docs/semantics.md §4.2, §6). The peer instead treats the
// entry as unknown and the whole NotResource as not matching, so the statement does
// not apply — once the entry's partition, service, region, account and resource
// type ("user/", "function:") match the request's resource, since the peer compares
// those before it substitutes. Such statements are removed.
func emulateNotResourceUnresolved(rc *rewriteCase) bool {
	if rc.req.Resource == "*" {
		return false // the peer decides "*" requests before it substitutes variables
	}
	r, err := (&model.Case{Request: rc.req}).BuildRequest()
	if err != nil {
		return false
	}
	resParts := strings.SplitN(rc.req.Resource, ":", 6)
	if len(resParts) != 6 {
		return false
	}
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		if v, _ := p.tree.get("Version").str(); v != "2012-10-17" {
			continue
		}
		if p.filterStatements(func(st *node) bool {
			for _, entry := range st.get("NotResource").strings() {
				parts := strings.SplitN(entry, ":", 6)
				if len(parts) != 6 || !unresolved(parts[5], r) {
					continue
				}
				same := strings.HasPrefix(resParts[5], peerResourceType(parts))
				for i := 0; i < 5; i++ {
					if !globSegment(strings.ToLower(parts[i]), strings.ToLower(resParts[i])) {
						same = false
					}
				}
				if same {
					return false
				}
			}
			return true
		}) {
			changed = true
		}
	}
	return changed
}

// peerResourceType is the leading resource type of a policy ARN's resource part as
// the peer splits it (getResourceSegments in its util.js): up to and including the
// first '/' or ':', nothing for S3 ARNs without region and account.
func peerResourceType(parts []string) string {
	if parts[2] == "s3" && parts[3] == "" && parts[4] == "" {
		return ""
	}
	res := parts[5]
	i := strings.IndexAny(res, "/:")
	if i < 0 {
		return ""
	}
	return res[:i+1]
}

// unresolved reports whether text holds a policy variable without a default whose
// key the request lacks (or holds with several values).
func unresolved(text string, r *model.Request) bool {
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			return false
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return false
		}
		body := text[i+2 : i+j]
		text = text[i+j+1:]
		switch body {
		case "*", "?", "$":
			continue
		}
		if strings.Contains(body, ",") {
			continue // has a default
		}
		// The peer's view: an empty value counts as no value.
		v, ok := r.Value(strings.TrimSpace(body))
		if !ok || v.Multi || len(v.Values) != 1 || v.Values[0] == "" {
			return true
		}
	}
}

// globSegment matches one ARN segment against a pattern segment with * and ?.
func globSegment(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := 0; i <= len(s); i++ {
				if globSegment(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return s == ""
}

// conditionOp is a condition operator name split into its parts.
type conditionOp struct {
	set      string // "", "ForAllValues:" or "ForAnyValue:"
	base     string
	ifExists bool
}

func splitOperator(name string) conditionOp {
	var op conditionOp
	for _, p := range []string{"ForAllValues:", "ForAnyValue:"} {
		if r, ok := strings.CutPrefix(name, p); ok {
			op.set, name = p, r
		}
	}
	op.base, op.ifExists = strings.CutSuffix(name, "IfExists")
	return op
}

func (op conditionOp) String() string {
	s := op.set + op.base
	if op.ifExists {
		s += "IfExists"
	}
	return s
}

// eachCondition calls fn with every operator block of every statement of the
// policies that use the 2012-10-17 language (or every policy, with any=true).
func (rc *rewriteCase) eachCondition(any bool, fn func(st, cond *node, op conditionOp, block *node)) {
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		if v, _ := p.tree.get("Version").str(); !any && v != "2012-10-17" {
			continue
		}
		for _, st := range p.tree.statements() {
			cond := st.get("Condition")
			if cond == nil || cond.kind != '{' {
				continue
			}
			members := append([]member(nil), cond.members...)
			for _, m := range members {
				if m.val.kind == '{' {
					fn(st, cond, splitOperator(m.name), m.val)
				}
			}
		}
	}
}

// negatedVariableOps are the negated operators whose values may hold variables.
var negatedVariableOps = []string{"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}

// emulateNegatedUnresolved: a value of a negated operator (StringNotEquals, …)
// whose variable has no value matches nothing, so by the NOR rule it does not stop
// the operator from being true (docs/semantics.md §6, T07). The peer instead makes
// the whole operator false for a present key. The key's entry is moved to an
// operator with the peer's outcome: for the plain form "false when the key is
// present, true when absent" (StringEqualsIfExists of a value that never
// resolves); ForAllValues: false unless the key is absent or empty; ForAnyValue:
// always false.
func emulateNegatedUnresolved(rc *rewriteCase) bool {
	r, err := (&model.Case{Request: rc.req}).BuildRequest()
	if err != nil {
		return false
	}
	changed, failed := false, false
	rc.eachCondition(false, func(_, cond *node, op conditionOp, block *node) {
		if !slices.Contains(negatedVariableOps, op.base) {
			return
		}
		c, ok := moveMatching(cond, block, op.set, op.set == "", func(k member) bool {
			for _, v := range k.val.strings() {
				if unresolved(v, r) {
					return true
				}
			}
			return false
		})
		changed, failed = changed || c, failed || !ok
	})
	return changed && !failed
}

// dateOps are the Date operators.
var dateOps = []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"}

// peerEpoch reports whether the peer reads a date value as a Unix epoch: an integer
// written canonically (JavaScript's parseInt(v).toString() === v).
func peerEpoch(v string) (int64, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != v {
		return 0, false
	}
	return n, true
}

// asMillis is the ISO 8601 time that an epoch value E means when read as
// milliseconds.
func asMillis(n int64) string {
	return time.UnixMilli(n).UTC().Format("2006-01-02T15:04:05.000Z")
}

// emulateEpochDate: AWS reads an integer date value as epoch seconds (the
// condition operators page; aws:EpochTime carries seconds). The peer keeps the
// integer but compares it with ISO dates converted to milliseconds, so an epoch
// value means E milliseconds after 1970. Integer values of Date operators, and of
// the request keys they test, are rewritten to that instant.
func emulateEpochDate(rc *rewriteCase) bool {
	dateKeys, otherKeys := map[string]bool{}, map[string]bool{}
	changed := false
	rc.eachCondition(true, func(_, _ *node, op conditionOp, block *node) {
		isDate := slices.Contains(dateOps, op.base)
		for _, k := range block.members {
			if !isDate {
				otherKeys[strings.ToLower(k.name)] = true
				continue
			}
			dateKeys[strings.ToLower(k.name)] = true
			vals := []*node{k.val}
			if k.val.kind == '[' {
				vals = k.val.items
			}
			for _, v := range vals {
				text, ok := v.str()
				if !ok && (v.kind == '0') {
					text, ok = string(v.raw), true
				}
				if n, epoch := peerEpoch(text); ok && epoch {
					*v = *stringNode(asMillis(n))
					changed = true
				}
			}
		}
	})
	for k, raw := range rc.req.Context {
		lk := strings.ToLower(k)
		if !dateKeys[lk] {
			continue
		}
		var text string
		switch raw.Kind() {
		case '"':
			n, _ := parseTree(raw)
			text, _ = n.str()
		case '0':
			text = string(raw)
		default:
			continue
		}
		n, epoch := peerEpoch(text)
		if !epoch {
			continue
		}
		if otherKeys[lk] {
			return false // the key is compared as a number too: no single rewrite fits
		}
		rc.req.Context[k], _ = jsontext.AppendQuote(nil, asMillis(n))
		changed = true
	}
	return changed
}

// emulateIPv4ZeroPrefix: an IPv4 block with prefix length 0 contains every IPv4
// address; the peer computes its mask as -1 << 32, which JavaScript reduces to
// -1 << 0, so the block holds only its own address, like a /32.
func emulateIPv4ZeroPrefix(rc *rewriteCase) bool {
	changed := false
	rc.eachCondition(true, func(_, _ *node, op conditionOp, block *node) {
		if op.base != "IpAddress" && op.base != "NotIpAddress" {
			return
		}
		for _, k := range block.members {
			vals := []*node{k.val}
			if k.val.kind == '[' {
				vals = k.val.items
			}
			for _, v := range vals {
				text, ok := v.str()
				addr, zero := strings.CutSuffix(text, "/0")
				if ok && zero && strings.Count(addr, ".") == 3 && !strings.Contains(addr, ":") {
					*v = *stringNode(addr + "/32")
					changed = true
				}
			}
		}
	})
	return changed
}

// equalsOps are the String operators without wildcards.
var equalsOps = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}

// emulateSpecialVarsInEquals: ${*}, ${?} and ${$} stand for the characters *, ?
// and $ wherever variables are allowed (docs/semantics.md §6). The peer replaces
// them only in operators with wildcards; under StringEquals and its relatives it
// compares the text "${*}" itself. The model is given that text as
// "${$}{*}" ("$" followed by the literal "{*}").
func emulateSpecialVarsInEquals(rc *rewriteCase) bool {
	changed := false
	rc.eachCondition(false, func(_, _ *node, op conditionOp, block *node) {
		if !slices.Contains(equalsOps, op.base) {
			return
		}
		for _, k := range block.members {
			vals := []*node{k.val}
			if k.val.kind == '[' {
				vals = k.val.items
			}
			for _, v := range vals {
				text, ok := v.str()
				if !ok || !strings.Contains(text, "${") {
					continue
				}
				var b strings.Builder
				for i := 0; i < len(text); i++ {
					if strings.HasPrefix(text[i:], "${") && i+3 < len(text) && text[i+3] == '}' && strings.IndexByte("*?$", text[i+2]) >= 0 {
						b.WriteString("${$}{" + text[i+2:i+4])
						i += 3
						changed = true
						continue
					}
					b.WriteByte(text[i])
				}
				*v = *stringNode(b.String())
			}
		}
	})
	return changed
}

// emulateForAnyValueIfExists: ForAnyValue:…IfExists on an absent key is UNDEF
// (iamfuzz: IfExists wins, true); the peer makes it false, as ForAnyValue alone.
// For a present key IfExists changes nothing, so the suffix is dropped.
func emulateForAnyValueIfExists(rc *rewriteCase) bool {
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		for _, st := range p.tree.statements() {
			cond := st.get("Condition")
			if cond == nil || cond.kind != '{' {
				continue
			}
			members := append([]member(nil), cond.members...)
			for _, m := range members {
				op := splitOperator(m.name)
				if op.set != "ForAnyValue:" || !op.ifExists || !isKnownOperator(m.name) || m.val.kind != '{' {
					continue
				}
				op.ifExists = false
				changed = true
				plain := cond.get(op.String())
				if plain == nil {
					for i := range cond.members {
						if cond.members[i].val == m.val {
							cond.members[i].name = op.String()
						}
					}
					continue
				}
				// The plain form is there already: its keys are ANDed with these.
				for _, k := range m.val.members {
					if slices.ContainsFunc(plain.members, func(x member) bool { return strings.EqualFold(x.name, k.name) }) {
						return false // the same key twice in one operator
					}
					plain.members = append(plain.members, k)
				}
				removeBlock(cond, m.val)
			}
		}
	}
	return changed
}

// emulateNotIPOtherFamily: an IPv6 request address is in no IPv4 block (and the
// reverse), so NotIpAddress is true for it (docs/semantics.md §5.3, the NOR rule of
// §5.1). The peer compares a policy value written as a bare address (no /length)
// only with an address of its own family, and counts any other as a match, which
// makes NotIpAddress false. Keys whose request address has the other family than a
// bare policy address are moved to an operator that is false for a present key.
func emulateNotIPOtherFamily(rc *rewriteCase) bool {
	r, err := (&model.Case{Request: rc.req}).BuildRequest()
	if err != nil {
		return false
	}
	changed, failed := false, false
	rc.eachCondition(true, func(_, cond *node, op conditionOp, block *node) {
		if op.base != "NotIpAddress" {
			return
		}
		c, ok := moveMatching(cond, block, op.set, op.set == "", func(k member) bool {
			v, ok := r.Value(k.name)
			if !ok {
				return false
			}
			for _, addr := range v.Values {
				for _, pv := range k.val.strings() {
					if !strings.Contains(pv, "/") && isIPv6(pv) != isIPv6(addr) && isIP(pv) && isIP(addr) {
						return true
					}
				}
			}
			return false
		})
		changed, failed = changed || c, failed || !ok
	})
	return changed && !failed
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

func isIPv6(s string) bool { return strings.Contains(s, ":") }

// emulateNotPrincipalAllow: AWS does not support NotPrincipal with Allow (the
// NotPrincipal page; older text: it grants everyone not listed), so how a permissions
// boundary limits such a grant is undocumented. The model treats it like a "*"
// grant, which a boundary does not cap (docs/semantics.md §3.3); for a caller given as
// a role ARN the peer caps it, like a grant to the role. Such statements that do not
// exclude the caller are rewritten to name the caller's role, which the model caps.
func emulateNotPrincipalAllow(rc *rewriteCase) bool {
	parts := strings.Split(rc.req.Principal, ":")
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return false
	}
	acct := parts[4]
	changed := false
	for _, p := range rc.policies {
		if p.tree == nil || p.kind != "resource" {
			continue
		}
		for _, st := range p.tree.statements() {
			np := st.get("NotPrincipal")
			if np == nil || st.get("Principal") != nil {
				continue
			}
			if eff, _ := st.get("Effect").str(); eff != "Allow" {
				continue
			}
			excluded := false
			if s, ok := np.str(); ok && s == "*" {
				excluded = true
			}
			for _, v := range np.get("AWS").strings() {
				if v == "*" || v == acct || v == rc.req.Principal || v == "arn:"+parts[1]+":iam::"+acct+":root" {
					excluded = true
				}
			}
			if excluded {
				continue
			}
			st.del("NotPrincipal")
			pr := &node{kind: '{'}
			pr.set("AWS", stringNode(rc.req.Principal))
			st.set("Principal", pr)
			changed = true
		}
	}
	return changed
}

// emulateMultivaluedNoSet: a multi-valued key (a list, even an empty one) under an
// operator without ForAllValues/ForAnyValue is UNDEF (iamfuzz: any value matching
// decides). The peer never matches such a key, not even under a negated operator.
// Such keys are moved to an operator that is false for a present key.
func emulateMultivaluedNoSet(rc *rewriteCase) bool {
	r, err := (&model.Case{Request: rc.req}).BuildRequest()
	if err != nil {
		return false
	}
	changed, failed := false, false
	rc.eachCondition(true, func(_, cond *node, op conditionOp, block *node) {
		if op.set != "" || op.base == "Null" || !isKnownOperator(op.String()) {
			return
		}
		c, ok := moveMatching(cond, block, "", false, func(k member) bool {
			v, ok := r.Value(k.name)
			return ok && v.Multi
		})
		changed, failed = changed || c, failed || !ok
	})
	return changed && !failed
}

// moveMatching moves the members of an operator block for which hit is true to an
// operator with the peer's outcome (moveKey with set and plain), and drops the
// block when it empties. It reports whether anything moved and whether every move
// succeeded.
func moveMatching(cond, block *node, set string, plain bool, hit func(member) bool) (changed, ok bool) {
	var moved []member
	kept := block.members[:0]
	for _, k := range block.members {
		if hit(k) {
			moved = append(moved, k)
		} else {
			kept = append(kept, k)
		}
	}
	block.members = kept
	ok = true
	for _, k := range moved {
		ok = moveKey(cond, k, set, plain) && ok
		changed = true
	}
	if len(block.members) == 0 {
		removeBlock(cond, block)
	}
	return changed, ok
}

// emulateFederatedAsUser: the name in a federated-user ARN
// (arn:aws:sts::A:federated-user/NAME) is the one the caller passed to
// GetFederationToken, not the name of the IAM user who called it
// (docs/semantics.md §6.1), so a resource-based policy that names
// arn:aws:iam::A:user/NAME does not name the session. The peer assumes it does
// (its SessionUserMatch: the grant of the IAM user who federated, §3.3). Such
// entries are rewritten to name the session itself, which for a Deny, and for an
// Allow without a permissions boundary, has the same effect; a boundary would cap
// the user's grant but not the session's, so then nothing is emulated.
func emulateFederatedAsUser(rc *rewriteCase) bool {
	parts := strings.Split(rc.req.Principal, ":")
	if len(parts) != 6 || parts[2] != "sts" || !strings.HasPrefix(parts[5], "federated-user/") {
		return false
	}
	userARN := "arn:" + parts[1] + ":iam::" + parts[4] + ":user/" + strings.TrimPrefix(parts[5], "federated-user/")
	boundary := slices.ContainsFunc(rc.policies, func(p *rewritePolicy) bool { return p.kind == "boundary" })
	changed, failed := false, false
	for _, p := range rc.policies {
		if p.tree == nil || p.kind != "resource" {
			continue
		}
		for _, st := range p.tree.statements() {
			eff, _ := st.get("Effect").str()
			for _, key := range []string{"Principal", "NotPrincipal"} {
				aws := st.get(key).get("AWS")
				if aws == nil {
					continue
				}
				vals := []*node{aws}
				if aws.kind == '[' {
					vals = aws.items
				}
				for _, v := range vals {
					if s, ok := v.str(); ok && s == userARN {
						if eff == "Allow" && boundary {
							failed = true
						}
						*v = *stringNode(rc.req.Principal)
						changed = true
					}
				}
			}
		}
	}
	return changed && !failed
}
