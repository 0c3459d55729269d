package partition

import (
	"encoding/base64"
	"math"
	"math/big"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// NumberWitnesses returns one value of every class that numeric comparisons
// against bounds can tell apart: each bound, a value in every gap between two
// bounds (an integer when the gap holds one), one below the lowest and one above
// the highest (non-negative integers preferred), and a value that is not a
// number. Bounds that are not numbers are ignored (the model never matches them).
func NumberWitnesses(bounds []string) []string {
	var xs []float64
	for _, b := range bounds {
		if f, ok := parseNumber(b); ok {
			xs = append(xs, f)
		}
	}
	sort.Float64s(xs)
	xs = uniqFloats(xs)
	out := []string{"not-a-number"}
	if len(xs) == 0 {
		return append(out, "0")
	}
	format := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	if lo := xs[0]; lo > 0 {
		out = append(out, "0")
	} else {
		out = append(out, format(math.Floor(lo)-1))
	}
	for i, x := range xs {
		out = append(out, format(x))
		if i+1 < len(xs) {
			next := xs[i+1]
			if n := math.Floor(x) + 1; n < next {
				out = append(out, format(n))
			} else if mid := x + (next-x)/2; mid > x && mid < next {
				out = append(out, format(mid))
			}
		}
	}
	return append(out, format(math.Floor(xs[len(xs)-1])+1))
}

func uniqFloats(xs []float64) []float64 {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// parseNumber reads numbers as the model does: an optional sign, digits and at
// most one '.', no exponent.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

var dateLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04", "2006-01-02", "2006-01", "2006",
}

// parseDate reads the date forms the Date operators take: W3C ISO 8601 profiles
// and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if s != "" && len(s) != 4 && strings.Trim(s, "0123456789") == "" {
		if len(s) > 12 {
			return time.Time{}, false
		}
		n, _ := strconv.ParseInt(s, 10, 64)
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// DateWitnesses is NumberWitnesses for dates: each bound, the middle of every gap,
// a second before the first and after the last, and a value that is not a date.
// ok is false when a bound is not a date this package reads (the caller then
// cannot claim exactness).
func DateWitnesses(bounds []string) (out []string, ok bool) {
	ok = true
	var ts []time.Time
	for _, b := range bounds {
		t, good := parseDate(b)
		if !good {
			ok = false
			continue
		}
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	// One instant written twice ("2026-01-01" and "2026-01-01T00:00:00Z") is one
	// bound: dropped in the loop, it took the gap after it with it.
	if !plantedDateBug {
		ts = slices.CompactFunc(ts, time.Time.Equal)
	}
	format := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.999999999Z") }
	out = []string{"not-a-date"}
	if len(ts) == 0 {
		return append(out, "2030-01-01T00:00:00Z"), ok
	}
	out = append(out, format(ts[0].Add(-time.Second)))
	for i, t := range ts {
		if plantedDateBug && i > 0 && t.Equal(ts[i-1]) {
			continue
		}
		out = append(out, format(t))
		if i+1 < len(ts) {
			if gap := ts[i+1].Sub(t); gap > 1 {
				out = append(out, format(t.Add(gap/2)))
			}
		}
	}
	return append(out, format(ts[len(ts)-1].Add(time.Second))), ok
}

// parsePrefix reads a CIDR block or an address as the model does (IPv4-mapped
// IPv6 unmapped).
func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, false
		}
		a := p.Addr().Unmap()
		off := p.Addr().BitLen() - a.BitLen()
		return netip.PrefixFrom(a, p.Bits()-off).Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// IPWitnesses returns, for every block, its first and last address and the
// addresses just outside it, plus an IPv4 and an IPv6 address and a value that is
// not an address. The membership of an address in the blocks changes only at
// those edges, so every class of addresses has one of them.
func IPWitnesses(blocks []string) []string {
	seen := map[string]bool{}
	out := []string{"not-an-ip"}
	add := func(a netip.Addr) {
		if a.IsValid() && !seen[a.String()] {
			seen[a.String()] = true
			out = append(out, a.String())
		}
	}
	add(netip.MustParseAddr("192.0.2.10"))
	add(netip.MustParseAddr("2001:db8::10"))
	for _, b := range blocks {
		p, ok := parsePrefix(b)
		if !ok {
			continue
		}
		first := p.Addr()
		last := lastAddr(p)
		add(first)
		add(last)
		add(first.Prev())
		add(last.Next())
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	n := new(big.Int).SetBytes(b)
	host := uint(len(b)*8 - p.Bits())
	ones := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), host), big.NewInt(1))
	n.Or(n, ones)
	out := make([]byte, len(b))
	n.FillBytes(out)
	a, _ := netip.AddrFromSlice(out)
	return a
}

// BoolWitnesses: true, false, and a value that is not a boolean.
func BoolWitnesses() []string { return []string{"true", "false", "not-a-bool"} }

// BinaryWitnesses: each policy value, another valid value and an invalid one.
func BinaryWitnesses(values []string) []string {
	out := []string{"!", base64.StdEncoding.EncodeToString([]byte("iamfuzz-other"))}
	for _, v := range values {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			out = append(out, base64.StdEncoding.EncodeToString(b))
		}
	}
	return out
}
