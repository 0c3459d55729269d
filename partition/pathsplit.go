package partition

// Path splits: which user paths the resource patterns tell apart.
//
// A spec rule may judge the caller's own user ARN with its path
// (arn:aws:iam::{account}:user/{path}{username}, properties' liveness of users
// with a path). Having a path or not is one division of callers (principals),
// but a Deny on arn:aws:iam::*:user/ops/* locks out exactly the users whose
// path is /ops/..., which no other division draws. With Problem.PathWritten
// each resource pattern without variables (the policies' and the spec's
// StaticResources) becomes a predicate on the caller's own ARN, so the walk
// over users meets every region of account, path and name those patterns
// make: exact for them, as the judged resource is then the caller's ARN, one
// string of the walk's language. A rule that writes the path into another
// resource (mfa/{path}{username}, a bucket) is listed in PathElsewhere and
// reported as not divided.
//
// A pattern with variables is, for the caller, a different string per caller,
// so membership of the caller's own ARN in it is not a fixed language. When
// even with each variable read as any value (a superset) it cannot match a user
// ARN with a path (arn:aws:iam::*:user/${aws:username}, AWS's example), it
// treats every pathed user alike (it matches none of them); otherwise the
// coverage says that callers are not divided by path against it (unknown).

// pathPreds adds the path predicates of the resource patterns to a walk over
// users (principals).
func (e *enumerator) pathPreds(addPred func(string, func() *Lang)) {
	if plantedPathBug {
		return
	}
	for _, r := range e.p.PathElsewhere {
		e.cov.unknown("principal: %q writes the caller's path into a resource other than the caller's own user ARN; users are not divided by path against it", r)
	}
	pathed := Seq(Lit("arn:aws:iam::"), Between(Byte(Digits), 12, 12), Lit(":user/"),
		Plus(Seq(Plus(Byte(PathChars)), Lit("/"))), Plus(Byte(NameChars)))
	pathedAuto := func() *auto { return e.auto("pathed-user", func() *Lang { return pathed }) }
	for i := range e.stmts {
		s := &e.stmts[i]
		for j := range s.resources {
			p := &s.resources[j]
			if p.All {
				continue
			}
			if len(p.Vars) == 0 {
				codes, _ := p.Subst(nil)
				addPred(resKey(codes), func() *Lang { return GlobLang(codes, GlobResource) })
				continue
			}
			l := varsAsAny(p)
			k := "ppv:" + p.Text
			if e.meet("pathed-user", pathedAuto, k, "", func() *auto { return e.auto(k, func() *Lang { return l }) }) {
				e.cov.unknown("principal: resource pattern %q writes a variable and can match a user with a path; users are not divided by path against it", p.Text)
			}
		}
	}
	for _, rp := range e.p.StaticResources {
		l := rp.Lang
		addPred("x:"+rp.Key, func() *Lang { return l })
	}
}

// varsAsAny is p's language with each variable read as any value: a user name
// or an account (never a '/'), anything for the other variables.
func varsAsAny(p *Pattern) *Lang {
	parts := make([]*Lang, 0, len(p.codes))
	for _, c := range p.codes {
		if c < varBase {
			parts = append(parts, GlobLang([]Code{c}, GlobResource))
			continue
		}
		switch p.Vars[c-varBase].Key {
		case keyUsername:
			parts = append(parts, Any(NameChars))
		case keyPrincipalAccount:
			parts = append(parts, Any(Digits))
		default:
			parts = append(parts, Any(AnyByte))
		}
	}
	return Seq(parts...)
}
