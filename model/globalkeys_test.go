package model_test

import (
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// keyCatalog knows every action and one global key, aws:SourceIp, and the tag
// keys aws:PrincipalTag/….
type keyCatalog struct{ countingCatalog }

func (keyCatalog) LookupAction(a string) (string, bool) { return a, true }
func (keyCatalog) GlobalKey(k string) (string, bool) {
	if strings.EqualFold(k, "aws:SourceIp") {
		return "aws:SourceIp", true
	}
	if len(k) > 17 && strings.EqualFold(k[:17], "aws:PrincipalTag/") {
		return "aws:PrincipalTag/" + k[17:], true
	}
	return "", false
}
func (keyCatalog) SuggestGlobalKey(k string) (string, bool) { return "aws:SourceIp", true }

// An aws: condition key the catalogue does not know is warned about once, at
// its path, with a hint; a known key (any case), a tag key and a service key are
// not; a catalogue that knows no keys warns about none.
func TestUnknownGlobalKeyWarned(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{
		"NotIpAddress":{"aws:SourceIP":"192.0.2.0/24"},
		"StringEquals":{"aws:PrincipalTag/team":"ops","s3:prefix":"home/"},
		"IpAddress":{"aws:SorceIp":"192.0.2.0/24"}}},
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"AWS:SORCEIP":"192.0.2.0/24"}}}]}`
	p, err := model.ParseWith([]byte(doc), model.IdentityPolicy, model.ParseOptions{Catalog: &keyCatalog{}})
	if err != nil {
		t.Fatal(err)
	}
	var got []model.Warning
	for _, w := range p.Warnings {
		if w.Code == "unknown-condition-key" {
			got = append(got, w)
		}
	}
	if len(got) != 1 || got[0].Path != "Statement[0].Condition.IpAddress.aws:SorceIp" || !strings.Contains(got[0].Msg, `"aws:SorceIp" is not a global condition key`) || !strings.Contains(got[0].Msg, `did you mean "aws:SourceIp"?`) {
		t.Errorf("warnings: %+v", p.Warnings)
	}
	p, err = model.ParseWith([]byte(doc), model.IdentityPolicy, model.ParseOptions{Catalog: &countingCatalog{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Warnings {
		if w.Code == "unknown-condition-key" {
			t.Errorf("a catalogue without global keys warned: %v", w)
		}
	}
}
