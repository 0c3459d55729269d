package properties

import (
	"fmt"
	"strings"
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
	// Path is an IAM user's path without its leading slash: "" or segments that
	// each end in "/", like "division_abc/subdivision_xyz/".
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
		return "role session " + c.Name + "/" + c.Session
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

// ParseCaller reads a principal ARN of one of the kinds the generators make. Other
// principals (an IAM role ARN used directly) are an error: the invariants do not
// judge them.
func ParseCaller(arn string) (Caller, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[4] == "" {
		return Caller{}, fmt.Errorf("%q is not a principal ARN", arn)
	}
	c := Caller{Account: parts[4]}
	res := parts[5]
	switch {
	case parts[2] == "iam" && res == "root":
		c.Kind = RootCaller
	case parts[2] == "iam" && strings.HasPrefix(res, "user/"):
		full := res[len("user/"):]
		i := strings.LastIndexByte(full, '/')
		c.Kind, c.Path, c.Name = UserCaller, full[:i+1], full[i+1:]
		if c.Name == "" || strings.HasPrefix(c.Path, "/") || strings.Contains(c.Path, "//") {
			return Caller{}, fmt.Errorf("%q: malformed user ARN", arn)
		}
	case parts[2] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		f := strings.Split(res, "/")
		if len(f) != 3 || f[1] == "" || f[2] == "" {
			return Caller{}, fmt.Errorf("%q: an assumed-role ARN is assumed-role/ROLE/SESSION", arn)
		}
		c.Kind, c.Name, c.Session = RoleSessionCaller, f[1], f[2]
	case parts[2] == "sts" && strings.HasPrefix(res, "federated-user/"):
		c.Kind, c.Name = FederatedCaller, res[len("federated-user/"):]
		if c.Name == "" || strings.Contains(c.Name, "/") {
			return Caller{}, fmt.Errorf("%q: a federated-user ARN is federated-user/NAME", arn)
		}
	default:
		return Caller{}, fmt.Errorf("%q: not an IAM user, role session, federated user or root", arn)
	}
	return c, nil
}
