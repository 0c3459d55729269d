package model_test

import (
	"reflect"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const typoReq = `"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*"}`

func TestCaseFieldTypos(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []model.FieldTypo
	}{
		{`{"id":"a","policies":{},` + typoReq + `,"expectd":"allowed"}`, []model.FieldTypo{{Path: "expectd", Name: "expectd", Meant: "expect"}}},
		{`{"id":"a","policies":{},` + typoReq + `,"expected":"allowed"}`, []model.FieldTypo{{Path: "expected", Name: "expected", Meant: "expect"}}},
		{`{"id":"a","policy":{"identity":[]},` + typoReq + `}`, []model.FieldTypo{{Path: "policy", Name: "policy", Meant: "policies"}}},
		{`{"ID":"a","Policies":{},` + typoReq + `}`, []model.FieldTypo{{Path: "ID", Name: "ID", Meant: "id"}, {Path: "Policies", Name: "Policies", Meant: "policies"}}},
		{`{"id":"a","request":{"principal":"p","Action":"s3:GetObject","resources":"*","contexts":{}}}`, []model.FieldTypo{
			{Path: "request.Action", Name: "Action", Meant: "action"},
			{Path: "request.resources", Name: "resources", Meant: "resource"},
			{Path: "request.contexts", Name: "contexts", Meant: "context"}}},
		// Recorded-case fields, names far from every field, and a request field
		// at the top level (not a near miss of a case field) are not typos.
		{`{"id":"a","policies":{},` + typoReq + `,"recordedFrom":"x","operation":"o","askedAt":"t","sdk":"s","key":"k","decision":"allowed","matched":[],"missing":[],"error":"e","errorKind":"k","answer":{},"sent":{}}`, nil},
		{`{"id":"a","policies":{},` + typoReq + `,"comment":"x","x":1,"action":"s3:GetObject"}`, nil},
		{`{"id":"a","policies":{},"request":{"principal":"p","action":"a","resource":"*","decision":"allowed"}}`, nil},
		{`not json`, nil},
	} {
		if got := model.CaseFieldTypos([]byte(tc.line)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("CaseFieldTypos(%s) = %+v, want %+v", tc.line, got, tc.want)
		}
	}
}

// TestLineDecoderUnknown: the decoder flags exactly the lines with an unknown
// member in the case or its request, which eval scans for typos.
func TestLineDecoderUnknown(t *testing.T) {
	var d model.LineDecoder
	for _, tc := range []struct {
		line    string
		unknown bool
	}{
		{`{"id":"a","policies":{},` + typoReq + `,"expect":"allowed"}`, false},
		{`{"id":"a","policies":{},"request":{"principal":"p","action":"a","resource":"*","context":{"k":"v"}}}`, false},
		{`{"id":"a","policies":{},` + typoReq + `,"expectd":"allowed"}`, true},
		{`{"id":"a","policies":{},"request":{"principal":"p","action":"a","resource":"*","Context":{}}}`, true},
		{`{"id":"a","policies":{},` + typoReq + `}`, false}, // reset from the line before
	} {
		if _, _, ok := d.Decode([]byte(tc.line)); !ok {
			t.Fatalf("declined %s", tc.line)
		}
		if d.Unknown() != tc.unknown {
			t.Errorf("Unknown() = %v for %s", d.Unknown(), tc.line)
		}
	}
}
