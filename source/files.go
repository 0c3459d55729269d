package source

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// inputExts are the file names a folder is searched for; the content decides.
var inputExts = []string{".json", ".yaml", ".yml", ".template"}

// Files expands command-line arguments into input files. "-" (standard input) and
// files are taken as they are. A folder gives every file below it that holds
// policies (a policy, or a template or plan with at least one policy; JSON, YAML
// and .template files are read to decide), in name order. Hidden folders,
// node_modules and spec files (*.spec.yaml, *.spec.yml) are skipped, and so is
// every file or folder that an exclude glob matches by name or by path relative to
// the folder given (filepath.Match syntax, slash-separated).
func Files(args, exclude []string) ([]string, error) {
	for _, g := range exclude {
		if _, err := filepath.Match(g, ""); err != nil {
			return nil, fmt.Errorf("%w: --exclude %q: %w", ErrInput, g, err)
		}
	}
	var out []string
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInput, err)
		}
		if !fi.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == a {
				return nil
			}
			rel, _ := filepath.Rel(a, p)
			if excluded(exclude, filepath.ToSlash(rel), d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" {
					return filepath.SkipDir
				}
				return nil
			}
			if !Candidate(d.Name()) {
				return nil
			}
			// A candidate that cannot be read safely (a FIFO, a device, a file over
			// MaxFileSize) is kept, so that the run reports it instead of passing over
			// it in silence; ReadFile refuses it without reading it.
			data, err := model.ReadFile(p, MaxFileSize)
			if err != nil || HoldsPolicies(p, data) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInput, err)
		}
		if len(found) == 0 {
			return nil, &Error{File: a, Kind: ErrNoPolicies, Msg: "no policy files, CloudFormation templates or Terraform plans with policies below it"}
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func excluded(globs []string, rel, base string) bool {
	for _, g := range globs {
		if ok, _ := filepath.Match(g, rel); ok {
			return true
		}
		if ok, _ := filepath.Match(g, base); ok {
			return true
		}
	}
	return false
}

// Candidate reports whether a folder search reads the file, by its name: a JSON,
// YAML or .template file that is not a spec.
func Candidate(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".spec.yaml") || strings.HasSuffix(lower, ".spec.yml") {
		return false
	}
	for _, e := range inputExts {
		if strings.HasSuffix(lower, e) {
			return true
		}
	}
	return false
}

// Collect reads every policy of the arguments (expanded by Files). A file that
// cannot be read, is not in a known format or holds no policy becomes one Policy
// with Err, in its place, so that a run reports every input it was given. The error
// is for the arguments themselves (a path that does not exist, a bad glob, a folder
// without policies).
func Collect(args, exclude []string, stdin io.Reader) ([]*Policy, error) {
	return collect(args, exclude, stdin, nil)
}

func collect(args, exclude []string, stdin io.Reader, rd *Reader) ([]*Policy, error) {
	files, err := Files(args, exclude)
	if err != nil {
		return nil, err
	}
	var out []*Policy
	for _, f := range files {
		pols, err := readFile(f, stdin, rd)
		switch {
		case err != nil:
			out = append(out, &Policy{Name: f, File: f, Err: err})
		case len(pols) == 0:
			out = append(out, &Policy{Name: f, File: f, Err: &Error{File: f, Kind: ErrNoPolicies,
				Msg: "the file holds no policy (no AWS::IAM::Policy, ManagedPolicy, User, Group or Role policies, bucket or queue policies, inline policy documents of SAM functions or state machines; no aws_iam_* or bucket policy resources)"}})
		default:
			out = append(out, pols...)
		}
	}
	return out, nil
}

// inputMarkers are the keys that make a file a policy, a template or a plan.
var inputMarkers = []string{`"Statement"`, "Statement:", "AWSTemplateFormatVersion", "Resources", "planned_values"}

// LooksLikeInput reports whether a file that does not parse was meant to be a
// policy, a template or a plan: it names one of their top-level keys. A malformed
// tsconfig.json does not; a policy with a missing comma does.
func LooksLikeInput(file string) bool {
	data, err := model.ReadFile(file, MaxFileSize)
	if err != nil {
		return true
	}
	return hasInputMarker(string(data))
}

func hasInputMarker(text string) bool {
	for _, m := range inputMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}
