// Command evalcases writes generated differential cases as eval JSON lines, for
// measuring `iamfuzz eval` against the peer on cases whose policies do not repeat
// (docs/performance.md):
//
//	go run ./scripts/evalcases --n 20000 --seed 1 > /tmp/distinct.jsonl
//	time iamfuzz eval /tmp/distinct.jsonl > /dev/null
//	time node scripts/peer/adapter.mjs < /tmp/distinct.jsonl > /dev/null
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/go-json-experiment/json"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

func main() {
	n := flag.Int("n", 20000, "number of cases")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	for _, c := range gencase.Generate(*seed, *n) {
		b, err := json.Marshal(c)
		if err != nil {
			fmt.Fprintln(os.Stderr, "evalcases:", err)
			os.Exit(1)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "evalcases:", err)
		os.Exit(1)
	}
}
