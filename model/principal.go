package model

import (
	"strings"
	"unicode/utf8"
)

// Principal is a caller parsed once from its ARN, like cedar-go's types.EntityUID:
// one type for IAM users, roles, role sessions, federated users and the root user.
// Requests, the generators and the peer's emulations all read callers through it.
type Principal struct {
	Type      PrincipalType
	Partition string // aws, aws-cn, …
	Account   string
	// Path is a user's or role's path without its leading slash: "" or segments
	// that each end in "/", like "division_abc/subdivision_xyz/".
	Path string
	// Name is the user, role or federated user name; for a role session, the
	// role's name. The root user has none.
	Name string
	// Session is a role session's session name.
	Session string
}

// ParsePrincipal reads a principal ARN: arn:P:iam::A:user/PATH/NAME,
// arn:P:iam::A:role/PATH/NAME, arn:P:sts::A:assumed-role/ROLE/SESSION,
// arn:P:sts::A:federated-user/NAME or arn:P:iam::A:root. Anything else is an error
// of kind ErrInvalidRequest at request.principal.
func ParsePrincipal(arn string) (Principal, error) {
	bad := func(why string) (Principal, error) {
		return Principal{}, requestError("request.principal", "%q: %s (want an IAM user, role, assumed-role session, federated user or root ARN)", arn, why)
	}
	parts, n := arnFields(arn)
	if n != 6 || parts[0] != "arn" || parts[1] == "" {
		return bad("not an ARN")
	}
	if !utf8.ValidString(arn) {
		return bad("invalid UTF-8")
	}
	p := Principal{Partition: parts[1], Account: parts[4]}
	if p.Account == "" || parts[3] != "" {
		return bad("an IAM principal has an account and no region")
	}
	res := parts[5]
	switch parts[2] {
	case "iam":
		var full string
		switch {
		case res == "root":
			p.Type = PrincipalRoot
			return p, nil
		case strings.HasPrefix(res, "user/"):
			p.Type, full = PrincipalUser, res[len("user/"):]
		case strings.HasPrefix(res, "role/"):
			p.Type, full = PrincipalRole, res[len("role/"):]
		default:
			return bad("unknown IAM principal type")
		}
		i := strings.LastIndexByte(full, '/')
		p.Path, p.Name = full[:i+1], full[i+1:]
		if p.Name == "" || strings.Contains(res, "//") {
			return bad("empty name or path element")
		}
	case "sts":
		switch {
		case strings.HasPrefix(res, "assumed-role/"):
			role, session, _ := strings.Cut(res[len("assumed-role/"):], "/")
			if role == "" || session == "" || strings.Contains(session, "/") {
				return bad("an assumed-role ARN is assumed-role/ROLE/SESSION")
			}
			p.Type, p.Name, p.Session = PrincipalAssumedRole, role, session
		case strings.HasPrefix(res, "federated-user/"):
			p.Type, p.Name = PrincipalFederatedUser, res[len("federated-user/"):]
			if p.Name == "" || strings.Contains(p.Name, "/") {
				return bad("a federated-user ARN is federated-user/NAME")
			}
		default:
			return bad("unknown STS principal type")
		}
	default:
		return bad("service must be iam or sts")
	}
	return p, nil
}

// ARN is the principal's ARN, as requests carry it.
func (p Principal) ARN() string {
	pre := "arn:" + p.Partition + ":iam::" + p.Account + ":"
	switch p.Type {
	case PrincipalRoot:
		return pre + "root"
	case PrincipalUser:
		return pre + "user/" + p.Path + p.Name
	case PrincipalRole:
		return pre + "role/" + p.Path + p.Name
	case PrincipalAssumedRole:
		return "arn:" + p.Partition + ":sts::" + p.Account + ":assumed-role/" + p.Name + "/" + p.Session
	case PrincipalFederatedUser:
		return "arn:" + p.Partition + ":sts::" + p.Account + ":federated-user/" + p.Name
	}
	return ""
}

// RoleARN is the role behind a role session, or the role itself; "" for other
// principals. A session ARN does not carry the role's path, so none is shown.
func (p Principal) RoleARN() string {
	if p.Type == PrincipalAssumedRole || p.Type == PrincipalRole {
		return "arn:" + p.Partition + ":iam::" + p.Account + ":role/" + p.Path + p.Name
	}
	return ""
}

// RootARN is the ARN of the root user of the principal's account.
func (p Principal) RootARN() string {
	return "arn:" + p.Partition + ":iam::" + p.Account + ":root"
}

// IsAccountID reports whether s is an AWS account id: exactly 12 digits. An
// AWS principal given as one names the account's root, and an ARN's account
// field holds one (or nothing, or "aws" for what AWS owns).
func IsAccountID(s string) bool { return len(s) == 12 && allDigits(s) }
