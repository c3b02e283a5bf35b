package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
	"github.com/atmos-auth/atmos-auth/internal/lazyre"
)

// LoadOptions say where configuration comes from.
type LoadOptions struct {
	// ConfigPath is --config / ATMOS_CLI_CONFIG_PATH: a file or a directory.
	ConfigPath string
	// Profiles are merged over the base configuration in order.
	Profiles []string
	// Cwd is where the search for atmos.yaml starts (default: os.Getwd).
	Cwd string
	// Getenv reads the environment (default os.Getenv).
	Getenv Env
	// Kinds is the registry entries are decoded with (cloud.Kinds()).
	// Without it every kind is unknown.
	Kinds *Registry
}

var configNames = []string{"atmos.yaml", "atmos.yml"}

// FindConfig returns the atmos.yaml to load and the places searched.
// Search order: the explicit path, the nearest atmos.yaml walking up from
// the working directory, $XDG_CONFIG_HOME/atmos/atmos.yaml, ~/.atmos/atmos.yaml.
func FindConfig(o LoadOptions) (string, []string, error) {
	getenv := o.getenv()
	if o.ConfigPath != "" {
		p := o.ConfigPath
		st, err := os.Stat(p)
		if err != nil {
			return "", nil, &ConfigError{Diags: []Diag{{Pos: Pos{File: p}, Msg: "configuration file not found",
				Hint: "check --config / ATMOS_CLI_CONFIG_PATH"}}}
		}
		if !st.IsDir() {
			return p, []string{p}, nil
		}
		for _, n := range configNames {
			c := filepath.Join(p, n)
			if isFile(c) {
				return c, []string{c}, nil
			}
		}
		return "", nil, &ConfigError{Diags: []Diag{{Pos: Pos{File: p}, Msg: "no atmos.yaml in this directory",
			Hint: "check --config / ATMOS_CLI_CONFIG_PATH"}}}
	}
	var searched []string
	dir := o.Cwd
	if dir == "" {
		dir, _ = os.Getwd()
	}
	cwd := dir
	for dir != "" {
		for _, n := range configNames {
			c := filepath.Join(dir, n)
			searched = append(searched, c)
			if isFile(c) {
				// Short paths in messages, as compilers print them.
				if rel, err := filepath.Rel(cwd, c); err == nil && !strings.HasPrefix(rel, "..") {
					c = rel
				}
				return c, searched, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	dirs := ResolveDirs(getenv)
	home := getenv("HOME")
	for _, c := range []string{filepath.Join(dirs.Config, "atmos.yaml"), filepath.Join(home, ".atmos", "atmos.yaml")} {
		searched = append(searched, c)
		if isFile(c) {
			return c, searched, nil
		}
	}
	return "", searched, ErrNoConfig
}

// ErrNoConfig is returned when no atmos.yaml exists anywhere in the search path.
var ErrNoConfig = &ConfigError{Diags: []Diag{{Msg: "no atmos.yaml found (searched the working directory and its parents, $XDG_CONFIG_HOME/atmos, ~/.atmos)",
	Hint: "create one, or pass --config PATH / set ATMOS_CLI_CONFIG_PATH"}}}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func (o LoadOptions) getenv() Env {
	if o.Getenv != nil {
		return o.Getenv
	}
	return os.Getenv
}

// loader carries state while files are read and merged.
type loader struct {
	getenv Env
	d      diags
	origin map[*yaml.Node]string
	// unsetEnv: the position of each !env scalar that resolved to nothing
	// (variable unset or empty, no default) → the variable's name.
	unsetEnv map[Pos]string
	// split: imports, atmos.d and !include (see imports.go).
	split *splitState
	// warnings: what Atmos also skips with a warning (see Config.Warnings).
	warnings diags
	// including: the real paths of the files being included, for cycles.
	including []string
	// refused: where an Atmos function tag atmos-auth does not run is.
	refused map[Pos]bool
}

func (ld *loader) warn(pos Pos, subject, hint, format string, args ...any) {
	ld.warnings.add(pos, subject, hint, format, args...)
}

// Load finds, reads, merges and decodes the configuration. Syntax errors and
// missing files are returned as a *ConfigError; decode problems are kept on
// the Config (see Config.Validate, which reports them with every other problem).
func Load(o LoadOptions) (*Config, error) {
	path, _, err := FindConfig(o)
	if err != nil {
		return nil, err
	}
	return LoadFile(path, o)
}

// LoadFile loads path as the base configuration, then the profiles in o.
func LoadFile(path string, o LoadOptions) (*Config, error) {
	ld := &loader{getenv: o.getenv(), origin: map[*yaml.Node]string{}, unsetEnv: map[Pos]string{}, refused: map[Pos]bool{}}
	data, err := readConfigFile(path)
	if err != nil {
		return nil, err
	}
	cfg := &Config{Path: path, AbsPath: path, Kinds: o.Kinds, getenv: ld.getenv}
	if abs, err := filepath.Abs(path); err == nil {
		cfg.AbsPath = abs
	}
	ld.initSplit(path)
	main, err := ld.parseRoot(path, data)
	if err != nil {
		return nil, err
	}
	layers, err := ld.layers(&splitFile{path: path, root: main})
	if err != nil {
		return nil, err
	}
	var auth *yaml.Node
	add := func(sf *splitFile) error {
		cfg.Files = append(cfg.Files, sf.path)
		over, ok, err := ld.authOf(sf.root, sf.path)
		if err != nil || !ok {
			return err
		}
		if auth == nil {
			auth = over
		} else {
			ld.merge(auth, over, sf.path, 0)
		}
		return nil
	}
	for _, sf := range layers {
		if err := add(sf); err != nil {
			return nil, err
		}
	}
	baseHasAuth := auth != nil
	for _, p := range o.Profiles {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		files, err := profileFiles(path, p, ResolveDirs(ld.getenv))
		if err != nil {
			return nil, err
		}
		cfg.Profiles = append(cfg.Profiles, p)
		for _, f := range files {
			sf, err := ld.readSplit(f, Pos{File: f}, "")
			if err != nil {
				return nil, err
			}
			if sf == nil {
				continue
			}
			// A profile file's imports come first, the file over them
			// (Atmos's mergeConfigFileWithImports).
			if entries, ok := ld.importsOf(sf); ok {
				more, err := ld.resolveImports(entries, filepath.Dir(f), []string{evalAbs(f)}, 1)
				if err != nil {
					return nil, err
				}
				for _, m := range more {
					if err := add(m); err != nil {
						return nil, err
					}
				}
			}
			if err := add(sf); err != nil {
				return nil, err
			}
		}
	}
	if auth == nil {
		if !baseHasAuth && len(cfg.Profiles) == 0 {
			ld.d.add(Pos{File: path}, "", "add an auth: section with providers and identities", "no auth: section")
		}
		auth = &yaml.Node{Kind: yaml.MappingNode}
	}
	ld.decodeAuth(cfg, auth, path)
	cfg.Keyring.Spec.Path = resolvePath(cfg.Keyring.Spec.Path, filepath.Dir(cfg.AbsPath), ld.getenv("HOME"))
	ld.checkLogFile(cfg)
	cfg.decodeDiags = ld.d.list
	cfg.warnings = ld.warnings.list
	cfg.refused = ld.refused
	cfg.unsetEnv = ld.unsetEnv
	return cfg, nil
}

// layers lists the files of the base configuration in merge order (see
// imports.go): atmos.d/.atmos.d, the imports, atmos.yaml itself. The
// import: list is atmos.yaml's, else (as viper merges them in Atmos) the
// last atmos.d file's that has one; its paths are relative to atmos.yaml.
func (ld *loader) layers(main *splitFile) ([]*splitFile, error) {
	defaults, err := ld.defaultImports()
	if err != nil {
		return nil, err
	}
	var entries []importEntry
	for _, sf := range defaults {
		if e, ok := ld.importsOf(sf); ok {
			entries = e
		}
	}
	if e, ok := ld.importsOf(main); ok {
		entries = e
	}
	imported, err := ld.resolveImports(entries, ld.split.configDir, []string{evalAbs(main.path)}, 1)
	if err != nil {
		return nil, err
	}
	out := append(defaults, imported...)
	return append(out, main), nil
}

// resolvePath makes a configured path (keyring directory, log file) absolute: ~/ is the home directory,
// and a relative path is relative to the atmos.yaml that holds it (not to
// wherever the command happens to run).
func resolvePath(p, base, home string) string {
	switch {
	case p == "":
		return ""
	case p == "~" || strings.HasPrefix(p, "~/"):
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		return filepath.Join(home, strings.TrimPrefix(p, "~"))
	case filepath.IsAbs(p):
		return p
	}
	return filepath.Join(base, p)
}

// readConfigFile is the one read of a configuration or profile file: a
// regular file of bounded size (fsutil.ReadRegular), so that a hostile
// repository's atmos.yaml -> /dev/zero, a FIFO or a huge file is a
// configuration error naming the file instead of a hang or an exhausted
// memory.
func readConfigFile(path string) ([]byte, error) {
	data, err := fsutil.ReadRegular(path, fsutil.MaxConfigSize)
	if err == nil {
		return data, nil
	}
	hint := ""
	switch {
	case errors.Is(err, fsutil.ErrNotRegular):
		hint = "a configuration file must be a regular file: point --config / ATMOS_CLI_CONFIG_PATH at one, or replace this one"
	case errors.Is(err, fsutil.ErrTooLarge):
		hint = fmt.Sprintf("configuration files are limited to %d MiB: check that this is the file you meant", fsutil.MaxConfigSize>>20)
	}
	return nil, &ConfigError{Diags: []Diag{{Pos: Pos{File: path}, Msg: "cannot read: " + errText(err), Hint: hint}}}
}

// checkLogFile resolves auth.logs.file and confines it: a repository's
// atmos.yaml may only log inside its own directory tree (the directory of
// atmos.yaml and below) or into atmos-auth's own log directories
// (LogDirs), judged after resolving every symbolic link of the directories
// on the way, so that neither "~/.bashrc", "../x", an absolute path nor a
// symlinked directory reaches another file of the user. A final component
// that is a symbolic link or not a regular file is refused too (the CLI
// also opens it with O_NOFOLLOW). Anything else is a configuration error at
// logs.file and the file setting is dropped, so nothing is written there.
// /dev/stderr and /dev/stdout (common in Atmos configurations) log to
// stderr: stdout carries payloads.
func (ld *loader) checkLogFile(cfg *Config) {
	raw := cfg.Logs.File
	cfg.Logs.File = ""
	switch raw {
	case "", "/dev/stderr", "/dev/stdout":
		return
	}
	home := ld.getenv("HOME")
	projectDir := filepath.Dir(cfg.AbsPath)
	p := resolvePath(raw, projectDir, home)
	real := realPath(p)
	roots := append([]string{projectDir}, LogDirs(ld.getenv)...)
	inside := false
	for _, r := range roots {
		if within(real, filepath.Dir(realPath(filepath.Join(r, "x")))) {
			inside = true
			break
		}
	}
	pos := cfg.logsFilePos
	if pos.File == "" {
		pos = Pos{File: cfg.Path}
	}
	if !inside {
		ld.d.add(pos, "auth.logs", "use a path inside the directory of atmos.yaml (for example logs/atmos-auth.log) or under "+LogDirs(ld.getenv)[0]+
			"; a configuration may not write to other files",
			"file %q is outside the project (%s)", raw, projectDir)
		return
	}
	if st, err := os.Lstat(real); err == nil {
		switch {
		case st.Mode()&os.ModeSymlink != 0:
			ld.d.add(pos, "auth.logs", "point logs.file at a regular file, not at a link", "file %q is a symbolic link", raw)
			return
		case !st.Mode().IsRegular():
			ld.d.add(pos, "auth.logs", "point logs.file at a regular file", "file %q is not a regular file", raw)
			return
		}
	}
	cfg.Logs.File = real
}

// LogDirs are atmos-auth's own log directories, where any configuration
// may send its log: $XDG_STATE_HOME/atmos (default ~/.local/state/atmos)
// and the cache's logs directory.
func LogDirs(getenv Env) []string {
	state := getenv("XDG_STATE_HOME")
	if state == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		state = filepath.Join(home, ".local", "state")
	}
	return []string{filepath.Join(state, "atmos"), filepath.Join(ResolveDirs(getenv).Cache, "logs")}
}

// realPath resolves every symbolic link of p's directories: the longest
// existing prefix is resolved by the kernel's rules, the rest (not yet
// created, so no links) is appended; the final component is kept as is.
func realPath(p string) string {
	p = filepath.Clean(p)
	dir, rest := filepath.Dir(p), []string{filepath.Base(p)}
	for {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return p
		}
		rest = append([]string{filepath.Base(dir)}, rest...)
		dir = parent
	}
}

// within reports whether p is root or below it.
func within(p, root string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

var yamlLineRe = lazyre.New(`^yaml: line (\d+): (.*)$`)

// parseRoot parses one YAML file and returns its top mapping (nil for an
// empty document).
func (ld *loader) parseRoot(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := deref(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{Diags: []Diag{{Pos: posOf(root, file), Msg: "expected a mapping at the top of the file"}}}
	}
	return root, nil
}

// authOf returns the auth: mapping of a file's top mapping (with !env and
// the other tags resolved). A profile file may also hold the auth
// section's keys directly.
func (ld *loader) authOf(root *yaml.Node, file string) (*yaml.Node, bool, error) {
	if root == nil {
		return nil, false, nil
	}
	var auth *yaml.Node
	var authKey *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Value == "auth" && k.Tag != "!!merge" {
			if authKey != nil {
				ld.duplicateKey(file, "", authKey, k)
				ld.checkDuplicateKeys(auth, file, "auth", map[*yaml.Node]bool{})
			}
			auth, authKey = deref(root.Content[i+1]), k
		}
	}
	if auth == nil {
		// Profile files may hold the auth section's own keys at the top.
		if strings.Contains("/"+filepath.ToSlash(file), "/profiles/") {
			for i := 0; i+1 < len(root.Content); i += 2 {
				switch root.Content[i].Value {
				case "providers", "identities", "integrations", "keyring", "logs":
					auth = root
				}
			}
		}
		if auth == nil {
			return nil, false, nil
		}
	}
	ld.checkDuplicateKeys(auth, file, "auth", map[*yaml.Node]bool{})
	if auth.Kind == yaml.ScalarNode && auth.Tag == "!!null" {
		auth = &yaml.Node{Kind: yaml.MappingNode, Line: auth.Line, Column: auth.Column}
	}
	if auth.Kind != yaml.MappingNode && !isIncludeTag(auth.Tag) {
		return nil, false, &ConfigError{Diags: []Diag{{Pos: posOf(auth, file), Msg: "auth: expected a mapping, got " + kindName(auth)}}}
	}
	ld.origin[auth] = file
	ld.resolveTags(auth, file)
	if auth.Kind != yaml.MappingNode {
		if auth.Tag != "!!null" {
			ld.d.add(posOf(auth, ld.fileOf(auth, file)), "", "", "auth: expected a mapping, got %s", kindName(auth))
		}
		return nil, false, nil
	}
	return auth, true, nil
}

// checkDuplicateKeys reports two explicit identical keys in one mapping, at
// every level under n. YAML parsers silently keep one of them (the first
// identity, the last field), so a hostile or careless file could hide an
// entry behind another. Keys brought in by merge keys (<<: *base) are not
// duplicates: explicit keys override merged ones by design; neither is a
// profile overriding the base (that merge happens later, between files).
func (ld *loader) checkDuplicateKeys(n *yaml.Node, file, path string, seen map[*yaml.Node]bool) {
	n = deref(n)
	if seen[n] {
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.MappingNode:
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" {
				ld.checkDuplicateKeys(v, file, path, seen)
				continue
			}
			if k.Kind == yaml.ScalarNode {
				if f, dup := first[k.Value]; dup {
					ld.duplicateKey(file, path, f, k)
				} else {
					first[k.Value] = k
				}
			}
			ld.checkDuplicateKeys(v, file, joinPath(path, k.Value), seen)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			ld.checkDuplicateKeys(c, file, path+"["+strconv.Itoa(i)+"]", seen)
		}
	}
}

func (ld *loader) duplicateKey(file, path string, first, again *yaml.Node) {
	subject := path
	if subject == "" {
		subject = "top level"
	}
	ld.d.add(posOf(again, file), subject, "remove or rename one of them: only one would be used",
		"duplicate key %q (first at %s)", again.Value, posOf(first, file))
}

func yamlError(file string, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var d diags
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		if sm := yamlLineRe.FindStringSubmatch("yaml: " + m); sm != nil {
			line, _ := strconv.Atoi(sm[1])
			d.add(Pos{File: file, Line: line}, "", "fix the YAML syntax", "%s", sm[2])
			continue
		}
		if strings.HasPrefix(m, "line ") {
			if n, rest, ok := strings.Cut(strings.TrimPrefix(m, "line "), ": "); ok {
				if line, err := strconv.Atoi(n); err == nil {
					d.add(Pos{File: file, Line: line}, "", "fix the YAML syntax", "%s", rest)
					continue
				}
			}
		}
		d.add(Pos{File: file}, "", "fix the YAML syntax", "%s", m)
	}
	return d.err()
}

// resolveTags replaces !env scalars by their values, !include by the
// file it names and !repo-root by the repository's root; every other Atmos
// function is refused (see tags.go).
func (ld *loader) resolveTags(n *yaml.Node, file string) {
	if ld.resolveOtherTag(n, file) {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!env" {
			fields := strings.Fields(n.Value)
			if len(fields) == 0 {
				ld.d.add(posOf(n, file), "", "write !env VAR or !env VAR default", "!env needs a variable name")
				n.Tag, n.Value = "!!str", ""
				return
			}
			val := ld.getenv(fields[0])
			if val == "" && len(fields) > 1 {
				def := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(n.Value), fields[0]))
				if uq, err := strconv.Unquote(def); err == nil {
					def = uq
				} else if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
					def = strings.ReplaceAll(def[1:len(def)-1], "''", "'")
				}
				val = def
			}
			if val == "" && len(fields) == 1 {
				ld.unsetEnv[posOf(n, file)] = fields[0]
			}
			n.Tag, n.Value, n.Style = "!!str", val, 0
		}
	case yaml.MappingNode, yaml.SequenceNode, yaml.DocumentNode:
		if n.Tag == "!env" {
			ld.d.add(posOf(n, file), "", "", "!env applies to a scalar, not %s", kindName(n))
			n.Tag = ""
		}
		for _, c := range n.Content {
			ld.resolveTags(c, file)
		}
	}
}

// profileFiles lists the YAML files of a profile: beside the config first,
// then under the XDG config directory.
func profileFiles(configPath, name string, dirs Dirs) ([]string, error) {
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, &ConfigError{Diags: []Diag{{Msg: fmt.Sprintf("invalid profile name %q", name)}}}
	}
	roots := []string{filepath.Join(filepath.Dir(configPath), "profiles"), filepath.Join(dirs.Config, "profiles")}
	var files []string
	found := false
	for _, r := range roots {
		d := filepath.Join(r, name)
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		found = true
		var names []string
		for _, e := range ents {
			if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			files = append(files, filepath.Join(d, n))
		}
	}
	if !found {
		avail := availableProfiles(roots)
		hint := "create " + filepath.Join(roots[0], name) + "/auth.yaml"
		if len(avail) > 0 {
			hint = "available profiles: " + strings.Join(avail, ", ")
			if m := suggest(name, avail); m != "" {
				hint = fmt.Sprintf("did you mean %q? %s", m, hint)
			}
		}
		return nil, &ConfigError{Diags: []Diag{{Subject: fmt.Sprintf("profile %q", name), Msg: "not found", Hint: hint}}}
	}
	return files, nil
}

func availableProfiles(roots []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range roots {
		ents, _ := os.ReadDir(r)
		for _, e := range ents {
			if e.IsDir() && !seen[e.Name()] {
				seen[e.Name()] = true
				out = append(out, e.Name())
			}
		}
	}
	sort.Strings(out)
	return out
}

// merge deep-merges overlay into base (both auth mappings). Mappings merge
// key by key; anything else is replaced. An entry under providers,
// identities or integrations whose kind changes is replaced whole, so a
// profile can swap a provider's kind under the same name.
func (ld *loader) merge(base, over *yaml.Node, file string, depth int) {
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], deref(over.Content[i+1])
		j := mappingIndex(base, k.Value)
		if j < 0 {
			ld.setOrigin(k, file)
			ld.setOrigin(v, file)
			base.Content = append(base.Content, k, v)
			continue
		}
		bv := deref(base.Content[j+1])
		replace := v.Kind != yaml.MappingNode || bv.Kind != yaml.MappingNode
		if !replace && depth == 1 { // an entry: providers.<name>
			// (An entry without kind, a fragment from atmos.d or an
			// import, merges.)
			ok, nk := mappingValue(v, "kind")
			bok, bk := mappingValue(bv, "kind")
			replace = ok && bok && nk != bk
		}
		if replace {
			ld.setOrigin(v, file)
			base.Content[j+1] = v
			continue
		}
		ld.merge(bv, v, file, depth+1)
	}
}

// setOrigin records the file of a node grafted into another file's tree,
// unless it has one already (it came from an !include).
func (ld *loader) setOrigin(n *yaml.Node, file string) {
	if _, ok := ld.origin[n]; !ok {
		ld.origin[n] = file
	}
}

// fileOf is the file a node came from, or parent's.
func (ld *loader) fileOf(n *yaml.Node, parent string) string {
	if f, ok := ld.origin[n]; ok {
		return f
	}
	return parent
}

func mappingIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// mappingValue returns a scalar key of a mapping, following YAML merge keys
// (<<: *anchor) when the key is not set directly.
func mappingValue(m *yaml.Node, key string) (bool, string) {
	return mappingValueDepth(m, key, 0)
}

func mappingValueDepth(m *yaml.Node, key string, depth int) (bool, string) {
	if j := mappingIndex(m, key); j >= 0 {
		return true, deref(m.Content[j+1]).Value
	}
	if depth > 16 {
		return false, ""
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag != "!!merge" {
			continue
		}
		srcs := []*yaml.Node{deref(m.Content[i+1])}
		if srcs[0].Kind == yaml.SequenceNode {
			srcs = srcs[0].Content
		}
		for _, s := range srcs {
			if s = deref(s); s.Kind == yaml.MappingNode {
				if ok, v := mappingValueDepth(s, key, depth+1); ok {
					return true, v
				}
			}
		}
	}
	return false, ""
}
