package fuzz

import "fmt"

// checkInvariants is the invariant target's property: the first byte picks one of
// the corpus policies that have a spec (they must hold their invariants) and the
// rest are the choices of one probe (properties.BytesSource), so the fuzzer's
// mutations and minimization act on probes. A violation comes back explained,
// with the command that replays it.
func checkInvariants(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	sc, err := loadCorpus()
	if err != nil {
		return err
	}
	tg := sc.targets[int(data[0])%len(sc.targets)]
	if v := tg.FuzzBytes(data[1:]); v != nil {
		return fmt.Errorf("%s\n%s", tg.Path, tg.Describe(v))
	}
	return nil
}
