package iamtest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"

	"github.com/iamfuzz/iamfuzz/model"
)

// xmlns is the IAM Query API's namespace, on every response document.
const xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"

// EvaluationResult is one result of a simulation, in the shape of the current API
// model: one per action, with one ResourceSpecificResult per simulated resource.
type EvaluationResult struct {
	EvalActionName    string
	EvalResourceName  string // the action's ARN template, or "*"
	EvalDecision      string // allowed, explicitDeny, implicitDeny
	MatchedStatements []Statement
	// MissingContextValues is always written, empty or not, as IAM does.
	MissingContextValues []string
	// AllowedByOrganizations is written as OrganizationsDecisionDetail when set.
	AllowedByOrganizations *bool
	// AllowedByPermissionsBoundary is written as PermissionsBoundaryDecisionDetail
	// when set.
	AllowedByPermissionsBoundary *bool
	EvalDecisionDetails          map[string]string
	ResourceSpecificResults      []ResourceSpecificResult
}

// ResourceSpecificResult is the result for one resource.
type ResourceSpecificResult struct {
	EvalResourceName             string
	EvalResourceDecision         string
	MatchedStatements            []Statement
	MissingContextValues         []string
	AllowedByPermissionsBoundary *bool
	EvalDecisionDetails          map[string]string
}

// Statement is a matched statement: which input policy, and where in its text.
type Statement struct {
	SourcePolicyID   string
	SourcePolicyType string // "" to leave it out, as AWS does for input policies
	Start, End       model.Position
}

// xmlWriter builds a response document. Writing by hand keeps the exact shape the
// SDK's deserializer reads: lists as <member> elements, empty lists as empty
// elements, maps as <entry><key/><value/></entry>.
type xmlWriter struct{ b bytes.Buffer }

func (w *xmlWriter) open(name string)  { w.b.WriteString("<" + name + ">") }
func (w *xmlWriter) close(name string) { w.b.WriteString("</" + name + ">") }

func (w *xmlWriter) text(name, value string) {
	w.open(name)
	_ = xml.EscapeText(&w.b, []byte(value))
	w.close(name)
}

func (w *xmlWriter) strings(name string, values []string) {
	if len(values) == 0 {
		w.b.WriteString("<" + name + "/>")
		return
	}
	w.open(name)
	for _, v := range values {
		w.text("member", v)
	}
	w.close(name)
}

func (w *xmlWriter) statements(name string, sts []Statement) {
	if len(sts) == 0 {
		w.b.WriteString("<" + name + "/>")
		return
	}
	w.open(name)
	for _, s := range sts {
		w.open("member")
		w.text("SourcePolicyId", s.SourcePolicyID)
		if s.SourcePolicyType != "" {
			w.text("SourcePolicyType", s.SourcePolicyType)
		}
		w.position("StartPosition", s.Start)
		w.position("EndPosition", s.End)
		w.close("member")
	}
	w.close(name)
}

func (w *xmlWriter) position(name string, p model.Position) {
	w.open(name)
	w.text("Line", strconv.Itoa(p.Line))
	w.text("Column", strconv.Itoa(p.Column))
	w.close(name)
}

func (w *xmlWriter) details(m map[string]string) {
	if m == nil {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.open("EvalDecisionDetails")
	for _, k := range keys {
		w.open("entry")
		w.text("key", k)
		w.text("value", m[k])
		w.close("entry")
	}
	w.close("EvalDecisionDetails")
}

func (w *xmlWriter) boolDetail(outer, inner string, v *bool) {
	if v == nil {
		return
	}
	w.open(outer)
	w.text(inner, strconv.FormatBool(*v))
	w.close(outer)
}

// resultDocument renders a successful simulation answer.
func resultDocument(op, requestID string, results []EvaluationResult, truncated bool, marker string) []byte {
	var w xmlWriter
	w.b.WriteString(xml.Header)
	fmt.Fprintf(&w.b, `<%sResponse xmlns="%s">`, op, xmlns)
	w.open(op + "Result")
	w.text("IsTruncated", strconv.FormatBool(truncated))
	if truncated {
		w.text("Marker", marker)
	}
	w.open("EvaluationResults")
	for _, r := range results {
		w.open("member")
		w.text("EvalActionName", r.EvalActionName)
		w.text("EvalResourceName", r.EvalResourceName)
		w.text("EvalDecision", r.EvalDecision)
		w.statements("MatchedStatements", r.MatchedStatements)
		w.strings("MissingContextValues", r.MissingContextValues)
		w.boolDetail("OrganizationsDecisionDetail", "AllowedByOrganizations", r.AllowedByOrganizations)
		w.boolDetail("PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary", r.AllowedByPermissionsBoundary)
		w.details(r.EvalDecisionDetails)
		if r.ResourceSpecificResults != nil {
			w.open("ResourceSpecificResults")
			for _, rs := range r.ResourceSpecificResults {
				w.open("member")
				w.text("EvalResourceName", rs.EvalResourceName)
				w.text("EvalResourceDecision", rs.EvalResourceDecision)
				w.statements("MatchedStatements", rs.MatchedStatements)
				w.strings("MissingContextValues", rs.MissingContextValues)
				w.boolDetail("PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary", rs.AllowedByPermissionsBoundary)
				w.details(rs.EvalDecisionDetails)
				w.close("member")
			}
			w.close("ResourceSpecificResults")
		}
		w.close("member")
	}
	w.close("EvaluationResults")
	w.close(op + "Result")
	w.open("ResponseMetadata")
	w.text("RequestId", requestID)
	w.close("ResponseMetadata")
	w.close(op + "Response")
	return w.b.Bytes()
}

// errorDocument renders an <ErrorResponse>, the Query protocol's error shape.
func errorDocument(e *APIError, requestID string) []byte {
	var w xmlWriter
	w.b.WriteString(xml.Header)
	fmt.Fprintf(&w.b, `<ErrorResponse xmlns="%s">`, xmlns)
	w.open("Error")
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	w.text("Type", typ)
	w.text("Code", e.Code)
	w.text("Message", e.Message)
	w.close("Error")
	w.text("RequestId", requestID)
	w.close("ErrorResponse")
	return w.b.Bytes()
}
