package properties

import (
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// Building blocks for differential cases. They are small on purpose: collisions
// between a policy's patterns and a request's values are what exercise matching.
var (
	genAccounts  = []string{"111122223333", "444455556666"}
	genUsers     = []string{"alice", "alice2", "Alice", "al", "bob", "a.b+c=d,e@f_g-h"}
	genPaths     = []string{"", "dev/", "division_abc/subdivision_xyz/"}
	genRoles     = []string{"dev", "admin"}
	genActions   = []string{"iam:ChangePassword", "iam:GetUser", "iam:CreateAccessKey", "iam:EnableMFADevice", "iam:CreateVirtualMFADevice", "iam:ListVirtualMFADevices", "s3:GetObject", "s3:ListAllMyBuckets", "ec2:DescribeInstances", "sts:GetCallerIdentity"}
	genPatterns  = []string{"*", "iam:*", "iam:Get*", "iam:*MFA*", "iam:Get?ser", "s3:*", "IAM:changepassword", "ec2:Describe*"}
	genResources = []string{"*", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::*:user/${aws:username}*",
		"arn:aws:iam::*:mfa/*", "arn:aws:iam::*:mfa/${aws:username}", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws:iam::*:user/*/${aws:username}",
		"arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}"}
	genStringOps = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"}
	genNumOps    = []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"}
	genDateOps   = []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"}
	genArnOps    = []string{"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}
)

// condGen describes how to generate one condition: an operator family, a key and
// the policy and request values that collide with each other.
type condGen struct {
	ops    []string
	key    string
	values []string
}

var genConds = []condGen{
	{[]string{"Bool", "BoolIfExists"}, "aws:MultiFactorAuthPresent", []string{"true", "false"}},
	{genNumOps, "aws:MultiFactorAuthAge", []string{"0", "120", "3600", "86400"}},
	{genStringOps, "aws:username", []string{"alice", "Alice", "ali*", "bob", "${aws:username}"}},
	{genStringOps, "aws:PrincipalTag/team", []string{"blue", "red", "bl?e"}},
	{genDateOps, "aws:CurrentTime", []string{"2019-04-25T11:00:00Z", "2024-01-01", "2030-01-01T00:00:00Z"}},
	{[]string{"IpAddress", "NotIpAddress"}, "aws:SourceIp", []string{"203.0.113.0/24", "198.51.100.7", "2001:db8::/32"}},
	{genArnOps, "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:role/*"}},
	{[]string{"Null"}, "aws:MultiFactorAuthAge", []string{"true", "false"}},
}

var genRequestValues = map[string][]string{
	"aws:MultiFactorAuthPresent": {"true", "false"},
	"aws:MultiFactorAuthAge":     {"0", "120", "3600", "100000"},
	"aws:PrincipalTag/team":      {"blue", "red", "BLUE"},
	"aws:CurrentTime":            {"2019-04-25T11:00:00Z", "2025-06-01T00:00:00Z", "2031-01-01T00:00:00Z"},
	"aws:SourceIp":               {"203.0.113.9", "198.51.100.7", "2001:db8::1", "192.0.2.1"},
}

// GenPrincipal draws a principal ARN: an IAM user with or without a path, an
// assumed-role session, a federated user or root.
func GenPrincipal(s Source) string {
	acct := Pick(s, genAccounts)
	switch s.Intn(8) {
	case 5:
		return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/session", acct, Pick(s, genRoles))
	case 6:
		return fmt.Sprintf("arn:aws:sts::%s:federated-user/%s", acct, Pick(s, genUsers))
	case 7:
		return fmt.Sprintf("arn:aws:iam::%s:root", acct)
	}
	return fmt.Sprintf("arn:aws:iam::%s:user/%s%s", acct, Pick(s, genPaths), Pick(s, genUsers))
}

// GenPolicy draws an identity-like policy document as JSON text.
func GenPolicy(s Source, maxStatements int) string {
	var b strings.Builder
	b.WriteString(`{`)
	switch s.Intn(6) {
	case 0:
	case 1:
		b.WriteString(`"Version":"2008-10-17",`)
	default:
		b.WriteString(`"Version":"2012-10-17",`)
	}
	b.WriteString(`"Statement":[`)
	n := Between(s, 1, maxStatements)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		genStatement(s, &b)
	}
	b.WriteString(`]}`)
	return b.String()
}

func genStatement(s Source, b *strings.Builder) {
	effect := "Allow"
	if Chance(s, 3) {
		effect = "Deny"
	}
	fmt.Fprintf(b, `{"Effect":%q,`, effect)
	act := "Action"
	if Chance(s, 4) {
		act = "NotAction"
	}
	fmt.Fprintf(b, "%q:%s,", act, jsonList(s, func() string {
		if Bool(s) {
			return Pick(s, genActions)
		}
		return Pick(s, genPatterns)
	}))
	res := "Resource"
	if Chance(s, 5) {
		res = "NotResource"
	}
	fmt.Fprintf(b, "%q:%s", res, jsonList(s, func() string { return Pick(s, genResources) }))
	if Bool(s) {
		b.WriteString(`,"Condition":{`)
		nops := Between(s, 1, 2)
		seen := map[string]bool{}
		first := true
		for range nops {
			cg := Pick(s, genConds)
			op := Pick(s, cg.ops)
			switch {
			case cg.ops[0] == "Null":
			case Chance(s, 5):
				op = Pick(s, []string{"ForAllValues:", "ForAnyValue:"}) + op
			case Chance(s, 4):
				op += "IfExists"
			}
			if strings.HasSuffix(op, "IfExistsIfExists") || seen[op] {
				continue
			}
			seen[op] = true
			if !first {
				b.WriteByte(',')
			}
			first = false
			fmt.Fprintf(b, `%q:{%q:%s}`, op, cg.key, jsonList(s, func() string { return Pick(s, cg.values) }))
		}
		b.WriteString(`}`)
	}
	b.WriteString(`}`)
}

// jsonList writes one to three drawn strings as a bare string or a JSON list.
func jsonList(s Source, draw func() string) string {
	n := Between(s, 1, 3)
	if n == 1 && Bool(s) {
		q, _ := jsontext.AppendQuote(nil, draw())
		return string(q)
	}
	parts := make([]string, n)
	for i := range parts {
		q, _ := jsontext.AppendQuote(nil, draw())
		parts[i] = string(q)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// GenRequest draws a request for principal: an action, a resource that may belong
// to the principal, another user, another account or no resource, and a context.
func GenRequest(s Source, principal string) model.CaseRequest {
	acct := strings.Split(principal, ":")[4]
	user := principal[strings.LastIndexByte(principal, '/')+1:]
	req := model.CaseRequest{Principal: principal, Action: Pick(s, genActions)}
	switch s.Intn(6) {
	case 0:
		req.Resource = "*"
	case 1:
		req.Resource = fmt.Sprintf("arn:aws:iam::%s:user/%s%s", Pick(s, genAccounts), Pick(s, genPaths), Pick(s, genUsers))
	case 2:
		req.Resource = fmt.Sprintf("arn:aws:iam::%s:mfa/%s", acct, Pick(s, []string{user, user + "-phone", "bob"}))
	case 3:
		req.Resource = "arn:aws:s3:::bucket/" + Pick(s, []string{user + "/x", "k", "company-wide"})
		if Bool(s) {
			req.Resource = "arn:aws:s3:::bucket-" + Pick(s, []string{"company-wide", "blue"})
		}
	default:
		req.Resource = fmt.Sprintf("arn:aws:iam::%s:user/%s", acct, user)
	}
	for k, vs := range genRequestValues {
		if Chance(s, 3) {
			if req.Context == nil {
				req.Context = map[string]jsontext.Value{}
			}
			q, _ := jsontext.AppendQuote(nil, Pick(s, vs))
			req.Context[k] = q
		}
	}
	return req
}

// GenCase draws a whole differential case: one or two identity policies, sometimes a
// permissions boundary or SCP levels, and a request.
func GenCase(s Source, id string) *model.Case {
	c := &model.Case{ID: id}
	for range Between(s, 1, 2) {
		c.Policies.Identity = append(c.Policies.Identity, quoteValue(GenPolicy(s, 4)))
	}
	if Chance(s, 5) {
		c.Policies.Boundary = []jsontext.Value{quoteValue(GenPolicy(s, 2))}
	}
	if Chance(s, 6) {
		for range Between(s, 1, 2) {
			c.Policies.SCP = append(c.Policies.SCP, []jsontext.Value{quoteValue(GenPolicy(s, 2))})
		}
	}
	c.Request = GenRequest(s, GenPrincipal(s))
	return c
}

// GenerateCases draws n cases from a seeded source: a reproducible run.
func GenerateCases(seed uint64, n int) []*model.Case {
	s := NewRandSource(seed)
	out := make([]*model.Case, n)
	for i := range out {
		out[i] = GenCase(s, fmt.Sprintf("gen-%d-%d", seed, i))
	}
	return out
}

// quoteValue wraps a policy document's text as a JSON string value, the eval
// format's "exact text" form.
func quoteValue(doc string) jsontext.Value {
	q, _ := jsontext.AppendQuote(nil, doc)
	return q
}
