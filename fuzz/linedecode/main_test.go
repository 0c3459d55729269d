package linedecode

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// TestMain gives go test -fuzz the fuzz targets' minimization budget
// (seedcorpus.DefaultMinimize) unless the command line gives one.
func TestMain(m *testing.M) { seedcorpus.Main(m.Run) }

// TestMinimizeDefault: the default budget is in place unless given.
func TestMinimizeDefault(t *testing.T) { seedcorpus.CheckMinimizeDefault(t) }
