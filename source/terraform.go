package source

import (
	"fmt"
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
	planAttach(root, vals.get("root_module"), out)
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

func strOf(n *node) string {
	if n == nil || n.kind != nStr {
		return ""
	}
	return n.str
}
