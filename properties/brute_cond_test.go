package properties

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// condKey is one context key of the condition brute force: the operators and
// policy values its conditions draw, and the request values it tries.
type condKey struct {
	name  string
	ops   []string
	pvals []any
	rvals []model.ContextValue
}

func singles(vs ...string) []model.ContextValue {
	out := make([]model.ContextValue, len(vs))
	for i, v := range vs {
		out[i] = model.Single(v)
	}
	return out
}

// condKeys sit values on both sides of every bound the policy values name.
var condKeys = []condKey{
	{"s3:prefix", []string{"StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLikeIfExists", "StringNotEqualsIfExists", "Null", "ForAnyValue:StringLike", "ForAllValues:StringEquals"},
		[]any{"", "a", "A", "a*", "*b*", "?", "ab", "a?c", "*", "b"},
		singles("", "a", "A", "ab", "abc", "b", "a*", "x", "Ab")},
	{"aws:SourceIp", []string{"IpAddress", "NotIpAddress", "IpAddressIfExists", "NotIpAddressIfExists"},
		[]any{"10.0.0.0/8", "10.0.0.1/32", "10.0.0.1", "0.0.0.0/0", "::/0", "2001:db8::/32", "10.128.0.0/9"},
		singles("10.0.0.1", "10.0.0.0", "10.255.255.255", "11.0.0.0", "9.255.255.255", "::1", "2001:db8::1", "10.128.0.1", "10.127.255.255")},
	{"s3:max-keys", []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "NumericLessThanIfExists"},
		[]any{"10", "10.5", "-1", "0", 10, "5"},
		singles("-1", "0", "5", "9.99", "10", "10.5", "11", "-0.5")},
	{"aws:CurrentTime", []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateGreaterThan", "DateLessThanEquals", "DateGreaterThanEquals", "DateGreaterThanIfExists"},
		[]any{"2026-01-01T00:00:00Z", "2026-01-01", "1767225600", "2026-06-01T12:00:00+02:00"},
		singles("2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "2026-06-01T10:00:00Z", "2026-06-01T09:59:59Z", "2027-01-01T00:00:00Z")},
	{"aws:SourceArn", []string{"ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals", "ArnLikeIfExists", "StringLike", "ForAnyValue:ArnLike"},
		[]any{"arn:aws:sns:*:111122223333:t*", "arn:aws:sns:us-east-1:*:*", "arn:aws:*:*:*:t", "arn:aws:sns:*:*:t:*", "arn:aws:sns:us-?ast-1:111122223333:topic", "arn:aws:s3:::b/*"},
		singles("arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:t:x", "arn:aws:sns:eu-west-1:444455556666:t", "arn:aws:sqs:us-east-1:111122223333:t", "arn:aws:s3:::b/k", "arn:aws:s3:::b/a:b", "not-an-arn")},
	{"aws:PrincipalTag/Team", []string{"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringEquals", "StringNotLike", "StringEqualsIfExists"},
		[]any{"red", "RED", "r*", "${aws:username}", "${aws:username}-*", "*${aws:username}"},
		singles("red", "Red", "alice", "alice-x", "x-alice", "r", "ALICE", "")},
	{"aws:SecureTransport", []string{"Bool", "BoolIfExists", "Null"}, []any{"true", "false", true}, singles("true", "false")},
	{"aws:TagKeys", []string{"ForAllValues:StringEquals", "ForAnyValue:StringEquals", "ForAllValues:StringNotLike", "ForAnyValue:StringNotEquals", "ForAnyValue:StringLike", "ForAllValues:StringLike", "Null", "ForAllValues:StringEqualsIfExists"},
		[]any{"a", "b", "a*", "*", "A"},
		[]model.ContextValue{model.Multi(), model.Multi("a"), model.Multi("b"), model.Multi("a", "b"), model.Multi("A"), model.Multi("ab", "a"), model.Multi("c")}},
}

// condContradictions is the property behind TestProofAgreesWithConditionBruteForce:
// random policies of an Allow and one or two Denies of s3:GetObject, each under
// conditions on one or two of condKeys (string, address, number, date, ARN, tag
// with variables, Bool and set keys; key names in any case), judged by a never
// rule on the reads. Whenever the proof engine says proved, alice's read is
// decided under every combination of the keys' request values (each also
// absent): an allowed one is a wrong "proved". It found the date split's lost
// gap (corpus/examples/values/date-bound-twice.json).
//
//	IAMFUZZ_CBRUTE_N=2000 IAMFUZZ_CBRUTE_SEED=7 go test -count=1 -run TestProofAgreesWithConditionBruteForce ./properties
func condContradictions(t *testing.T, n int, seed int64) (bad []string, proved int) {
	t.Helper()
	spec, err := ParseSpec([]byte("version: 1\ndescription: nobody reads b\nnever:\n  - name: no reads\n    actions: [s3:GetObject]\n    resources: [\"arn:aws:s3:::b/*\"]\n"), "cbrute.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var keys []int // the keys of the variant drawn last, which search tries
	draw := func(_ int, rng *rand.Rand) bruteDrawn {
		keys = []int{rng.Intn(len(condKeys))}
		if rng.Intn(2) == 0 {
			keys = append(keys, rng.Intn(len(condKeys)))
		}
		stmts := []any{
			map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": condBlock(rng, keys)},
			map[string]any{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": condBlock(rng, keys)},
		}
		if rng.Intn(3) == 0 {
			stmts = append(stmts, map[string]any{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": condBlock(rng, keys)})
		}
		text, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
		if err != nil {
			t.Fatal(err)
		}
		mp, err := model.Parse(text, model.IdentityPolicy)
		if err != nil {
			return bruteDrawn{} // one key twice under an operator, in two spellings
		}
		return bruteDrawn{text: text, policy: mp, spec: spec}
	}
	return bruteRun(t, "IAMFUZZ_CBRUTE", "cbrute", n, seed, 0, draw, func(tg *Target) (*Violation, int) {
		probes := condProbes(keys)
		v, _ := firstError(tg, probes, nil)
		return v, len(probes)
	})
}

// condBlock draws a condition block on some of the keys.
func condBlock(rng *rand.Rand, keys []int) map[string]any {
	cond := map[string]any{}
	for _, ki := range keys {
		if rng.Intn(3) == 0 && len(cond) > 0 {
			continue
		}
		k := condKeys[ki]
		op := k.ops[rng.Intn(len(k.ops))]
		name := k.name
		switch rng.Intn(4) {
		case 0:
			name = strings.ToLower(name)
		case 1:
			name = strings.ToUpper(name[:1]) + name[1:]
		}
		var vals []any
		if op == "Null" {
			vals = []any{[]string{"true", "false"}[rng.Intn(2)]}
		} else {
			for range 1 + rng.Intn(2) {
				vals = append(vals, k.pvals[rng.Intn(len(k.pvals))])
			}
		}
		m, _ := cond[op].(map[string]any)
		if m == nil {
			m = map[string]any{}
			cond[op] = m
		}
		m[name] = vals
	}
	return cond
}

// condProbes are alice's reads under every combination of the keys' request
// values, each key also absent.
func condProbes(keys []int) []Probe {
	combos := [][]ContextEntry{nil}
	seen := map[int]bool{}
	for _, ki := range keys {
		if seen[ki] {
			continue
		}
		seen[ki] = true
		var next [][]ContextEntry
		for _, c := range combos {
			next = append(next, c)
			for _, v := range condKeys[ki].rvals {
				next = append(next, append(append([]ContextEntry(nil), c...), ContextEntry{Key: condKeys[ki].name, Value: v}))
			}
		}
		combos = next
	}
	out := make([]Probe, len(combos))
	for i, c := range combos {
		out[i] = Probe{Caller: Caller{Kind: UserCaller, Account: "111122223333", Name: "alice"}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: c}
	}
	return out
}
