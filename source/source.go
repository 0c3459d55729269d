package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamfuzz/iamfuzz/model"
)

// Kind is what a policy is attached to, which decides how it is evaluated and which
// invariants apply.
type Kind uint8

// Policy kinds.
const (
	// Identity is a policy attached to a user, group or role (AWS::IAM::Policy,
	// aws_iam_policy, a role's inline policies, a bare policy file).
	Identity Kind = iota
	// Trust is a role's trust policy (AssumeRolePolicyDocument,
	// aws_iam_role.assume_role_policy): a resource policy whose resource is the
	// role, written without a Resource element.
	Trust
	// Resource is a resource-based policy (S3 bucket and SQS queue policies).
	Resource
	// Boundary is a managed policy of the file that is a user's or role's
	// permissions boundary and attached to none (PermissionsBoundary): it
	// limits what identity policies allow and grants nothing itself.
	Boundary
)

func (k Kind) String() string {
	switch k {
	case Trust:
		return "trust"
	case Resource:
		return "resource"
	case Boundary:
		return "boundary"
	}
	return "identity"
}

// Format is the kind of file a policy came from.
type Format uint8

// File formats.
const (
	PolicyJSON Format = iota
	CloudFormation
	TerraformPlan
)

func (f Format) String() string {
	switch f {
	case CloudFormation:
		return "CloudFormation template"
	case TerraformPlan:
		return "Terraform plan"
	}
	return "policy JSON"
}

// Pos is a 1-based line and column (in characters) in a file; the zero Pos means
// unknown.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Known reports whether the position is known.
func (p Pos) Known() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Policy is one policy document found in a file.
type Policy struct {
	// Name identifies the policy in reports and in {"$ref": …}: the file for a bare
	// policy file, else the file, "#" and the logical id or plan address
	// (template.yaml#MyPolicy, plan.json#module.x.aws_iam_policy.y).
	Name string
	// File is the file the policy came from ("-" for standard input).
	File string
	// ID is the logical id (CloudFormation) or the address (Terraform) within File;
	// "" for a bare policy file.
	ID     string
	Kind   Kind
	Format Format
	// Doc is the policy document's JSON text: the file's own bytes for a bare policy
	// file, the resolved document for a template, the plan's string for a plan.
	Doc []byte
	// Pos is where the document starts in File.
	Pos Pos
	// Notes say which values of the document are placeholders and why.
	Notes []string
	// Err, when not nil, says why the document could not be extracted (it is not
	// known before apply, an intrinsic function cannot be resolved); Doc is then nil.
	Err error
	// Given is true for a template's policy when values were given for some of the
	// template's parameters (Reader): {"$ref": Name} reads the template without
	// them, so a replay must carry Doc itself.
	Given bool
	// Attached are the other identity policies of the users, groups and roles
	// this identity policy belongs to: the managed policies attached to them and
	// their policies written in the file (Attachment.Inline) (AttachedBundle).
	Attached []Attachment
	// Boundaries are the permissions boundaries of the users and roles the
	// identity policy belongs to, one per principal that has one
	// (PermissionsBoundary).
	Boundaries []Attachment

	// principals are the users, groups and roles of the file that the policy
	// belongs to, with or without managed policies.
	principals []string
	// docPath is the document's JSON path in a template
	// (Resources.App.Properties.Policies[1].PolicyDocument); "" in a plan,
	// whose policies are named by address.
	docPath string
	// spans map offsets in Doc to positions in File, in increasing offset order;
	// nil when Doc is File's own text (docIsFile) or positions inside Doc are not
	// positions in File (a plan's policy string).
	spans     []span
	docIsFile bool
	lines     []int // offsets of line starts in Doc, when docIsFile
}

type span struct {
	off int64
	pos Pos
}

// Precise reports whether Locate maps positions inside the document to the file,
// as it does for bare policy files and templates. A Terraform plan holds each policy
// as one JSON string: a position inside it is not a place in the plan, and reports
// name the plan address instead.
func (p *Policy) Precise() bool { return p.docIsFile || len(p.spans) > 0 }

// Locate maps a byte offset in Doc (a statement's or an error's, as the model
// reports them) to the position in File. For an imprecise policy it returns Pos.
func (p *Policy) Locate(off int64) Pos {
	switch {
	case off < 0:
		return p.Pos
	case p.docIsFile:
		return lineCol(p.Doc, p.lines, off)
	case len(p.spans) == 0:
		return p.Pos
	}
	i := sort.Search(len(p.spans), func(i int) bool { return p.spans[i].off > off })
	if i == 0 {
		return p.Pos
	}
	return p.spans[i-1].pos
}

// Where names a place in the policy for a human: "file:line:col" when the offset
// maps into the file, else the policy's name.
func (p *Policy) Where(off int64) string {
	if !p.Precise() {
		return p.Name
	}
	pos := p.Locate(off)
	return fmt.Sprintf("%s:%d:%d", p.File, pos.Line, pos.Column)
}

// ModelType is the model's policy type for parsing and validating the document.
func (p *Policy) ModelType() model.PolicyType {
	switch p.Kind {
	case Trust:
		return model.TrustPolicy
	case Resource:
		return model.ResourcePolicy
	case Boundary:
		return model.BoundaryPolicy
	}
	return model.IdentityPolicy
}

// Errors. Every error of Read wraps ErrInput and one of the more specific kinds.
var (
	// ErrInput is any input source cannot read: wrap-checked by callers that map it to
	// exit status 2.
	ErrInput = errors.New("bad input")
	// ErrNoPolicies: the file is valid but holds no policy (a template with no IAM
	// resources, a plan without policies) where one was required.
	ErrNoPolicies = errors.New("no policies")
	// ErrUnknownFormat: the file is neither policy JSON, nor a CloudFormation
	// template, nor a Terraform plan.
	ErrUnknownFormat = errors.New("not a policy, CloudFormation template or Terraform plan")
	// ErrSyntax: the file is not valid JSON or YAML.
	ErrSyntax = errors.New("syntax error")
	// ErrTemplate: the template breaks CloudFormation's rules (an unknown intrinsic
	// function, a Ref to nothing, a malformed argument).
	ErrTemplate = errors.New("invalid template")
	// ErrUnresolved: a document depends on a value known only at deploy or apply
	// time in a way no placeholder can stand for (a condition, a whole document).
	ErrUnresolved = errors.New("cannot be resolved offline")
	// ErrTooLarge: the file is over MaxFileSize or expands past the node limit.
	ErrTooLarge = errors.New("too large")
	// ErrNotFound: a $ref names a policy the file does not hold.
	ErrNotFound = errors.New("no such policy")
)

// Error is an error in a file, with its position when known.
type Error struct {
	File string
	Pos  Pos    // zero when unknown
	Path string // where in the file, e.g. Resources.MyPolicy.Properties.PolicyDocument
	Kind error  // one of the Err… sentinels
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Pos.Known() {
		fmt.Fprintf(&b, ":%d:%d", e.Pos.Line, e.Pos.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap makes errors.Is work with ErrInput and the specific kind.
func (e *Error) Unwrap() []error { return []error{ErrInput, e.Kind} }

// MaxFileSize bounds one input file. Terraform plans of large estates run to tens
// of megabytes; CloudFormation templates are at most 1 MB.
const MaxFileSize = 64 << 20

// ReadFile reads the policies of one file ("-" reads standard input). The file
// must be a regular file of at most MaxFileSize bytes (model.ReadFile: a FIFO, a
// device or a sparse giant is refused unread).
func ReadFile(path string, stdin io.Reader) ([]*Policy, error) { return readFile(path, stdin, nil) }

func readFile(path string, stdin io.Reader, rd *Reader) ([]*Policy, error) {
	var data []byte
	var err error
	if path == "-" {
		if data, err = io.ReadAll(io.LimitReader(stdin, MaxFileSize+1)); err == nil && len(data) > MaxFileSize {
			return nil, &Error{File: path, Kind: ErrTooLarge, Msg: fmt.Sprintf("over the %d-byte limit", MaxFileSize)}
		}
	} else {
		data, err = model.ReadFile(path, MaxFileSize)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	return readWith(path, data, rd)
}

// Read finds the policies in a file's contents; name is the file's name, used in
// policy names and errors. The format is recognised by content, not by file name:
// a JSON object with Statement is a policy; Resources or AWSTemplateFormatVersion
// make a template; planned_values or format_version with terraform_version make
// a plan. A file in none of these formats is an error wrapping ErrUnknownFormat.
// The file's encoding is not part of its text (model.Text: a UTF-8 byte-order
// mark, UTF-16): positions are counted in its text, as editors show them.
func Read(name string, data []byte) ([]*Policy, error) { return readWith(name, data, nil) }

func readWith(name string, data []byte, rd *Reader) ([]*Policy, error) {
	data = model.Text(data)
	f, root, err := detect(name, data)
	if err != nil {
		return nil, err
	}
	switch f {
	case CloudFormation:
		return readTemplate(name, root, rd)
	case TerraformPlan:
		return readPlan(name, root)
	}
	return []*Policy{Bare(name, data)}, nil
}

// Bare is a policy file taken as it is: the model parses its bytes, and positions
// in them are positions in the file.
func Bare(name string, data []byte) *Policy {
	p := &Policy{Name: name, File: name, Kind: Identity, Format: PolicyJSON, Doc: data, docIsFile: true, Pos: Pos{1, 1}}
	p.lines = lineStarts(data)
	return p
}

// looksLikeJSON: the first non-space byte opens a JSON object.
func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// detect recognises the file's format and parses it into a node tree (nil for a bare
// policy, which the model parses itself).
func detect(name string, data []byte) (Format, *node, error) {
	data = model.Text(data)
	var root *node
	var err error
	if looksLikeJSON(data) {
		root, err = parseJSON(name, data)
		if err != nil {
			// A malformed bare policy is the model's to explain (JSON path, kind).
			if bytes.Contains(data, []byte(`"Statement"`)) && !bytes.Contains(data, []byte(`"Resources"`)) {
				return PolicyJSON, nil, nil
			}
			return 0, nil, err
		}
	} else {
		root, err = parseYAML(name, data)
		if err != nil {
			return 0, nil, err
		}
	}
	if root == nil || root.kind != nMap {
		return 0, nil, &Error{File: name, Kind: ErrUnknownFormat, Msg: "the file is not a JSON or YAML object"}
	}
	switch {
	case root.get("Statement") != nil && root.get("Resources") == nil:
		if !looksLikeJSON(data) {
			return 0, nil, &Error{File: name, Kind: ErrUnknownFormat, Msg: "a policy document must be JSON (IAM does not accept YAML)"}
		}
		return PolicyJSON, nil, nil
	case root.get("Resources") != nil || root.get("AWSTemplateFormatVersion") != nil:
		return CloudFormation, root, nil
	case root.get("planned_values") != nil || (root.get("format_version") != nil && root.get("terraform_version") != nil):
		return TerraformPlan, root, nil
	}
	if hint := cliOutput(root); hint != "" {
		return 0, nil, &Error{File: name, Kind: ErrUnknownFormat, Msg: hint}
	}
	return 0, nil, &Error{File: name, Kind: ErrUnknownFormat,
		Msg: "not a policy (no Statement), a CloudFormation template (no Resources) or a Terraform plan from terraform show -json (no planned_values)"}
}

// cliOutput recognises the AWS CLI's answer holding a policy (a file saved with
// aws iam get-policy-version ... > policy.json) and says how to save the policy
// alone; "" for anything else.
func cliOutput(root *node) string {
	const msg = "AWS CLI output (%s), not a policy: the policy is its %s; save it alone with %s"
	switch {
	case root.get("PolicyVersion").get("Document") != nil:
		return fmt.Sprintf(msg, "aws iam get-policy-version", "PolicyVersion.Document", "--query PolicyVersion.Document")
	case root.get("PolicyDocument") != nil && root.get("PolicyName") != nil:
		return fmt.Sprintf(msg, "aws iam get-role-policy, get-user-policy or get-group-policy", "PolicyDocument", "--query PolicyDocument")
	case root.get("Role").get("AssumeRolePolicyDocument") != nil:
		return fmt.Sprintf(msg, "aws iam get-role", "Role.AssumeRolePolicyDocument (the trust policy)", "--query Role.AssumeRolePolicyDocument")
	case len(root.keys) == 1 && root.get("Policy") != nil && root.get("Policy").kind == nStr:
		return fmt.Sprintf(msg, "aws s3api get-bucket-policy", "Policy string", "--query Policy --output text")
	}
	return ""
}

// HoldsPolicies reports whether a file found while walking a folder is an input:
// a policy, or a template or plan with at least one policy. Other JSON and YAML
// (package.json, specs, workflows) is not, and neither is a file that does not
// parse unless it looks like a policy (then the model names its defect).
func HoldsPolicies(name string, data []byte) bool {
	f, root, err := detect(name, data)
	if err != nil {
		return false
	}
	switch f {
	case CloudFormation:
		ps, err := readTemplate(name, root, nil)
		return err != nil || len(ps) > 0
	case TerraformPlan:
		ps, err := readPlan(name, root)
		return err != nil || len(ps) > 0
	}
	return true
}

// lineStarts returns the offsets at which lines start.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineCol converts a byte offset into a line and a column counted in characters.
func lineCol(data []byte, starts []int, off int64) Pos {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	l := sort.Search(len(starts), func(i int) bool { return int64(starts[i]) > off }) - 1
	if l < 0 {
		l = 0
	}
	return Pos{Line: l + 1, Column: utf8.RuneCount(data[starts[l]:off]) + 1}
}
