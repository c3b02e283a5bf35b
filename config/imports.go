package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Split configurations, as Atmos reads them. For one atmos.yaml the auth
// sections are merged in this order, each over the ones before it:
//
//  1. the git repository root's atmos.d/ then .atmos.d/ (when that root is
//     not the directory of atmos.yaml),
//  2. atmos.d/ then .atmos.d/ beside atmos.yaml: every *.yaml and *.yml
//     below them, shallower files first, then by path; a.yaml beats a.yml,
//  3. the files of import: (in list order; each file is followed by the
//     files it imports itself),
//  4. atmos.yaml itself,
//  5. the active profiles' files (each after the files it imports).
//
// This is Atmos's order (pkg/config/load.go: processConfigImportsAndReapply,
// mergeDefaultImports; adapters/local_adapter.go). A hostile repository
// chooses every path here, so every file read is confined to the
// repository (its git root, else the directory of atmos.yaml) or
// atmos-auth's own configuration directory, judged after resolving
// symbolic links, and the whole load is bounded: import depth, number of
// files, bytes, directory entries walked.
const (
	// maxImportDepth is Atmos's MaximumImportLvL.
	maxImportDepth = 10
	// maxSplitFiles bounds the files one load reads beyond atmos.yaml.
	maxSplitFiles = 256
	// maxSplitBytes bounds their total size (each is also bounded by
	// fsutil.MaxConfigSize).
	maxSplitBytes = 32 << 20
	// maxWalkEntries bounds the directory entries globs and atmos.d walk.
	maxWalkEntries = 20000
	// maxWalkDepth bounds how deep a glob or atmos.d walk descends.
	maxWalkDepth = 32
)

// splitState is what the loader knows about the project while it follows
// imports and includes.
type splitState struct {
	configDir string   // directory of atmos.yaml, absolute
	given     string   // the directory of atmos.yaml as named, when relative (see display)
	roots     []string // real directories files may be read from
	gitRoot   string   // real git root of configDir, "" outside a repository
	files     int      // files read beyond atmos.yaml
	bytes     int64
	walked    int
	exhausted bool            // a bound was hit (reported once)
	cycles    map[string]bool // import cycles reported
}

// initSplit computes the confinement roots for the configuration at path.
func (ld *loader) initSplit(path string) {
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	st := &splitState{configDir: dir, cycles: map[string]bool{}}
	if !filepath.IsAbs(path) {
		st.given = filepath.Dir(path)
	}
	real := dir
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		real = r
	}
	st.gitRoot = findGitRoot(real)
	root := real
	if st.gitRoot != "" {
		root = st.gitRoot
	}
	st.roots = []string{root}
	if c := realPath(filepath.Join(ResolveDirs(ld.getenv).Config, "x")); c != "" {
		st.roots = append(st.roots, filepath.Dir(c))
	}
	ld.split = st
}

// findGitRoot returns the nearest directory at or above dir holding a .git
// entry (a directory, or a file in worktrees and submodules), or "".
func findGitRoot(dir string) string {
	for i := 0; i < 256; i++ {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	return ""
}

// confined reports whether the existing file p (symbolic links resolved)
// is inside one of the roots, and its real path.
func (st *splitState) confined(p string) (string, bool) {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p, false
	}
	for _, r := range st.roots {
		if within(real, r) {
			return real, true
		}
	}
	return real, false
}

// confinedDir is confined for a directory that may not exist yet: the
// longest existing prefix is resolved.
func (st *splitState) confinedDir(d string) bool {
	if abs, err := filepath.Abs(d); err == nil {
		d = abs
	}
	real := filepath.Dir(realPath(filepath.Join(d, "x")))
	for _, r := range st.roots {
		if within(real, r) {
			return true
		}
	}
	return false
}

// evalAbs is p made absolute with every symbolic link resolved (as far as
// it exists).
func evalAbs(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return realPath(p)
}

// display is how messages name the file at absolute path p: when
// atmos.yaml was named by a relative path, relative to it the same way
// (as compilers print them), else absolute.
func (st *splitState) display(p string) string {
	if st.given == "" || !filepath.IsAbs(p) {
		return p
	}
	rel, err := filepath.Rel(st.configDir, p)
	if err != nil || strings.HasPrefix(rel, filepath.Join("..", "..", "..")) {
		return p
	}
	return filepath.Join(st.given, rel)
}

func (st *splitState) rootsText() string {
	return strings.Join(st.roots, " or ")
}

// splitFile is one file of a split configuration, parsed.
type splitFile struct {
	path string
	root *yaml.Node // top mapping (nil for an empty file)
}

// readSplit reads and parses one more file of the configuration, within
// the bounds. at is where it was asked for (the import entry or the
// directory), for messages. A syntax error in it is fatal, like one in
// atmos.yaml.
func (ld *loader) readSplit(p string, at Pos, subject string) (*splitFile, error) {
	return ld.readSplitAt(p, p, at, subject)
}

// readSplitAt reads the file at real (the confined, resolved path, so
// that what was checked is what is read) and names it p.
func (ld *loader) readSplitAt(real, p string, at Pos, subject string) (*splitFile, error) {
	st := ld.split
	if st.files >= maxSplitFiles || st.bytes >= maxSplitBytes {
		if !st.exhausted {
			st.exhausted = true
			ld.d.add(at, subject, "split the configuration into fewer, smaller files",
				"too many configuration files: at most %d files and %d MiB are read beyond atmos.yaml", maxSplitFiles, maxSplitBytes>>20)
		}
		return nil, nil
	}
	data, err := readConfigFile(real)
	if err != nil {
		if ce, ok := err.(*ConfigError); ok && real != p {
			for i := range ce.Diags {
				ce.Diags[i].Pos.File = st.display(p)
			}
		}
		return nil, err
	}
	st.files++
	st.bytes += int64(len(data))
	p = st.display(p)
	root, err := ld.parseRoot(p, data)
	if err != nil {
		return nil, err
	}
	return &splitFile{path: p, root: root}, nil
}

// atmosDFiles lists the files of atmos.d/ and .atmos.d/ in dir, in merge
// order.
func (ld *loader) atmosDFiles(dir string) []string {
	var out []string
	for _, name := range []string{"atmos.d", ".atmos.d"} {
		d := filepath.Join(dir, name)
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		at := Pos{File: d}
		if !ld.split.confinedDir(d) {
			ld.d.add(at, "", "replace the link by a directory inside the repository",
				"%s leads outside the repository (%s): not read", name, ld.split.rootsText())
			continue
		}
		files, err := ld.walkYAML(d, []string{"**", "*.yaml"}, []string{"**", "*.yml"})
		if err != nil {
			ld.d.add(at, "", "keep fewer files there", "%v", err)
		}
		out = append(out, files...)
	}
	return out
}

// defaultImports reads the atmos.d/.atmos.d files for the configuration
// in st.configDir: the git root's first, then the config directory's.
func (ld *loader) defaultImports() ([]*splitFile, error) {
	st := ld.split
	var dirs []string
	realDir, err := filepath.EvalSymlinks(st.configDir)
	if err != nil {
		realDir = st.configDir
	}
	if st.gitRoot != "" && st.gitRoot != realDir {
		dirs = append(dirs, st.gitRoot)
	}
	dirs = append(dirs, st.configDir)
	var out []*splitFile
	for _, d := range dirs {
		for _, f := range ld.atmosDFiles(d) {
			real, ok := st.confined(f)
			if !ok {
				ld.d.add(Pos{File: st.display(f)}, "", "replace the link by a file inside the repository",
					"leads to %s, outside the repository (%s): not read", real, st.rootsText())
				continue
			}
			sf, err := ld.readSplitAt(real, f, Pos{File: f}, "")
			if err != nil {
				return nil, err
			}
			if sf != nil {
				out = append(out, sf)
			}
		}
	}
	return out, nil
}

// importEntry is one string of an import: list.
type importEntry struct {
	value string
	pos   Pos
}

// importsOf returns the import: list of a file's top mapping, reporting
// entries that are not strings. ok is false when the file has no import:.
func (ld *loader) importsOf(sf *splitFile) ([]importEntry, bool) {
	if sf == nil || sf.root == nil {
		return nil, false
	}
	j := mappingIndex(sf.root, "import")
	if j < 0 {
		return nil, false
	}
	n := deref(sf.root.Content[j+1])
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil, true
	case n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == ""):
		// viper reads a single string as a one-element list
		return []importEntry{{n.Value, posOf(n, sf.path)}}, true
	case n.Kind != yaml.SequenceNode:
		ld.d.add(posOf(n, sf.path), "import", "write a list of paths or globs", "expected a list, got %s", kindName(n))
		return nil, true
	}
	if len(n.Content) > maxSplitFiles {
		ld.d.add(posOf(n, sf.path), "import", "use globs", "%d entries: at most %d are read", len(n.Content), maxSplitFiles)
		return nil, true
	}
	var out []importEntry
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode || (c.Tag != "!!str" && c.Tag != "") {
			ld.d.add(posOf(c, sf.path), "import", "write the path as a plain string", "expected a path or glob, got %s", tagOrKind(c))
			continue
		}
		out = append(out, importEntry{c.Value, posOf(c, sf.path)})
	}
	return out, true
}

func tagOrKind(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return n.Tag
	}
	return kindName(n)
}

// resolveImports reads the files of entries (resolved against base), each
// followed by the files it imports in turn (resolved against its own
// directory), depth levels deep at most. stack holds the real paths of
// the importing files, for cycles.
func (ld *loader) resolveImports(entries []importEntry, base string, stack []string, depth int) ([]*splitFile, error) {
	var out []*splitFile
	for _, e := range entries {
		if strings.TrimSpace(e.value) == "" {
			continue
		}
		if depth > maxImportDepth {
			ld.d.add(e.pos, "import", "import the files from atmos.yaml directly",
				"imports nested more than %d levels deep", maxImportDepth)
			return out, nil
		}
		files := ld.importFiles(e, base)
		for _, f := range files {
			real, ok := ld.split.confined(f)
			if !ok {
				ld.d.add(e.pos, "import", "import only files inside the repository ("+ld.split.rootsText()+")",
					"%q leads to %s, outside the repository: not read", e.value, real)
				continue
			}
			if i := indexOf(stack, real); i >= 0 {
				cycle := append(append([]string(nil), stack[i:]...), real)
				if key := canonicalCycle(cycle[1:]); !ld.split.cycles[key] {
					ld.split.cycles[key] = true
					for j := range cycle {
						cycle[j] = ld.split.display(cycle[j])
					}
					ld.d.add(e.pos, "import", "remove one of the imports", "import cycle: %s", strings.Join(cycle, " → "))
				}
				continue
			}
			sf, err := ld.readSplitAt(real, f, e.pos, "import")
			if err != nil {
				return nil, err
			}
			if sf == nil {
				return out, nil
			}
			out = append(out, sf)
			if nested, ok := ld.importsOf(sf); ok && len(nested) > 0 {
				more, err := ld.resolveImports(nested, filepath.Dir(f), append(stack, real), depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, more...)
			}
		}
	}
	return out, nil
}

// isRemoteImport: what Atmos fetches with go-getter.
func isRemoteImport(s string) bool {
	return strings.Contains(s, "://") || strings.Contains(s, "::")
}

// importFiles lists the files one import entry names, in Atmos's order,
// reporting (as warnings, as Atmos does) entries that name nothing.
func (ld *loader) importFiles(e importEntry, base string) []string {
	v := e.value
	if isRemoteImport(v) {
		ld.warn(e.pos, "import", "copy the auth: settings into a file of the repository and import that",
			"remote import %q is not read: atmos-auth reads only local files", v)
		return nil
	}
	p := filepath.FromSlash(v)
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	p = filepath.Clean(p)
	if !hasGlobMeta(p) {
		st, err := os.Stat(p)
		switch {
		case err == nil && st.IsDir():
			return ld.globImport(e, filepath.Join(p, "**", "*"))
		case err == nil:
			return []string{p}
		case filepath.Ext(p) == "":
			var found []string
			for _, ext := range []string{".yaml", ".yml"} {
				if isFile(p + ext) {
					found = append(found, p+ext)
				}
			}
			if len(found) > 0 {
				return found[:1] // .yaml wins over .yml
			}
		}
		hint := "check the path: it is relative to the file that imports it"
		if alt := filepath.Join(ld.split.configDir, filepath.FromSlash(v)); base != ld.split.configDir && !filepath.IsAbs(v) && (isFile(alt) || isFile(alt+".yaml") || isFile(alt+".yml")) {
			if rel, err := filepath.Rel(base, alt); err == nil {
				hint = fmt.Sprintf("it is relative to this file here (Atmos resolves it against base_path): write %q", filepath.ToSlash(rel))
			}
		}
		ld.warn(e.pos, "import", hint, "%q: no such file (skipped, as Atmos does)", v)
		return nil
	}
	return ld.globImport(e, p)
}

// globImport expands an import glob. Without an extension, Atmos looks for
// .yaml and .yml files.
func (ld *loader) globImport(e importEntry, pattern string) []string {
	dir, rest := globSplit(pattern)
	if !ld.split.confinedDir(dir) {
		ld.d.add(e.pos, "import", "import only files inside the repository ("+ld.split.rootsText()+")",
			"%q searches %s, outside the repository: not read", e.value, filepath.Dir(realPath(filepath.Join(dir, "x"))))
		return nil
	}
	var pats [][]string
	if path.Ext(rest[len(rest)-1]) == "" {
		a := append(append([]string(nil), rest[:len(rest)-1]...), rest[len(rest)-1]+".yaml")
		b := append(append([]string(nil), rest[:len(rest)-1]...), rest[len(rest)-1]+".yml")
		pats = [][]string{a, b}
	} else {
		pats = [][]string{rest}
	}
	files, err := ld.walkYAML(dir, pats...)
	if err != nil {
		ld.d.add(e.pos, "import", "use a narrower glob", "%q: %v", e.value, err)
	}
	if len(files) == 0 && err == nil {
		ld.warn(e.pos, "import", "check the glob: it is relative to the file that imports it",
			"%q matches no file (skipped, as Atmos does)", e.value)
	}
	return files
}

func hasGlobMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// globSplit splits an absolute pattern into the directory before its first
// glob segment and the remaining segments.
func globSplit(pattern string) (string, []string) {
	segs := strings.Split(filepath.ToSlash(pattern), "/")
	i := 0
	for i < len(segs) && !hasGlobMeta(segs[i]) {
		i++
	}
	if i == len(segs) { // no glob: the last segment is the pattern
		i = len(segs) - 1
	}
	dir := strings.Join(segs[:i], "/")
	if dir == "" || strings.HasSuffix(dir, ":") { // "/" or a Windows drive "C:"
		dir += "/"
	}
	return filepath.FromSlash(dir), segs[i:]
}

var errTooManyEntries = errors.New("too many directory entries to search")

// walkYAML walks dir (not following directory links, skipping .git) and
// returns the files whose path below dir matches one of the patterns
// (slash-separated segments; "**" matches any number of directories), with
// Atmos's priority (a.yaml over a.yml) and order (shallower first, then by
// path).
func (ld *loader) walkYAML(dir string, patterns ...[]string) ([]string, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // matches nothing
	}
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // unreadable subdirectory: skipped
		}
		ld.split.walked++
		if ld.split.walked > maxWalkEntries {
			return errTooManyEntries
		}
		rel, rerr := filepath.Rel(dir, p)
		if rerr != nil || rel == "." {
			return nil
		}
		segs := strings.Split(filepath.ToSlash(rel), "/")
		if d.IsDir() {
			if d.Name() == ".git" || len(segs) >= maxWalkDepth {
				return filepath.SkipDir
			}
			return nil
		}
		for _, pat := range patterns {
			if matchSegments(pat, segs) {
				found = append(found, p)
				break
			}
		}
		return nil
	})
	if errors.Is(err, errTooManyEntries) {
		err = errTooManyEntries
	} else if err != nil {
		err = errors.New(errText(err))
	}
	return orderFiles(found), err
}

// matchSegments matches path segments against pattern segments.
func matchSegments(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchSegments(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], segs[0])
	return err == nil && ok && matchSegments(pat[1:], segs[1:])
}

// orderFiles applies Atmos's detectPriorityFiles and sortFilesByDepth.
func orderFiles(files []string) []string {
	best := map[string]string{}
	for _, f := range files {
		key := strings.TrimSuffix(f, filepath.Ext(f))
		if cur, ok := best[key]; !ok || (filepath.Ext(f) == ".yaml" && filepath.Ext(cur) != ".yaml") {
			best[key] = f
		}
	}
	out := make([]string, 0, len(best))
	for _, f := range best {
		out = append(out, f)
	}
	depth := func(f string) int { return strings.Count(filepath.ToSlash(filepath.Dir(f)), "/") }
	sort.Slice(out, func(i, j int) bool {
		if di, dj := depth(out[i]), depth(out[j]); di != dj {
			return di < dj
		}
		return out[i] < out[j]
	})
	return out
}
