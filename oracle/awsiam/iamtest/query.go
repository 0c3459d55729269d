package iamtest

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Simulation is one SimulateCustomPolicy or SimulatePrincipalPolicy request, read
// from the Query protocol's form parameters.
type Simulation struct {
	Operation       string // SimulateCustomPolicy or SimulatePrincipalPolicy
	PolicySourceArn string // SimulatePrincipalPolicy

	PolicyInputList                    []string
	PermissionsBoundaryPolicyInputList []string
	// OrganizationPolicies are the SCP levels of OrderedOrganizationPolicyInputList,
	// root first.
	OrganizationPolicies [][]string
	ResourcePolicy       *string

	CallerArn              string
	ResourceOwner          string
	ResourceHandlingOption string

	ActionNames []string
	// ResourceArns is nil when the request named no resources (the simulator then
	// simulates "*").
	ResourceArns   []string
	ContextEntries []ContextEntry

	MaxItems int    // 0 when not given
	Marker   string // "" when not given

	// From and To select the actions to answer, ActionNames[From:To]: the handler
	// asks only for the page it sends, so that a request's work is bounded by its
	// page, not by every action × resource pair it names. To 0 means all.
	From, To int
}

// window returns the actions of the page asked for.
func (s *Simulation) window() []string {
	if s.To <= 0 {
		return s.ActionNames
	}
	return s.ActionNames[s.From:s.To]
}

// ContextEntry is one context key of a simulation.
type ContextEntry struct {
	Name   string
	Type   string
	Values []string
}

// contextKeyTypes are the ContextKeyType values the API accepts.
var contextKeyTypes = map[string]bool{
	"string": true, "stringList": true, "numeric": true, "numericList": true, "boolean": true, "booleanList": true,
	"ip": true, "ipList": true, "binary": true, "binaryList": true, "date": true, "dateList": true,
}

// parseSimulation reads the parameters of op from form. Errors are ValidationError
// or InvalidInput API errors, as IAM answers malformed requests.
func parseSimulation(op string, form url.Values) (*Simulation, error) {
	s := &Simulation{Operation: op}
	var err error
	if s.ActionNames, _, err = memberList(form, "ActionNames"); err != nil {
		return nil, err
	}
	if len(s.ActionNames) == 0 {
		return nil, validation("Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	for _, a := range s.ActionNames {
		if len(a) < 3 || len(a) > 128 {
			return nil, validation(fmt.Sprintf("Value %q at 'actionNames' failed to satisfy constraint: Member must have length between 3 and 128", a))
		}
	}
	var present bool
	if s.PolicyInputList, present, err = memberList(form, "PolicyInputList"); err != nil {
		return nil, err
	}
	switch op {
	case opCustom:
		if !present {
			return nil, validation("Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
		}
	case opPrincipal:
		s.PolicySourceArn = form.Get("PolicySourceArn")
		if len(s.PolicySourceArn) < 20 || len(s.PolicySourceArn) > 2048 {
			return nil, validation("Value at 'policySourceArn' failed to satisfy constraint: Member must have length between 20 and 2048")
		}
	}
	if _, ok := form["PolicyExclusionList"]; ok || hasPrefix(form, "PolicyExclusionList.") {
		// Ignoring it would silently change which policies decide.
		return nil, invalidInput("PolicyExclusionList is not supported by this endpoint")
	}
	if s.PermissionsBoundaryPolicyInputList, _, err = memberList(form, "PermissionsBoundaryPolicyInputList"); err != nil {
		return nil, err
	}
	if len(s.PermissionsBoundaryPolicyInputList) > 1 {
		return nil, invalidInput("PermissionsBoundaryPolicyInputList accepts one permissions boundary")
	}
	levels, err := indices(form, "OrderedOrganizationPolicyInputList.member.")
	if err != nil {
		return nil, err
	}
	for _, n := range levels {
		l, _, err := memberList(form, fmt.Sprintf("OrderedOrganizationPolicyInputList.member.%d.ServiceControlPolicyInputList", n))
		if err != nil {
			return nil, err
		}
		s.OrganizationPolicies = append(s.OrganizationPolicies, l)
	}
	if op == opPrincipal && len(levels) > 0 {
		return nil, invalidInput("OrderedOrganizationPolicyInputList is a SimulateCustomPolicy parameter")
	}
	if v, ok := form["ResourcePolicy"]; ok {
		s.ResourcePolicy = &v[0]
	}
	s.CallerArn, s.ResourceOwner, s.ResourceHandlingOption = form.Get("CallerArn"), form.Get("ResourceOwner"), form.Get("ResourceHandlingOption")
	if s.ResourceArns, present, err = memberList(form, "ResourceArns"); err != nil {
		return nil, err
	}
	if !present {
		s.ResourceArns = nil
	}
	for _, r := range s.ResourceArns {
		if len(r) < 1 || len(r) > 2048 {
			return nil, validation("Value at 'resourceArns' failed to satisfy constraint: Member must have length between 1 and 2048")
		}
	}
	entries, err := indices(form, "ContextEntries.member.")
	if err != nil {
		return nil, err
	}
	for _, n := range entries {
		p := fmt.Sprintf("ContextEntries.member.%d.", n)
		e := ContextEntry{Name: form.Get(p + "ContextKeyName"), Type: form.Get(p + "ContextKeyType")}
		if len(e.Name) < 5 || len(e.Name) > 256 {
			return nil, validation(fmt.Sprintf("Value %q at 'contextEntries.%d.member.contextKeyName' failed to satisfy constraint: Member must have length between 5 and 256", e.Name, n))
		}
		if e.Type != "" && !contextKeyTypes[e.Type] {
			return nil, validation(fmt.Sprintf("Value %q at 'contextEntries.%d.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]", e.Type, n))
		}
		if e.Values, _, err = memberList(form, p+"ContextKeyValues"); err != nil {
			return nil, err
		}
		s.ContextEntries = append(s.ContextEntries, e)
	}
	if v := form.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, validation(fmt.Sprintf("Value %q at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", v))
		}
		s.MaxItems = n
	}
	s.Marker = form.Get("Marker")
	if len(s.Marker) > 320 {
		return nil, validation("Value at 'marker' failed to satisfy constraint: Member must have length less than or equal to 320")
	}
	return s, nil
}

// memberList reads a Query list: prefix.member.1, prefix.member.2, … An empty list
// is sent as "prefix=" with no members. present says whether the list was sent.
func memberList(form url.Values, prefix string) (out []string, present bool, err error) {
	ns, err := indices(form, prefix+".member.")
	if err != nil {
		return nil, false, err
	}
	_, empty := form[prefix]
	if len(ns) == 0 {
		if empty {
			return []string{}, true, nil
		}
		return nil, false, nil
	}
	out = make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, form.Get(fmt.Sprintf("%s.member.%d", prefix, n)))
	}
	return out, true, nil
}

// indices returns the member numbers under prefix ("X.member.") in order; they must
// run 1, 2, … without gaps.
func indices(form url.Values, prefix string) ([]int, error) {
	seen := map[int]bool{}
	for k := range form {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest = rest[:i]
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 {
			return nil, validation(fmt.Sprintf("parameter %s: %q is not a member number", k, rest))
		}
		seen[n] = true
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	for i, n := range out {
		if n != i+1 {
			return nil, validation(fmt.Sprintf("parameters %s…: member %d is missing", prefix, i+1))
		}
	}
	return out, nil
}

func hasPrefix(form url.Values, prefix string) bool {
	for k := range form {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
