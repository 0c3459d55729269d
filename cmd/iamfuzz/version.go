package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// version describes the binary: the module version that "go install …@version"
// records (or "(devel)" for a build from a checkout), and the VCS revision when the
// build stamped one, so that a report can always be traced to the code that made it.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "iamfuzz (unknown version: built without module support)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	out := "iamfuzz " + v
	// A pseudo-version already carries the revision's prefix; repeat it in full only
	// when it says something the version does not.
	if rev != "" && !strings.Contains(v, rev[:min(12, len(rev))]) {
		out += fmt.Sprintf(" (revision %s%s)", rev, modified)
	}
	return out + " " + bi.GoVersion
}

// toolVersion is the bare version for machine-readable reports (SARIF's
// tool.driver.version).
func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}

func printVersion(w io.Writer) { fmt.Fprintln(w, version()) }

// wantsHelp reports whether the arguments ask for help (-h, -help or --help before
// a "--"): every command then prints its usage on stdout and exits 0.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}
