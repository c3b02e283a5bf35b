package main

import (
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/atmos-auth/atmos-auth/cli"
)

// The commonest hot command lines — the managed profile's `--config FILE
// credential-process --identity NAME`, `env -i NAME`, `exec -i NAME --
// CMD…` — are parsed without kong at all: building even a one-command kong
// tree reflects over every tag and help text and was 5–10% of such a run.
// directParse reads the same struct tags kong does, for the few flag kinds
// these commands have (string, bool, a comma-separated list, string
// positional arguments, a passthrough argument), and gives up — the caller then parses with kong — at
// anything else: another spelling (-fjson, --login=false), a value that
// looks like a flag, a path-typed flag that is set, a tag it does not know.
// TestDirectParseMatchesKong holds it to kong's result on every form it
// takes.

// directFlag is one flag of a direct parse: where it goes and how.
type directFlag struct {
	global bool  // in cli.Globals, else in the command's struct
	index  []int // the field, from that struct
	kind   reflect.Kind
	sep    string // a list's separator
	env    string // the variable that sets it when the line does not
	path   bool   // type:"path": kong expands it; a direct parse gives up
	// def is the default:"" value, enum the enum:"" values, of a string
	// flag (literal ones: a ${variable} in either makes it kong's).
	def  string
	enum []string
}

// directSpec is what a direct parse of one command needs.
type directSpec struct {
	flags       map[string]*directFlag // "--name" and "-s"
	all         []*directFlag          // each flag once
	passthrough []int                  // the []string passthrough argument, if any
	args        []directArg            // string positional arguments, in order
}

// directArg is a string positional argument.
type directArg struct {
	index    []int
	optional bool
}

// directSpecs holds, per hot command, its spec, or nil when its tags hold
// something a direct parse does not do (enum, default, optional args …).
var directSpecs = sync.OnceValue(func() map[string]*directSpec {
	out := map[string]*directSpec{}
	for name, f := range hotFields() {
		s := &directSpec{flags: map[string]*directFlag{}}
		if s.add(reflect.TypeFor[cli.Globals](), nil, true) && s.add(f.typ, nil, false) {
			out[name] = s
		}
	}
	return out
})

// directTags are the tag keys a direct parse understands; a field with
// any other makes its command kong's.
var directTags = map[string]bool{"name": true, "short": true, "env": true, "sep": true, "type": true,
	"help": true, "placeholder": true, "hidden": true, "embed": true, "arg": true, "passthrough": true, "kong": true,
	"default": true, "enum": true, "optional": true}

func (s *directSpec) add(t reflect.Type, index []int, global bool) bool {
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Tag.Get("kong") == "-" {
			continue
		}
		for _, k := range tagKeys(sf.Tag) {
			if !directTags[k] {
				return false
			}
		}
		idx := append(append([]int(nil), index...), i)
		if _, ok := sf.Tag.Lookup("embed"); ok {
			if sf.Type.Kind() != reflect.Struct || !s.add(sf.Type, idx, global) {
				return false
			}
			continue
		}
		if _, ok := sf.Tag.Lookup("arg"); ok {
			_, pass := sf.Tag.Lookup("passthrough")
			_, optional := sf.Tag.Lookup("optional")
			switch {
			case global || s.passthrough != nil || sf.Tag.Get("default") != "" || sf.Tag.Get("enum") != "" || sf.Tag.Get("env") != "":
				return false
			case pass && sf.Type == reflect.TypeFor[[]string]() && len(s.args) == 0:
				s.passthrough = idx
			case !pass && sf.Type.Kind() == reflect.String && (optional || len(s.args) == 0 || !s.args[len(s.args)-1].optional):
				s.args = append(s.args, directArg{index: idx, optional: optional})
			default:
				return false
			}
			continue
		}
		f := &directFlag{global: global, index: idx, kind: sf.Type.Kind(), env: sf.Tag.Get("env")}
		switch typ := sf.Tag.Get("type"); typ {
		case "":
		case "path":
			f.path = true
		default:
			return false
		}
		f.def = sf.Tag.Get("default")
		if e, ok := sf.Tag.Lookup("enum"); ok {
			f.enum = strings.Split(e, ",")
			if f.kind != reflect.String || !slices.Contains(f.enum, f.def) {
				return false // kong checks the default against the enum
			}
		}
		if strings.Contains(f.def, "$") || strings.Contains(sf.Tag.Get("enum"), "$") || f.def != "" && f.kind != reflect.String {
			return false
		}
		switch {
		case f.kind == reflect.String, f.kind == reflect.Bool:
		case sf.Type == reflect.TypeFor[[]string]() && sf.Tag.Get("sep") == ",":
			f.sep = ","
		default:
			return false
		}
		name := sf.Tag.Get("name")
		if name == "" {
			name = dashed(sf.Name)
		}
		s.all = append(s.all, f)
		s.flags["--"+name] = f
		if short := sf.Tag.Get("short"); short != "" {
			s.flags["-"+short] = f
		}
	}
	return true
}

// tagKeys lists the keys of a struct tag in kong's key:"value" form.
func tagKeys(tag reflect.StructTag) []string {
	var keys []string
	s := string(tag)
	for s != "" {
		s = strings.TrimLeft(s, " ")
		colon := strings.IndexByte(s, ':')
		if colon <= 0 || colon+1 >= len(s) || s[colon+1] != '"' {
			return append(keys, "?") // not key:"value": leave it to kong
		}
		keys = append(keys, s[:colon])
		rest := s[colon+1:]
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return append(keys, "?")
		}
		s = rest[len(q):]
	}
	return keys
}

// dashed is kong's default flag name for a field: ExportCredentials →
// export-credentials.
func dashed(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// directParse parses args (after cli.PreparseArgs) for the hot command f
// into g and cmd (a pointer to f's struct); ok is false, with g and cmd in
// any state, when kong must parse them instead.
func directParse(args []string, f hotField, g *cli.Globals, cmd reflect.Value) (ok bool) {
	s := directSpecs()[f.name]
	if s == nil {
		return false
	}
	set := map[*directFlag]bool{}
	seen := false // the command's name
	positional := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case seen && s.passthrough == nil && (!strings.HasPrefix(a, "-") || a == "-"):
			if positional >= len(s.args) {
				return false // kong: unexpected argument
			}
			cmd.FieldByIndex(s.args[positional].index).SetString(a)
			positional++
		case a == "--" || seen && !strings.HasPrefix(a, "-") || seen && a == "-":
			if !seen || s.passthrough == nil {
				return false
			}
			// kong keeps the "--" for a passthrough argument; the command
			// drops it.
			cmd.FieldByIndex(s.passthrough).Set(reflect.ValueOf(append([]string{}, args[i:]...)))
			i = len(args)
		case !strings.HasPrefix(a, "-"):
			if a != f.name {
				return false
			}
			seen = true
		default:
			name, value, hasValue := strings.Cut(a, "=")
			if !strings.HasPrefix(a, "--") && len(a) != 2 {
				return false // -fjson, -abc
			}
			fl := s.flags[name]
			if fl == nil || !fl.global && !seen || fl.path || set[fl] {
				return false
			}
			if fl.kind == reflect.Bool {
				if hasValue {
					return false
				}
				value = "true"
			} else if !hasValue {
				if i+1 >= len(args) || strings.HasPrefix(args[i+1], "-") {
					return false
				}
				i++
				value = args[i]
			}
			if !fl.assign(g, cmd, value) {
				return false
			}
			set[fl] = true
		}
	}
	if !seen || s.passthrough != nil && cmd.FieldByIndex(s.passthrough).Len() == 0 {
		return false // kong: the command is required
	}
	if positional < len(s.args) && !s.args[positional].optional {
		return false // kong: a required argument is missing
	}
	for _, fl := range s.all {
		if !set[fl] && fl.def != "" && (fl.env == "" || os.Getenv(fl.env) == "") {
			if !fl.assign(g, cmd, fl.def) {
				return false
			}
		}
	}
	// kong reads every flag's variable, and refuses a bad one, even when
	// the line sets the flag.
	var scratch cli.Globals
	for _, fl := range s.all {
		v, present := os.LookupEnv(fl.env)
		if fl.env == "" || !present {
			continue
		}
		if v == "" || fl.path {
			return false
		}
		if set[fl] {
			if !fl.assign(&scratch, reflect.New(cmd.Type()).Elem(), v) {
				return false
			}
			continue
		}
		if !fl.assign(g, cmd, v) {
			return false
		}
	}
	return true
}

// assign sets the flag's field to value as kong's mapper for its kind.
func (fl *directFlag) assign(g *cli.Globals, cmd reflect.Value, value string) bool {
	v := cmd
	if fl.global {
		v = reflect.ValueOf(g).Elem()
	}
	field := v.FieldByIndex(fl.index)
	switch {
	case fl.kind == reflect.Bool:
		switch value { // kong's words, no others
		case "true", "1", "yes":
			field.SetBool(true)
		case "false", "0", "no":
			field.SetBool(false)
		default:
			return false
		}
	case fl.sep != "":
		list := strings.Split(value, fl.sep)
		if slices.Contains(list, "") {
			return false // kong's handling of empty items differs by source
		}
		field.Set(reflect.ValueOf(list))
	default:
		if fl.enum != nil && !slices.Contains(fl.enum, value) {
			return false // kong's message names the values
		}
		field.SetString(value)
	}
	return true
}
