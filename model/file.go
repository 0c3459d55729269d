package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// ReadFile reads a regular file of at most limit bytes. The size and type are
// checked before the file is opened, so a FIFO cannot hang the reader, a device
// (a symlink to /dev/zero) cannot exhaust memory and a sparse multi-gigabyte file
// is rejected unread; the read itself is bounded too, for a file that grows.
// Errors wrap ErrNotRegularFile or ErrTooLarge, or are the os error. The file's
// text is returned in UTF-8 (Text): without a UTF-8 byte-order mark, and
// decoded from UTF-16.
func ReadFile(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, fi, limit); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path may have been swapped between Stat and Open.
	if fi2, err := f.Stat(); err != nil {
		return nil, err
	} else if err := checkRegular(path, fi2, limit); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fileError(ErrTooLarge, "%s: over the %d-byte limit", path, limit)
	}
	return Text(b), nil
}

// Text returns a file's text in UTF-8: b without a leading UTF-8 byte-order mark
// (trimBOM), or decoded when it is UTF-16 (isUTF16), as Windows PowerShell 5's >
// and Out-File write files (terraform show -json > plan.json). The encoding is
// how the file stores its text, not part of it (README, "Limits").
func Text(b []byte) []byte {
	if !isUTF16(b) {
		return trimBOM(b)
	}
	big := b[0] == 0xfe || b[0] == 0 && b[1] != 0
	if b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff {
		b = b[2:]
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if big {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	out := make([]byte, 0, len(u)+len(u)/2)
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// bom is U+FEFF in UTF-8, the byte-order mark some editors (Windows Notepad,
// Visual Studio's "UTF-8 with signature") write at the start of a file.
var bom = []byte("\ufeff")

// trimBOM returns b without a leading UTF-8 byte-order mark. The mark says how a
// file is encoded and is not part of its text: JSON readers may ignore it (RFC
// 8259 §8.1) and YAML readers do (YAML 1.2 §5.2), as iamfuzz did with templates
// already. Every file iamfuzz reads (policy files, $ref targets, templates,
// plans, case files, specs, standard input) is read past it (README, "Limits",
// Encodings); a policy given as a
// JSON string (a case's "policies" entry, a plan's policy attribute) is text, not
// a file, and a U+FEFF at its start stays a syntax error.
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, bom) }

// isUTF16 reports whether b starts as UTF-16 text: with a UTF-16 byte-order
// mark, or with an ASCII character beside a NUL byte. Windows PowerShell 5 writes
// such files with > and Out-File (aws iam get-policy-version ... > policy.json).
func isUTF16(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	if b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff {
		return true
	}
	ascii := func(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c >= ' ' && c < 0x7f }
	return b[0] == 0 && ascii(b[1]) || b[1] == 0 && ascii(b[0])
}

// checkEncoding returns an error of kind ErrSyntax naming the input when b is
// UTF-16 text (isUTF16), and saying how to save it as UTF-8, which JSON between
// systems must be (RFC 8259 §8.1): case files are read as streams of UTF-8 lines
// (LineReader); read as UTF-8, UTF-16 fails with an invalid character that does
// not say why.
func checkEncoding(name string, b []byte) error {
	if !isUTF16(b) {
		return nil
	}
	return fileError(ErrSyntax, "%s is %s", name, UTF16Advice)
}

// UTF16Advice says what is wrong with UTF-16 text and how to fix it.
const UTF16Advice = "UTF-16 text, not UTF-8: save it as UTF-8 (Windows PowerShell 5's > and Out-File write UTF-16; use Set-Content, or Out-File -Encoding utf8)"

func checkRegular(path string, fi os.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return fileError(ErrNotRegularFile, "%s is %s, not a regular file", path, typeName(fi.Mode()))
	}
	if fi.Size() > limit {
		return fileError(ErrTooLarge, "%s: %d bytes is over the %d-byte limit", path, fi.Size(), limit)
	}
	return nil
}

func typeName(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

func fileError(k *Kind, format string, args ...any) error {
	return &PolicyError{Offset: -1, Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// The trees {"$ref": path} may read from (README, "Limits"): by default the git
// work tree that holds the working directory, or the working directory itself;
// AllowRefsUnder adds more. Without the bound a case line could copy any file the
// user can read (~/.aws/credentials, /proc/self/environ) into recordings sent to
// AWS and into corpus files written by promote.
var refRoots struct {
	once  sync.Once
	mu    sync.RWMutex
	roots []string
}

// AllowRefsUnder lets {"$ref": path} read regular files under dir as well.
func AllowRefsUnder(dir string) error {
	initRefRoots()
	real, err := realPath(dir)
	if err != nil {
		return fmt.Errorf("ref root %s: %w", dir, err)
	}
	refRoots.mu.Lock()
	refRoots.roots = append(refRoots.roots, real)
	refRoots.mu.Unlock()
	return nil
}

// RefRoots returns the trees {"$ref": path} may read from.
func RefRoots() []string {
	initRefRoots()
	refRoots.mu.RLock()
	defer refRoots.mu.RUnlock()
	return append([]string(nil), refRoots.roots...)
}

func initRefRoots() {
	refRoots.once.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			return // no default tree: every $ref needs AllowRefsUnder
		}
		root, err := realPath(wd)
		if err != nil {
			return
		}
		for d := root; ; {
			if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
				root = d
				break
			}
			up := filepath.Dir(d)
			if up == d {
				break
			}
			d = up
		}
		refRoots.mu.Lock()
		refRoots.roots = append(refRoots.roots, root)
		refRoots.mu.Unlock()
	})
}

func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// resolveRef returns the real path of a $ref, or an error wrapping
// ErrRefOutsideTree when it (or a symlink on the way) leads out of the allowed trees.
func resolveRef(ref, dir string) (string, error) {
	p := ref
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	real, err := realPath(p)
	if errors.Is(err, fs.ErrNotExist) {
		// A replay line run from another directory than check's lands here.
		abs, _ := filepath.Abs(p)
		return "", fileError(ErrInvalidRequest, "%s: no such file (%s): a $ref is read relative to the directory of the case file that holds it, or to the working directory for standard input", ref, abs)
	}
	if err != nil {
		return "", err
	}
	for _, root := range RefRoots() {
		if rel, err := filepath.Rel(root, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return real, nil
		}
	}
	return "", fileError(ErrRefOutsideTree, "%s resolves to %s, outside the trees a $ref may read (%s; widen with --ref-root)", ref, real, strings.Join(RefRoots(), ", "))
}

// refCacheBytes bounds the memory of the $ref cache; corpus policies are a few
// kilobytes, so the bound only matters for hostile or generated input.
var refCacheBytes = 64 << 20

// refCache keeps referenced files by real path: corpus files are read once per
// process. Past refCacheBytes it is emptied and refilled.
var refCache struct {
	mu    sync.Mutex
	m     map[string][]byte
	bytes int
}

// fragmentReader, when set, reads {"$ref": "file#fragment"}: one policy inside a
// file that holds several. Package source sets it, so that a reference can name a
// policy of a CloudFormation template or a Terraform plan (template.yaml#LogicalId)
// while model keeps importing nothing of the project's.
var fragmentReader atomic.Pointer[func(file, fragment string) ([]byte, error)]

// SetFragmentReader sets how {"$ref": "file#fragment"} is read. read receives the
// file's real path, already checked to lie in the allowed trees, and the fragment,
// and returns the policy document's text. nil restores the default: a "#" is part
// of the file name.
func SetFragmentReader(read func(file, fragment string) ([]byte, error)) {
	if read == nil {
		fragmentReader.Store(nil)
		return
	}
	fragmentReader.Store(&read)
}

func readRef(ref, dir string) ([]byte, error) {
	if file, frag, ok := strings.Cut(ref, "#"); ok && frag != "" {
		if read := fragmentReader.Load(); read != nil {
			p := ref
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
				real, err := resolveRef(file, dir)
				if err != nil {
					return nil, err
				}
				b, err := (*read)(real, frag)
				if err != nil {
					return nil, fileError(ErrInvalidRequest, "%v", err)
				}
				return b, nil
			}
		}
	}
	real, err := resolveRef(ref, dir)
	if err != nil {
		return nil, err
	}
	refCache.mu.Lock()
	b, ok := refCache.m[real]
	refCache.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err = ReadFile(real, MaxPolicySize)
	if err != nil {
		var pe *PolicyError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fileError(ErrInvalidRequest, "%v", err)
	}
	refCache.mu.Lock()
	if refCache.m == nil || refCache.bytes+len(b) > refCacheBytes {
		refCache.m, refCache.bytes = map[string][]byte{}, 0
	}
	if len(b) <= refCacheBytes {
		refCache.m[real] = b
		refCache.bytes += len(b)
	}
	refCache.mu.Unlock()
	return b, nil
}

// refCacheSize reports the bytes the $ref cache holds (for tests).
func refCacheSize() int {
	refCache.mu.Lock()
	defer refCache.mu.Unlock()
	return refCache.bytes
}
