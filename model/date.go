package model

// instant is a point in time as seconds and nanoseconds since the Unix epoch. It
// avoids time.Time so that parsing a request value never allocates.
type instant struct {
	sec  int64
	nsec int32
}

func (a instant) compare(b instant) int {
	switch {
	case a.sec < b.sec:
		return -1
	case a.sec > b.sec:
		return 1
	case a.nsec < b.nsec:
		return -1
	case a.nsec > b.nsec:
		return 1
	}
	return 0
}

// parseDate reads the forms the Date operators accept (docs/semantics.md §5.3): the
// W3C profiles of ISO 8601 — YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm,
// YYYY-MM-DDThh:mm:ss and fractions of a second, each with Z or ±hh:mm — and
// epoch seconds (a run of digits that is not a four-digit year). It also reads a
// time without a zone (as UTC) and a lower-case t or z, forms the profiles do not
// have; dateUndocumented tells them apart so that results using them are marked.
func parseDate(s string) (instant, bool) {
	if len(s) == 0 {
		return instant{}, false
	}
	if allDigits(s) && len(s) != 4 {
		if len(s) > 12 {
			return instant{}, false
		}
		return instant{sec: int64(atoi(s))}, true
	}
	y, m, d := 0, 1, 1
	var ok bool
	if y, ok = num(s, 0, 4); !ok {
		return instant{}, false
	}
	i := 4
	if i < len(s) {
		if s[i] != '-' {
			return instant{}, false
		}
		if m, ok = num(s, i+1, 2); !ok || m < 1 || m > 12 {
			return instant{}, false
		}
		i += 3
	}
	if i < len(s) {
		if s[i] != '-' {
			return instant{}, false
		}
		if d, ok = num(s, i+1, 2); !ok || d < 1 || d > daysIn(y, m) {
			return instant{}, false
		}
		i += 3
	}
	var hh, mm, ss, nsec, off int
	if i < len(s) {
		if s[i] != 'T' && s[i] != 't' || i != 10 {
			return instant{}, false
		}
		if hh, ok = num(s, i+1, 2); !ok || hh > 23 || len(s) < i+6 || s[i+3] != ':' {
			return instant{}, false
		}
		if mm, ok = num(s, i+4, 2); !ok || mm > 59 {
			return instant{}, false
		}
		i += 6
		if i < len(s) && s[i] == ':' {
			if ss, ok = num(s, i+1, 2); !ok || ss > 59 {
				return instant{}, false
			}
			i += 3
			if i < len(s) && s[i] == '.' {
				i++
				start, scale := i, 100000000
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					nsec += int(s[i]-'0') * scale
					scale /= 10
					i++
				}
				if i == start {
					return instant{}, false
				}
			}
		}
		switch {
		case i == len(s):
		case s[i] == 'Z' || s[i] == 'z':
			i++
		case s[i] == '+' || s[i] == '-':
			oh, ok1 := num(s, i+1, 2)
			om, ok2 := num(s, i+4, 2)
			if !ok1 || !ok2 || len(s) < i+6 || s[i+3] != ':' || oh > 23 || om > 59 {
				return instant{}, false
			}
			off = oh*3600 + om*60
			if s[i] == '-' {
				off = -off
			}
			i += 6
		}
		if i != len(s) {
			return instant{}, false
		}
	}
	sec := daysFromCivil(y, m, d)*86400 + int64(hh*3600+mm*60+ss-off)
	return instant{sec: sec, nsec: int32(nsec)}, true
}

// dateUndocumented reports a value parseDate reads that is not in a form AWS
// documents, or in two (docs/semantics.md §5.3, §13 type-mismatch): the W3C
// profiles the OPS page links give every time a zone designator (Z or ±hh:mm) and
// write T and Z in upper case, so a time without a zone (read as UTC) and a
// lower-case t or z (read as T and Z) are the model's choice; four digits are
// both the profile YYYY and epoch seconds, and the model reads a year. Call it
// only on a value parseDate accepted.
func dateUndocumented(s string) bool {
	if len(s) == 4 && allDigits(s) {
		return true // the year YYYY, or epoch seconds: both forms AWS names
	}
	if len(s) <= 10 || allDigits(s) {
		return false // YYYY-MM, YYYY-MM-DD, epoch seconds
	}
	n := len(s)
	if s[10] == 't' || s[n-1] == 'z' {
		return true
	}
	return s[n-1] != 'Z' && s[n-6] != '+' && s[n-6] != '-'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// num reads exactly n digits at s[i:].
func num(s string, i, n int) (int, bool) {
	if i < 0 || i+n > len(s) || !allDigits(s[i:i+n]) {
		return 0, false
	}
	return atoi(s[i : i+n]), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 to y-m-d in the proleptic Gregorian
// calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
