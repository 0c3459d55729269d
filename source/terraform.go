package source

import (
	"fmt"
	"slices"
	"strings"
)

// planFields lists, per Terraform resource type, the attributes that hold a
// policy document (as JSON text) and their kind.
var planFields = map[string][]struct {
	attr string
	kind Kind
}{
	"aws_iam_policy":       {{"policy", Identity}},
	"aws_iam_user_policy":  {{"policy", Identity}},
	"aws_iam_group_policy": {{"policy", Identity}},
	"aws_iam_role_policy":  {{"policy", Identity}},
	"aws_iam_role":         {{"assume_role_policy", Trust}},
	"aws_s3_bucket_policy": {{"policy", Resource}},
	"aws_sqs_queue_policy": {{"policy", Resource}},
}

// readPlan extracts the policies of a plan (terraform show -json plan) or a state
// (terraform show -json): planned_values (or values) with its root module and
// child modules, recursively. Each policy is named by its resource address, with
// the attribute for a role's trust and inline policies.
func readPlan(name string, root *node) ([]*Policy, error) {
	vals := root.get("planned_values")
	if vals == nil {
		vals = root.get("values")
	}
	var out []*Policy
	managed := planAttachments(vals.get("root_module"), 0)
	var walk func(m *node, depth int) error
	walk = func(m *node, depth int) error {
		if m == nil {
			return nil
		}
		if m.kind != nMap || depth > 100 {
			return &Error{File: name, Pos: m.pos, Kind: ErrUnknownFormat, Msg: "a module in the plan is not an object"}
		}
		for _, r := range m.get("resources").list() {
			if mode := r.get("mode"); mode != nil && mode.str != "managed" {
				continue // data sources (aws_iam_policy_document) feed the managed resources checked here
			}
			typ, addr := r.get("type"), r.get("address")
			if typ == nil || addr == nil || typ.kind != nStr || addr.kind != nStr {
				continue
			}
			values := r.get("values")
			first := len(out)
			for _, f := range planFields[typ.str] {
				id := addr.str
				if f.attr == "assume_role_policy" {
					id += "." + f.attr
				}
				out = append(out, planPolicy(name, id, f.kind, values.get(f.attr), r.pos))
			}
			if typ.str == "aws_iam_role" {
				for i, ip := range values.get("inline_policy").list() {
					id := fmt.Sprintf("%s.inline_policy[%d]", addr.str, i)
					if n := ip.get("name"); n != nil && n.kind == nStr && n.str != "" {
						id = fmt.Sprintf("%s.inline_policy[%q]", addr.str, n.str)
					}
					out = append(out, planPolicy(name, id, Identity, ip.get("policy"), ip.pos))
				}
			}
			if note := managed.note(typ.str, values); note != "" {
				for _, p := range out[first:] {
					p.Notes = append(p.Notes, note)
				}
			}
		}
		for _, c := range m.get("child_modules").list() {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(vals.get("root_module"), 0); err != nil {
		return nil, err
	}
	return out, nil
}

// planPolicy is one policy attribute of a plan: Terraform holds the document as
// JSON text, so positions inside it are not places in the plan file and reports
// name the address.
func planPolicy(file, id string, kind Kind, v *node, at Pos) *Policy {
	p := &Policy{Name: file + "#" + id, File: file, ID: id, Kind: kind, Format: TerraformPlan, Pos: at}
	switch {
	case v == nil || v.kind == nNull:
		p.Err = &Error{File: file, Pos: at, Path: id, Kind: ErrUnresolved,
			Msg: "the plan does not hold this policy: it depends on values known only after apply (see resource_changes[].change.after_unknown); check it after apply with terraform show -json"}
	case v.kind != nStr:
		p.Err = &Error{File: file, Pos: v.pos, Path: id, Kind: ErrUnknownFormat, Msg: fmt.Sprintf("the policy is %s, not JSON text", v.kind)}
	default:
		p.Doc, p.Pos = []byte(v.str), v.pos
	}
	return p
}

// planManaged lists the managed policies a plan attaches to users, groups and
// roles by name, where the plan knows the policy's ARN: an ARN known only after
// apply is a policy of the plan itself, checked as its own resource.
type planManaged map[string][]string // "role app", "user alice", "group devs" -> ARNs

// planAttachments collects the policy attachments of a module and its children.
func planAttachments(m *node, depth int) planManaged {
	out := planManaged{}
	var walk func(m *node, depth int)
	walk = func(m *node, depth int) {
		if m == nil || m.kind != nMap || depth > 100 {
			return
		}
		for _, r := range m.get("resources").list() {
			typ, values := r.get("type"), r.get("values")
			if typ != nil && typ.str == "aws_iam_role" {
				key := "role " + strOf(values.get("name"))
				for _, a := range values.get("managed_policy_arns").list() {
					if a.kind == nStr && !slices.Contains(out[key], a.str) {
						out[key] = append(out[key], a.str)
					}
				}
				continue
			}
			arn := values.get("policy_arn")
			if typ == nil || arn == nil || arn.kind != nStr {
				continue
			}
			switch typ.str {
			case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment":
				for _, who := range []string{"role", "user", "group"} {
					if n := values.get(who); n != nil && n.kind == nStr {
						out[who+" "+n.str] = append(out[who+" "+n.str], arn.str)
					}
				}
			case "aws_iam_policy_attachment":
				for _, who := range []string{"role", "user", "group"} {
					for _, n := range values.get(who + "s").list() {
						if n.kind == nStr {
							out[who+" "+n.str] = append(out[who+" "+n.str], arn.str)
						}
					}
				}
			}
		}
		for _, c := range m.get("child_modules").list() {
			walk(c, depth+1)
		}
	}
	walk(m, depth)
	return out
}

// note names the managed policies attached to the user, group or role a
// resource's policies belong to (a role, or an inline policy of a user, group or
// role), which iamfuzz does not check: a role given AdministratorAccess showed
// only its trust policy, skipped.
func (pm planManaged) note(typ string, values *node) string {
	var who, name string
	switch typ {
	case "aws_iam_role":
		who, name = "role", strOf(values.get("name"))
	case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		who = typ[len("aws_iam_") : len(typ)-len("_policy")]
		name = strOf(values.get(who))
	default:
		return ""
	}
	arns := pm[who+" "+name]
	if name == "" || len(arns) == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s also has managed policies that iamfuzz does not check: %s", who, name, strings.Join(arns, ", "))
}

func strOf(n *node) string {
	if n == nil || n.kind != nStr {
		return ""
	}
	return n.str
}
