package properties

import (
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// CallerKind is the kind of principal that makes a request.
type CallerKind uint8

// Caller kinds. The zero value, an IAM user, is the simplest: shrinking moves
// towards it.
const (
	UserCaller        CallerKind = iota // arn:aws:iam::A:user/PATH/NAME
	RoleSessionCaller                   // arn:aws:sts::A:assumed-role/ROLE/SESSION
	FederatedCaller                     // arn:aws:sts::A:federated-user/NAME
	RootCaller                          // arn:aws:iam::A:root
)

// Caller is a principal as the generators build it: structured, so that a
// resource can be derived from it ("your own user") and minimization can simplify
// it piece by piece.
type Caller struct {
	Kind    CallerKind
	Account string
	// Path is an IAM user's path, or a role session's role's, without its
	// leading slash: "" or segments that each end in "/", like
	// "division_abc/subdivision_xyz/". A role session's ARN does not carry it:
	// its requests give the role's ARN as aws:PrincipalArn.
	Path string
	// Name is the user name, the federated user's name, or the role name of a
	// role session.
	Name string
	// Session is the session name of a role session.
	Session string
}

// ARN returns the caller's principal ARN, as the eval format takes it.
func (c Caller) ARN() string {
	switch c.Kind {
	case RoleSessionCaller:
		return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", c.Account, c.Name, c.Session)
	case FederatedCaller:
		return fmt.Sprintf("arn:aws:sts::%s:federated-user/%s", c.Account, c.Name)
	case RootCaller:
		return fmt.Sprintf("arn:aws:iam::%s:root", c.Account)
	}
	return fmt.Sprintf("arn:aws:iam::%s:user/%s%s", c.Account, c.Path, c.Name)
}

// String describes the caller for a person: "user alice", "user dev/alice of
// account 444455556666", "role session dev/s1".
func (c Caller) String() string {
	switch c.Kind {
	case RoleSessionCaller:
		return "role session " + c.Path + c.Name + "/" + c.Session
	case FederatedCaller:
		return "federated user " + c.Name
	case RootCaller:
		return "the root user of " + c.Account
	}
	return "user " + c.Path + c.Name
}

// SameUser reports whether the caller is the IAM user named name in account. IAM
// user names are unique within an account and case-insensitive, and the path is
// not part of the name, so user/alice and user/division/Alice are the same user
// in one account; alice in another account is someone else.
func (c Caller) SameUser(account, name string) bool {
	return c.Kind == UserCaller && c.Account == account && strings.EqualFold(c.Name, name)
}

// ParseCaller reads a principal ARN of one of the kinds the generators make,
// through model.ParsePrincipal. Other principals (an IAM role ARN used directly)
// are an error: the invariants do not judge them.
func ParseCaller(arn string) (Caller, error) {
	p, err := model.ParsePrincipal(arn)
	if err != nil {
		return Caller{}, err
	}
	c := Caller{Account: p.Account, Path: p.Path, Name: p.Name, Session: p.Session}
	switch p.Type {
	case model.PrincipalUser:
		c.Kind = UserCaller
	case model.PrincipalAssumedRole:
		c.Kind = RoleSessionCaller
	case model.PrincipalFederatedUser:
		c.Kind = FederatedCaller
	case model.PrincipalRoot:
		c.Kind = RootCaller
	default:
		return Caller{}, fmt.Errorf("%q: not an IAM user, role session, federated user or root", arn)
	}
	return c, nil
}
