package main

import (
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/cli"
)

// The hot commands run many times a minute (credential_process under every
// AWS SDK call, the hook on each identity switch, the prompt, completion):
// they are parsed with a tree of one command instead of the whole CLI, which
// spares kong reflecting over and interpolating every other command's
// flags at each start. The command's struct and tags come from CLI itself,
// so the two trees cannot drift apart (TestHotParseMatchesFull). Help,
// --version and any parse error go to the full tree, so that what the user
// reads is exactly what the full tree says.
var hotCommands = map[string]bool{
	"credential-process": true, "env": true, "exec": true,
	"prompt": true, "__hook": true, "__complete": true,
}

// hotRoot is the root of a one-command tree: the global flags and --version.
type hotRoot struct {
	cli.Globals

	Version kong.VersionFlag `help:"Print the version and exit."`
}

// hotField is the CLI field of a command: its name, struct type and tags
// (help is left out: the one-command tree never prints it).
type hotField struct {
	name string
	typ  reflect.Type
	tags []string
}

// hotFields maps each hot command's name to its CLI field, found once.
var hotFields = sync.OnceValue(func() map[string]hotField {
	out := map[string]hotField{}
	rt := reflect.TypeFor[CLI]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if _, ok := f.Tag.Lookup("cmd"); !ok {
			continue
		}
		name := f.Tag.Get("name")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if !hotCommands[name] {
			continue
		}
		var tags []string
		if _, ok := f.Tag.Lookup("hidden"); ok {
			tags = append(tags, `hidden:""`)
		}
		out[name] = hotField{name: name, typ: f.Type, tags: tags}
	}
	return out
})

// globalFlags are the flags of cli.Globals as they may come before the
// command ("--name" and "-s" → whether the flag takes a value), read from
// its tags: the managed AWS profiles run `atmos-auth --config FILE
// credential-process --identity NAME`.
var globalFlags = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	rt := reflect.TypeFor[cli.Globals]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, ok := f.Tag.Lookup("name")
		if !ok || f.Tag.Get("kong") == "-" {
			continue
		}
		value := f.Type.Kind() != reflect.Bool
		out["--"+name] = value
		if s := f.Tag.Get("short"); s != "" {
			out["-"+s] = value
		}
	}
	return out
})

// hotEligible reports whether args name a hot command, after global flags
// only, and ask for no help or version (before a "--", after which the
// arguments are the child's).
func hotEligible(args []string) (hotField, bool) {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		name, _, hasValue := strings.Cut(args[i], "=")
		value, global := globalFlags()[name]
		if !global || hasValue && !value {
			return hotField{}, false
		}
		i++
		if value && !hasValue {
			i++ // the flag's value (PreparseArgs gave a bare -i one)
		}
	}
	if i >= len(args) {
		return hotField{}, false
	}
	f, ok := hotFields()[args[i]]
	if !ok {
		return hotField{}, false
	}
	if f.name == "__complete" && slices.Contains(args[i:], "commands") {
		return hotField{}, false // lists the full tree's commands
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" || a == "--version" || strings.HasPrefix(a, "--help=") || strings.HasPrefix(a, "--version=") {
			return hotField{}, false
		}
	}
	return f, true
}

// runHot parses and runs a hot command with a one-command tree; ok is false
// when the arguments do not parse there, and then nothing has run: the
// caller parses them again with the full tree, for the full tree's message.
func runHot(args []string, io cli.Globals, f hotField) (code int, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if c, isExit := r.(exitPanic); isExit {
				code, ok = int(c), true
				return
			}
			panic(r)
		}
	}()
	root := hotRoot{Globals: io}
	root.Defaults()
	cmd := reflect.New(f.typ)
	if r, isRunner := cmd.Interface().(interface{ Run(*cli.Globals) error }); isRunner && directParse(args, f, &root.Globals, cmd.Elem()) {
		return executeRun(&root.Globals, func() error { return r.Run(&root.Globals) }), true
	}
	root = hotRoot{Globals: io}
	root.Defaults()
	parser, err := newHotParser(&root, f.name, f,
		kong.Writers(root.Stdout, root.Stderr),
		kong.Exit(func(code int) { panic(exitPanic(code)) }))
	if err != nil {
		return 0, false
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		return 0, false
	}
	return execute(ctx, &root.Globals), true
}

// newHotParser builds the one-command tree for command name. Its help is
// never printed (help goes to the full tree), so help texts are emptied
// before kong interpolates them, and only the variables that a hot
// command's defaults and enums use are given: kong runs a regular
// expression over every help string and every variable for every flag.
func newHotParser(root *hotRoot, name string, f hotField, opts ...kong.Option) (*kong.Kong, error) {
	cmd := reflect.New(f.typ).Interface()
	return kong.New(root, append([]kong.Option{
		kong.Name("atmos-auth"),
		// No "version": --version goes to the full tree, and reading the
		// build information is work a hot command need not do.
		cli.QuoteVars(),
		kong.DynamicCommand(name, "", "", cmd, f.tags...),
		kong.PostBuild(stripHelp),
	}, opts...)...)
}

func stripHelp(k *kong.Kong) error {
	return kong.Visit(k.Model.Node, func(v kong.Visitable, next kong.Next) error {
		switch v := v.(type) {
		case *kong.Node:
			v.Help, v.Detail = "", ""
		case *kong.Value:
			v.Help = ""
		case *kong.Flag:
			v.Help = ""
		}
		return next(nil)
	})
}
