package peer

import (
	"strings"
	"testing"
)

// TestGlobSegment: one ARN segment against a pattern with * and ?.
func TestGlobSegment(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "us-east-1", true}, {"us-*-1", "us-east-1", true}, {"us-?ast-1", "us-east-1", true},
		{"", "", true}, {"", "x", false}, {"x", "", false}, {"a*b", "ab", true}, {"a*b", "acbd", false}, {"?", "", false},
	} {
		if got := globSegment(tc.p, tc.s); got != tc.want {
			t.Errorf("globSegment(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

// TestPeerResourceType: the resource type as the peer splits it.
func TestPeerResourceType(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::*:user/${aws:username}":        "user/",
		"arn:aws:lambda:us-east-1:1:function:f:${x}": "function:",
		"arn:aws:s3:::bucket/${aws:username}":        "",
		"arn:aws:ec2:us-east-1:1:instance/i-1":       "instance/",
		"arn:aws:sqs:us-east-1:111122223333:queue1":  "",
	} {
		if got := peerResourceType(strings.SplitN(in, ":", 6)); got != want {
			t.Errorf("peerResourceType(%s) = %q, want %q", in, got, want)
		}
	}
}
