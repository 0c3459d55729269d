package peer

import (
	"net/netip"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// emulateNotIPOtherFamily: an IPv6 request address is in no IPv4 block (and the
// reverse), so NotIpAddress is true for it (docs/semantics.md §5.3, the NOR rule of
// §5.1). The peer compares a policy value written as a bare address (no /length)
// only with an address of its own family, and counts any other as a match, which
// makes NotIpAddress false. Keys whose request address has the other family than a
// bare policy address are moved to an operator that is false for a present key.
func emulateNotIPOtherFamily(rc *rewriteCase) bool {
	return rc.moveKeys(true, true, func(op conditionOp) bool {
		return op.base == "NotIpAddress"
	}, func(r *model.Request, k member) bool {
		v, ok := r.Value(k.name)
		if !ok {
			return false
		}
		for _, addr := range v.Values {
			for _, pv := range k.val.strings() {
				if !strings.Contains(pv, "/") && isIPv6(pv) != isIPv6(addr) && isIP(pv) && isIP(addr) {
					return true
				}
			}
		}
		return false
	})
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

func isIPv6(s string) bool { return strings.Contains(s, ":") }
