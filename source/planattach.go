package source

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// planResource is one managed resource of a plan, with its module-relative
// configuration's references (configuration.root_module…expressions).
type planResource struct {
	addr, typ string
	values    *node
	pos       Pos
}

// planAttach links a plan's identity policies to the managed policies attached
// beside them: a role's managed_policy_arns, aws_iam_{role,user,group}_policy_attachment
// and aws_iam_policy_attachment. A user, group or role is found by its name,
// or, when the name is known only after apply, by the configuration's
// reference to its resource; so is a policy of the plan whose ARN is known only
// after apply (aws_iam_policy).
func planAttach(root, mod *node, out []*Policy) {
	var rs []planResource
	var walk func(m *node, depth int)
	walk = func(m *node, depth int) {
		if m == nil || m.kind != nMap || depth > 100 {
			return
		}
		for _, r := range m.get("resources").list() {
			if mode := r.get("mode"); mode != nil && mode.str != "managed" {
				continue
			}
			if typ, addr := strOf(r.get("type")), strOf(r.get("address")); typ != "" && addr != "" {
				rs = append(rs, planResource{addr, typ, r.get("values"), r.pos})
			}
		}
		for _, c := range m.get("child_modules").list() {
			walk(c, depth+1)
		}
	}
	walk(mod, 0)
	refs := planRefs(root.get("configuration").get("root_module"))
	byID := map[string]*Policy{}
	for _, p := range out {
		byID[p.ID] = p
	}
	// The planned resource a configuration reference of resource from names
	// ("aws_iam_role.app", "module.m.aws_iam_role.app"): in a module called
	// with count or for_each, the one of from's module instance (a reference
	// inside a module is to its own instance); nil when several instances
	// remain (a resource with count or for_each of its own).
	instances := func(from planResource, ref string) []*planResource {
		var found []*planResource
		mod := moduleInstance(from.addr)
		for i := range rs {
			addr := rs[i].addr
			if addr != ref && configAddr(addr) != ref || moduleInstance(addr) != mod && configAddr(moduleInstance(addr)) == configAddr(mod) {
				continue
			}
			found = append(found, &rs[i])
		}
		return found
	}
	resolve := func(from planResource, ref string) *planResource {
		if found := instances(from, ref); len(found) == 1 {
			return found[0]
		}
		return nil
	}
	principals := map[string]string{} // address -> "role app"
	arns := map[string]*Policy{}      // a known ARN of the plan's own policy
	for _, r := range rs {
		switch r.typ {
		case "aws_iam_role", "aws_iam_user", "aws_iam_group":
			w := strings.TrimPrefix(r.typ, "aws_iam_")
			principals[r.addr] = w + " " + r.addr
			if n := strOf(r.values.get("name")); n != "" {
				principals[r.addr] = w + " " + n
			}
		case "aws_iam_policy":
			if a := strOf(r.values.get("arn")); a != "" && byID[r.addr] != nil {
				arns[a] = byID[r.addr]
			}
		}
	}
	// A principal whose name is known only after apply may get the name a
	// link writes: by prefix, a name_prefix's.
	names := map[string]bool{}
	open := map[string][]string{} // principal -> its name_prefix, "" for any name
	for _, r := range rs {
		if w, ok := strings.CutPrefix(r.typ, "aws_iam_"); ok && (w == "role" || w == "user" || w == "group") {
			names[principals[r.addr]] = true
			if strOf(r.values.get("name")) == "" {
				open[principals[r.addr]] = []string{strOf(r.values.get("name_prefix"))}
			}
		}
	}
	var as *attachments
	// who is the principal an attribute names: its value, else the resource its
	// configuration refers to. A name matching none of the plan's that may be
	// one known only after apply is recorded as not traced among those.
	who := func(r planResource, attr, word string, v *node) string {
		if n := strOf(v); n != "" {
			var among []string
			for _, pr := range slices.Sorted(maps.Keys(open)) {
				if strings.HasPrefix(pr, word+" ") && strings.HasPrefix(n, open[pr][0]) {
					among = append(among, pr)
				}
			}
			if !names[word+" "+n] && among != nil {
				// The named principal's policies are among the reached too.
				as.untrace(untraced{word: word, path: r.addr + "." + attr, pos: v.pos, among: append(among, word+" "+n),
					why: fmt.Sprintf("the name %q matches none of the plan's, but %s gets a name only after apply", n, strings.Join(among, ", "))})
			}
			return word + " " + n
		}
		for _, ref := range refs[configAddr(r.addr)][attr] {
			if t := resolve(r, ref); t != nil && t.typ == "aws_iam_"+word {
				return principals[t.addr]
			}
		}
		return ""
	}
	// among names the principals an attribute may name when who cannot tell:
	// a reference to a user, group or role with count or for_each, without
	// the instance (aws_iam_role.r[count.index] is recorded as aws_iam_role.r).
	among := func(r planResource, attr, word string) []string {
		var out []string
		for _, ref := range refs[configAddr(r.addr)][attr] {
			for _, t := range instances(r, ref) {
				if t.typ == "aws_iam_"+word && !slices.Contains(out, principals[t.addr]) {
					out = append(out, principals[t.addr])
				}
			}
		}
		if len(out) < 2 {
			return nil
		}
		return out
	}
	// A policy whose principal is one of several: its other policies are not
	// known (resolved after apply).
	unlinked := map[*Policy]Attachment{}
	as = newAttachments()
	ref := func(r planResource, principal, attr string, v *node) Attachment {
		a := Attachment{Principal: principal, Path: r.addr + "." + attr, Pos: r.pos}
		if v != nil {
			a.Pos = v.pos
		}
		a.ARN = strOf(v)
		if own := arns[a.ARN]; own != nil {
			a.Own = own
		}
		if a.ARN == "" {
			a.Why = "its ARN is known only after apply"
			// The one policy of the plan the attribute refers to; with several
			// (a list of ARNs), which one this is cannot be told.
			var own []*Policy
			for _, ref := range refs[configAddr(r.addr)][strings.Split(attr, "[")[0]] {
				if t := resolve(r, ref); t != nil && t.typ == "aws_iam_policy" && byID[t.addr] != nil && !slices.Contains(own, byID[t.addr]) {
					own = append(own, byID[t.addr])
				}
			}
			if len(own) == 1 {
				a.Own, a.Why = own[0], ""
			}
		}
		return a
	}
	attach := func(r planResource, principal, attr string, v *node) { as.attach(ref(r, principal, attr, v)) }
	// lost records that r's attribute attr names a principal of kind word that
	// cannot be traced; own is the plan's policy it attaches, if any.
	lost := func(r planResource, attr, word string, own *Policy) {
		why := fmt.Sprintf("its %s is known only after apply, and the configuration gives no reference to it", attr)
		if rs := refs[configAddr(r.addr)][attr]; len(rs) > 0 {
			why = fmt.Sprintf("its %s is known only after apply, through %s, which iamfuzz does not follow to a %s of the plan", attr, strings.Join(rs, ", "), word)
		}
		as.untrace(untraced{word: word, path: r.addr + "." + attr, pos: r.pos, why: why, own: own})
	}
	// listed reads a list of principals (aws_iam_policy_attachment's roles,
	// aws_iam_group_membership's users) known only after apply: those the
	// configuration's references name, and whether one of its references
	// names none (each.value, an output not followed).
	listed := func(r planResource, attr, word string) (prs []string, untold bool) {
		rs := refs[configAddr(r.addr)][attr]
		var found []string
		for _, s := range rs {
			if t := resolve(r, s); t != nil && t.typ == "aws_iam_"+word {
				found = append(found, s)
				if !slices.Contains(prs, principals[t.addr]) {
					prs = append(prs, principals[t.addr])
				}
			}
		}
		for _, s := range rs {
			// aws_iam_role.a.name is recorded beside aws_iam_role.a.
			if !slices.ContainsFunc(found, func(f string) bool { return s == f || strings.HasPrefix(s, f+".") }) {
				untold = true
			}
		}
		return prs, untold
	}
	// A user's or role's permissions_boundary: its value, or, known only after
	// apply, what its configuration refers to (unset: neither).
	boundary := func(r planResource) {
		v := r.values.get("permissions_boundary")
		if strOf(v) == "" && len(refs[configAddr(r.addr)]["permissions_boundary"]) == 0 {
			return
		}
		as.boundary(ref(r, principals[r.addr], "permissions_boundary", v))
	}
	for _, r := range rs {
		switch r.typ {
		case "aws_iam_role":
			k := principals[r.addr]
			for _, p := range out {
				if strings.HasPrefix(p.ID, r.addr+".inline_policy[") {
					as.own(p, k)
				}
			}
			for i, a := range r.values.get("managed_policy_arns").list() {
				attach(r, k, fmt.Sprintf("managed_policy_arns[%d]", i), a)
			}
			boundary(r)
		case "aws_iam_user":
			boundary(r)
		case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
			w := strings.TrimSuffix(strings.TrimPrefix(r.typ, "aws_iam_"), "_policy")
			if k := who(r, w, w, r.values.get(w)); k != "" {
				as.own(byID[r.addr], k)
			} else if c := among(r, w, w); c != nil && byID[r.addr] != nil {
				unlinked[byID[r.addr]] = Attachment{Via: strings.Join(c, " or "), Group: true, Path: r.addr + "." + w, Pos: r.pos,
					Why: fmt.Sprintf("%s is the policy of one of %s, which the plan does not tell apart (a reference without the instance): the other policies of its %s are not known", r.addr, strings.Join(c, ", "), w)}
				// And each of them may hold it: their other policies' verdicts
				// are not known either.
				for _, k := range c {
					as.attach(Attachment{Principal: k, Via: r.addr, Group: true, Path: r.addr + "." + w, Pos: r.pos,
						Why: fmt.Sprintf("%s may be a policy of %s (it is the policy of one of %s, which the plan does not tell apart)", r.addr, k, strings.Join(c, ", "))})
				}
			} else if byID[r.addr] != nil {
				// Known only after apply, through a reference not followed (a
				// module's output): the plan may give that principal others,
				// and it may be the principal of the plan's other policies.
				unlinked[byID[r.addr]] = Attachment{Via: "its " + w, Group: true, Path: r.addr + "." + w, Pos: r.pos,
					Why: fmt.Sprintf("%s is the policy of a %s known only after apply, which the plan's references do not name: its other policies are not known", r.addr, w)}
				lost(r, w, w, nil)
			}
		case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment":
			w := strings.TrimSuffix(strings.TrimPrefix(r.typ, "aws_iam_"), "_policy_attachment")
			if k := who(r, w, w, r.values.get(w)); k != "" {
				attach(r, k, "policy_arn", r.values.get("policy_arn"))
			} else if c := among(r, w, w); c != nil {
				// Attached to one of them: each one's policies are not known.
				for _, k := range c {
					a := ref(r, k, "policy_arn", r.values.get("policy_arn"))
					a.Own, a.ARN = nil, ""
					a.Why = fmt.Sprintf("%s attaches it to one of %s, which the plan does not tell apart (a reference without the instance)", r.addr, strings.Join(c, ", "))
					as.attach(a)
				}
			} else {
				lost(r, w, w, ref(r, "", "policy_arn", r.values.get("policy_arn")).Own)
			}
		case "aws_iam_policy_attachment":
			for _, w := range []string{"role", "user", "group"} {
				own := ref(r, "", "policy_arn", r.values.get("policy_arn")).Own
				l := r.values.get(w + "s")
				for _, n := range l.list() {
					if k := who(r, w+"s", w, n); k != "" {
						attach(r, k, "policy_arn", r.values.get("policy_arn"))
					} else {
						lost(r, w+"s", w, own)
					}
				}
				if l == nil || l.kind == nNull {
					// Known only after apply (or not set): the principals
					// its references name.
					prs, untold := listed(r, w+"s", w)
					for _, k := range prs {
						attach(r, k, "policy_arn", r.values.get("policy_arn"))
					}
					if untold {
						lost(r, w+"s", w, own)
					}
				}
			}
		}
	}
	for _, r := range rs {
		// A plan's own managed policy belongs to the principals it is attached to.
		if p := byID[r.addr]; p != nil && r.typ == "aws_iam_policy" {
			for pr, list := range as.byPrincipal {
				for _, a := range list {
					if a.Own == p {
						as.own(p, pr)
					}
				}
			}
		}
	}
	known := map[string]bool{}
	for _, pr := range principals {
		known[pr] = true
	}
	planGroups(as, rs, known, who, lost, listed)
	held := as.apply(out)
	as.applyUntraced(out)
	for p, a := range unlinked {
		p.Attached = append(p.Attached, a)
		p.Notes = append(p.Notes, a.Why+"; the verdict cannot be proved")
	}
	as.bound(out)
	for _, p := range out {
		// A role without an identity policy of its own in the plan: its managed
		// policies are not checked, and its trust policy says so.
		addr, ok := strings.CutSuffix(p.ID, ".assume_role_policy")
		k := principals[addr]
		if !ok || held[k] || len(as.byPrincipal[k]) == 0 {
			continue
		}
		var names []string
		for _, a := range as.byPrincipal[k] {
			names = append(names, a.Name())
		}
		p.Notes = append(p.Notes, fmt.Sprintf("%s also has managed policies that iamfuzz does not check: %s", k, strings.Join(names, ", ")))
	}
}

// configAddr is a planned resource's address in the configuration: without
// its own count or for_each key nor those of its modules
// (module.m["a"].aws_iam_role.r[0] -> module.m.aws_iam_role.r).
func configAddr(addr string) string {
	var b strings.Builder
	for _, seg := range addrSegments(addr) {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		name, _, _ := strings.Cut(seg, "[")
		b.WriteString(name)
	}
	return b.String()
}

// moduleInstance is the module instance part of an address, keys included
// ("module.m[\"a\"]" of module.m["a"].aws_iam_role.r); "" in the root module.
func moduleInstance(addr string) string {
	segs := addrSegments(addr)
	n := 0
	for n+1 < len(segs) && segs[n] == "module" {
		n += 2
	}
	return strings.Join(segs[:n], ".")
}

// addrSegments splits an address at its dots, but those in a key
// (aws_iam_user.u["a.b"]): for_each keys are any string.
func addrSegments(addr string) []string {
	var segs []string
	start, inKey, quoted := 0, false, false
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case quoted && c == '\\':
			i++
		case c == '"' && inKey:
			quoted = !quoted
		case quoted:
		case c == '[':
			inKey = true
		case c == ']':
			inKey = false
		case c == '.' && !inKey:
			segs = append(segs, addr[start:i])
			start = i + 1
		}
	}
	return append(segs, addr[start:])
}

// planRefs maps each configured resource's address to its attributes'
// references, made absolute with the module's prefix. A module's input
// variable (var.role_name) stands for the references of the argument its call
// gives it, and a module's output (module.role.name) for those of its
// expression, so that a module attaching a policy to a role passed in, or a
// role made by a module, still names the role.
func planRefs(root *node) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	w := &refWalker{}
	var walk func(sc *modScope, depth int)
	walk = func(sc *modScope, depth int) {
		if sc.m == nil || sc.m.kind != nMap || depth > 100 {
			return
		}
		for _, r := range sc.m.get("resources").list() {
			addr := strOf(r.get("address"))
			exprs := r.get("expressions")
			if addr == "" || exprs == nil || exprs.kind != nMap {
				continue
			}
			attrs := map[string][]string{}
			for i, k := range exprs.keys {
				attrs[k] = w.refs(sc, exprs.vals[i], 0)
			}
			out[sc.prefix+addr] = attrs
		}
		calls := sc.m.get("module_calls")
		if calls != nil && calls.kind == nMap {
			for i, name := range calls.keys {
				walk(sc.child(name, calls.vals[i]), depth+1)
			}
		}
	}
	walk(&modScope{m: root}, 0)
	return out
}

// modScope is a module of the configuration where an expression is read.
type modScope struct {
	m      *node     // the module's configuration
	prefix string    // "module.a." of its resources' addresses; "" at the root
	call   *node     // the module call, whose expressions set its variables; nil at the root
	parent *modScope // the calling module
}

func (sc *modScope) child(name string, call *node) *modScope {
	return &modScope{m: call.get("module"), prefix: sc.prefix + "module." + name + ".", call: call, parent: sc}
}

// refWalker follows references through variables and outputs, within a
// budget: a plan is input, and each step may fan out.
type refWalker struct{ steps int }

// refs are the references of an expression of module sc, absolute, with its
// input variables and its child modules' outputs followed.
func (w *refWalker) refs(sc *modScope, expr *node, depth int) []string {
	var out []string
	for _, ref := range expr.get("references").list() {
		if w.steps++; w.steps > 100000 || depth > 100 {
			return out
		}
		s := strOf(ref)
		if v, ok := strings.CutPrefix(s, "var."); ok {
			if sc.parent != nil {
				name, _, _ := strings.Cut(v, ".")
				out = append(out, w.refs(sc.parent, sc.call.get("expressions").get(name), depth+1)...)
			}
			continue
		}
		if v, ok := strings.CutPrefix(s, "module."); ok {
			name, output, _ := strings.Cut(v, ".")
			output, _, _ = strings.Cut(output, ".")
			if call := sc.m.get("module_calls").get(name); call != nil {
				child := sc.child(name, call)
				if e := child.m.get("outputs").get(output).get("expression"); e != nil {
					out = append(out, w.refs(child, e, depth+1)...)
					continue
				}
			}
		}
		if s != "" {
			out = append(out, sc.prefix+s)
		}
	}
	return out
}
