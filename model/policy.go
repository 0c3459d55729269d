package model

// Policy is a parsed IAM policy document. It keeps everything needed to write the
// document back in the same form: key order, and whether each list was written as a
// bare scalar. Parse ∘ Marshal ∘ Parse is the identity on it.
type Policy struct {
	Version    string // "" when absent
	HasVersion bool
	ID         string
	HasID      bool
	Statements []Statement
	// StatementSingle records that Statement was written as one object, not a list.
	StatementSingle bool
	// Type is the kind of policy the document was validated as.
	Type PolicyType
	// Warnings are findings that do not make the document invalid: at most
	// MaxWarnings, then one "warnings-truncated" warning counting the others.
	Warnings     []Warning
	warnsDropped int

	keys []string // top-level keys in document order
}

// Statement is one statement of a policy.
type Statement struct {
	Sid          string
	HasSid       bool
	Effect       string
	HasEffect    bool
	Principal    *PrincipalBlock
	NotPrincipal *PrincipalBlock
	Action       *StringList
	NotAction    *StringList
	Resource     *StringList
	NotResource  *StringList
	Condition    []ConditionOperator // in document order; nil when absent
	HasCondition bool

	// Span is where the statement lies in the document it was parsed from; the
	// zero Span for a statement not parsed from a document.
	Span Span
	keys []string
}

// StringList is a list-typed element such as Action or Resource. Single records that
// the document wrote a bare string rather than a one-element array.
type StringList struct {
	Values  []string
	Single  bool
	invalid bool // written with the wrong JSON type (already reported)
}

// ValueKind is the JSON type a condition value was written with. IAM reads JSON
// booleans and numbers as strings; the kind is kept only to write the value back.
type ValueKind uint8

// The JSON kinds of condition values.
const (
	KindString ValueKind = iota
	KindBool
	KindNumber
)

// Value is one condition value: its text as IAM reads it, and its JSON kind.
type Value struct {
	Text string
	Kind ValueKind
}

// ConditionOperator is one operator block of a Condition element, e.g.
// "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}.
type ConditionOperator struct {
	Operator string
	Keys     []ConditionKey
}

// ConditionKey is one key of an operator block and its values.
type ConditionKey struct {
	Key    string
	Values []Value
	Single bool // written as a bare scalar, not an array
}

// PrincipalBlock is a Principal or NotPrincipal element of a resource-based policy.
type PrincipalBlock struct {
	Wildcard bool // written as the bare string "*"
	Entries  []PrincipalEntry
}

// PrincipalEntry is one type of principal, e.g. "AWS": ["arn:aws:iam::1:root"].
type PrincipalEntry struct {
	Type   string // AWS, Federated, Service or CanonicalUser
	Values StringList
}

// PolicyType says what role a policy plays in a decision; validation depends on it
// (only resource-based policies may name a Principal).
type PolicyType uint8

// Policy types.
const (
	IdentityPolicy PolicyType = iota
	BoundaryPolicy
	SCPPolicy
	ResourcePolicy
	RCPPolicy // resource control policy: applies to the resource's account
	// SessionPolicy is a policy passed when a role session or federated user
	// session is created: it caps the identity grants of that session.
	SessionPolicy
	// TrustPolicy is a role's trust policy: the resource-based policy of an IAM
	// role. It has no Resource element (the role is the resource).
	TrustPolicy
)

// ResourcePolicyType is the type that a resource-based policy of the given
// request resource is validated as: the resource-based policy of an IAM role
// (arn:PARTITION:iam::ACCOUNT:role/…) is its trust policy, which has no Resource
// element (IAM: "Has prohibited field Resource"); every other one is a
// ResourcePolicy, which needs it.
func ResourcePolicyType(resource string) PolicyType {
	if isRoleARN(resource) {
		return TrustPolicy
	}
	return ResourcePolicy
}

// takesPrincipal reports the policy types whose statements name a Principal.
func (t PolicyType) takesPrincipal() bool {
	return t == ResourcePolicy || t == RCPPolicy || t == TrustPolicy
}

func (t PolicyType) String() string {
	switch t {
	case BoundaryPolicy:
		return "boundary"
	case SCPPolicy:
		return "scp"
	case ResourcePolicy:
		return "resource"
	case RCPPolicy:
		return "rcp"
	case SessionPolicy:
		return "session"
	case TrustPolicy:
		return "trust"
	}
	return "identity"
}

// phrase names the type in a sentence: "an identity policy", "an SCP".
func (t PolicyType) phrase() string {
	switch t {
	case BoundaryPolicy:
		return "a permissions boundary"
	case SCPPolicy:
		return "an SCP"
	case RCPPolicy:
		return "an RCP"
	case IdentityPolicy:
		return "an identity policy"
	}
	return "a " + t.String() + " policy"
}

// Warning is a non-fatal finding about a policy: IAM stores such documents, but a
// person should look at them.
type Warning struct {
	Path   string
	Offset int64
	Code   string // stable name, e.g. "unknown-action"
	Msg    string
}

func (w Warning) String() string {
	if w.Path == "" {
		return w.Msg
	}
	return w.Path + ": " + w.Msg
}

// Clone returns a deep copy that can be edited (by mutators) without touching p.
func (p *Policy) Clone() *Policy {
	c := *p
	c.keys = append([]string(nil), p.keys...)
	c.Warnings = append([]Warning(nil), p.Warnings...)
	c.Statements = make([]Statement, len(p.Statements))
	for i := range p.Statements {
		c.Statements[i] = p.Statements[i].Clone()
	}
	return &c
}

// Clone returns a deep copy of the statement.
func (s Statement) Clone() Statement {
	c := s
	c.keys = append([]string(nil), s.keys...)
	c.Action, c.NotAction = s.Action.clone(), s.NotAction.clone()
	c.Resource, c.NotResource = s.Resource.clone(), s.NotResource.clone()
	c.Principal, c.NotPrincipal = s.Principal.clone(), s.NotPrincipal.clone()
	if s.Condition != nil {
		c.Condition = make([]ConditionOperator, len(s.Condition))
		for i, op := range s.Condition {
			c.Condition[i] = ConditionOperator{Operator: op.Operator, Keys: make([]ConditionKey, len(op.Keys))}
			for j, k := range op.Keys {
				k.Values = append([]Value(nil), k.Values...)
				c.Condition[i].Keys[j] = k
			}
		}
	}
	return c
}

func (l *StringList) clone() *StringList {
	if l == nil {
		return nil
	}
	c := *l
	c.Values = append([]string(nil), l.Values...)
	return &c
}

func (b *PrincipalBlock) clone() *PrincipalBlock {
	if b == nil {
		return nil
	}
	c := &PrincipalBlock{Wildcard: b.Wildcard}
	for _, e := range b.Entries {
		c.Entries = append(c.Entries, PrincipalEntry{Type: e.Type, Values: *e.Values.clone()})
	}
	return c
}
