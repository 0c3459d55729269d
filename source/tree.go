package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v3"
)

// node is a JSON or YAML value with its position in the file: templates and plans
// are read into nodes, so that JSON and YAML share one resolver and every resolved
// value keeps the line it came from.
type node struct {
	kind   nodeKind
	pos    Pos
	str    string // a string's value, a number's literal, "true" or "false"
	keys   []string
	keyPos []Pos
	vals   []*node
	items  []*node

	// placeholder marks a value that stands for something unknown offline (a
	// parameter without a default, Fn::GetAtt): it may appear in a policy, but a
	// condition or a map lookup cannot decide on it.
	placeholder bool
	// noValue is AWS::NoValue: the member or item that holds it is removed.
	noValue bool
}

type nodeKind uint8

const (
	nNull nodeKind = iota
	nBool
	nNum
	nStr
	nSeq
	nMap
)

func (k nodeKind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "a list", "an object"}[k]
}

// get returns the value of a key of an object, or nil.
func (n *node) get(k string) *node {
	if n == nil || n.kind != nMap {
		return nil
	}
	for i, key := range n.keys {
		if key == k {
			return n.vals[i]
		}
	}
	return nil
}

// list returns the items of a list; nil for anything else, nil included.
func (n *node) list() []*node {
	if n == nil || n.kind != nSeq {
		return nil
	}
	return n.items
}

func strNode(s string, pos Pos) *node { return &node{kind: nStr, str: s, pos: pos} }

// maxNodes bounds the values of a YAML file, aliases expanded: aliases can
// otherwise make a small file expand exponentially. CloudFormation takes templates
// up to 1 MB, far fewer values than this.
const maxNodes = 1 << 20

// parseJSON reads JSON into nodes. Duplicate names are errors, as in IAM.
func parseJSON(name string, data []byte) (*node, error) {
	starts := lineStarts(data)
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	at := func(off int64) Pos { return lineCol(data, starts, skipSeparators(data, off)) }
	fail := func(err error) error {
		var se *jsontext.SyntacticError
		pos := Pos{}
		msg := err.Error()
		if errors.As(err, &se) {
			pos = lineCol(data, starts, se.ByteOffset)
			msg = se.Err.Error()
			if se.JSONPointer != "" {
				msg = fmt.Sprintf("at %s: %s", se.JSONPointer, msg)
			}
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			msg = "the file ends in the middle of a JSON value (truncated?)"
		}
		return &Error{File: name, Pos: pos, Kind: ErrSyntax, Msg: msg}
	}
	var value func() (*node, error)
	value = func() (*node, error) {
		start := dec.InputOffset()
		pos := at(start)
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, fail(err)
		}
		switch tok.Kind() {
		case '{':
			n := &node{kind: nMap, pos: pos}
			for dec.PeekKind() != '}' {
				kpos := at(dec.InputOffset())
				kt, err := dec.ReadToken()
				if err != nil {
					return nil, fail(err)
				}
				key := kt.String() // before the next read voids the token
				v, err := value()
				if err != nil {
					return nil, err
				}
				n.keys, n.keyPos, n.vals = append(n.keys, key), append(n.keyPos, kpos), append(n.vals, v)
			}
			if _, err := dec.ReadToken(); err != nil {
				return nil, fail(err)
			}
			return n, nil
		case '[':
			n := &node{kind: nSeq, pos: pos}
			for dec.PeekKind() != ']' {
				v, err := value()
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.ReadToken(); err != nil {
				return nil, fail(err)
			}
			return n, nil
		case '"':
			return &node{kind: nStr, pos: pos, str: tok.String()}, nil
		case '0':
			lit := bytes.TrimLeft(data[skipSeparators(data, start):dec.InputOffset()], " \t\r\n,:")
			return &node{kind: nNum, pos: pos, str: string(lit)}, nil
		case 't', 'f':
			return &node{kind: nBool, pos: pos, str: strconv.FormatBool(tok.Kind() == 't')}, nil
		case 'n':
			return &node{kind: nNull, pos: pos}, nil
		}
		return nil, fail(fmt.Errorf("unexpected %v", tok))
	}
	root, err := value()
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, &Error{File: name, Pos: at(dec.InputOffset()), Kind: ErrSyntax, Msg: "more data after the top-level value"}
	}
	return root, nil
}

// skipSeparators moves an offset past white space and the separators that the
// decoder leaves before a token.
func skipSeparators(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML reads the first YAML document into nodes. CloudFormation's short-form
// intrinsics (!Ref, !Sub, !GetAtt …) become their long forms ({"Ref": …},
// {"Fn::Sub": …}), so that one resolver serves JSON and YAML.
func parseYAML(name string, data []byte) (*node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &Error{File: name, Kind: ErrUnknownFormat, Msg: "the file is empty"}
		}
		e := &Error{File: name, Kind: ErrSyntax, Msg: err.Error()}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			l, _ := strconv.Atoi(m[1])
			e.Pos, e.Msg = Pos{Line: l, Column: 1}, m[2]
		}
		return nil, e
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &Error{File: name, Kind: ErrUnknownFormat, Msg: "the file is empty"}
	}
	c := &yamlConv{name: name}
	return c.conv(doc.Content[0], 0)
}

type yamlConv struct {
	name  string
	count int
}

func (c *yamlConv) errf(n *yaml.Node, format string, args ...any) error {
	return &Error{File: c.name, Pos: Pos{n.Line, n.Column}, Kind: ErrSyntax, Msg: fmt.Sprintf(format, args...)}
}

func (c *yamlConv) conv(n *yaml.Node, depth int) (*node, error) {
	c.count++
	if c.count > maxNodes || depth > 10000 {
		return nil, &Error{File: c.name, Pos: Pos{n.Line, n.Column}, Kind: ErrTooLarge, Msg: fmt.Sprintf("more than %d values (aliases expanded) or nesting deeper than 10000", maxNodes)}
	}
	pos := Pos{n.Line, n.Column}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, c.errf(n, "an alias to nothing")
		}
		return c.conv(n.Alias, depth+1)
	}
	if fn, ok := shortForm(n.Tag); ok {
		plain := *n
		plain.Tag = ""
		if n.Kind == yaml.ScalarNode {
			plain.Tag = "!!str"
		}
		arg, err := c.conv(&plain, depth+1)
		if err != nil {
			return nil, err
		}
		if fn == "Fn::GetAtt" && arg.kind == nStr {
			// !GetAtt Resource.Attribute: the attribute may itself contain dots.
			res, attr, _ := strings.Cut(arg.str, ".")
			arg = &node{kind: nSeq, pos: pos, items: []*node{strNode(res, pos), strNode(attr, pos)}}
		}
		return &node{kind: nMap, pos: pos, keys: []string{fn}, keyPos: []Pos{pos}, vals: []*node{arg}}, nil
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, &Error{File: c.name, Pos: pos, Kind: ErrTemplate, Msg: fmt.Sprintf("unknown tag %s: CloudFormation's short forms are !Ref, !Condition and !Fn (e.g. !Sub, !GetAtt, !Join)", n.Tag)}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return c.scalar(n)
	case yaml.SequenceNode:
		out := &node{kind: nSeq, pos: pos}
		for _, it := range n.Content {
			v, err := c.conv(it, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := &node{kind: nMap, pos: pos}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, c.errf(k, "a key must be a plain string")
			}
			if k.Value == "<<" && k.Tag == "!!merge" {
				return nil, c.errf(k, "YAML merge keys (<<) are not supported: CloudFormation does not accept them")
			}
			if seen[k.Value] {
				return nil, &Error{File: c.name, Pos: Pos{k.Line, k.Column}, Kind: ErrSyntax, Msg: fmt.Sprintf("duplicate key %q", k.Value)}
			}
			seen[k.Value] = true
			val, err := c.conv(v, depth+1)
			if err != nil {
				return nil, err
			}
			out.keys, out.keyPos, out.vals = append(out.keys, k.Value), append(out.keyPos, Pos{k.Line, k.Column}), append(out.vals, val)
		}
		return out, nil
	}
	return nil, c.errf(n, "unexpected YAML node")
}

// scalar keeps YAML's types where JSON has them (numbers, booleans, null) and
// takes everything else (timestamps, binary) as the string it was written as.
func (c *yamlConv) scalar(n *yaml.Node) (*node, error) {
	pos := Pos{n.Line, n.Column}
	switch n.ShortTag() {
	case "!!null":
		return &node{kind: nNull, pos: pos}, nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return strNode(n.Value, pos), nil
		}
		return &node{kind: nBool, pos: pos, str: strconv.FormatBool(b)}, nil
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return &node{kind: nNum, pos: pos, str: strconv.FormatInt(i, 10)}, nil
		}
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return &node{kind: nNum, pos: pos, str: strconv.FormatFloat(f, 'g', -1, 64)}, nil
		}
	}
	return strNode(n.Value, pos), nil
}

// shortForm maps a YAML tag to its intrinsic function's long name.
func shortForm(tag string) (string, bool) {
	switch tag {
	case "!Ref":
		return "Ref", true
	case "!Condition":
		return "Condition", true
	}
	switch name := strings.TrimPrefix(tag, "!"); name {
	case "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
		"Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString":
		return "Fn::" + name, true
	}
	return "", false
}
