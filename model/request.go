package model

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"
)

// PrincipalType is the kind of caller, as aws:PrincipalType names it.
type PrincipalType uint8

// Principal types (docs/semantics.md §6.1).
const (
	PrincipalUser PrincipalType = iota + 1
	PrincipalAssumedRole
	PrincipalRole
	PrincipalFederatedUser
	PrincipalRoot
)

func (t PrincipalType) String() string {
	switch t {
	case PrincipalUser:
		return "User"
	case PrincipalAssumedRole, PrincipalRole:
		return "AssumedRole"
	case PrincipalFederatedUser:
		return "FederatedUser"
	case PrincipalRoot:
		return "Account"
	}
	return "Unknown"
}

// ContextValue is the value of one context key: one string, or a list (Multi) that
// may be empty.
type ContextValue struct {
	Values []string
	Multi  bool
}

// Single returns a single-valued context value.
func Single(v string) ContextValue { return ContextValue{Values: []string{v}} }

// Multi returns a multi-valued context value.
func Multi(vs ...string) ContextValue {
	if vs == nil {
		vs = []string{}
	}
	return ContextValue{Values: vs, Multi: true}
}

// Request is one request to decide: who asks to do what to which resource, with
// which context. Build it with NewRequest, which derives the principal keys; treat
// the fields as read-only afterwards, since the evaluator uses what was derived.
type Request struct {
	Principal       string
	Action          string
	Resource        string
	ResourceAccount string
	Context         map[string]ContextValue // as given; keys in any case

	// list is the context as given by ResetList (Context is then nil): eval's
	// fast line decoder lists a line's keys without building a map per line.
	list []ContextEntry
	caller
	target
	resAccount string
	ctx        map[string]ContextValue

	// derived backs the single values of the derived principal keys, so that
	// preparing a request does not allocate them one by one.
	derived [5]string
	// memo keeps, for a request that is Reset many times, the strings prepare
	// derives (lower-cased actions and keys, role ARNs, user ids), so that a
	// reset allocates nothing once they have been seen; nil for NewRequest.
	memo *requestMemo

	// role is the role behind a role session as Principal elements name it
	// (sessionRole): it depends on the context, so it is not part of caller.
	role        string
	sameAccount bool        // the resource is the caller's account's or AWS's
	slots       []slotValue // ctx by key slot, sorted by slot (slots.go)
	unslotted   bool        // some key of ctx has no slot: look keys up in ctx
	// prepared: the last reset succeeded, so caller, target and the resolved
	// context (slots, ctx) are those of the request's inputs, which Reset and
	// Retarget may keep (docs/performance.md, issue 15).
	prepared bool
}

// caller is what a request derives from its Principal alone (parsePrincipal):
// one value, so that a reset for the same principal keeps it whole.
type caller struct {
	ptype        PrincipalType
	account      string
	partition    string
	principalArn string // aws:PrincipalArn: the role ARN for a role session
	name         string // user, role, session or federated name
	userID       string // the derived aws:userid; "" for PrincipalRole
}

// target is what a request derives from its Action, Resource and
// ResourceAccount alone (prepareTarget): one value, so that a reset for the same
// action and resource keeps it whole.
type target struct {
	lowerAction  string // Action lower-cased, for the policies' action indexes
	lowerService string // its service prefix
	actionHash   uint64 // hash of lowerAction, for the policies' action indexes
	notEnforced  bool   // AWS does not check policies for the action (NoteNotEnforced)
	rcpApplies   bool   // AWS applies RCPs to the action (rcp.go)
	mustAllow    bool   // see resourcePolicyMustAllow
	// resOwner is the resource's account when the resource or ResourceAccount
	// names one, else "" (the caller's account owns it).
	resOwner string
}

// kept is what a reset keeps of r's last successful one: its caller if the
// principal is the same, its target if the action and the resource are.
type kept struct {
	caller
	target
	who, what bool
}

// keep returns what a reset to these inputs can keep of r's last one.
func (r *Request) keep(principal, action, resource, resourceAccount string) kept {
	if !r.prepared {
		return kept{}
	}
	k := kept{who: principal == r.Principal,
		what: action == r.Action && resource == r.Resource && resourceAccount == r.ResourceAccount}
	if k.who {
		k.caller = r.caller
	}
	if k.what {
		k.target = r.target
	}
	return k
}

// requestMemo maps an input string to what prepare derived from it, one map per
// kind of derivation (memoLower, memoRole, memoUserID). Each map is bounded by
// maxMemo: when full it is emptied, so a stream of ever-new values costs what
// NewRequest costs and no more memory.
type requestMemo [3]map[string]string

const (
	memoLower  = iota // a string lower-cased
	memoRole          // a role session's principal ARN → the role's ARN
	memoUserID        // a principal ARN → its aws:userid (ACCOUNT:NAME, AIDA…, AROA…:SESSION)
)

const maxMemo = 4096

// derive returns f(in), from the memo when the request has one.
func (r *Request) derive(kind int, in string, f func(string) string) string {
	if r.memo == nil {
		return f(in)
	}
	m := &r.memo[kind]
	if out, ok := (*m)[in]; ok {
		return out
	}
	out := f(in)
	if *m == nil || len(*m) >= maxMemo {
		*m = make(map[string]string)
	}
	(*m)[in] = out
	return out
}

// lower returns s lower-cased, memoized for a reset request.
func (r *Request) lower(s string) string { return r.derive(memoLower, s, strings.ToLower) }

// awsOwner is the account field of resources that AWS owns, such as its managed
// policies (arn:aws:iam::aws:policy/ReadOnlyAccess).
const awsOwner = "aws"

// Derived principal keys, lower-cased as stored in the evaluation context.
const (
	keyUsername         = "aws:username"
	keyUserID           = "aws:userid"
	keyPrincipalArn     = "aws:principalarn"
	keyPrincipalAccount = "aws:principalaccount"
	keyPrincipalType    = "aws:principaltype"
)

// NewRequest checks a request and derives what the evaluator needs: the principal's
// type and account, the resource's account, and the principal keys of the table in
// docs/eval-format.md. A key given in ctx wins over a derived one.
func NewRequest(principal, action, resource string, ctx map[string]ContextValue) (*Request, error) {
	r := &Request{Principal: principal, Action: action, Resource: resource, Context: ctx}
	return r, r.prepare(kept{})
}

// NewRequestIn is NewRequest for a resource whose ARN has no account field (S3),
// owned by resourceAccount.
func NewRequestIn(principal, action, resource, resourceAccount string, ctx map[string]ContextValue) (*Request, error) {
	r := &Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: resourceAccount, Context: ctx}
	return r, r.prepare(kept{})
}

// Reset makes r the request NewRequestIn(principal, action, resource,
// resourceAccount, ctx) returns, reusing r's storage: a caller that decides many
// requests one after another (check's probes, docs/performance.md) allocates
// nothing per request once the strings it derives have been seen. A principal
// equal to the last successful reset's is not parsed again. r must not be in use
// elsewhere: whatever kept r (a report, a finding) sees the new request.
func (r *Request) Reset(principal, action, resource, resourceAccount string, ctx map[string]ContextValue) error {
	keep, memo, slots := r.ctx, r.memo, r.slots[:0]
	k := r.keep(principal, action, resource, resourceAccount)
	clear(keep)
	*r = Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: resourceAccount, Context: ctx, ctx: keep, memo: memo, slots: slots}
	if r.memo == nil {
		r.memo = &requestMemo{}
	}
	return r.prepare(k)
}

// Retarget makes r the request Reset(r.Principal, action, resource,
// resourceAccount, context) would make, where context is what r's last reset
// was given (map or list): it re-derives only what the action and the resource
// determine and keeps the parsed principal and the resolved context keys, the
// bulk of a reset. The proof engine's classes come principal by principal, and
// consecutive classes often differ only in their resource (docs/performance.md,
// issue 15). The context r was given must not have changed since its last reset;
// if that reset failed, Retarget is a full Reset.
func (r *Request) Retarget(action, resource, resourceAccount string) error {
	if !r.prepared {
		if r.list != nil {
			return r.ResetList(r.Principal, action, resource, resourceAccount, r.list)
		}
		return r.Reset(r.Principal, action, resource, resourceAccount, r.Context)
	}
	if action == r.Action && resource == r.Resource && resourceAccount == r.ResourceAccount {
		return nil
	}
	r.prepared = false
	r.Action, r.Resource, r.ResourceAccount = action, resource, resourceAccount
	if err := r.prepareTarget(); err != nil {
		return err
	}
	r.owner()
	r.prepared = true
	return nil
}

// ContextEntry is one context key as a request gives it, and its value.
type ContextEntry struct {
	Key   string
	Value ContextValue
}

// ResetList is Reset with the context given as a list of keys (in any case, each
// at most once) instead of a map; r keeps ctx until its next reset. eval decodes
// a line's context straight into such a list (linedecode.go).
func (r *Request) ResetList(principal, action, resource, resourceAccount string, ctx []ContextEntry) error {
	keep, memo, slots := r.ctx, r.memo, r.slots[:0]
	k := r.keep(principal, action, resource, resourceAccount)
	clear(keep)
	*r = Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: resourceAccount, list: ctx, ctx: keep, memo: memo, slots: slots}
	if r.memo == nil {
		r.memo = &requestMemo{}
	}
	return r.prepare(k)
}

// given yields the context as given: the map or, after ResetList, the list.
func (r *Request) given(f func(k string, v ContextValue) error) error {
	if r.list != nil {
		for _, e := range r.list {
			if err := f(e.Key, e.Value); err != nil {
				return err
			}
		}
		return nil
	}
	for k, v := range r.Context {
		if err := f(k, v); err != nil {
			return err
		}
	}
	return nil
}

// PrincipalType returns the kind of caller.
func (r *Request) PrincipalType() PrincipalType { return r.ptype }

// Account returns the principal's account.
func (r *Request) Account() string { return r.account }

// ResourceAccountID returns the account that owns the resource.
func (r *Request) ResourceAccountID() string { return r.resAccount }

// Username returns the friendly user name (no path) for IAM users, else "".
func (r *Request) Username() string {
	if r.ptype == PrincipalUser {
		return r.name
	}
	return ""
}

// Value returns the request's value for a context key, derived keys included.
func (r *Request) Value(key string) (ContextValue, bool) {
	lk := strings.ToLower(key)
	return r.lookup(keySlot(lk, false), lk)
}

// variable returns the single value of a key for substitution into a policy
// variable; multi-valued keys cannot be variables (docs/semantics.md §6).
func (r *Request) variable(ref *varRef) (string, bool) {
	v, ok := r.lookup(ref.slot, ref.key)
	if !ok || v.Multi || len(v.Values) != 1 {
		return "", false
	}
	return v.Values[0], true
}

// prepare derives everything from the request's inputs, but for what k keeps.
func (r *Request) prepare(k kept) error {
	if k.who {
		r.caller = k.caller
	} else if err := r.parsePrincipal(); err != nil {
		return err
	}
	if k.what {
		r.target = k.target
	} else if err := r.prepareTarget(); err != nil {
		return err
	}
	r.owner()
	if err := r.resolveContext(); err != nil {
		return err
	}
	r.role = r.sessionRole()
	r.prepared = true
	return nil
}

// sessionRole is the role behind a role session as Principal elements name it:
// the aws:PrincipalArn the request gives when it is an ARN of the session's role
// (its partition, account and name) with a path, which AWS's aws:PrincipalArn
// carries and the session's ARN does not (docs/semantics.md §4.4); otherwise
// the role ARN derived from the session's, and for other principals what
// roleARN reports.
func (r *Request) sessionRole() string {
	if r.ptype != PrincipalAssumedRole {
		return r.principalArn
	}
	v, ok := r.lookup(slotPrincipalArn, keyPrincipalArn)
	if !ok || v.Multi || len(v.Values) != 1 || v.Values[0] == r.principalArn {
		return r.principalArn
	}
	given := v.Values[0]
	slash := strings.LastIndexByte(r.principalArn, '/') // .../role/NAME
	if slash < 0 || !isRoleARN(given) || !strings.HasPrefix(given, r.principalArn[:slash+1]) ||
		!strings.HasSuffix(given, r.principalArn[slash:]) || len(given) <= len(r.principalArn) {
		return r.principalArn
	}
	return given
}

// owner derives who owns the resource from the caller and the target.
func (r *Request) owner() {
	r.resAccount = cmp.Or(r.resOwner, r.account)
	r.sameAccount = r.resAccount == r.account || r.resAccount == awsOwner
}

// prepareTarget derives what the action and the resource determine.
func (r *Request) prepareTarget() error {
	if err := checkAction(r.Action); err != nil {
		return err
	}
	r.lowerAction = r.lower(r.Action)
	r.lowerService, _, _ = strings.Cut(r.lowerAction, ":")
	r.actionHash = hashAction(r.lowerAction)
	r.notEnforced = r.lowerAction == "sts:getsessiontoken" || r.lowerAction == "sts:getcalleridentity"
	r.rcpApplies = rcpApplies(r.lowerAction)
	r.resOwner = ""
	if r.Resource != "*" {
		parts, n := arnFields(r.Resource)
		if n < 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
			return requestError("request.resource", "%q is not an ARN (arn:partition:service:region:account:resource) or \"*\"", r.Resource)
		}
		if !utf8.ValidString(r.Resource) {
			return requestError("request.resource", "invalid UTF-8")
		}
		switch {
		case parts[4] != "":
			r.resOwner = parts[4]
		case r.ResourceAccount != "":
			r.resOwner = r.ResourceAccount
		}
	} else if r.ResourceAccount != "" {
		r.resOwner = r.ResourceAccount
	}
	svc, _, _ := strings.Cut(r.Action, ":")
	r.mustAllow = isRoleARN(r.Resource) && strings.EqualFold(svc, "sts") || isKMSKeyARN(r.Resource)
	return nil
}

// resolveContext lists the context by key slot (slots.go), sorted by slot, with
// the derived principal keys a given key does not override; the list's storage is
// reused when the request is Reset. A key without a slot (the table is full) sends
// the request down contextMap's path.
func (r *Request) resolveContext() error {
	n := len(r.Context) + len(r.list)
	if cap(r.slots) < n+5 {
		r.slots = make([]slotValue, 0, n+5)
	}
	r.slots = r.slots[:0]
	err := r.given(func(k string, v ContextValue) error {
		if !strings.Contains(k, ":") {
			return requestError("request.context."+k, "a context key needs a service prefix, like aws:SourceIp")
		}
		id := keySlot(r.lower(k), true)
		if id == 0 {
			return errNoSlot
		}
		r.slots = append(r.slots, slotValue{id: id, key: k, v: v})
		return nil
	})
	if err == errNoSlot {
		r.unslotted = true
		return r.contextMap()
	}
	if err != nil {
		return err
	}
	sortSlots(r.slots)
	for i := 1; i < len(r.slots); i++ {
		if r.slots[i].id == r.slots[i-1].id {
			return requestError("request.context", "key %q is given twice (context keys are case-insensitive)", r.slots[i].key)
		}
	}
	given, nd := len(r.slots), 0
	derive := func(id uint32, k, v string) {
		for i := range r.slots[:given] {
			if r.slots[i].id == id {
				return
			}
		}
		r.derived[nd] = v
		r.slots = append(r.slots, slotValue{id: id, key: k, v: ContextValue{Values: r.derived[nd : nd+1 : nd+1]}})
		nd++
	}
	derive(slotPrincipalAccount, keyPrincipalAccount, r.account)
	derive(slotPrincipalType, keyPrincipalType, r.ptype.String())
	derive(slotPrincipalArn, keyPrincipalArn, r.principalArn)
	if r.ptype == PrincipalUser {
		derive(slotUsername, keyUsername, r.name)
	}
	if r.ptype != PrincipalRole {
		derive(slotUserID, keyUserID, r.userID)
	}
	if nd > 0 {
		sortSlots(r.slots)
	}
	return nil
}

// errNoSlot stops resolveContext at a key without a slot (the table is full).
var errNoSlot = errors.New("context key without a slot")

// sortSlots sorts a request's context by slot: an insertion sort for the few
// keys of a typical request (a generic sort cost a tenth of eval's time).
func sortSlots(s []slotValue) {
	if len(s) > 12 {
		slices.SortFunc(s, compareSlots)
		return
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].id < s[j-1].id; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func compareSlots(a, b slotValue) int { return cmp.Compare(a.id, b.id) }

// contextMap keeps the context in a map by lower-cased key: the path of a request
// with a key that has no slot, where lookups go by the key's text.
func (r *Request) contextMap() error {
	if r.ctx == nil {
		r.ctx = make(map[string]ContextValue, len(r.Context)+len(r.list)+5)
	}
	err := r.given(func(k string, v ContextValue) error {
		lk := r.lower(k)
		if _, dup := r.ctx[lk]; dup {
			return requestError("request.context", "key %q is given twice (context keys are case-insensitive)", k)
		}
		if !strings.Contains(k, ":") {
			return requestError("request.context."+k, "a context key needs a service prefix, like aws:SourceIp")
		}
		r.ctx[lk] = v
		return nil
	})
	if err != nil {
		return err
	}
	nd := 0
	derive := func(k, v string) {
		if _, given := r.ctx[k]; !given {
			r.derived[nd] = v
			r.ctx[k] = ContextValue{Values: r.derived[nd : nd+1 : nd+1]}
			nd++
		}
	}
	derive(keyPrincipalAccount, r.account)
	derive(keyPrincipalType, r.ptype.String())
	derive(keyPrincipalArn, r.principalArn)
	if r.ptype == PrincipalUser {
		derive(keyUsername, r.name)
	}
	if r.ptype != PrincipalRole {
		derive(keyUserID, r.userID)
	}
	return nil
}

// arnFields is strings.SplitN(s, ":", 6) without allocating: the fields and
// their number.
func arnFields(s string) (f [6]string, n int) {
	for n < 5 {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			break
		}
		f[n], s = s[:i], s[i+1:]
		n++
	}
	f[n] = s
	return f, n + 1
}

func (r *Request) parsePrincipal() error {
	p, err := ParsePrincipal(r.Principal)
	if err != nil {
		return err
	}
	r.ptype, r.partition, r.account, r.name = p.Type, p.Partition, p.Account, p.Name
	r.principalArn = r.Principal
	switch p.Type {
	case PrincipalAssumedRole:
		// aws:PrincipalArn of a role session is the role's ARN.
		r.name = p.Session
		r.principalArn = r.derive(memoRole, r.Principal, func(string) string { return p.RoleARN() })
	case PrincipalRoot:
		r.name = ""
	}
	switch r.ptype {
	case PrincipalUser, PrincipalAssumedRole:
		r.userID = r.derive(memoUserID, r.Principal, r.uniqueUserID)
	case PrincipalFederatedUser:
		r.userID = r.derive(memoUserID, r.Principal, func(string) string { return r.account + ":" + r.name })
	case PrincipalRoot:
		r.userID = r.account
	}
	return nil
}

// roleARN returns the role ARN behind a role session (sessionRole) — the
// caller's own ARN when the caller is given as the role — and "" for other
// principals.
func (r *Request) roleARN() string {
	if r.ptype == PrincipalAssumedRole || r.ptype == PrincipalRole {
		return r.role
	}
	return ""
}

// principalIDs returns the unique IDs a Principal element can name the caller
// by: an IAM user's own ID, and the ID of the role behind a role session; both
// read from aws:userid (given, or made up: docs/semantics.md §13,
// derived-unique-id), which is ID for a user and ROLE-ID:SESSION for a session
// (§6.1).
func (r *Request) principalIDs() (user, role string) {
	v, ok := r.lookup(slotUserID, keyUserID)
	if !ok || v.Multi || len(v.Values) != 1 {
		return "", ""
	}
	switch id := v.Values[0]; r.ptype {
	case PrincipalUser:
		return id, ""
	case PrincipalAssumedRole:
		role, _, _ := strings.Cut(id, ":")
		return "", role
	}
	return "", ""
}

// isRoleARN reports an IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
func isRoleARN(s string) bool {
	parts, n := arnFields(s)
	return n == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[3] == "" &&
		parts[4] != "" && strings.HasPrefix(parts[5], "role/") && len(parts[5]) > len("role/")
}

// isKMSKeyARN reports a KMS key ARN: arn:PARTITION:kms:REGION:ACCOUNT:key/ID.
func isKMSKeyARN(s string) bool {
	parts, n := arnFields(s)
	return n == 6 && parts[0] == "arn" && parts[2] == "kms" && strings.HasPrefix(parts[5], "key/")
}

// resourcePolicyMustAllow reports a request whose resource-based policy must allow
// the caller itself, so that an identity Allow alone is not enough: a role trust
// policy (STS actions on a role) and a KMS key policy (docs/semantics.md, role
// trust policies and KMS key policies).
// It is computed once, by prepare.
func (r *Request) resourcePolicyMustAllow() bool { return r.mustAllow }

// checkAction checks a request action: service:Name, one colon, no wildcards.
func checkAction(a string) error {
	i := strings.IndexByte(a, ':')
	if i <= 0 || i == len(a)-1 || strings.IndexByte(a[i+1:], ':') >= 0 {
		return requestError("request.action", "%q is not service:Action", a)
	}
	if strings.ContainsAny(a, "*? \t\n") {
		return requestError("request.action", "%q: a request names one action, without wildcards or spaces", a)
	}
	return nil
}

// Unique-ID prefixes AWS documents for IAM users and roles (docs/semantics.md §6.1).
const (
	UserIDPrefix = "AIDA"
	RoleIDPrefix = "AROA"
	// UniqueIDTail is the number of upper-case letters and digits after the
	// prefix in the unique IDs the model makes up (docs/semantics.md §13,
	// derived-unique-id).
	UniqueIDTail = 17
)

// uniqueUserID makes up the aws:userid of an IAM user (AIDA…) or a role session
// (AROA…:SESSION) whose request does not give one: AWS assigns unique IDs that no
// ARN carries, so the model derives a stable ID-shaped value from the user's or
// the role's ARN (docs/semantics.md §13, derived-unique-id).
func (r *Request) uniqueUserID(string) string {
	if r.ptype == PrincipalAssumedRole {
		return UniqueID(RoleIDPrefix, r.principalArn) + ":" + r.name
	}
	return UniqueID(UserIDPrefix, r.Principal)
}

// UniqueID returns prefix and UniqueIDTail upper-case letters and digits derived
// from arn: the same ARN always gives the same ID.
func UniqueID(prefix, arn string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	sum := sha256.Sum256([]byte(arn))
	var b [len(UserIDPrefix) + UniqueIDTail]byte
	n := copy(b[:], prefix)
	for i := range UniqueIDTail {
		b[n+i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(b[:n+UniqueIDTail])
}
