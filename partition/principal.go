package partition

import (
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// isUserName reports whether s is a valid IAM user name: 1 to 64 of
// [A-Za-z0-9_+=,.@-]. A function, not a regexp: compiling `{1,64}` at
// start-up was 0.3 % of `iamfuzz check corpus/policies` (docs/performance.md,
// "check and the proof engine, fifth pass"), and every command paid it.
func isUserName(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_+=,.@-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// names are the user names the policies and the caller make interesting: the
// last segment of every resource pattern without wildcards, variable defaults,
// string condition values that are valid names, and the caller's own.
//
// A condition value can only meet a caller's name through a condition on a
// principal key or through a policy variable (which may write the name into a
// resource or another condition): without any variable, the values of
// conditions on other keys are not names a caller needs, and each name left out
// spares a class of callers in every account and of every kind.
func (e *enumerator) names() []string {
	if e.nameList != nil {
		return e.nameList
	}
	vars := false
	for _, s := range e.stmts {
		for _, r := range s.resources {
			vars = vars || len(r.Vars) > 0
		}
		for _, c := range s.conds {
			for _, p := range c.pats {
				vars = vars || len(p.Vars) > 0
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if isUserName(n) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, n := range e.p.Names {
		add(n)
	}
	for _, s := range e.stmts {
		for _, r := range s.resources {
			if !strings.ContainsAny(r.Text, "*?$") {
				add(r.Text[strings.LastIndexByte(r.Text, '/')+1:])
			}
			for _, v := range r.Vars {
				if v.HasDef {
					add(v.Default)
				}
			}
		}
		for _, c := range s.conds {
			if c.fam != famString && c.fam != famARN {
				continue
			}
			if !vars && !principalKeys[c.key] {
				continue
			}
			for _, p := range c.pats {
				for _, v := range p.Vars {
					if v.HasDef {
						add(v.Default)
					}
				}
				if !strings.ContainsAny(p.Text, "*?$:/") {
					add(p.Text)
				}
			}
		}
	}
	sort.Strings(out)
	e.nameList = out
	return out
}

// accounts are the 12-digit accounts the policies and the caller name.
func (e *enumerator) accounts() []string {
	seen := map[string]bool{}
	var out []string
	add := func(a string) {
		if model.IsAccountID(a) && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, a := range e.p.Accounts {
		add(a)
	}
	for _, s := range e.stmts {
		for _, r := range s.resources {
			if parts := strings.SplitN(r.Text, ":", 6); len(parts) == 6 {
				add(parts[4])
			}
		}
		for _, c := range s.conds {
			for _, v := range c.ckey.Values {
				add(v.Text)
				if parts := strings.SplitN(v.Text, ":", 6); len(parts) == 6 {
					add(parts[4])
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// principals returns one caller per class of callers: for users, role sessions
// and federated users, the regions of every condition on a principal key
// (aws:username, aws:PrincipalArn, aws:PrincipalAccount), of the accounts and
// names that matter, and of having a path (with Problem.PathWritten, of the paths
// the resource patterns tell apart: pathsplit.go), over the language of that kind's ARNs
// (for role sessions, their roles' ARNs, paths included: rolepath.go).
func (e *enumerator) principals() []Principal {
	type pcond struct {
		key  string
		glob GlobKind
		pat  *Pattern
	}
	var pconds []pcond
	for _, s := range e.stmts {
		for _, c := range s.conds {
			if !principalKeys[c.key] || c.key == "aws:principaltype" {
				continue
			}
			if c.fam != famString && c.fam != famARN && c.fam != famNull {
				e.cov.unknown("principal: %s is tested with %s, which the partition does not divide", c.ckey.Key, c.opText)
				continue
			}
			if c.key == "aws:userid" && c.fam != famNull {
				e.cov.unknown("principal: aws:userid conditions are not divided for role sessions and federated users")
			}
			for j := range c.pats {
				if len(c.pats[j].Vars) > 0 {
					e.cov.unknown("principal: a policy variable in a %s condition value", c.ckey.Key)
					continue
				}
				pconds = append(pconds, pcond{c.key, c.glob, &c.pats[j]})
			}
		}
	}
	names := e.names()
	accounts := e.accounts()
	splits := e.nameSplits()
	digits12 := Between(Byte(Digits), 12, 12)
	nameL := Plus(Byte(NameChars))
	path := Star(Seq(Plus(Byte(PathChars)), Lit("/")))

	var out []Principal
	kinds := []struct {
		kind   PrincipalKind
		prefix string // up to the account
		mid    string // after the account
		domain *Lang
	}{
		{UserPrincipal, "arn:aws:iam::", ":user/", Seq(Lit("arn:aws:iam::"), digits12, Lit(":user/"), path, nameL)},
		// A role session is drawn as its role's ARN, path included: that is its
		// aws:PrincipalArn (rolepath.go).
		{RoleSessionPrincipal, "arn:aws:iam::", ":role/", Seq(Lit("arn:aws:iam::"), digits12, Lit(":role/"), path, nameL)},
		{FederatedPrincipal, "arn:aws:sts::", ":federated-user/", Seq(Lit("arn:aws:sts::"), digits12, Lit(":federated-user/"), Between(Byte(NameChars), 2, 32))},
	}
	for _, k := range kinds {
		prefix, mid := k.prefix, k.mid
		var keys []string
		var autos []*auto
		addPred := func(key string, l func() *Lang) {
			keys = append(keys, key)
			autos = append(autos, e.auto(key, l))
		}
		addPred("pdom:"+mid, func() *Lang { return k.domain })
		tail := Seq(path, Any(AnyByte))
		for _, a := range accounts {
			// The key names the kind (mid): users and roles share the prefix,
			// and a key without it gave roles the users' automaton, which no
			// role ARN matches, so role sessions were not divided by account.
			addPred("pacct:"+prefix+a+mid, func() *Lang { return Seq(Lit(prefix+a+mid), Any(AnyByte)) })
		}
		// Accounts the policies' patterns treat differently (namesplit.go).
		for _, sp := range splits {
			if l := sp.lang; sp.marker == accountMarker {
				addPred("pa:"+prefix+mid+sp.key, func() *Lang { return Seq(Lit(prefix), l, Lit(mid), Any(AnyByte)) })
			}
		}
		for _, n := range names {
			addPred("pname:"+mid+n, func() *Lang { return Seq(Lit(prefix), digits12, Lit(mid), path, Lit(n)) })
			addPred("pnamef:"+mid+n, func() *Lang { return Seq(Lit(prefix), digits12, Lit(mid), path, LitFold(n)) })
		}
		if k.kind == UserPrincipal {
			// Users whose names the policy's patterns treat differently
			// (namesplit.go).
			for _, sp := range splits {
				if l := sp.lang; sp.marker == nameMarker {
					addPred("pn:"+sp.key, func() *Lang { return Seq(Lit(prefix), digits12, Lit(mid), path, l) })
				}
			}
			if e.p.PathWritten {
				e.pathPreds(addPred)
			}
			addPred("ppath", func() *Lang {
				return Seq(Lit(prefix), digits12, Lit(mid), Plus(Byte(PathChars)), Lit("/"), Any(AnyByte))
			})
		}
		for _, c := range pconds {
			codes, _ := c.pat.Subst(func(string) (string, bool) { return "", false })
			glob := c.glob
			key := "pc:" + mid + c.key + ":" + string(rune('0'+glob)) + codesKey(codes, true)
			switch c.key {
			case "aws:principalarn":
				// A role session's aws:PrincipalArn is its role's ARN, which is
				// what the role kind's language spells.
				addPred(key, func() *Lang { return GlobLang(codes, glob) })
			case "aws:principalaccount":
				addPred(key, func() *Lang {
					return Seq(Lit(prefix), Restrict(GlobLang(codes, glob), Digits), Lit(mid), tail)
				})
			case "aws:username":
				if k.kind == UserPrincipal {
					addPred(key, func() *Lang {
						return Seq(Lit(prefix), digits12, Lit(mid), path, Restrict(GlobLang(codes, glob), NotSlash))
					})
				}
			}
		}
		w := e.walk(keys, autos, 0)
		switch {
		case e.exhausted:
			e.cov.unknown("principal: the walks of this enumeration spent their total budget of %d states over %s callers", e.p.TotalBudget, strings.Trim(mid, ":/"))
		case !w.complete:
			e.cov.unknown("principal: the walk over %s callers stopped at its budget of %d states", strings.Trim(mid, ":/"), e.p.Budget)
		}
		for _, r := range w.regions {
			out = append(out, principalFrom(k.kind, r.Witness))
		}
	}
	return out
}

// principalFrom reads a witness ARN of a kind's language.
func principalFrom(kind PrincipalKind, arn string) Principal {
	parts := strings.SplitN(arn, ":", 6)
	p := Principal{Kind: kind, Account: parts[4]}
	res := parts[5]
	switch kind {
	case UserPrincipal:
		full := strings.TrimPrefix(res, "user/")
		i := strings.LastIndexByte(full, '/')
		p.Path, p.Name = full[:i+1], full[i+1:]
	case RoleSessionPrincipal:
		full := strings.TrimPrefix(res, "role/")
		i := strings.LastIndexByte(full, '/')
		p.Path, p.Name, p.Session = full[:i+1], full[i+1:], "session"
	case FederatedPrincipal:
		p.Name = strings.TrimPrefix(res, "federated-user/")
	}
	return p
}
