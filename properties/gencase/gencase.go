// Package gencase draws whole cases for differential runs (the peer's tests,
// `iamfuzz diff`, the decision fuzz target). Every choice goes through a
// choice.Source, so a run is reproducible from its seed (Generate) and the
// same generator can run under rapid or go test -fuzz.
//
// The building blocks are small on purpose: collisions between a policy's patterns
// and a request's values are what exercise matching, so the policy side and the
// request side draw from the same few names (alice, alice2, Alice, al, …), accounts,
// paths, tag values, times and addresses. Requests are realistic: each action is
// paired with a resource of one of its resource types (or "*" for an action that
// takes none), since AWS never evaluates any other pair and the peer simulator
// rejects them. What is covered (issue 3): every operator of docs/semantics.md §5.3
// with IfExists, ForAllValues/ForAnyValue and several values under negated operators
// (NOR); policy variables with defaults and ${*} ${?} ${$} under Version 2012-10-17,
// 2008-10-17 and none; NotAction/NotResource; MFA states; pathed users and
// look-alike names; permissions boundaries, SCP levels, resource-based policies with
// Principal/NotPrincipal; cross-account resources; and, rarely, invalid policies.
package gencase

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties/choice"
)

// Accounts: the caller's usual account and "another account".
const (
	genAcctA = "111122223333"
	genAcctB = "444455556666"
)

var (
	genAccounts = []string{genAcctA, genAcctB}
	// Look-alike names: a prefix (al), a suffix (alice2), a case variant (Alice),
	// and characters IAM allows in user names.
	genUsers = []string{"alice", "alice2", "Alice", "al", "bob", "a.b+c=d,e@f_g-h"}
	genPaths = []string{"", "dev/", "division_abc/subdivision_xyz/"}
	genRoles = []string{"dev", "admin"}
)

// resKind is the resource type an action is authorized against.
type resKind uint8

const (
	resNone     resKind = iota // the action takes no resource: "*"
	resUser                    // arn:aws:iam::ACCOUNT:user/PATH/NAME
	resMFA                     // arn:aws:iam::ACCOUNT:mfa/PATH/NAME
	resObject                  // arn:aws:s3:::BUCKET/KEY
	resBucket                  // arn:aws:s3:::BUCKET
	resInstance                // arn:aws:ec2:REGION:ACCOUNT:instance/ID
	resFunction                // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
	resTable                   // arn:aws:dynamodb:REGION:ACCOUNT:table/NAME
)

type genAction struct {
	name string
	res  resKind
}

// genActions pairs every action with its resource type (AWS's Service Authorization
// Reference, as in corpus/catalog; properties/gencase_test.go checks the pairing).
var genActions = []genAction{
	{"iam:ChangePassword", resUser},
	{"iam:GetUser", resUser},
	{"iam:CreateAccessKey", resUser},
	{"iam:EnableMFADevice", resUser},
	{"iam:DeactivateMFADevice", resUser},
	{"iam:TagUser", resUser},
	{"iam:CreateVirtualMFADevice", resMFA},
	{"iam:DeleteVirtualMFADevice", resMFA},
	{"iam:ListVirtualMFADevices", resNone},
	{"iam:GetAccountPasswordPolicy", resNone},
	{"s3:GetObject", resObject},
	{"s3:ListBucket", resBucket},
	{"s3:ListAllMyBuckets", resNone},
	{"ec2:DescribeInstances", resNone},
	{"ec2:StopInstances", resInstance},
	{"lambda:InvokeFunction", resFunction},
	{"dynamodb:GetItem", resTable},
	{"sts:GetCallerIdentity", resNone},
	{"sts:GetSessionToken", resNone},
}

// Action patterns: wildcards, '?', case variants of names and prefixes.
var genPatterns = []string{"*", "iam:*", "iam:Get*", "iam:*MFA*", "iam:Get?ser", "IAM:changepassword", "iam:CREATEACCESSKEY",
	"s3:*", "s3:Get*", "s3:List*", "ec2:Describe*", "ec2:*Instances", "lambda:Invoke*", "dynamodb:*", "sts:*", "sts:Get*"}

// Resource patterns. ${…} are variables only under Version 2012-10-17; elsewhere they
// are text. A '*' inside the first five ARN segments is always a segment's last
// character (anything else is UNDEF wildcard-in-arn-prefix).
var genResources = []string{
	"*",
	"arn:aws:iam::*:user/${aws:username}",
	"arn:aws:iam::*:user/${aws:username}*",
	"arn:aws:iam::*:user/*/${aws:username}",
	"arn:aws:iam::*:user/*${aws:username}",
	"arn:aws:iam::*:user/*",
	"arn:aws:iam::111122223333:user/*",
	"arn:aws:iam::444455556666:user/*",
	"arn:aws:iam::111122223333:user/alice",
	"arn:aws:iam::111122223333:user/Alice",
	"arn:aws:iam::111122223333:user/dev/*",
	"arn:aws:iam::*:user/${aws:PrincipalTag/team, 'alice'}",
	"arn:aws:iam::*:mfa/*",
	"arn:aws:iam::*:mfa/${aws:username}",
	"arn:aws:iam::*:mfa/${aws:username}*",
	"arn:aws:s3:::*",
	"arn:aws:s3:::bucket/*",
	"arn:aws:s3:::bucket/${aws:username}/*",
	"arn:aws:s3:::bucket/${*}",
	"arn:aws:s3:::bucket/${$}x",
	"arn:aws:s3:::bucket/a${?}c",
	"arn:aws:s3:::bucket/a?c",
	"arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}",
	"arn:aws:s3:::bucket-*",
	"arn:aws:ec2:*:*:instance/*",
	"arn:aws:ec2:us-east-1:111122223333:instance/*",
	"arn:aws:lambda:us-east-1:111122223333:function:*",
	"arn:aws:lambda:us-east-1:*:function:my-fn",
	"arn:aws:dynamodb:*:*:table/Books",
}

// condGen describes the conditions drawn for one context key: the operators that
// make sense for it and policy values (raw JSON) that collide with request values.
type condGen struct {
	ops    []string
	key    string
	values []string // JSON values: quoted strings, or bare true/false/numbers
	multi  bool     // a multi-valued key: set operators are the rule, not the exception
}

var (
	genStringOps = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"}
	genNumOps    = []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"}
	genDateOps   = []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"}
	genArnOps    = []string{"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}
	genBoolOps   = []string{"Bool"}
	genIPOps     = []string{"IpAddress", "NotIpAddress"}
	genNullOps   = []string{"Null"}
	genBinOps    = []string{"BinaryEquals"}
)

var genConds = []condGen{
	{genBoolOps, "aws:MultiFactorAuthPresent", []string{`"true"`, `"false"`, `true`, `false`}, false},
	{genBoolOps, "aws:SecureTransport", []string{`"true"`, `"false"`}, false},
	{genNumOps, "aws:MultiFactorAuthAge", []string{`"0"`, `"120"`, `"3600"`, `86400`, `"3600.5"`}, false},
	{genStringOps, "aws:username", []string{`"alice"`, `"Alice"`, `"ali*"`, `"al?ce"`, `"al"`, `"bob"`, `"${aws:username}"`, `"${aws:PrincipalTag/team, 'alice'}"`}, false},
	{genStringOps, "aws:PrincipalTag/team", []string{`"blue"`, `"red"`, `"bl?e"`, `"BLUE"`, `"${aws:username}"`}, false},
	{genStringOps, "aws:RequestTag/team", []string{`"blue"`, `"red"`, `"${aws:PrincipalTag/team}"`, `"${*}"`}, false},
	{genStringOps, "aws:TagKeys", []string{`"key1"`, `"key1*"`, `"team"`, `"Key1"`}, true},
	{genStringOps, "aws:CalledVia", []string{`"cloudformation.amazonaws.com"`, `"athena.amazonaws.com"`, `"*.amazonaws.com"`}, true},
	{genStringOps, "dynamodb:Attributes", []string{`"PostDateTime"`, `"Message"`, `"Tags"`}, true},
	{genDateOps, "aws:CurrentTime", []string{`"2019-04-25T11:00:00Z"`, `"2024-01-01"`, `"2030-01-01T00:00:00Z"`, `"2025-06-01T00:00:00+02:00"`}, false},
	{genDateOps, "aws:EpochTime", []string{`"1556190000"`, `"2024-01-01T00:00:00Z"`}, false},
	{genIPOps, "aws:SourceIp", []string{`"203.0.113.0/24"`, `"198.51.100.7"`, `"2001:db8::/32"`, `"0.0.0.0/0"`}, false},
	{genArnOps, "aws:PrincipalArn", []string{`"arn:aws:iam::111122223333:user/alice"`, `"arn:aws:iam::*:user/*"`, `"arn:aws:iam::111122223333:role/*"`,
		`"arn:aws:iam::*:user/${aws:username}"`, `"arn:aws:iam::111122223333:user/dev/*"`, `"arn:aws:iam::111122223333:user/al*"`}, false},
	{genArnOps, "aws:SourceArn", []string{`"arn:aws:s3:::bucket-*"`, `"arn:aws:lambda:*:111122223333:function:*"`}, false},
	{genNullOps, "aws:MultiFactorAuthAge", []string{`"true"`, `"false"`}, false},
	{genNullOps, "aws:MultiFactorAuthPresent", []string{`"true"`, `"false"`}, false},
	{genNullOps, "aws:PrincipalTag/team", []string{`"true"`, `"false"`}, false},
	{genNullOps, "aws:TagKeys", []string{`"true"`, `"false"`}, true},
	{genBinOps, "aws:RequestTag/team", []string{`"Ymx1ZQ=="`, `"cmVk"`}, false},
}

// Request values for the keys above (MFA keys are drawn together, as credentials
// carry them). A list is a multi-valued key; an empty list is present and empty.
var genContext = []struct {
	key    string
	values []string
	multi  bool
}{
	{"aws:PrincipalTag/team", []string{"blue", "red", "BLUE", "alice"}, false},
	{"aws:RequestTag/team", []string{"blue", "red", "*", "Ymx1ZQ=="}, false},
	{"aws:SecureTransport", []string{"true", "false"}, false},
	{"aws:CurrentTime", []string{"2019-04-25T11:00:00Z", "2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z", "2031-01-01T00:00:00Z"}, false},
	{"aws:EpochTime", []string{"1556190000", "1750000000"}, false},
	{"aws:SourceIp", []string{"203.0.113.9", "198.51.100.7", "2001:db8::1", "192.0.2.1"}, false},
	{"aws:SourceArn", []string{"arn:aws:s3:::bucket-blue", "arn:aws:lambda:us-east-1:111122223333:function:my-fn"}, false},
	{"aws:TagKeys", []string{"key1", "key2", "Key1", "team"}, true},
	{"aws:CalledVia", []string{"cloudformation.amazonaws.com", "athena.amazonaws.com"}, true},
	{"dynamodb:Attributes", []string{"PostDateTime", "Message", "Tags", "UserName"}, true},
}

// principal describes the drawn caller.
type principal struct {
	arn     string
	account string
	name    string // the user name (no path), or another name for resources
}

// Principal draws a principal ARN: an IAM user with or without a path, a role,
// an assumed-role session, a federated user or root.
func Principal(s choice.Source) string { return genPrincipal(s).arn }

func genPrincipal(s choice.Source) principal {
	acct := genAcctA
	if choice.Chance(s, 8) {
		acct = genAcctB
	}
	// Mostly IAM users (the seed policies are about them); roles, sessions,
	// federated users and, rarely, root.
	switch k := s.Intn(32); {
	case k < 3:
		role := choice.Pick(s, genRoles)
		return principal{"arn:aws:sts::" + acct + ":assumed-role/" + role + "/s1", acct, choice.Pick(s, genUsers)}
	case k < 6:
		return principal{"arn:aws:iam::" + acct + ":role/" + choice.Pick(s, genRoles), acct, choice.Pick(s, genUsers)}
	case k < 9:
		name := choice.Pick(s, genUsers[:4])
		return principal{"arn:aws:sts::" + acct + ":federated-user/" + name, acct, name}
	case k < 10:
		return principal{"arn:aws:iam::" + acct + ":root", acct, choice.Pick(s, genUsers)}
	}
	name := choice.Pick(s, genUsers)
	return principal{"arn:aws:iam::" + acct + ":user/" + choice.Pick(s, genPaths) + name, acct, name}
}

// Policy draws an identity-like policy document as JSON text.
func Policy(s choice.Source, maxStatements int) string {
	return genPolicy(s, maxStatements, nil)
}

// genPolicy writes a policy; principal, when not nil, draws the Principal element of
// a resource-based policy's statements.
func genPolicy(s choice.Source, maxStatements int, principal func(b *strings.Builder)) string {
	var b strings.Builder
	b.WriteString(`{`)
	switch s.Intn(8) {
	case 0:
	case 1:
		b.WriteString(`"Version":"2008-10-17",`)
	default:
		b.WriteString(`"Version":"2012-10-17",`)
	}
	b.WriteString(`"Statement":[`)
	n := choice.Between(s, 1, maxStatements)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		genStatement(s, &b, principal)
	}
	b.WriteString(`]}`)
	return b.String()
}

func genStatement(s choice.Source, b *strings.Builder, principal func(b *strings.Builder)) {
	effect := "Allow"
	if choice.Chance(s, 3) {
		effect = "Deny"
	}
	b.WriteString(`{"Effect":` + strconv.Quote(effect) + `,`)
	if choice.Chance(s, 400) {
		// An invalid Sid (IAM allows only A-Z, a-z, 0-9).
		b.WriteString(`"Sid":"bad sid",`)
	}
	if principal != nil {
		principal(b)
	}
	act := "Action"
	if choice.Chance(s, 5) {
		act = "NotAction"
	}
	b.WriteString(strconv.Quote(act) + ":" + jsonList(s, func() string {
		if choice.Bool(s) {
			return choice.Pick(s, genActions).name
		}
		return choice.Pick(s, genPatterns)
	}) + ",")
	res := "Resource"
	if choice.Chance(s, 6) {
		res = "NotResource"
	}
	b.WriteString(strconv.Quote(res) + ":" + jsonList(s, func() string { return choice.Pick(s, genResources) }))
	if choice.Bool(s) {
		genCondition(s, b)
	}
	b.WriteString(`}`)
}

// genCondition writes a Condition element: one or two operators, each with one or
// two keys, each with one to three values.
func genCondition(s choice.Source, b *strings.Builder) {
	b.WriteString(`,"Condition":{`)
	ops := map[string][]string{}
	var order []string
	for range choice.Between(s, 1, 3) {
		cg := choice.Pick(s, genConds)
		op := choice.Pick(s, cg.ops)
		switch {
		case op == "Null":
			switch {
			case choice.Chance(s, 150):
				op = "NullIfExists" // invalid: Null has no IfExists form
			case choice.Chance(s, 8):
				// Accepted by IAM, decided by the set rules.
				op = choice.Pick(s, []string{"ForAllValues:", "ForAnyValue:"}) + op
			}
		case cg.multi && !choice.Chance(s, 6), !cg.multi && choice.Chance(s, 12):
			op = choice.Pick(s, []string{"ForAllValues:", "ForAnyValue:"}) + op
			if choice.Chance(s, 6) {
				op += "IfExists"
			}
		case choice.Chance(s, 4):
			op += "IfExists"
		case choice.Chance(s, 400):
			op += "IfExist" // invalid: an unknown operator
		}
		if _, clash := ops[map[string]string{"Null": "NullIfExists", "NullIfExists": "Null"}[op]]; clash {
			continue // both would test the key twice, which IAM rejects anyway
		}
		entry := strconv.Quote(cg.key) + ":" + rawList(s, cg.values)
		if _, ok := ops[op]; !ok {
			order = append(order, op)
		}
		dup := false
		for _, e := range ops[op] {
			if strings.HasPrefix(e, strconv.Quote(cg.key)+":") {
				dup = true
			}
		}
		if !dup {
			ops[op] = append(ops[op], entry)
		}
	}
	for i, op := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(op) + ":{" + strings.Join(ops[op], ",") + "}")
	}
	b.WriteString(`}`)
}

// jsonList writes one to three drawn strings as a bare string or a JSON list.
func jsonList(s choice.Source, draw func() string) string {
	return rawList(s, nil, func() string {
		q, _ := jsontext.AppendQuote(nil, draw())
		return string(q)
	})
}

// rawList writes one to three raw JSON values, drawn from values or by draw, as a
// bare value or a JSON list.
func rawList(s choice.Source, values []string, draw ...func() string) string {
	next := func() string {
		if len(draw) > 0 {
			return draw[0]()
		}
		return choice.Pick(s, values)
	}
	n := choice.Between(s, 1, 3)
	if n == 1 && choice.Bool(s) {
		return next()
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = next()
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// Request draws a request for principal: an action, a resource of the action's
// resource type that may belong to the principal, another user or another account,
// and a context.
func Request(s choice.Source, principalARN string) model.CaseRequest {
	p := principal{arn: principalARN, account: strings.Split(principalARN, ":")[4], name: principalARN[strings.LastIndexByte(principalARN, '/')+1:]}
	req, _ := genRequest(s, p)
	return req
}

// genRequest also returns the resource's kind, so that a resource-based policy is
// only drawn for resources that have one.
func genRequest(s choice.Source, p principal) (model.CaseRequest, resKind) {
	act := choice.Pick(s, genActions)
	if act.name == "sts:GetCallerIdentity" && !choice.Chance(s, 3) {
		// Policies cannot deny it (a known difference with the peer): keep it rare.
		act = choice.Pick(s, genActions)
	}
	req := model.CaseRequest{Principal: p.arn, Action: act.name}
	acct := p.account
	if choice.Chance(s, 5) {
		acct = choice.Pick(s, genAccounts) // sometimes another account
	}
	self := p.name
	if choice.Chance(s, 3) {
		self = choice.Pick(s, genUsers)
	}
	switch act.res {
	case resNone:
		req.Resource = "*"
	case resUser:
		path := ""
		if choice.Chance(s, 4) {
			path = choice.Pick(s, genPaths)
		}
		req.Resource = "arn:aws:iam::" + acct + ":user/" + path + self
	case resMFA:
		req.Resource = "arn:aws:iam::" + acct + ":mfa/" + choice.Pick(s, []string{self, self, self + "-phone", "dev/" + self, "bob"})
	case resObject:
		req.Resource = "arn:aws:s3:::bucket/" + choice.Pick(s, []string{self + "/x", "k", "*", "$x", "a?c", "abc", "company-wide"})
	case resBucket:
		req.Resource = "arn:aws:s3:::bucket-" + choice.Pick(s, []string{"company-wide", "blue", "red", self})
	case resInstance:
		req.Resource = "arn:aws:ec2:" + choice.Pick(s, []string{"us-east-1", "eu-west-1"}) + ":" + acct + ":instance/i-0abc"
	case resFunction:
		req.Resource = "arn:aws:lambda:us-east-1:" + acct + ":function:" + choice.Pick(s, []string{"my-fn", "my-fn:PROD", "other"})
	case resTable:
		req.Resource = "arn:aws:dynamodb:us-east-1:" + acct + ":table/" + choice.Pick(s, []string{"Books", "Music"})
	}
	if (act.res == resObject || act.res == resBucket) && acct != p.account {
		// S3 ARNs carry no account: say whose bucket it is.
		req.ResourceAccount = acct
	}
	ctx := map[string]jsontext.Value{}
	genMFA(s, ctx)
	for _, k := range genContext {
		if k.key == "dynamodb:Attributes" && act.res != resTable {
			continue
		}
		if !choice.Chance(s, 3) {
			continue
		}
		if k.multi {
			n := s.Intn(4)
			vs := make([]string, 0, n)
			for range n {
				vs = append(vs, choice.Pick(s, k.values))
			}
			ctx[k.key] = jsonStrings(vs)
			continue
		}
		ctx[k.key] = quoteValue(choice.Pick(s, k.values))
	}
	if len(ctx) > 0 {
		req.Context = ctx
	}
	return req, act.res
}

// genMFA draws the MFA keys as credentials carry them (docs/semantics.md §7.1):
// absent for a long-term access key, "false" for temporary credentials without MFA,
// "true" with an age for an MFA session; rarely an age without the flag.
func genMFA(s choice.Source, ctx map[string]jsontext.Value) {
	switch s.Intn(8) {
	case 0, 1, 2: // long-term access key: no MFA keys
	case 3, 4:
		ctx["aws:MultiFactorAuthPresent"] = quoteValue("false")
	case 5, 6:
		ctx["aws:MultiFactorAuthPresent"] = quoteValue("true")
		if !choice.Chance(s, 5) {
			ctx["aws:MultiFactorAuthAge"] = quoteValue(choice.Pick(s, []string{"0", "120", "3600", "100000"}))
		}
	default:
		if choice.Bool(s) {
			ctx["aws:MultiFactorAuthPresent"] = jsontext.Value(choice.Pick(s, []string{"true", "false"})) // a JSON boolean
		} else {
			ctx["aws:MultiFactorAuthAge"] = quoteValue("120")
		}
	}
}

// genResourcePolicy draws a resource-based policy whose statements name principals
// that collide with the caller: everyone, an account, the caller's own ARN, the role
// behind a session, another user.
func genResourcePolicy(s choice.Source, p principal) string {
	return genPolicy(s, 2, func(b *strings.Builder) {
		key := "Principal"
		if choice.Chance(s, 8) {
			key = "NotPrincipal"
		}
		var v string
		switch s.Intn(9) {
		case 0:
			v = `"*"`
		case 1:
			v = `{"AWS":"*"}`
		case 2:
			v = fmt.Sprintf(`{"AWS":%q}`, choice.Pick(s, genAccounts))
		case 3:
			v = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:root"}`, choice.Pick(s, genAccounts))
		case 4:
			v = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:role/%s"}`, p.account, choice.Pick(s, genRoles))
		case 5:
			v = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:user/%s"}`, choice.Pick(s, genAccounts), choice.Pick(s, genUsers))
		default:
			v = fmt.Sprintf(`{"AWS":[%q]}`, p.arn)
		}
		fmt.Fprintf(b, "%q:%s,", key, v)
	})
}

// genSCP draws one SCP: usually FullAWSAccess, sometimes with a Deny beside it,
// sometimes a generated policy (which may allow nothing: UNDEF scp-implicit-deny).
func genSCP(s choice.Source) string {
	const full = `{"Effect":"Allow","Action":"*","Resource":"*"}`
	switch s.Intn(4) {
	case 0, 1:
		return `{"Version":"2012-10-17","Statement":[` + full + `]}`
	case 2:
		p := genPolicy(s, 2, nil)
		return strings.Replace(p, `"Statement":[`, `"Statement":[`+full+`,`, 1)
	}
	return genPolicy(s, 2, nil)
}

// Case draws a whole differential case: identity policies, sometimes a
// permissions boundary, SCP levels and a resource-based policy, and a request.
func Case(s choice.Source, id string) *model.Case {
	c := &model.Case{ID: id}
	p := genPrincipal(s)
	req, kind := genRequest(s, p)
	c.Request = req
	for range choice.Between(s, 1, 2) {
		c.Policies.Identity = append(c.Policies.Identity, policyValue(Policy(s, 4)))
	}
	if choice.Chance(s, 5) && !strings.HasSuffix(p.arn, ":root") {
		// Permissions boundaries are set on IAM users and roles; the root user has none.
		c.Policies.Boundary = []jsontext.Value{policyValue(Policy(s, 2))}
	}
	if choice.Chance(s, 6) {
		for range choice.Between(s, 1, 3) {
			var level []jsontext.Value
			for range choice.Between(s, 1, 2) {
				level = append(level, policyValue(genSCP(s)))
			}
			c.Policies.SCP = append(c.Policies.SCP, level)
		}
	}
	if choice.Chance(s, 12) {
		genResourceOwnedCase(s, c, p)
		return c
	}
	switch kind {
	case resObject, resBucket, resFunction, resTable:
		if choice.Chance(s, 3) {
			c.Policies.Resource = []jsontext.Value{policyValue(genResourcePolicy(s, p))}
			if choice.Chance(s, 4) {
				// A resource policy alone can grant within one account.
				c.Policies.Identity = c.Policies.Identity[:0]
			}
		}
	}
	return c
}

// genResourceOwnedCase turns c into a request on a resource whose own policy
// matters in a special way (docs/semantics.md §3.3 rule 5, §3.4): assuming a role
// under its trust policy, using a KMS key under its key policy (both must allow
// the caller or its account), or reading an AWS managed policy, which belongs to
// no other account. The identity policies sometimes get an Allow for the action.
func genResourceOwnedCase(s choice.Source, c *model.Case, p principal) {
	acct := p.account
	if choice.Chance(s, 4) {
		acct = choice.Pick(s, genAccounts)
	}
	var allow string
	switch s.Intn(3) {
	case 0:
		c.Request.Action = choice.Pick(s, []string{"sts:AssumeRole", "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"})
		c.Request.Resource = fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, choice.Pick(s, genRoles))
		allow = choice.Pick(s, []string{c.Request.Action, "sts:*"})
		if choice.Chance(s, 5) {
			c.Policies.Resource = nil // no trust policy given: the note resource-policy-not-given
		} else {
			c.Policies.Resource = []jsontext.Value{policyValue(genKeyedPolicy(s, p, false))}
		}
	case 1:
		c.Request.Action = choice.Pick(s, []string{"kms:Decrypt", "kms:Encrypt", "kms:ScheduleKeyDeletion"})
		c.Request.Resource = fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab", acct)
		allow = choice.Pick(s, []string{c.Request.Action, "kms:*"})
		if choice.Chance(s, 5) {
			c.Policies.Resource = nil
		} else {
			c.Policies.Resource = []jsontext.Value{policyValue(genKeyedPolicy(s, p, true))}
		}
	default:
		c.Request.Action = "iam:GetPolicy"
		c.Request.Resource = "arn:aws:iam::aws:policy/" + choice.Pick(s, []string{"ReadOnlyAccess", "job-function/ViewOnlyAccess"})
		allow = "iam:GetPolicy"
		c.Policies.Resource = nil
	}
	c.Request.ResourceAccount = ""
	if choice.Bool(s) {
		res := choice.Pick(s, []string{"*", c.Request.Resource, "arn:aws:iam::aws:policy/*", "arn:aws:iam::*:role/*", "arn:aws:kms:*:*:key/*"})
		c.Policies.Identity = append(c.Policies.Identity, policyValue(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":%q}]}`, allow, res)))
	}
}

// genKeyedPolicy draws a role trust policy (no Resource: the role is the
// resource) or a KMS key policy (Resource "*"), whose statements name the
// caller, its role, its account, another principal or everyone.
func genKeyedPolicy(s choice.Source, p principal, key bool) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := range choice.Between(s, 1, 2) {
		if i > 0 {
			b.WriteByte(',')
		}
		effect := "Allow"
		if choice.Chance(s, 4) {
			effect = "Deny"
		}
		var who string
		switch s.Intn(6) {
		case 0:
			who = `"*"`
		case 1:
			who = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:root"}`, choice.Pick(s, []string{p.account, p.account, "444455556666"}))
		case 2:
			who = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:role/%s"}`, p.account, choice.Pick(s, genRoles))
		case 3:
			who = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:user/%s"}`, p.account, choice.Pick(s, genUsers))
		default:
			who = fmt.Sprintf(`{"AWS":%q}`, p.arn)
		}
		actions := []string{"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:*"}
		if key {
			actions = []string{"kms:Decrypt", "kms:Encrypt", "kms:*", "kms:ScheduleKeyDeletion"}
		}
		fmt.Fprintf(&b, `{"Effect":%q,"Principal":%s,"Action":%s`, effect, who, jsonList(s, func() string { return choice.Pick(s, actions) }))
		if key {
			b.WriteString(`,"Resource":"*"`)
		}
		if choice.Chance(s, 3) {
			genCondition(s, &b)
		}
		b.WriteString(`}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// Generate draws n cases from a seeded source: a reproducible run.
func Generate(seed uint64, n int) []*model.Case {
	s := choice.NewRandSource(seed)
	out := make([]*model.Case, n)
	for i := range out {
		out[i] = Case(s, fmt.Sprintf("gen-%d-%d", seed, i))
	}
	return out
}

// quoteValue wraps a string (such as a policy document's text) as a JSON string
// value, the eval format's "exact text" form.
func quoteValue(doc string) jsontext.Value {
	q, _ := jsontext.AppendQuote(nil, doc)
	return q
}

// policyValue puts a generated policy document into a case. A valid document
// goes in as the JSON object it is: its text is kept byte for byte either way,
// and an object needs no quoting here and no unquoting when the case is decided.
// Anything else is kept as a JSON string holding the text.
func policyValue(doc string) jsontext.Value {
	if v := jsontext.Value(doc); v.Kind() == '{' && v.IsValid() {
		return v
	}
	return quoteValue(doc)
}

// jsonStrings writes strings as a JSON list.
func jsonStrings(vs []string) jsontext.Value {
	b := []byte{'['}
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, v)
	}
	return append(b, ']')
}
