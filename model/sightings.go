package model

import "hash/maphash"

// sightings notes, by hash, the texts seen once, so that a cache can keep a
// text only when it comes a second time: inputs that never repeat (held-back
// differential cases) then keep nothing alive but their hashes. PolicyCache and
// LineDecoder keep their compiled policies and checked objects this way.
type sightings struct {
	m    map[uint64]struct{}
	seed maphash.Seed
}

// maxSeen bounds the texts noted (8 bytes each and the map's own); past it the
// notes start over.
const maxSeen = 1 << 16

// again notes b, under tag (texts that differ only in tag are distinct), and
// reports whether it was noted before.
func (s *sightings) again(b []byte, tag uint64) bool {
	if s.m == nil || len(s.m) >= maxSeen {
		s.m, s.seed = make(map[uint64]struct{}), maphash.MakeSeed()
	}
	h := maphash.Bytes(s.seed, b) ^ tag
	_, again := s.m[h]
	s.m[h] = struct{}{}
	return again
}
