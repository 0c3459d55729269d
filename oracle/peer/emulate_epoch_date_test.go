package peer

import "testing"

// TestPeerEpoch: which date values the peer reads as an epoch, and as what instant.
func TestPeerEpoch(t *testing.T) {
	for in, want := range map[string]bool{"1750000000": true, "2024": true, "-5": true, "0": true, "007": false, "1e3": false, "2024-01-01": false, "": false} {
		if _, got := peerEpoch(in); got != want {
			t.Errorf("peerEpoch(%q) = %v", in, got)
		}
	}
	if got := asMillis(1750000000); got != "1970-01-21T06:06:40.000Z" {
		t.Errorf("asMillis = %s", got)
	}
}
