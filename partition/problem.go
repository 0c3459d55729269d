package partition

import (
	"fmt"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// The problem a caller states and the classes and coverage it gets back.

// PrincipalKind is the kind of caller a class has.
type PrincipalKind uint8

// Principal kinds. The root user is not enumerated: identity policies cannot be
// attached to it.
const (
	UserPrincipal PrincipalKind = iota
	RoleSessionPrincipal
	FederatedPrincipal
)

// Principal is the caller of a class.
type Principal struct {
	Kind    PrincipalKind
	Account string
	Path    string // users and role sessions' roles: "" or segments each ending in "/"
	Name    string // user name, role name, or federated user name
	Session string // role sessions
}

// ARN is the principal's ARN, as requests carry it.
func (p Principal) ARN() string {
	switch p.Kind {
	case RoleSessionPrincipal:
		return "arn:aws:sts::" + p.Account + ":assumed-role/" + p.Name + "/" + p.Session
	case FederatedPrincipal:
		return "arn:aws:sts::" + p.Account + ":federated-user/" + p.Name
	}
	return "arn:aws:iam::" + p.Account + ":user/" + p.Path + p.Name
}

// RoleARN is a role session's role's ARN, path included: the session's
// aws:PrincipalArn (docs/eval-format.md).
func (p Principal) RoleARN() string {
	return "arn:aws:iam::" + p.Account + ":role/" + p.Path + p.Name
}

// derived returns the value the model derives for a principal key (lower-cased).
func (p Principal) derived(key string) (string, bool) {
	switch key {
	case "aws:principalaccount":
		return p.Account, true
	case "aws:principaltype":
		return [...]string{"User", "AssumedRole", "FederatedUser"}[p.Kind], true
	case "aws:principalarn":
		if p.Kind == RoleSessionPrincipal {
			return p.RoleARN(), true
		}
		return p.ARN(), true
	case "aws:username":
		return p.Name, p.Kind == UserPrincipal
	case "aws:userid":
		// The model's values (docs/semantics.md §6.1, §13 derived-unique-id).
		switch p.Kind {
		case UserPrincipal:
			return model.UniqueID(model.UserIDPrefix, p.ARN()), true
		case RoleSessionPrincipal:
			return model.UniqueID(model.RoleIDPrefix, "arn:aws:iam::"+p.Account+":role/"+p.Name) + ":" + p.Session, true
		}
		return p.Account + ":" + p.Name, true
	}
	return "", false
}

// ActionList is an extra list of action patterns that splits action groups (a
// spec's allow-list, for example).
type ActionList struct {
	Name     string
	Patterns []string
}

// ResourcePred is an extra predicate on resources, such as "owned by another
// user". Key identifies its language (the same key must mean the same language);
// Service, if not "", is the only service whose ARNs it can contain.
type ResourcePred struct {
	Key     string
	Lang    *Lang
	Service string
}

// KeyDomain makes a context key vary in every action group, with its values
// given outright (nil: absent) besides the classes its conditions make. The
// values of such a key are never merged, so the caller's own judgement may tell
// them apart (the MFA state, for instance).
type KeyDomain struct {
	Key    string
	Values []*model.ContextValue
}

// Problem is what to partition.
type Problem struct {
	// Policies are the policies whose statements define the classes: one bundle,
	// or two bundles to compare.
	Policies []*model.Policy
	// Catalog is the AWS action catalogue.
	Catalog *catalog.Catalog
	// NamedFirst visits first the action groups that hold an action the
	// policies or ActionLists name outright, for a caller that stops at its
	// first finding; otherwise groups come in catalogue order. Every class is
	// visited either way unless visit stops.
	NamedFirst  bool
	ActionLists []ActionList
	// Resources returns extra resource predicates for a caller; it is asked
	// once per caller and enumeration.
	Resources func(Principal) []ResourcePred
	// Names and Accounts are user names and accounts that matter to the caller
	// besides those written in the policies.
	Names    []string
	Accounts []string
	// NameContexts are resources the caller writes its own user name into
	// (NameMarker where it goes): callers are divided by what their names do
	// in them against the policies' patterns (namesplit.go).
	NameContexts []NameContext
	// StaticResources are the caller's resource predicates that do not
	// depend on the caller (a spec's resource patterns): the names and
	// accounts written into NameContexts and the policies' patterns are
	// tested against them too.
	StaticResources []ResourcePred
	// PathWritten: a rule that can fail the check judges a resource with the
	// caller's own path in it (a spec's {path}), so users are divided by what
	// their whole ARN, path included, does against the resource patterns
	// (pathsplit.go), not only by having a path.
	PathWritten bool
	// PathElsewhere are such rules' resources that write the caller's path
	// into something else than the caller's own user ARN: users are not
	// divided by path against them, so the coverage says so.
	PathElsewhere []string
	Keys          []KeyDomain
	// KeepValue, if set, drops context values that need no deciding (nil v: the
	// key absent).
	KeepValue func(key string, v *model.ContextValue) bool
	// Budget bounds the product states of one automaton walk (default 100,000);
	// MaxContexts the context combinations of one action group (default 4,096).
	Budget, MaxContexts int
	// TotalBudget bounds the product states of all the walks of one
	// enumeration (default 1,000,000): a policy whose walks would take longer
	// stops early with an unknown naming the dimension that exploded, instead of
	// running for minutes (issue 10; docs/performance.md, the proof engine).
	TotalBudget int
	// MaxAssignments bounds the combinations of values tried for the context
	// keys policy variables read in one action group (default 256; those keys
	// are never partitioned, see Coverage.Unknown); MaxClasses bounds the
	// classes of one enumeration (default 1,000,000; the largest managed
	// policy proved has 530 k): past it the verdict is unknown and says so,
	// where the largest policies ran for minutes (issue 10).
	MaxAssignments, MaxClasses int
}

// Class is one class of requests, by its witness.
type Class struct {
	Principal Principal
	Action    string
	Resource  string
	// Context is keyed by lower-cased key. Classes share their context maps:
	// a visitor reads it during the visit and neither modifies nor keeps it.
	Context map[string]model.ContextValue
	// Group is the action group; every action of it gets the same answer.
	Group *Group
	// at is what the enumeration's Coverage had counted when the class was
	// visited (Coverage.StopAt).
	at coverMark
}

// coverMark is what a Coverage had counted at some point of its enumeration:
// its counters, and how many unknowns and key changes it held.
type coverMark struct {
	resources, contexts, classes, unknown, keys int
}

// Group is a set of catalogue actions that every statement and action list
// treats alike.
type Group struct {
	Actions []string
	// Statements are the statements that can apply to the group's actions, as
	// "policy/statement" indices.
	Statements [][2]int
	sig        string
	applicable []int
	templates  map[string]string // ARN template -> an action of the group that takes it; "*" for none
	rank       map[string]int    // preference of named actions (1 first)
	tplOrder   []string
	// tpls are tplOrder's templates with what resourceClasses reads of each,
	// worked out once per grouping rather than per principal (issue 15).
	tpls []tplInfo
	// The templates' indices by literal service and by account kind, and
	// those of no literal service ("*" among them), in order (templateOrder).
	tplBySvc, tplByKind map[string][]int32
	tplAnySvc           []int32
}

// tplInfo is one ARN template of a group: the action that takes it, its
// automaton key, literal service and account kind (templateService, accountKind).
type tplInfo struct {
	text, action, key, service, acctKind string
}

// Coverage says what an enumeration covered.
type Coverage struct {
	Principals int
	Actions    int // catalogue actions
	Groups     int // action groups
	// Resources and Contexts count the resource classes and context
	// combinations, summed over principals and groups.
	Resources int
	Contexts  int
	// Classes is the number of classes visited (and decided by the caller).
	Classes int
	// Keys are the context keys varied, with their classes (the most in any group).
	Keys map[string]int
	// Unknown says what was not partitioned exactly; empty means every class of
	// the request space was visited.
	Unknown []string
	// Stopped is true when visit or the context ended the enumeration early.
	Stopped bool
	// GroupList lists the action groups, for reports.
	GroupList []*Group
	// keyLog lists the changes to Keys in order, so that StopAt can undo
	// those made after a class.
	keyLog []keyChange
}

// keyChange is one change to Coverage.Keys: key's count before it (0 and
// absent are the same for a count that only grows).
type keyChange struct {
	key  string
	prev int
	had  bool
}

// setKey raises key's count in Keys to n, logged for StopAt.
func (c *Coverage) setKey(key string, n int) {
	prev, had := c.Keys[key]
	c.keyLog = append(c.keyLog, keyChange{key, prev, had})
	c.Keys[key] = n
}

// mark is what the coverage has counted so far.
func (c *Coverage) mark() coverMark {
	return coverMark{resources: c.Resources, contexts: c.Contexts, classes: c.Classes, unknown: len(c.Unknown), keys: len(c.keyLog)}
}

// StopAt makes the coverage what Enumerate would have returned had visit
// returned false on c, a class of the enumeration that made it: a caller that
// decides classes behind the enumeration (the proof engine's workers,
// properties/prove_workers.go) stops with the coverage of a caller that
// decides each class before the next is visited. Everything counted after c
// (classes, resource classes, context combinations, key counts, unknowns of
// later walks and budgets) is undone, and Stopped is set.
func (c *Coverage) StopAt(cl *Class) {
	m := cl.at
	c.Resources, c.Contexts, c.Classes = m.resources, m.contexts, m.classes
	if m.unknown == 0 {
		c.Unknown = nil
	} else {
		c.Unknown = c.Unknown[:m.unknown]
	}
	for len(c.keyLog) > m.keys {
		k := c.keyLog[len(c.keyLog)-1]
		c.keyLog = c.keyLog[:len(c.keyLog)-1]
		if k.had {
			c.Keys[k.key] = k.prev
		} else {
			delete(c.Keys, k.key)
		}
	}
	c.Stopped = true
}

// Exact reports whether every class was covered.
func (c *Coverage) Exact() bool { return len(c.Unknown) == 0 && !c.Stopped }

func (c *Coverage) unknown(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, u := range c.Unknown {
		if u == msg {
			return
		}
	}
	c.Unknown = append(c.Unknown, msg)
}
