package partition

import "strings"

// Resource classes: the request resources one group of actions is partitioned into.

type resClass struct {
	action, resource string
	sig              string
}

// resourcePred is a predicate of a resource walk.
type resourcePred struct {
	key     string
	service string
	lang    func() *Lang
}

// resourcePreds are the predicates on resources for a principal and group: the
// resource's account is the caller's, each applicable statement's resource
// patterns, and the caller's extra predicates.
func (e *enumerator) resourcePreds(pr Principal, g *Group, look func(string) (string, bool)) []resourcePred {
	acct := pr.Account
	preds := []resourcePred{{key: "acct:" + acct, lang: func() *Lang {
		seg := Any(NotColon)
		return Seq(Lit("arn:"), seg, Lit(":"), seg, Lit(":"), seg, Lit(":"), Alt(Lit(acct), Seq()), Lit(":"), Any(AnyByte))
	}}}
	seen := map[string]bool{}
	for _, i := range g.applicable {
		s := &e.stmts[i]
		for j := range s.resources {
			pt := &s.resources[j]
			if pt.All {
				continue
			}
			codes, ok := pt.Subst(look)
			key := "res:" + codesKey(codes, ok)
			if seen[key] {
				continue
			}
			seen[key] = true
			c := codes
			if !ok {
				preds = append(preds, resourcePred{key: key, service: "\x00none", lang: Nothing})
				continue
			}
			preds = append(preds, resourcePred{key: key, service: pt.literalService(), lang: func() *Lang { return GlobLang(c, GlobResource) }})
		}
	}
	if e.p.Resources != nil {
		for _, rp := range e.p.Resources(pr) {
			if seen["x:"+rp.Key] {
				continue
			}
			seen["x:"+rp.Key] = true
			l := rp.Lang
			preds = append(preds, resourcePred{key: "x:" + rp.Key, service: rp.Service, lang: func() *Lang { return l }})
		}
	}
	return preds
}

func codesKey(codes []Code, ok bool) string {
	if !ok {
		return "\x00missing"
	}
	b := make([]byte, 0, 2*len(codes))
	for _, c := range codes {
		b = append(b, byte(c), byte(c>>8))
	}
	return string(b)
}

// templateService is the literal service segment of a catalogue ARN template.
func templateService(t string) string {
	parts := strings.SplitN(t, ":", 4)
	if len(parts) < 4 || strings.ContainsAny(parts[2], "$*{") {
		return ""
	}
	return parts[2]
}

// accountKind classifies a template's account segment: what a walk over it can
// tell about "the resource is in the caller's account".
func accountKind(t string) string {
	parts := strings.SplitN(t, ":", 6)
	if len(parts) < 6 {
		return "bad"
	}
	a := parts[4]
	switch {
	case a == "":
		return "empty"
	case isWholeVar(a) && strings.Contains(a, "Account"):
		return "account"
	}
	return "other:" + a
}

// resourceClasses finds one (action, resource) witness per class of resources
// for the group: the regions of the resource predicates within the resource
// types of the group's actions.
func (e *enumerator) resourceClasses(pr Principal, g *Group, look func(string) (string, bool)) []resClass {
	preds := e.resourcePreds(pr, g, look)
	seen := map[string]bool{}
	var out []resClass
	add := func(action, res string, in []bool) {
		sig := make([]byte, len(in))
		for i, b := range in {
			sig[i] = boolByte(b)
		}
		if !seen[string(sig)] {
			seen[string(sig)] = true
			out = append(out, resClass{action: action, resource: res, sig: string(sig)})
		}
	}
	generic := map[string]bool{}
	for _, t := range g.tplOrder {
		action := g.templates[t]
		if t == "*" {
			in := make([]bool, len(preds))
			for i, p := range preds {
				in[i] = e.auto(p.key, p.lang).matches("*")
			}
			add(action, "*", in)
			continue
		}
		svc := templateService(t)
		tk := "tpl:" + t
		var ta *auto
		tauto := func() *auto {
			if ta == nil {
				ta = e.auto(tk, func() *Lang { return TemplateLang(t) })
			}
			return ta
		}
		var idx []int
		relevant := false
		for i, p := range preds {
			if i > 0 && p.service != "" && svc != "" && p.service != svc {
				continue
			}
			if i > 0 && !e.meet(tk, tauto, p.key, e.auto(p.key, p.lang)) {
				continue
			}
			idx = append(idx, i)
			if i > 0 {
				relevant = true
			}
		}
		// Templates that no pattern can reach differ only in whether their
		// resources can be in the caller's account: one walk per kind.
		if !relevant {
			k := accountKind(t)
			if generic[k] {
				continue
			}
			generic[k] = true
		}
		keys := []string{tk}
		autos := []*auto{tauto()}
		for _, i := range idx {
			keys = append(keys, preds[i].key)
			autos = append(autos, e.auto(preds[i].key, preds[i].lang))
		}
		w := e.walk(keys, autos, 0)
		if !w.complete {
			e.cov.unknown("resource: the walk over %s and the policies' resource patterns stopped at its budget of %d states", t, e.p.Budget)
		}
		for j, r := range w.regions {
			if plantedBug && j > 0 {
				break // the planted bug: classes go missing
			}
			in := make([]bool, len(preds))
			for j, i := range idx {
				in[i] = r.In[j+1]
			}
			add(action, r.Witness, in)
		}
	}
	return out
}
