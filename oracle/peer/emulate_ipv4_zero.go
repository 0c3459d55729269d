package peer

import "strings"

// emulateIPv4ZeroPrefix: an IPv4 block with prefix length 0 contains every IPv4
// address; the peer computes its mask as -1 << 32, which JavaScript reduces to
// -1 << 0, so the block holds only its own address, like a /32.
func emulateIPv4ZeroPrefix(rc *rewriteCase) bool {
	changed := false
	rc.eachCondition(true, func(_ *node, op conditionOp, block *node) {
		if op.base != "IpAddress" && op.base != "NotIpAddress" {
			return
		}
		for _, k := range block.members {
			for _, v := range k.val.elems() {
				text, ok := v.str()
				addr, zero := strings.CutSuffix(text, "/0")
				if ok && zero && strings.Count(addr, ".") == 3 && !strings.Contains(addr, ":") {
					*v = *stringNode(addr + "/32")
					changed = true
				}
			}
		}
	})
	return changed
}
