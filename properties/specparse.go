package properties

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/model"
	"go.yaml.in/yaml/v3"
)

// Reading specs: the default, files found next to a policy, and the YAML parser
// that names the file, line and path of every defect.

//go:embed default-spec.yaml
var defaultSpecYAML []byte

var (
	defaultOnce sync.Once
	defaultSpec *Spec
)

// DefaultSpec returns the built-in spec for a self-manage-credentials policy,
// modelled on AWS's own example (seed 000). Policies without a spec get it. The
// returned value is shared: do not modify it.
func DefaultSpec() *Spec {
	defaultOnce.Do(func() {
		s, err := ParseSpec(defaultSpecYAML, "default-spec.yaml")
		if err != nil {
			panic("properties: the embedded default spec is invalid: " + err.Error())
		}
		s.File, s.Default, s.DefaultKind = "", true, DefaultSelfManage
		defaultSpec = s
	})
	return defaultSpec
}

// DefaultSpecYAML returns the text of the built-in default spec, a starting point
// for writing one's own.
func DefaultSpecYAML() []byte { return append([]byte(nil), defaultSpecYAML...) }

// MaxSpecSize bounds a spec file; real specs are a few kilobytes.
const MaxSpecSize = 1 << 20

// LoadSpec reads and validates a spec file: a regular file of at most MaxSpecSize bytes.
func LoadSpec(path string) (*Spec, error) {
	data, err := model.ReadFile(path, MaxSpecSize)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	return ParseSpec(data, path)
}

// FindSpec returns the spec file for a policy file by convention, or "" when
// there is none (the policy then gets DefaultSpec). It looks, in order, for
//
//  1. <dir>/<base>.spec.yaml or <dir>/<base>.spec.yml beside the policy (a user's
//     own repository; for a template or plan, its spec covers each of its identity
//     policies), and
//  2. <dir>/../specs/<base>.yaml (iamfuzz's corpus layout: corpus/policies/X.json
//     has its spec in corpus/specs/X.yaml),
//
// where <base> is the policy's file name without its extension. Both spellings
// of the first at once are an error: which one applies would be a guess.
func FindSpec(policyPath string) (string, error) {
	dir := filepath.Dir(policyPath)
	base := strings.TrimSuffix(filepath.Base(policyPath), filepath.Ext(policyPath))
	exists := func(p string) (bool, error) {
		fi, err := os.Stat(p)
		switch {
		case err == nil:
			return fi.Mode().IsRegular(), nil
		case errors.Is(err, fs.ErrNotExist):
			return false, nil
		}
		return false, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	yamlSpec, ymlSpec := filepath.Join(dir, base+".spec.yaml"), filepath.Join(dir, base+".spec.yml")
	a, err := exists(yamlSpec)
	if err != nil {
		return "", err
	}
	b, err := exists(ymlSpec)
	switch {
	case err != nil:
		return "", err
	case a && b:
		return "", fmt.Errorf("%w: %s and %s both exist: keep one", ErrBadInput, yamlSpec, ymlSpec)
	case a:
		return yamlSpec, nil
	case b:
		return ymlSpec, nil
	}
	corpus := filepath.Join(dir, "..", "specs", base+".yaml")
	if ok, err := exists(corpus); ok || err != nil {
		return corpus, err
	}
	return "", nil
}

// ParseSpec parses and validates a spec. file names the spec in errors. Every
// defect is reported (as SpecErrors), each with its YAML path, line and column.
func ParseSpec(data []byte, file string) (*Spec, error) {
	p := &specParser{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, SpecErrors{{File: file, Kind: ErrSpecSyntax, Msg: err.Error()}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, SpecErrors{{File: file, Kind: ErrSpecMissingKey, Msg: "the spec is empty; it needs at least \"version: 1\" and one invariant"}}
	}
	s := p.spec(doc.Content[0])
	if p.dropped > 0 {
		p.errs = append(p.errs, &SpecError{File: file, Kind: p.errs[len(p.errs)-1].Kind, Msg: fmt.Sprintf("%d more errors not shown", p.dropped)})
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	s.File = file
	return s, nil
}

type specParser struct {
	file    string
	errs    SpecErrors
	dropped int
}

// Bounds of a spec's error report: YAML aliases let a 1 KB spec repeat one long
// bad value thousands of times (11 MB of errors before the bound).
const (
	maxSpecErrors   = 100
	maxSpecErrorMsg = 512
)

func (p *specParser) errf(n *yaml.Node, path string, kind error, format string, args ...any) {
	if len(p.errs) >= maxSpecErrors {
		p.dropped++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if len(msg) > maxSpecErrorMsg {
		msg = msg[:maxSpecErrorMsg] + "…"
	}
	if len(path) > maxSpecErrorMsg {
		path = path[:maxSpecErrorMsg] + "…"
	}
	e := &SpecError{File: p.file, Path: path, Kind: kind, Msg: msg}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

// mapping reads a mapping with the given known keys; it reports duplicate and
// unknown keys and returns key → value node.
func (p *specParser) mapping(n *yaml.Node, path string, known ...string) map[string]*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errf(n, path, ErrSpecInvalidValue, "expected a mapping (key: value lines), found %s", describeNode(n))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := joinPath(path, k.Value)
		if _, dup := out[k.Value]; dup {
			p.errf(k, kp, ErrSpecDuplicate, "key %q is given twice", k.Value)
			continue
		}
		if !contains(known, k.Value) {
			hint := ""
			if s := closest(k.Value, known); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			p.errf(k, kp, ErrSpecUnknownKey, "unknown key %q%s; known keys: %s", k.Value, hint, strings.Join(known, ", "))
			continue
		}
		out[k.Value] = v
	}
	return out
}

func (p *specParser) str(n *yaml.Node, path string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errf(n, path, ErrSpecInvalidValue, "expected a string, found %s", describeNode(n))
		return "", false
	}
	return n.Value, true
}

// strList reads a sequence of strings; a single string is read as a list of one,
// as IAM reads its own list elements.
func (p *specParser) strList(n *yaml.Node, path string) ([]string, []*yaml.Node) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}, []*yaml.Node{n}
	}
	if n.Kind != yaml.SequenceNode {
		p.errf(n, path, ErrSpecInvalidValue, "expected a list of strings, found %s", describeNode(n))
		return nil, nil
	}
	if len(n.Content) == 0 {
		p.errf(n, path, ErrSpecInvalidValue, "the list is empty")
		return nil, nil
	}
	var out []string
	var nodes []*yaml.Node
	for i, it := range n.Content {
		if s, ok := p.str(it, fmt.Sprintf("%s[%d]", path, i)); ok {
			out = append(out, s)
			nodes = append(nodes, resolve(it))
		}
	}
	return out, nodes
}

func (p *specParser) enum(n *yaml.Node, path string, names []string) (int, bool) {
	s, ok := p.str(n, path)
	if !ok {
		return 0, false
	}
	for i, name := range names {
		if s == name {
			return i, true
		}
	}
	p.errf(n, path, ErrSpecInvalidValue, "%q is not one of: %s", s, strings.Join(names, ", "))
	return 0, false
}

func (p *specParser) spec(root *yaml.Node) *Spec {
	s := &Spec{}
	m := p.mapping(root, "", "version", "description", "mfa-gate", "owner-only", "liveness", "never", "only", "no-escalation", "no-full-access", "policies")
	if m == nil {
		return s
	}
	if v, ok := m["version"]; !ok {
		p.errf(root, "version", ErrSpecMissingKey, "missing \"version: 1\" (the spec format's version)")
	} else if str, ok := p.str(v, "version"); ok && str != "1" {
		p.errf(v, "version", ErrSpecInvalidValue, "version %q is not supported; this iamfuzz reads version 1", str)
	}
	if v, ok := m["description"]; ok {
		s.Description, _ = p.str(v, "description")
	}
	if v, ok := m["mfa-gate"]; ok {
		s.MFAGate = p.mfaGate(v, "mfa-gate")
	}
	if v, ok := m["owner-only"]; ok {
		s.OwnerOnly = p.ownerOnly(v, "owner-only")
	}
	if v, ok := m["liveness"]; ok {
		s.Liveness = p.liveness(v, "liveness")
	}
	if v, ok := m["never"]; ok {
		s.Never = p.never(v, "never")
	}
	if v, ok := m["only"]; ok {
		s.Only = p.only(v, "only")
	}
	if v, ok := m["no-escalation"]; ok {
		s.NoEscalation = p.flag(v, "no-escalation")
	}
	if v, ok := m["no-full-access"]; ok {
		s.NoFullAccess = p.flag(v, "no-full-access")
	}
	if v, ok := m["policies"]; ok {
		s.Policies = p.policies(v, "policies")
	}
	if len(p.errs) == 0 && len(s.Invariants()) == 0 {
		p.errf(root, "", ErrSpecMissingKey, "the spec defines no invariant: give at least one of mfa-gate, owner-only, liveness, never, only, no-escalation, no-full-access")
	}
	return s
}

func (p *specParser) mfaGate(n *yaml.Node, path string) *MFAGate {
	g := &MFAGate{}
	m := p.mapping(n, path, "allow-without-mfa")
	if m == nil {
		return g
	}
	v, ok := m["allow-without-mfa"]
	if !ok {
		p.errf(n, path+".allow-without-mfa", ErrSpecMissingKey, "missing the list of actions that may be allowed without MFA")
		return g
	}
	g.AllowWithoutMFA = p.actions(v, path+".allow-without-mfa", true)
	return g
}

// actions reads a list of action entries and checks each against the AWS action
// catalogue, so that a typo is caught here and not read as "never allowed".
func (p *specParser) actions(n *yaml.Node, path string, patterns bool) []string {
	list, nodes := p.strList(n, path)
	// A bare string stands for a list of one; its path has no index.
	bare := resolve(n).Kind == yaml.ScalarNode
	var out []string
	for i, a := range list {
		ip := fmt.Sprintf("%s[%d]", path, i)
		if bare {
			ip = path
		}
		svc, name, ok := strings.Cut(a, ":")
		if !ok || svc == "" || name == "" || strings.Contains(name, ":") {
			p.errf(nodes[i], ip, ErrSpecInvalidValue, "%q is not an action (service:Action)", a)
			continue
		}
		if isPattern(a) {
			if !patterns {
				p.errf(nodes[i], ip, ErrSpecInvalidValue, "%q: liveness actions are exact names; a wildcard would make the rule depend on the catalogue version", a)
				continue
			}
			if len(expandAction(a)) == 0 {
				p.errf(nodes[i], ip, ErrSpecUnknownAction, "%q matches no action in the AWS action catalogue", a)
				continue
			}
		} else if _, known := lookupAction(a); !known {
			hint := ""
			if s, ok := catData.Suggest(a); ok {
				hint = fmt.Sprintf(" (did you mean %s?)", s)
			}
			p.errf(nodes[i], ip, ErrSpecUnknownAction, "%q is not an action in the AWS action catalogue%s", a, hint)
			continue
		}
		out = append(out, a)
	}
	return out
}

func (p *specParser) template(n *yaml.Node, path string, star bool) (Template, bool) {
	s, ok := p.str(n, path)
	if !ok {
		return Template{}, false
	}
	t, err := compileTemplate(s, star)
	if err != nil {
		p.errf(n, path, ErrSpecTemplate, "%v", err)
		return Template{}, false
	}
	return t, true
}

func (p *specParser) ownerOnly(n *yaml.Node, path string) *OwnerOnly {
	o := &OwnerOnly{}
	m := p.mapping(n, path, "owned", "exceptions")
	if m == nil {
		return o
	}
	owned, ok := m["owned"]
	if !ok {
		p.errf(n, path+".owned", ErrSpecMissingKey, "missing the list of owned resource templates")
	} else {
		list, nodes := p.strList(owned, path+".owned")
		for i, s := range list {
			ip := fmt.Sprintf("%s.owned[%d]", path, i)
			t, err := compileTemplate(s, false)
			switch {
			case err != nil:
				p.errf(nodes[i], ip, ErrSpecTemplate, "%v", err)
			case t.iAccount == 0 || t.iName == 0:
				p.errf(nodes[i], ip, ErrSpecTemplate, "%q: an owned resource template needs {account} and {username}, which say whose resource it is", s)
			default:
				o.Owned = append(o.Owned, t)
			}
		}
	}
	if ex, ok := m["exceptions"]; ok {
		ex = resolve(ex)
		if ex.Kind != yaml.SequenceNode {
			p.errf(ex, path+".exceptions", ErrSpecInvalidValue, "expected a list of exceptions, found %s", describeNode(ex))
			return o
		}
		for i, en := range ex.Content {
			ep := fmt.Sprintf("%s.exceptions[%d]", path, i)
			em := p.mapping(en, ep, "actions", "resources", "reason")
			if em == nil {
				continue
			}
			e := &Exception{}
			for _, k := range []string{"actions", "resources", "reason"} {
				if _, ok := em[k]; !ok {
					why := ""
					if k == "reason" {
						why = ": every exception to owner-only must say why it is safe"
					}
					p.errf(en, ep+"."+k, ErrSpecMissingKey, "missing %q%s", k, why)
				}
			}
			if v, ok := em["actions"]; ok {
				e.Actions = p.actions(v, ep+".actions", true)
			}
			if v, ok := em["resources"]; ok {
				list, nodes := p.strList(v, ep+".resources")
				for j, s := range list {
					t, err := compileTemplate(s, true)
					if err != nil {
						p.errf(nodes[j], fmt.Sprintf("%s.resources[%d]", ep, j), ErrSpecTemplate, "%v", err)
						continue
					}
					e.Resources = append(e.Resources, t)
				}
			}
			if v, ok := em["reason"]; ok {
				if r, ok := p.str(v, ep+".reason"); ok && strings.TrimSpace(r) == "" {
					p.errf(v, ep+".reason", ErrSpecInvalidValue, "the reason is empty: every exception to owner-only must say why it is safe")
				} else {
					e.Reason = strings.TrimSpace(r)
				}
			}
			o.Exceptions = append(o.Exceptions, e)
		}
	}
	return o
}

func (p *specParser) liveness(n *yaml.Node, path string) []*LivenessRule {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		p.errf(n, path, ErrSpecInvalidValue, "expected a list of liveness rules, found %s", describeNode(n))
		return nil
	}
	var out []*LivenessRule
	names := map[string]string{}
	for i, rn := range n.Content {
		rp := fmt.Sprintf("%s[%d]", path, i)
		m := p.mapping(rn, rp, "name", "principal", "mfa", "expect", "severity", "reason", "resource", "actions", "context")
		if m == nil {
			continue
		}
		r := &LivenessRule{}
		for _, k := range []string{"name", "principal", "mfa", "expect", "resource", "actions"} {
			if _, ok := m[k]; !ok {
				p.errf(rn, rp+"."+k, ErrSpecMissingKey, "missing %q", k)
			}
		}
		valid := true
		if v, ok := m["name"]; ok {
			if s, ok := p.str(v, rp+".name"); ok {
				if prev, dup := names[s]; dup {
					p.errf(v, rp+".name", ErrSpecDuplicate, "rule name %q is also used by %s; names identify rules in reports", s, prev)
				}
				names[s] = rp
				r.Name = s
			}
		}
		if v, ok := m["principal"]; ok {
			i, ok := p.enum(v, rp+".principal", shapeNames)
			r.Principal, valid = PrincipalShape(i), valid && ok
		}
		if v, ok := m["mfa"]; ok {
			i, _ := p.enum(v, rp+".mfa", mfaReqNames)
			r.MFA = MFARequirement(i)
		}
		if v, ok := m["expect"]; ok {
			i, _ := p.enum(v, rp+".expect", expectNames)
			r.Expect = Expectation(i)
		}
		if v, ok := m["severity"]; ok {
			i, _ := p.enum(v, rp+".severity", []string{"error", "warning"})
			r.Severity = Severity(i)
		}
		if v, ok := m["reason"]; ok {
			r.Reason, _ = p.str(v, rp+".reason")
			r.Reason = strings.TrimSpace(r.Reason)
		}
		if r.Severity == SeverityWarning && r.Reason == "" {
			p.errf(rn, rp+".reason", ErrSpecMissingKey, "a rule with severity warning documents a known limitation: say why in \"reason\"")
		}
		var resNode *yaml.Node
		if v, ok := m["resource"]; ok {
			resNode = v
			t, ok := p.template(v, rp+".resource", false)
			r.Resource, valid = t, valid && ok
		}
		if v, ok := m["actions"]; ok {
			r.Actions = p.actions(v, rp+".actions", false)
		}
		if v, ok := m["context"]; ok {
			r.Context = p.fixedContext(v, rp+".context")
		}
		if valid && resNode != nil {
			p.checkLivenessResource(r, resNode, rp)
		}
		out = append(out, r)
	}
	return out
}

// checkLivenessResource checks that every action of a rule can be authorized
// against the rule's resource, by the catalogue; otherwise the rule would demand
// a request AWS never makes.
func (p *specParser) checkLivenessResource(r *LivenessRule, n *yaml.Node, rp string) {
	if r.Resource.HasUser() && r.Principal != ShapeUser && r.Principal != ShapePathedUser {
		p.errf(n, rp+".resource", ErrSpecTemplate, "{username} and {path} need an IAM user principal (user or pathed-user), not %s", r.Principal)
		return
	}
	example := Caller{Kind: UserCaller, Account: "111122223333", Name: "alice"}
	if r.Principal == ShapePathedUser {
		example.Path = "division/"
	}
	res := r.Resource.Instantiate(example)
	for _, a := range r.Actions {
		act, ok := lookupAction(a)
		if !ok || act.AcceptsResource(res) {
			continue
		}
		var want string
		if act.TakesNoResource() {
			want = `it takes no resource: use resource: "*"`
		} else {
			var types []string
			for _, rt := range act.ResourceTypes {
				types = append(types, rt.Name)
			}
			want = "it takes a resource of type " + strings.Join(types, " or ")
		}
		p.errf(n, rp+".resource", ErrSpecTemplate, "%s cannot be authorized against %q (%s); put it in a rule with a matching resource", a, r.Resource.Text, want)
	}
}

// resolve follows YAML aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing (null)"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unexpected node"
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the known key nearest to s by edit distance, if it is close.
func closest(s string, known []string) string {
	best, _ := model.Closest(s, known, 2)
	return best
}
