package properties

import (
	"fmt"
	"regexp"
	"strings"
)

// Template is an ARN template of a spec: literal text with the placeholders
// {account} (twelve digits), {path} (an IAM path without its leading slash: empty,
// or segments each ending in "/", such as "division_abc/") and {username} (an IAM
// name: letters, digits and +=,.@_-). In owner-only exceptions "*" matches any
// text. The single character "*" is the resource of actions that take none.
//
// {path} may only stand right before {username}: IAM ARNs put the path there, and
// the name is then the last segment, which is what makes ownership unambiguous.
type Template struct {
	Text string

	re                     *regexp.Regexp
	iAccount, iPath, iName int // submatch indices, 0 when absent
	// parts is Text split at its placeholders, so that instantiating needs no
	// replacer: a probe instantiates templates many times.
	parts []tplPart
}

// tplPart is literal text, or (lit empty) a placeholder.
type tplPart struct {
	lit string
	ph  uint8 // 0 literal, else phAccountID, phPathID or phNameID
}

const (
	phAccountID uint8 = iota + 1
	phPathID
	phNameID
)

// Placeholders known to templates.
const (
	phAccount  = "{account}"
	phPath     = "{path}"
	phUsername = "{username}"
)

// namePattern is IAM's user-name character set (docs/semantics.md §8.1).
const namePattern = `[\w+=,.@-]+`

// compileTemplate parses a template; star says whether "*" wildcards are allowed.
func compileTemplate(text string, star bool) (Template, error) {
	t := Template{Text: text}
	if text == "*" {
		t.re = regexp.MustCompile(`^\*$`)
		t.parts = []tplPart{{lit: "*"}}
		return t, nil
	}
	if !strings.HasPrefix(text, "arn:") {
		return t, fmt.Errorf("%q is not an ARN template (it must start with \"arn:\", or be \"*\" for actions that take no resource)", text)
	}
	if strings.Count(text, ":") < 5 {
		return t, fmt.Errorf("%q has fewer than six ARN fields (arn:partition:service:region:account:resource)", text)
	}
	var re strings.Builder
	re.WriteString("^")
	group := 0
	rest := text
	for rest != "" {
		i := strings.IndexAny(rest, "{*")
		if i < 0 {
			re.WriteString(regexp.QuoteMeta(rest))
			break
		}
		re.WriteString(regexp.QuoteMeta(rest[:i]))
		rest = rest[i:]
		if rest[0] == '*' {
			if !star {
				return t, fmt.Errorf("%q: \"*\" is only allowed in owner-only exceptions; owned resources and liveness requests are exact", text)
			}
			re.WriteString("(?s:.*)") // any text, newlines included
			rest = rest[1:]
			continue
		}
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return t, fmt.Errorf("%q: \"{\" without a closing \"}\"", text)
		}
		ph := rest[:j+1]
		rest = rest[j+1:]
		group++
		switch ph {
		case phAccount:
			if t.iAccount != 0 {
				return t, fmt.Errorf("%q: {account} appears twice", text)
			}
			t.iAccount = group
			re.WriteString(`([0-9]{12})`)
		case phPath:
			if t.iPath != 0 {
				return t, fmt.Errorf("%q: {path} appears twice", text)
			}
			if !strings.HasPrefix(rest, phUsername) {
				return t, fmt.Errorf("%q: {path} must be followed directly by {username}, as in user/{path}{username}", text)
			}
			t.iPath = group
			re.WriteString(`((?:[^/]+/)*)`)
		case phUsername:
			if t.iName != 0 {
				return t, fmt.Errorf("%q: {username} appears twice", text)
			}
			t.iName = group
			re.WriteString("(" + namePattern + ")")
		default:
			return t, fmt.Errorf("%q: unknown placeholder %s (known: {account}, {path}, {username})", text, ph)
		}
	}
	re.WriteString("$")
	t.re = regexp.MustCompile(re.String())
	t.parts = splitTemplate(text)
	return t, nil
}

// splitTemplate splits a template's text at its placeholders.
func splitTemplate(text string) []tplPart {
	var parts []tplPart
	for rest := text; rest != ""; {
		i, id, ph := -1, uint8(0), ""
		for k, p := range []string{phAccount, phPath, phUsername} {
			if j := strings.Index(rest, p); j >= 0 && (i < 0 || j < i) {
				i, id, ph = j, uint8(k+1), p
			}
		}
		if i < 0 {
			parts = append(parts, tplPart{lit: rest})
			break
		}
		if i > 0 {
			parts = append(parts, tplPart{lit: rest[:i]})
		}
		parts = append(parts, tplPart{ph: id})
		rest = rest[i+len(ph):]
	}
	return parts
}

// value returns a placeholder's value for the caller.
func (p tplPart) value(c Caller) string {
	switch p.ph {
	case phAccountID:
		return c.Account
	case phPathID:
		return c.Path
	case phNameID:
		return c.Name
	}
	return p.lit
}

// Match reports whether arn fits the template and returns the values of its
// placeholders ("" for those the template does not use).
func (t Template) Match(arn string) (account, path, username string, ok bool) {
	m := t.re.FindStringSubmatch(arn)
	if m == nil {
		return "", "", "", false
	}
	if t.iAccount > 0 {
		account = m[t.iAccount]
	}
	if t.iPath > 0 {
		path = m[t.iPath]
	}
	if t.iName > 0 {
		username = m[t.iName]
	}
	return account, path, username, true
}

// HasUser reports whether the template names a user ({username} or {path}).
func (t Template) HasUser() bool { return t.iName > 0 || t.iPath > 0 }

// Instantiate fills the placeholders with a caller's account, path and name.
func (t Template) Instantiate(c Caller) string {
	parts := t.parts
	if parts == nil {
		parts = splitTemplate(t.Text)
	}
	n := 0
	for _, p := range parts {
		n += len(p.value(c))
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts {
		b.WriteString(p.value(c))
	}
	return b.String()
}

// InstanceIs reports whether s is the template instantiated for c, without
// building the instance.
func (t Template) InstanceIs(c Caller, s string) bool {
	parts := t.parts
	if parts == nil {
		parts = splitTemplate(t.Text)
	}
	for _, p := range parts {
		v := p.value(c)
		if !strings.HasPrefix(s, v) {
			return false
		}
		s = s[len(v):]
	}
	return s == ""
}

func (t Template) String() string { return t.Text }
