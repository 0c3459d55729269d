package source

import (
	"fmt"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/model"
)

// model reads {"$ref": "template.yaml#MyPolicy"} through ReadFragment; plain
// policy files it reads itself.
func init() { model.SetFragmentReader(ReadFragment) }

var refFiles sync.Map // file → []*Policy; eval reads the same file for many cases

// ReadFragment returns the document of the policy id (a logical id or a plan
// address, as in the policy's Name after "#") in file. The file is read once per
// process.
func ReadFragment(file, id string) ([]byte, error) {
	var pols []*Policy
	if v, ok := refFiles.Load(file); ok {
		pols = v.([]*Policy)
	} else {
		var err error
		if pols, err = ReadFile(file, nil); err != nil {
			return nil, err
		}
		refFiles.Store(file, pols)
	}
	for _, p := range pols {
		if p.ID == id {
			if p.Err != nil {
				return nil, p.Err
			}
			return p.Doc, nil
		}
	}
	return nil, &Error{File: file, Kind: ErrNotFound, Msg: fmt.Sprintf("no policy %q; the file holds %s", id, names(pols))}
}

func names(pols []*Policy) string {
	if len(pols) == 0 {
		return "no policy"
	}
	ids := make([]string, len(pols))
	for i, p := range pols {
		ids[i] = "#" + p.ID
	}
	return strings.Join(ids, ", ")
}
