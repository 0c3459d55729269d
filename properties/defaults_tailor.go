package properties

import (
	"slices"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// The built-in self-manage default (default-spec.yaml) describes AWS's full
// example. Real self-manage policies do less: AWS's MFA-device-only and
// password-only examples, the API-only MFA example, versions of the full example
// from before an action existed (iam:GetAccessKeyLastUsed, iam:GetMFADevice).
// Demanding the full example's liveness of them is a finding on a correct
// policy. So ChooseDefault tailors the default to what a policy evidently
// intends, by the rules below; default-spec.yaml's comments and the README's
// check section say the same in prose.

// credentialFamilies are the groups of credential actions a user needs together:
// a policy that names one action of a family in an Allow statement means to let
// users manage that credential, and must then allow every action of the family
// with MFA (dropping iam:DeleteAccessKey from AWS's example is a liveness
// failure). The families are the statements of AWS's example (docs/semantics.md
// §0, SELF). iam:GetUser, which the Security credentials page reads, is a family
// of its own: AWS's MFA-device-only example grants it without the password, and
// its API-only MFA example (MFASELFAPI) not at all. Actions AWS added to the
// example later (iam:GetAccessKeyLastUsed, iam:GetMFADevice) are families of
// their own too, required only of a policy that names them.
var credentialFamilies = [][]string{
	{"iam:ChangePassword"},
	{"iam:GetUser"},
	{"iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"},
	{"iam:GetAccessKeyLastUsed"},
	{"iam:DeleteSigningCertificate", "iam:ListSigningCertificates", "iam:UpdateSigningCertificate", "iam:UploadSigningCertificate"},
	{"iam:DeleteSSHPublicKey", "iam:GetSSHPublicKey", "iam:ListSSHPublicKeys", "iam:UpdateSSHPublicKey", "iam:UploadSSHPublicKey"},
	{"iam:CreateServiceSpecificCredential", "iam:DeleteServiceSpecificCredential", "iam:ListServiceSpecificCredentials",
		"iam:ResetServiceSpecificCredential", "iam:UpdateServiceSpecificCredential"},
	{"iam:CreateVirtualMFADevice", "iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"},
}

// familyNames name credentialFamilies, in order, for the report's "why".
var familyNames = []string{"password", "own user", "access keys", "access key last use", "signing certificates",
	"SSH keys", "service-specific credentials", "MFA device"}

// mfaFamily is the MFA-device family of credentialFamilies: a policy that lets
// users manage an MFA device is an MFA policy even without an MFA condition.
var mfaFamily = credentialFamilies[len(credentialFamilies)-1]

// mfaCore is what every MFA self-manage policy must leave usable without MFA,
// whatever else it grants: creating a virtual device and enabling it (the steps
// of enrolment, docs/semantics.md §8.3). sts:GetSessionToken and
// iam:ListVirtualMFADevices stay in the account-level rule as well: its
// expectation is only not-explicit-deny, which every version of AWS's examples
// meets, and a deny of sts:GetSessionToken is a note (not enforced by AWS).
var mfaCore = []string{"iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListVirtualMFADevices", "sts:GetSessionToken"}

// tailorSelfManage returns the default self-manage spec cut to what pol
// evidently intends, and a sentence saying so:
//
//   - a policy that neither tests an MFA key nor names an MFA-device action in an
//     Allow statement is not an MFA policy (AWS's password-only example, its
//     "update own credentials" example): it keeps owner-only and the with-MFA
//     liveness, and has no mfa-gate and no MFA set-up rules;
//   - a with-MFA liveness rule keeps the credential families the policy's Allow
//     statements name (credentialFamilies), plus the MFA core for an MFA policy;
//   - a without-MFA liveness rule keeps the MFA core and the actions the Allow
//     statements name one by one: a policy that grants iam:GetUser must not deny
//     it during set-up (seed 003), one that never grants it (AWS's API-only MFA
//     example) need not exempt it.
//
// Rules left without actions are dropped.
func tailorSelfManage(pol *model.Policy) (*Spec, string) {
	base := DefaultSpec()
	mfa := testsMFAKey(pol) || slices.ContainsFunc(mfaFamily, func(a string) bool { return allowNames(pol, a) })
	var fams []string
	with := map[string]bool{}
	for i, f := range credentialFamilies {
		if slices.ContainsFunc(f, func(a string) bool { return allowNames(pol, a) }) {
			fams = append(fams, familyNames[i])
			for _, a := range f {
				with[a] = true
			}
		}
	}
	s := *base
	s.Liveness = nil
	for _, r := range base.Liveness {
		if r.MFA != MFAWith && !mfa {
			continue
		}
		var keep []string
		for _, a := range r.Actions {
			core := mfa && slices.Contains(mfaCore, a)
			if core || (r.MFA == MFAWith && with[a]) || (r.MFA != MFAWith && allowNames(pol, a)) {
				keep = append(keep, a)
			}
		}
		if len(keep) == 0 {
			continue
		}
		c := *r
		c.Actions = keep
		if c.MFA == MFAWith {
			c.MaxMFAAge = FreshMFAAge
		}
		s.Liveness = append(s.Liveness, &c)
	}
	why := "liveness is required for what its Allow statements name (" + strings.Join(fams, ", ") + ")"
	if mfa {
		why += " and for MFA enrolment"
	} else {
		s.MFAGate = nil
		why += "; it neither tests an MFA key nor manages MFA devices, so it is not held to an MFA gate"
	}
	return &s, why
}

// allowNames reports whether an Allow statement of pol grants action by name or
// pattern (Action), or does not exclude it (NotAction).
func allowNames(pol *model.Policy, action string) bool {
	for i := range pol.Statements {
		st := &pol.Statements[i]
		if st.Effect != "Allow" {
			continue
		}
		switch {
		case st.Action != nil && matchesAny(st.Action.Values, action):
			return true
		case st.NotAction != nil && !matchesAny(st.NotAction.Values, action):
			return true
		}
	}
	return false
}

// testsMFAKey reports whether a condition of pol tests aws:MultiFactorAuthPresent
// or aws:MultiFactorAuthAge.
func testsMFAKey(pol *model.Policy) bool {
	for i := range pol.Statements {
		for _, op := range pol.Statements[i].Condition {
			for _, k := range op.Keys {
				if strings.EqualFold(k.Key, keyMFAPresent) || strings.EqualFold(k.Key, keyMFAAge) {
					return true
				}
			}
		}
	}
	return false
}

// homeAccount returns the account a policy is written for: the one literal
// account that every Allow resource on a user's own IAM user or MFA device
// (selfResource) names, as in arn:aws:iam::111122223333:user/${aws:username};
// "" when there is none, or a resource leaves the account open ("*").
func homeAccount(pol *model.Policy) string {
	home := ""
	for i := range pol.Statements {
		st := &pol.Statements[i]
		if st.Effect != "Allow" || st.Resource == nil {
			continue
		}
		for _, r := range st.Resource.Values {
			if !selfResource(r) {
				continue
			}
			a := model.SplitARN(r)[4]
			if !accountRe.MatchString(a) || (home != "" && a != home) {
				return ""
			}
			home = a
		}
	}
	return home
}

// DefaultMFAGuard is the built-in default for a Deny-only MFA policy (AWS's
// "DenyAllExceptListedIfNoMFA" statement on its own, as attached beside a
// user's other policies): it grants nothing, so it is checked as if the user's
// other policies allowed everything (assumedAllow), against the self-manage
// default's mfa-gate and its MFA set-up liveness.
const DefaultMFAGuard = "mfa-guard"

// assumedAllowSid names the statement a guard is checked beside.
const assumedAllowSid = "AssumedAllowOfOtherPolicies"

// mfaGuard reports whether pol is a Deny-only MFA policy: no Allow statement,
// and a Deny statement whose condition tests aws:MultiFactorAuthPresent or
// aws:MultiFactorAuthAge.
func mfaGuard(pol *model.Policy) bool {
	deny := false
	for i := range pol.Statements {
		st := &pol.Statements[i]
		if st.Effect == "Allow" {
			return false
		}
		one := model.Policy{Statements: pol.Statements[i : i+1]}
		deny = deny || testsMFAKey(&one)
	}
	return deny
}

// guardSpec is the default for a Deny-only MFA policy: the self-manage
// default's mfa-gate; its with-MFA liveness whole (beside an allow-all, the
// guard must not deny an MFA session); its without-MFA liveness cut to MFA
// enrolment (mfaCore); no owner-only (the assumed allow reaches every user: the
// guard does not decide ownership).
func guardSpec() *Spec {
	base := DefaultSpec()
	s := *base
	s.DefaultKind, s.OwnerOnly, s.Liveness = DefaultMFAGuard, nil, nil
	for _, r := range base.Liveness {
		c := *r
		if r.MFA == MFAWith {
			c.MaxMFAAge = FreshMFAAge
		} else {
			c.Actions = slices.DeleteFunc(slices.Clone(r.Actions), func(a string) bool { return !slices.Contains(mfaCore, a) })
		}
		if len(c.Actions) > 0 {
			s.Liveness = append(s.Liveness, &c)
		}
	}
	return &s
}

// withAssumedAllow returns a copy of pol with one more statement, Allow * on *,
// standing for the user's other policies.
func withAssumedAllow(pol *model.Policy) *model.Policy {
	c := *pol
	c.Statements = append(slices.Clone(pol.Statements), model.Statement{
		Sid: assumedAllowSid, HasSid: true, Effect: "Allow", HasEffect: true,
		Action: &model.StringList{Values: []string{"*"}, Single: true}, Resource: &model.StringList{Values: []string{"*"}, Single: true},
	})
	return &c
}

// assumedAllowDoc is withAssumedAllow's statement as a policy document, for
// replay lines.
var assumedAllowDoc = map[string]any{"Version": "2012-10-17", "Statement": []any{
	map[string]any{"Sid": assumedAllowSid, "Effect": "Allow", "Action": "*", "Resource": "*"}}}

// homePartition returns the partition a self-manage policy is written for
// when it is not aws: the one partition every Allow resource on a user's own
// IAM user or MFA device names (arn:aws-cn:iam::*:user/${aws:username} in
// AWS's China edition of its examples); "" for aws, "*" or a mix.
func homePartition(pol *model.Policy) string {
	home := ""
	for i := range pol.Statements {
		st := &pol.Statements[i]
		if st.Effect != "Allow" || st.Resource == nil {
			continue
		}
		for _, r := range st.Resource.Values {
			if !selfResource(r) {
				continue
			}
			p := strings.SplitN(r, ":", 3)[1]
			if p == "aws" || strings.ContainsAny(p, "*?$") || (home != "" && p != home) {
				return ""
			}
			home = p
		}
	}
	return home
}

// inAWSPartition returns a copy of pol whose ARNs of partition part (in
// Resource, NotResource and condition values) name the aws partition instead.
// The proof engine draws callers and the defaults' owned resources in aws only
// (partition/principal.go); IAM's rules are the same in every partition
// (docs/semantics.md §8.1), and a policy of one partition only ever meets ARNs
// of that partition, so checking the copy decides the policy.
func inAWSPartition(pol *model.Policy, part string) *model.Policy {
	from := "arn:" + part + ":"
	swap := func(s string) string {
		if len(s) >= len(from) && strings.EqualFold(s[:len(from)], from) {
			return "arn:aws:" + s[len(from):]
		}
		return s
	}
	c := pol.Clone()
	for i := range c.Statements {
		st := &c.Statements[i]
		for _, l := range []*model.StringList{st.Resource, st.NotResource} {
			if l != nil {
				for j, v := range l.Values {
					l.Values[j] = swap(v)
				}
			}
		}
		for _, op := range st.Condition {
			for _, k := range op.Keys {
				for j := range k.Values {
					k.Values[j].Text = swap(k.Values[j].Text)
				}
			}
		}
	}
	return c
}
