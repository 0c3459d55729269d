package source

import (
	"encoding/base64"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
)

// DeployAccount stands for AWS::AccountId. The account a stack is deployed to is
// the account of the users, groups and roles its identity policies are attached to
// (IAM attaches policies only within one account), and iamfuzz's generated callers
// live in this account (AWS's documentation example account), so an ARN built with
// ${AWS::AccountId} names the caller's own account, as it does once deployed.
const DeployAccount = "111122223333"

// DeployPartition stands for AWS::Partition, for the same reason: iamfuzz's
// callers are in the aws partition.
const DeployPartition = "aws"

// placeholderPrefix starts every value that stands for something unknown offline.
// It contains no "${" (it must not read as a policy variable) and no ":" or "/"
// (inside an ARN it must stay within one segment), and it matches no real name.
const placeholderPrefix = "UNRESOLVED-"

// Resource types whose policies are extracted, and the kind of each document.
var (
	policyResources = map[string]Kind{
		"AWS::IAM::Policy":        Identity,
		"AWS::IAM::ManagedPolicy": Identity,
		"AWS::S3::BucketPolicy":   Resource,
		"AWS::SQS::QueuePolicy":   Resource,
	}
	principalResources = map[string]bool{"AWS::IAM::User": true, "AWS::IAM::Group": true, "AWS::IAM::Role": true}
)

// template is a CloudFormation template being read.
type template struct {
	name   string
	params *node
	// given are the values given for its parameters (Reader.Parameters).
	given      map[string]string
	resources  *node
	mappings   *node
	conditions *node
	conds      map[string]condValue
}

// tres is a template resource whose Type is a string, as the loops over a
// template's resources read it.
type tres struct {
	id, typ    string
	res, props *node
	path       string // its Properties' JSON path
}

// typed yields the template's resources whose Type is a string, in the
// template's order; others are not resources iamfuzz reads.
func (t *template) typed() iter.Seq[tres] {
	return func(yield func(tres) bool) {
		for i, id := range t.resources.keys {
			res := t.resources.vals[i]
			typ := res.get("Type")
			if typ == nil || typ.kind != nStr {
				continue
			}
			if !yield(tres{id: id, typ: typ.str, res: res, props: res.get("Properties"), path: "Resources." + id + ".Properties"}) {
				return
			}
		}
	}
}

type condValue struct {
	value, known bool
	why          string   // for an unknown condition: the value it depends on
	notes        []string // the notes of the values it read (a parameter's default or given value)
}

// readTemplate extracts every policy of a template. An error that concerns the
// whole file (a Resources section that is not an object) fails the file; an error
// in one policy is that policy's Err, so that the others are still checked.
func readTemplate(name string, root *node, rd *Reader) ([]*Policy, error) {
	t := &template{name: name, params: root.get("Parameters"), resources: root.get("Resources"),
		mappings: root.get("Mappings"), conditions: root.get("Conditions"), conds: map[string]condValue{}}
	given, err := rd.declare(t)
	if err != nil {
		return nil, err
	}
	t.given = given
	if t.resources == nil {
		return nil, nil
	}
	if t.resources.kind != nMap {
		return nil, &Error{File: name, Pos: t.resources.pos, Path: "Resources", Kind: ErrTemplate, Msg: "Resources must be an object of logical ids"}
	}
	var out []*Policy
	for r := range t.typed() {
		id, typ, res, props, path := r.id, r.typ, r.res, r.props, r.path
		one := func(pid string, kind Kind, doc *node, docPath string) {
			p := t.extract(pid, kind, doc, docPath)
			if c := res.get("Condition"); c != nil && c.kind == nStr {
				v := t.condition(c.str, 0)
				switch {
				case v.known && !v.value:
					return // the resource is not created
				case !v.known:
					p.Notes = append(p.Notes, fmt.Sprintf("%s exists only when condition %s holds, which depends on %s", id, c.str, v.why))
				}
				for _, n := range v.notes {
					if !slices.Contains(p.Notes, n) {
						p.Notes = append(p.Notes, n)
					}
				}
			}
			out = append(out, p)
		}
		if kind, ok := policyResources[typ]; ok {
			one(id, kind, props.get("PolicyDocument"), path+".PolicyDocument")
			continue
		}
		if samResources[typ] {
			if pols := props.get("Policies"); pols != nil {
				docs, others, bad := t.samPolicies(id, pols, path)
				if bad != nil {
					out = append(out, bad)
					continue
				}
				for _, d := range docs {
					n := len(out)
					one(d.id, Identity, d.doc, d.path)
					if len(others) > 0 && len(out) > n {
						out[n].Notes = append(out[n].Notes, fmt.Sprintf("SAM attaches %s to %s's role as well; iamfuzz checks this document alone", strings.Join(others, ", "), id))
					}
				}
			}
			continue
		}
		if !principalResources[typ] {
			continue
		}
		if pols := props.get("Policies"); pols != nil {
			// An item (or the list) may be an Fn::If, AWS::NoValue in a branch.
			items, idx, ok := t.chosenList(pols)
			if !ok {
				// Policies built by another intrinsic: resolve the list first.
				r := &resolver{t: t}
				v, err := r.resolve(pols, 0)
				if err != nil || v.kind != nSeq {
					p := &Policy{Name: name + "#" + id + ".Policies", File: name, ID: id + ".Policies", Format: CloudFormation, Pos: pols.pos, Err: err}
					if err == nil {
						p.Err = t.errf(pols, path+".Policies", ErrTemplate, "Policies must be a list")
					}
					out = append(out, p)
					continue
				}
				items, idx = v.items, nil
				for j := range v.items {
					idx = append(idx, j)
				}
			}
			for k, it := range items {
				j := idx[k]
				pid := fmt.Sprintf("%s.Policies[%d]", id, j)
				if it.kind == nMap && len(it.keys) == 1 && strings.HasPrefix(it.keys[0], "Fn::") {
					// An item chosen by an Fn::If the template does not decide:
					// resolving it says why.
					r := &resolver{t: t, path: fmt.Sprintf("%s.Policies[%d]", path, j)}
					v, err := r.resolve(it, 0)
					if err != nil {
						out = append(out, &Policy{Name: name + "#" + pid, File: name, ID: pid, Kind: Identity, Format: CloudFormation, Pos: it.pos, Err: err})
						continue
					}
					it = v
				}
				one(pid, Identity, it.get("PolicyDocument"), fmt.Sprintf("%s.Policies[%d].PolicyDocument", path, j))
			}
		}
		if typ == "AWS::IAM::Role" {
			if doc := props.get("AssumeRolePolicyDocument"); doc != nil {
				one(id+".AssumeRolePolicyDocument", Trust, doc, path+".AssumeRolePolicyDocument")
			}
		}
	}
	t.attach(out)
	return out, nil
}

func (t *template) errf(n *node, path string, kind error, format string, args ...any) *Error {
	e := &Error{File: t.name, Path: path, Kind: kind, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Pos = n.pos
	}
	return e
}

// extract resolves one policy document and writes it as JSON with a span per value.
func (t *template) extract(id string, kind Kind, doc *node, path string) *Policy {
	p := &Policy{Name: t.name + "#" + id, File: t.name, ID: id, Kind: kind, Format: CloudFormation, Given: len(t.given) > 0, docPath: path}
	if doc == nil {
		p.Err = t.errf(nil, path, ErrTemplate, "the policy document is missing")
		return p
	}
	p.Pos = doc.pos
	r := &resolver{t: t, path: path}
	v, err := r.resolve(doc, 0)
	p.Notes = r.notes
	switch {
	case err != nil:
		p.Err = err
	case v.noValue:
		p.Err = t.errf(doc, path, ErrTemplate, "the policy document is AWS::NoValue")
	case v.kind == nStr:
		// A document given as JSON text (PolicyDocument: !Sub '{…}'): positions inside
		// the text are not tracked; everything maps to the string.
		p.Doc, p.spans = []byte(v.str), []span{{0, v.pos}}
	case v.kind == nMap:
		var e emitter
		e.value(v)
		p.Doc, p.spans = e.buf, e.spans
	default:
		p.Err = t.errf(doc, path, ErrTemplate, "a policy document is an object (or its JSON text), not %s", v.kind)
	}
	return p
}

// resolver evaluates CloudFormation's intrinsic functions in one document.
type resolver struct {
	t     *template
	path  string
	notes []string
}

func (r *resolver) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	for _, n := range r.notes {
		if n == s {
			return
		}
	}
	r.notes = append(r.notes, s)
}

func (r *resolver) errf(n *node, kind error, format string, args ...any) error {
	return r.t.errf(n, r.path, kind, format, args...)
}

// placeholder is a named stand-in for a value unknown offline, with a note.
func (r *resolver) placeholder(pos Pos, what, why string) *node {
	v := placeholderPrefix + what
	r.note("%s cannot be resolved offline (%s); the policy holds the placeholder %q, which matches no real value", what, why, v)
	n := strNode(v, pos)
	n.placeholder = true
	return n
}

const maxDepth = 64

func (r *resolver) resolve(n *node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, r.errf(n, ErrTemplate, "intrinsic functions nested deeper than %d", maxDepth)
	}
	switch n.kind {
	case nMap:
		if len(n.keys) == 1 && (n.keys[0] == "Ref" || strings.HasPrefix(n.keys[0], "Fn::")) {
			return r.intrinsic(n, n.keys[0], n.vals[0], depth)
		}
		out := &node{kind: nMap, pos: n.pos}
		for i, k := range n.keys {
			v, err := r.resolve(n.vals[i], depth+1)
			if err != nil {
				return nil, err
			}
			if v.noValue {
				continue
			}
			out.keys, out.keyPos, out.vals = append(out.keys, k), append(out.keyPos, n.keyPos[i]), append(out.vals, v)
		}
		return out, nil
	case nSeq:
		out := &node{kind: nSeq, pos: n.pos}
		for _, it := range n.items {
			v, err := r.resolve(it, depth+1)
			if err != nil {
				return nil, err
			}
			if !v.noValue {
				out.items = append(out.items, v)
			}
		}
		return out, nil
	}
	return n, nil
}

// str resolves n and requires a string.
func (r *resolver) str(n *node, depth int, what string) (*node, error) {
	v, err := r.resolve(n, depth+1)
	if err != nil {
		return nil, err
	}
	switch v.kind {
	case nStr:
		return v, nil
	case nNum, nBool:
		return strNode(v.str, v.pos), nil
	}
	return nil, r.errf(n, ErrTemplate, "%s must be a string, not %s", what, v.kind)
}

// args resolves a list argument of n intrinsic and checks its length.
func (r *resolver) args(fn string, arg *node, min, max int) ([]*node, error) {
	if arg.kind != nSeq || len(arg.items) < min || len(arg.items) > max {
		want := fmt.Sprintf("%d", min)
		if max != min {
			want = fmt.Sprintf("%d to %d", min, max)
		}
		return nil, r.errf(arg, ErrTemplate, "%s takes a list of %s arguments", fn, want)
	}
	return arg.items, nil
}

func (r *resolver) intrinsic(n *node, fn string, arg *node, depth int) (*node, error) {
	switch fn {
	case "Ref":
		name, err := r.str(arg, depth, "Ref's argument")
		if err != nil {
			return nil, err
		}
		return r.ref(name.str, n.pos, false)
	case "Fn::GetAtt":
		var res, attr *node
		var err error
		if arg.kind == nStr {
			a, b, _ := strings.Cut(arg.str, ".")
			res, attr = strNode(a, arg.pos), strNode(b, arg.pos)
		} else {
			items, err := r.args(fn, arg, 2, 2)
			if err != nil {
				return nil, err
			}
			res = items[0]
			if attr, err = r.str(items[1], depth, "Fn::GetAtt's attribute"); err != nil {
				return nil, err
			}
		}
		if res.kind != nStr {
			return nil, r.errf(arg, ErrTemplate, "Fn::GetAtt's resource must be a logical id")
		}
		if r.t.resources.get(res.str) == nil {
			return nil, r.errf(arg, ErrTemplate, "Fn::GetAtt: no resource %q in the template", res.str)
		}
		return r.getAtt(res.str, attr.str, n.pos), err
	case "Fn::Sub":
		return r.sub(n, arg, depth)
	case "Fn::Join":
		items, err := r.args(fn, arg, 2, 2)
		if err != nil {
			return nil, err
		}
		delim, err := r.str(items[0], depth, "Fn::Join's delimiter")
		if err != nil {
			return nil, err
		}
		list, err := r.resolve(items[1], depth+1)
		if err != nil {
			return nil, err
		}
		if list.kind != nSeq {
			return nil, r.errf(items[1], ErrTemplate, "Fn::Join joins a list, not %s", list.kind)
		}
		parts := make([]string, len(list.items))
		out := strNode("", n.pos)
		for i, it := range list.items {
			s, err := r.str(it, depth, "an item of Fn::Join")
			if err != nil {
				return nil, err
			}
			parts[i] = s.str
			out.placeholder = out.placeholder || s.placeholder
		}
		out.str = strings.Join(parts, delim.str)
		return out, nil
	case "Fn::Select":
		items, err := r.args(fn, arg, 2, 2)
		if err != nil {
			return nil, err
		}
		idx, err := r.str(items[0], depth, "Fn::Select's index")
		if err != nil {
			return nil, err
		}
		list, err := r.resolve(items[1], depth+1)
		if err != nil {
			return nil, err
		}
		i, perr := strconv.Atoi(idx.str)
		switch {
		case idx.placeholder || (list.kind == nStr && list.placeholder):
			return nil, r.errf(n, ErrUnresolved, "Fn::Select on a value known only at deployment")
		case perr != nil || list.kind != nSeq:
			return nil, r.errf(n, ErrTemplate, "Fn::Select takes an index and a list")
		case i < 0 || i >= len(list.items):
			return nil, r.errf(n, ErrTemplate, "Fn::Select: index %d is outside the list of %d", i, len(list.items))
		}
		return list.items[i], nil
	case "Fn::Split":
		items, err := r.args(fn, arg, 2, 2)
		if err != nil {
			return nil, err
		}
		delim, err := r.str(items[0], depth, "Fn::Split's delimiter")
		if err != nil {
			return nil, err
		}
		s, err := r.str(items[1], depth, "Fn::Split's source")
		if err != nil {
			return nil, err
		}
		if s.placeholder {
			return nil, r.errf(n, ErrUnresolved, "Fn::Split of a value known only at deployment")
		}
		out := &node{kind: nSeq, pos: n.pos}
		for _, part := range strings.Split(s.str, delim.str) {
			out.items = append(out.items, strNode(part, n.pos))
		}
		return out, nil
	case "Fn::FindInMap":
		items, err := r.args(fn, arg, 3, 3)
		if err != nil {
			return nil, err
		}
		keys := make([]string, 3)
		for i, it := range items {
			k, err := r.str(it, depth, "a key of Fn::FindInMap")
			if err != nil {
				return nil, err
			}
			if k.placeholder {
				return nil, r.errf(it, ErrUnresolved, "Fn::FindInMap with a key known only at deployment (%s)", k.str)
			}
			keys[i] = k.str
		}
		v := r.t.mappings.get(keys[0]).get(keys[1]).get(keys[2])
		if v == nil {
			return nil, r.errf(n, ErrTemplate, "Fn::FindInMap: Mappings has no %s.%s.%s", keys[0], keys[1], keys[2])
		}
		return r.resolve(v, depth+1)
	case "Fn::If":
		items, err := r.args(fn, arg, 3, 3)
		if err != nil {
			return nil, err
		}
		if items[0].kind != nStr {
			return nil, r.errf(items[0], ErrTemplate, "Fn::If's first argument names a condition")
		}
		c := r.t.condition(items[0].str, 0)
		for _, note := range c.notes {
			r.note("%s", note)
		}
		switch {
		case c.err != nil:
			return nil, c.err
		case !c.known:
			return nil, r.errf(n, ErrUnresolved, "Fn::If: condition %s depends on %s; iamfuzz does not pick a branch for you%s", items[0].str, c.why, givenHint(c.why))
		case c.value:
			return r.resolve(items[1], depth+1)
		}
		return r.resolve(items[2], depth+1)
	case "Fn::ImportValue":
		name, err := r.str(arg, depth, "Fn::ImportValue's argument")
		if err != nil {
			return nil, err
		}
		return r.placeholder(n.pos, "ImportValue-"+name.str, "another stack's export"), nil
	case "Fn::Base64":
		s, err := r.str(arg, depth, "Fn::Base64's argument")
		if err != nil {
			return nil, err
		}
		if s.placeholder {
			return nil, r.errf(n, ErrUnresolved, "Fn::Base64 of a value known only at deployment")
		}
		return strNode(base64.StdEncoding.EncodeToString([]byte(s.str)), n.pos), nil
	case "Fn::GetAZs", "Fn::Cidr", "Fn::Transform", "Fn::Length", "Fn::ToJsonString":
		return nil, r.errf(n, ErrUnresolved, "iamfuzz does not evaluate %s offline", fn)
	}
	return nil, r.errf(n, ErrTemplate, "unknown intrinsic function %s", fn)
}

// ref resolves Ref (and ${Name} in Fn::Sub).
func (r *resolver) ref(name string, pos Pos, inSub bool) (*node, error) {
	if p := r.t.params.get(name); p != nil {
		typ := ""
		if t := p.get("Type"); t != nil && t.kind == nStr {
			typ = t.str
		}
		list := typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<")
		def := p.get("Default")
		if v, ok := r.t.given[name]; ok {
			r.note("parameter %s is %q, the value given for it", name, v)
			def = strNode(v, pos)
		} else if def != nil && def.kind == nStr {
			r.note("parameter %s takes its default %q; a deployment may pass another value", name, def.str)
		}
		if def == nil || def.kind == nMap || def.kind == nSeq || def.kind == nNull {
			ph := r.placeholder(pos, "Ref-"+name, "parameter "+name+" has no default and no value was given")
			if list && !inSub {
				return &node{kind: nSeq, pos: pos, items: []*node{ph}}, nil
			}
			return ph, nil
		}
		if list && !inSub {
			out := &node{kind: nSeq, pos: pos}
			for _, s := range strings.Split(def.str, ",") {
				out.items = append(out.items, strNode(strings.TrimSpace(s), pos))
			}
			return out, nil
		}
		return strNode(def.str, pos), nil
	}
	switch name {
	case "AWS::AccountId":
		r.note("AWS::AccountId is %s, the account of iamfuzz's callers: the policy's principals are in the stack's own account", DeployAccount)
		return strNode(DeployAccount, pos), nil
	case "AWS::Partition":
		r.note("AWS::Partition is %s, the partition of iamfuzz's callers", DeployPartition)
		return strNode(DeployPartition, pos), nil
	case "AWS::URLSuffix":
		return strNode("amazonaws.com", pos), nil
	case "AWS::NoValue":
		return &node{kind: nNull, pos: pos, noValue: true}, nil
	case "AWS::Region", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs":
		return r.placeholder(pos, strings.ReplaceAll(name, "::", "-"), "it is known only at deployment"), nil
	}
	if r.t.resources.get(name) != nil {
		return r.placeholder(pos, "Ref-"+name, "the name or id of resource "+name+" is known only after deployment"), nil
	}
	hint := ""
	if strings.Contains(name, ":") {
		hint = fmt.Sprintf("; for the IAM policy variable write ${!%s}", name)
	}
	return nil, r.errf(&node{pos: pos}, ErrTemplate, "%s names no parameter, resource or pseudo parameter%s", name, hint)
}

func (r *resolver) getAtt(res, attr string, pos Pos) *node {
	what, why := "GetAtt-"+res+"."+attr, "attributes of resources are known only after deployment"
	if !strings.HasSuffix(attr, "Arn") {
		return r.placeholder(pos, what, why)
	}
	// An ARN-shaped stand-in, so that a Resource or Principal holding it is still
	// an ARN; service "unresolved" exists nowhere. Its note is made once, as
	// placeholder's are: a template names the same ARN in many places.
	v := "arn:aws:unresolved:::" + placeholderPrefix + what
	r.note("%s cannot be resolved offline (%s); the policy holds the placeholder %q, which matches no real resource", what, why, v)
	n := strNode(v, pos)
	n.placeholder = true
	return n
}

// sub evaluates Fn::Sub: "${Name}" and "${Resource.Attr}" are replaced, "${!x}"
// stays the literal "${x}" (how templates write IAM policy variables).
func (r *resolver) sub(n, arg *node, depth int) (*node, error) {
	tmpl := arg
	vars := map[string]*node{}
	if arg.kind == nSeq {
		items, err := r.args("Fn::Sub", arg, 2, 2)
		if err != nil {
			return nil, err
		}
		tmpl = items[0]
		if items[1].kind != nMap {
			return nil, r.errf(items[1], ErrTemplate, "Fn::Sub's second argument is a map of variables")
		}
		for i, k := range items[1].keys {
			v, err := r.str(items[1].vals[i], depth, "the Fn::Sub variable "+k)
			if err != nil {
				return nil, err
			}
			vars[k] = v
		}
	}
	if tmpl.kind != nStr {
		return nil, r.errf(tmpl, ErrTemplate, "Fn::Sub's template must be a string")
	}
	s := tmpl.str
	out := strNode("", n.pos)
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i+2:]
		if strings.HasPrefix(s, "!") {
			b.WriteString("${")
			s = s[1:]
			continue
		}
		j := strings.IndexByte(s, '}')
		if j < 0 {
			b.WriteString("${" + s)
			break
		}
		name := s[:j]
		s = s[j+1:]
		var v *node
		var err error
		switch res, attr, dotted := strings.Cut(name, "."); {
		case vars[name] != nil:
			v = vars[name]
		case dotted && r.t.resources.get(res) != nil:
			v = r.getAtt(res, attr, n.pos)
		default:
			v, err = r.ref(name, n.pos, true)
		}
		if err != nil {
			return nil, err
		}
		if v.kind != nStr {
			return nil, r.errf(n, ErrTemplate, "Fn::Sub: ${%s} is %s, not a string", name, v.kind)
		}
		b.WriteString(v.str)
		out.placeholder = out.placeholder || v.placeholder
	}
	out.str = b.String()
	return out, nil
}

// condition evaluates a named condition of the Conditions section.
func (t *template) condition(name string, depth int) condResult {
	if v, ok := t.conds[name]; ok {
		return condResult{condValue: v}
	}
	body := t.conditions.get(name)
	if body == nil {
		return condResult{err: t.errf(nil, "Conditions", ErrTemplate, "no condition %q", name)}
	}
	if depth > maxDepth {
		return condResult{err: t.errf(body, "Conditions."+name, ErrTemplate, "conditions refer to each other in a cycle")}
	}
	res := t.condExpr(body, depth+1)
	if res.err == nil {
		t.conds[name] = res.condValue
	}
	return res
}

type condResult struct {
	condValue
	err error
}

func (t *template) condExpr(n *node, depth int) condResult {
	if depth > maxDepth {
		return condResult{err: t.errf(n, "Conditions", ErrTemplate, "conditions nested deeper than %d", maxDepth)}
	}
	if n.kind != nMap || len(n.keys) != 1 {
		return condResult{err: t.errf(n, "Conditions", ErrTemplate, "a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition")}
	}
	arg := n.vals[0]
	switch n.keys[0] {
	case "Condition":
		if arg.kind != nStr {
			return condResult{err: t.errf(n, "Conditions", ErrTemplate, "Condition names a condition")}
		}
		return t.condition(arg.str, depth)
	case "Fn::Equals":
		r := &resolver{t: t, path: "Conditions"}
		if arg.kind != nSeq || len(arg.items) != 2 {
			return condResult{err: t.errf(arg, "Conditions", ErrTemplate, "Fn::Equals compares two values")}
		}
		var vals [2]*node
		for i, it := range arg.items {
			v, err := r.resolve(it, depth)
			if err != nil {
				return condResult{err: err}
			}
			if v.placeholder {
				return condResult{condValue: condValue{why: strings.TrimPrefix(v.str, placeholderPrefix) + " (unknown offline)", notes: r.notes}}
			}
			vals[i] = v
		}
		return condResult{condValue: condValue{known: true, value: canonical(vals[0]) == canonical(vals[1]), notes: r.notes}}
	case "Fn::Not", "Fn::And", "Fn::Or":
		if arg.kind != nSeq || len(arg.items) == 0 {
			return condResult{err: t.errf(arg, "Conditions", ErrTemplate, "%s takes a list of conditions", n.keys[0])}
		}
		var unknown *condResult
		var notes []string // of every part read, in order
		for _, it := range arg.items {
			c := t.condExpr(it, depth+1)
			for _, note := range c.notes {
				if !slices.Contains(notes, note) {
					notes = append(notes, note)
				}
			}
			c.notes = notes
			switch {
			case c.err != nil:
				return c
			case !c.known:
				unknown = &c
			case n.keys[0] == "Fn::Not":
				return condResult{condValue: condValue{known: true, value: !c.value, notes: notes}}
			case n.keys[0] == "Fn::And" && !c.value, n.keys[0] == "Fn::Or" && c.value:
				return c
			}
		}
		if unknown != nil {
			unknown.notes = notes
			return *unknown
		}
		return condResult{condValue: condValue{known: true, value: n.keys[0] == "Fn::And", notes: notes}}
	}
	return condResult{err: t.errf(n, "Conditions", ErrTemplate, "%s is not a condition function", n.keys[0])}
}

// canonical renders a resolved value for comparison.
func canonical(n *node) string {
	var e emitter
	e.value(n)
	return string(e.buf)
}
