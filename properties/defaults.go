package properties

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/model"
)

// The built-in default specs, by DefaultKind.
const (
	// DefaultSelfManage is default-spec.yaml: a policy that lets users manage
	// their own credentials, modelled on AWS's example.
	DefaultSelfManage = "self-manage"
	// DefaultGeneral is general-spec.yaml: no privilege escalation, no full access.
	DefaultGeneral = "general"
)

//go:embed general-spec.yaml
var generalSpecYAML []byte

var (
	generalOnce sync.Once
	generalSpec *Spec
)

// GeneralSpec returns the built-in spec for a policy that does not manage users'
// own credentials: no-escalation and no-full-access. The returned value is
// shared: do not modify it.
func GeneralSpec() *Spec {
	generalOnce.Do(func() {
		s, err := ParseSpec(generalSpecYAML, "general-spec.yaml")
		if err != nil {
			panic("properties: the embedded general spec is invalid: " + err.Error())
		}
		s.File, s.Default, s.DefaultKind = "", true, DefaultGeneral
		generalSpec = s
	})
	return generalSpec
}

// GeneralSpecYAML returns the text of the built-in general spec.
func GeneralSpecYAML() []byte { return append([]byte(nil), generalSpecYAML...) }

// selfManageActions are the actions that change a user's own credentials (the
// default spec's credential actions without the read-only ones): a policy that
// grants one of them on the caller's own user or MFA device manages users' own
// credentials.
var selfManageActions = []string{
	"iam:ChangePassword", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UpdateAccessKey",
	"iam:DeleteSigningCertificate", "iam:UpdateSigningCertificate", "iam:UploadSigningCertificate",
	"iam:DeleteSSHPublicKey", "iam:UpdateSSHPublicKey", "iam:UploadSSHPublicKey",
	"iam:CreateServiceSpecificCredential", "iam:DeleteServiceSpecificCredential",
	"iam:ResetServiceSpecificCredential", "iam:UpdateServiceSpecificCredential",
	"iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice", "iam:DeactivateMFADevice",
	"iam:EnableMFADevice", "iam:ResyncMFADevice", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
}

// ChooseDefault picks the built-in spec for a policy without one, and says why.
// A policy manages users' own credentials when an Allow statement grants an
// action that changes credentials (iam:ChangePassword, iam:CreateAccessKey,
// iam:EnableMFADevice …, by name or pattern) on an IAM user or MFA device ARN
// that contains ${aws:username}, the shape of AWS's self-manage examples; it gets
// the self-manage default, cut to what the policy evidently intends
// (tailorSelfManage). Any other policy gets the general default.
func ChooseDefault(pol *model.Policy) (*Spec, string) {
	for i := range pol.Statements {
		st := &pol.Statements[i]
		if st.Effect != "Allow" || st.Action == nil || st.Resource == nil {
			continue
		}
		action := ""
		for _, a := range st.Action.Values {
			for _, cred := range selfManageActions {
				if globFold(a, cred) {
					action = cred
					break
				}
			}
			if action != "" {
				break
			}
		}
		if action == "" {
			continue
		}
		for _, r := range st.Resource.Values {
			if selfResource(r) {
				spec, scope := tailorSelfManage(pol)
				return spec, fmt.Sprintf("statement %s allows %s on %s: the policy manages users' own credentials; %s",
					stmtName(pol, i), action, r, scope)
			}
		}
	}
	if mfaGuard(pol) {
		return guardSpec(), "the policy only denies, on an MFA condition: an MFA guard attached beside the user's other policies; it is checked as if those allowed everything (statement " +
			assumedAllowSid + ", Allow * on *), against the self-manage default's mfa-gate and MFA enrolment"
	}
	why := "no statement allows a credential action on a user's own IAM user or MFA device (a resource with ${aws:username}): the policy is not a self-manage-credentials policy"
	if !slices.ContainsFunc(pol.Statements, func(st model.Statement) bool { return st.Effect == "Allow" }) {
		// A proof that a policy granting nothing grants no escalation is true and
		// says nothing about what an SCP or a boundary is meant to prevent.
		why += "; it has no Allow statement, so it allows nothing on its own and these invariants hold trivially: " + denyOnlyAdvice
	}
	return GeneralSpec(), why
}

// denyOnlyAdvice says how to check what a policy of Deny statements prevents.
const denyOnlyAdvice = "to check what a Deny-only policy (an SCP, a boundary) prevents, give it with --scp or --boundary beside the identity policies it governs"

// selfResource reports whether a policy resource is a user's own IAM user or MFA
// device: arn:…:iam::…:user/…${aws:username}… or mfa/….
func selfResource(r string) bool {
	parts := model.SplitARN(r)
	if len(parts) != 6 || !strings.EqualFold(parts[2], "iam") {
		return false
	}
	res := parts[5]
	return (strings.HasPrefix(res, "user/") || strings.HasPrefix(res, "mfa/")) &&
		strings.Contains(strings.ToLower(res), "${aws:username}")
}
