package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Atmos's YAML functions inside auth:. !env is resolved in resolveTags;
// !include, !include.raw and !repo-root (!git.root) here. Everything else
// Atmos offers runs a program, reaches a cloud or a store, or depends on
// where and when the command runs: atmos-auth reads its configuration
// without doing any of that, so each is a located error naming what to
// write instead.

// refusedTags maps an Atmos function to what it does, for the message.
var refusedTags = map[string]string{
	"!exec":                         "runs a command",
	"!shell":                        "runs a command",
	"!terraform.output":             "runs terraform",
	"!terraform.state":              "reads Terraform state from a cloud backend",
	"!store":                        "reads a store",
	"!store.get":                    "reads a store",
	"!secret":                       "reads a secret store",
	"!aws.account_id":               "calls AWS",
	"!aws.caller_identity_arn":      "calls AWS",
	"!aws.caller_identity_user_id":  "calls AWS",
	"!aws.region":                   "reads the AWS SDK's configuration",
	"!aws.organization_id":          "calls AWS",
	"!emulator":                     "reads a running emulator",
	"!template":                     "evaluates a Go template",
	"!cel":                          "evaluates a CEL expression",
	"!cwd":                          "depends on the working directory",
	"!random":                       "changes on every run",
	"!git.sha":                      "depends on the checked-out commit",
	"!git.ref":                      "depends on the checked-out commit",
	"!git.branch":                   "depends on the checked-out branch",
	"!git.repository":               "reads the git remote",
	"!git.owner":                    "reads the git remote",
	"!git.name":                     "reads the git remote",
	"!git.host":                     "reads the git remote",
	"!git.url":                      "reads the git remote",
	"!version":                      "depends on the Atmos version",
	"!append":                       "is a stack-merging function",
	"!unset":                        "is a stack-merging function",
	"!literal":                      "is a stack-templating function",
	"!tags":                         "is a stack function",
	"!labels":                       "is a stack function",
	"!labels.keys":                  "is a stack function",
	"!labels.values":                "is a stack function",
	"!terraform.output.raw":         "runs terraform",
	"!atmos.component":              "reads Atmos stacks",
	"!include.raw.remote":           "fetches a remote file",
	"!aws.organization_account_ids": "calls AWS",
}

func isIncludeTag(t string) bool { return t == "!include" || t == "!include.raw" }

// resolveOtherTag handles every tag but !env on n; it reports whether it
// did (n is then resolved or replaced by null).
func (ld *loader) resolveOtherTag(n *yaml.Node, file string) bool {
	switch n.Tag {
	case "", "!env":
		return false
	case "!include", "!include.raw":
		ld.include(n, file, n.Tag == "!include.raw")
		return true
	case "!repo-root", "!git.root":
		ld.repoRoot(n, file)
		return true
	}
	if _, ok := refusedTags[n.Tag]; ok {
		// Reported where it is decoded (refusedTagMessage), with the
		// entry and field; what Validate then says of the empty value
		// at the same place is dropped (dropAfterRefusedTags).
		ld.refused[posOf(n, file)] = true
	}
	return false
}

// refusedTagMessage is the decoder's message for a tag other than !env,
// !include and !repo-root.
func refusedTagMessage(tag string) (msg, hint string) {
	what, ok := refusedTags[tag]
	if !ok {
		return "unsupported tag " + tag, "auth settings support !env, !include, !include.raw and !repo-root"
	}
	hint = "write the value, or !env VAR to take it from the environment"
	if strings.HasPrefix(tag, "!terraform.") || strings.HasPrefix(tag, "!store") || strings.HasPrefix(tag, "!aws.") {
		hint = "write the value, or put it in a variable (for example from `terraform output -raw`) and use !env VAR"
	}
	return tag + " is not supported in auth: it " + what + ", and atmos-auth reads its configuration without running anything or reaching a cloud", hint
}

// dropAfterRefusedTags removes what validation found in values that a
// refused tag left empty: the tag's own message says what to do.
func (c *Config) dropAfterRefusedTags(d *diags) {
	if len(c.refused) == 0 {
		return
	}
	out := d.list[:len(c.decodeDiags)]
	for _, g := range d.list[len(c.decodeDiags):] {
		if !c.refused[g.Pos] {
			out = append(out, g)
		}
	}
	d.list = out
}

func nullNode(n *yaml.Node) {
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
}

// repoRoot resolves !repo-root [default]: the git root of the directory of
// atmos.yaml (Atmos takes the working directory's; the two agree when the
// command runs inside the repository).
func (ld *loader) repoRoot(n *yaml.Node, file string) {
	if n.Kind != yaml.ScalarNode {
		ld.d.add(posOf(n, file), "", "write !repo-root or !repo-root DEFAULT", "%s applies to a scalar, not %s", n.Tag, kindName(n))
		nullNode(n)
		return
	}
	v := ld.split.gitRoot
	if v == "" {
		v = strings.TrimSpace(n.Value)
		if v == "" {
			ld.d.add(posOf(n, file), "", "run inside a git repository, or give a default: !repo-root /path",
				"%s: %s is not in a git repository", n.Tag, ld.split.configDir)
		}
	}
	n.Tag, n.Value, n.Style = "!!str", v, 0
}

// include resolves !include FILE [QUERY] and !include.raw FILE: a .yaml,
// .yml or .json file becomes its YAML value, any other file (and any file
// with .raw) its text. FILE is relative to the file holding the tag, else
// to the directory of atmos.yaml (Atmos's order); it must be inside the
// repository. QUERY may be a simple path (.a.b); Atmos's full yq
// expressions are not evaluated.
func (ld *loader) include(n *yaml.Node, file string, raw bool) {
	tag := n.Tag
	at := posOf(n, file)
	fail := func(hint, format string, args ...any) {
		ld.d.add(at, "", hint, tag+": "+format, args...)
		nullNode(n)
	}
	if n.Kind != yaml.ScalarNode {
		fail("write "+tag+" FILE", "applies to a file name, not %s", kindName(n))
		return
	}
	name, query := splitIncludeArg(n.Value)
	switch {
	case name == "":
		fail("write "+tag+" FILE", "needs a file name")
		return
	case isRemoteImport(name):
		fail("copy the file into the repository and include it by its path", "remote file %q is not read: atmos-auth reads only local files", name)
		return
	case raw && query != "":
		fail("remove the query", "takes no query")
		return
	}
	var candidates []string
	if filepath.IsAbs(name) {
		candidates = []string{name}
	} else {
		candidates = []string{filepath.Join(filepath.Dir(file), name)}
		if c := filepath.Join(ld.split.configDir, name); c != candidates[0] {
			candidates = append(candidates, c)
		}
	}
	found := ""
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			found = c
			break
		}
	}
	if found == "" {
		fail("check the path: it is relative to this file, or to the directory of atmos.yaml", "%q: no such file (looked for %s)", name, strings.Join(candidates, " and "))
		return
	}
	real, ok := ld.split.confined(found)
	if !ok {
		fail("include only files inside the repository ("+ld.split.rootsText()+")", "%q leads to %s, outside the repository: not read", name, real)
		return
	}
	if i := indexOf(ld.including, real); i >= 0 || evalAbs(file) == real {
		fail("remove the include", "include cycle: %s includes itself", real)
		return
	}
	if len(ld.including) >= maxImportDepth {
		fail("include the file directly", "includes nested more than %d levels deep", maxImportDepth)
		return
	}
	st := ld.split
	if st.files >= maxSplitFiles || st.bytes >= maxSplitBytes {
		fail("split the configuration into fewer, smaller files", "too many configuration files: at most %d files and %d MiB are read beyond atmos.yaml", maxSplitFiles, maxSplitBytes>>20)
		return
	}
	data, err := readConfigFile(real)
	if err != nil {
		msg := err.Error()
		var ce *ConfigError
		if asConfigError(err, &ce) && len(ce.Diags) > 0 {
			msg = ce.Diags[0].Msg
		}
		fail("include a regular file of the repository", "%q: %s", name, msg)
		return
	}
	st.files++
	st.bytes += int64(len(data))
	ext := strings.ToLower(filepath.Ext(found))
	anchor := n.Anchor
	if raw || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
		switch ext {
		case ".hcl", ".tf", ".tfvars", ".env":
			if !raw {
				fail("convert it to YAML, or use !include.raw for its text", "%s files are not parsed here", ext)
				return
			}
		}
		if query != "" {
			fail("remove the query", "a query applies to YAML or JSON files only")
			return
		}
		*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(data), Line: n.Line, Column: n.Column, Anchor: anchor}
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var ce *ConfigError
		if e := yamlError(found, err); asConfigError(e, &ce) {
			ld.d.list = append(ld.d.list, ce.Diags...)
		}
		nullNode(n)
		return
	}
	root := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: 1, Column: 1}
	if len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	if query != "" {
		sub, ok := selectPath(root, query)
		if !ok {
			fail("use a path like .key.subkey (yq expressions are not evaluated)", "query %q selects nothing in %s", query, found)
			return
		}
		root = sub
	}
	ld.checkDuplicateKeys(root, found, "", map[*yaml.Node]bool{})
	markOrigin(root, found, ld.origin, map[*yaml.Node]bool{})
	ld.including = append(ld.including, real)
	ld.resolveTags(root, found)
	ld.including = ld.including[:len(ld.including)-1]
	*n = *deref(root)
	if anchor != "" {
		n.Anchor = anchor
	}
	ld.origin[n] = found
}

func asConfigError(err error, ce **ConfigError) bool {
	c, ok := err.(*ConfigError)
	if ok {
		*ce = c
	}
	return ok
}

// splitIncludeArg splits "FILE [QUERY]"; FILE may be quoted.
func splitIncludeArg(v string) (string, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", ""
	}
	if v[0] == '"' || v[0] == '\'' {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			name := v[1 : end+1]
			if v[0] == '"' {
				if uq, err := strconv.Unquote(v[:end+2]); err == nil {
					name = uq
				}
			}
			return name, strings.TrimSpace(v[end+2:])
		}
	}
	name, query, _ := strings.Cut(v, " ")
	return name, strings.TrimSpace(query)
}

// selectPath follows a simple yq path (.a.b) through mappings.
func selectPath(n *yaml.Node, q string) (*yaml.Node, bool) {
	if q == "." {
		return n, true
	}
	if !strings.HasPrefix(q, ".") {
		return nil, false
	}
	for _, key := range strings.Split(q[1:], ".") {
		n = deref(n)
		if key == "" || strings.ContainsAny(key, "[]|()*\"' ") || n.Kind != yaml.MappingNode {
			return nil, false
		}
		j := mappingIndex(n, key)
		if j < 0 {
			return nil, false
		}
		n = n.Content[j+1]
	}
	return n, true
}

// markOrigin records file as the origin of every node under n.
func markOrigin(n *yaml.Node, file string, origin map[*yaml.Node]string, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	origin[n] = file
	for _, c := range n.Content {
		markOrigin(c, file, origin, seen)
	}
}
