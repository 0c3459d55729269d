//go:build !unix

package seedcorpus

import "time"

// ProcessCPU is not measured here: see cputime_unix.go.
func ProcessCPU() time.Duration { return 0 }
