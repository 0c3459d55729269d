package peer

import (
	"slices"
	"sync"

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
//
// Files: this one is the registry (the classes and the order of the emulations);
// direct.go holds the direct tests, rewrite.go the engine the emulations share
// (editable cases, the search, Condition editing), and emulate_*.go one emulated
// difference each.

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
	ClassNotPrincipalParent    = "notprincipal-deny-lists-parent-only"
	ClassMultivaluedNoSet      = "multivalued-key-without-set-operator"
	ClassFederatedAsUser       = "federated-user-read-as-iam-user"
	ClassAWSOwnedResource      = "aws-owned-resource-as-other-account"
	ClassKMSKeyWithoutPolicy   = "kms-key-without-key-policy"
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
	{ClassNotPrincipalParent, emulateNotPrincipalDenyParent},
	{ClassMultivaluedNoSet, emulateMultivaluedNoSet},
	{ClassOneValueList, emulateOneValueList},
	{ClassAWSOwnedResource, emulateAWSOwned},
	{ClassKMSKeyWithoutPolicy, emulateKMSNoKeyPolicy},
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
	classes := []string{ClassGetCallerIdentity, ClassWildcardRequest, ClassResourceTypeRejected}
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
