package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/cli"
	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// Every hot command is in CLI and is found by hotFields.
func TestHotCommandsExist(t *testing.T) {
	for name := range hotCommands {
		if _, ok := hotFields()[name]; !ok {
			t.Errorf("hot command %q is not a field of CLI (its name tag or field name changed?)", name)
		}
	}
}

// The one-command tree parses every argument vector into exactly what the
// full tree does: the same command values and the same global flags.
func TestHotParseMatchesFull(t *testing.T) {
	vectors := [][]string{
		{"credential-process", "--identity", "d5"},
		{"credential-process", "-i", "d5", "--log-level", "debug"},
		// What the managed AWS profiles run: global flags first.
		{"--config", "/repo/atmos.yaml", "credential-process", "--identity", "d5"},
		{"--config=/repo/atmos.yaml", "--profile", "a,b", "--no-color", "credential-process", "-i", "d5"},
		{"-i", "prod", "--log-level=debug", "env", "-f", "json"},
		{"--identity", "--config", "/x", "exec", "--", "true"},
		{"--config", "env", "env"},
		{"env", "-i", "prod"},
		{"env", "-i", "prod", "-f", "json"},
		{"env", "-i", "prod", "-o", "fish", "--login"},
		{"env", "--output-file", "/tmp/x", "-i", "prod"},
		{"env", "--identity=prod", "--config", "/tmp/atmos.yaml"},
		{"env", "-i"},
		{"exec", "-i", "prod", "--", "aws", "s3", "ls", "--help"},
		{"exec", "--", "sh", "-c", "echo -i"},
		{"prompt"},
		{"prompt", "-f", "json"},
		{"__hook", "bash"},
		{"__hook", "zsh", "1234"},
		{"__complete", "identities", "--quote", "tcsh"},
		{"__complete", "shells"},
	}
	for _, v := range vectors {
		t.Run(strings.Join(v, " "), func(t *testing.T) {
			args := cli.PreparseArgs(v)
			f, ok := hotEligible(args)
			if !ok {
				t.Fatal("not eligible")
			}
			full := CLI{}
			fp, err := kong.New(&full, kong.Vars{"version": "x"}.CloneWith(cli.ListVars()), cli.CompletionVars(), kong.Exit(func(int) { t.Fatal("exit") }))
			if err != nil {
				t.Fatal(err)
			}
			fctx, err := fp.Parse(args)
			if err != nil {
				t.Fatal(err)
			}
			cmd, globals, err := hotParse(t, f, args)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("%+v", fctx.Selected().Target.Addr().Interface()); cmd != want {
				t.Errorf("command value:\nhot  %s\nfull %s", cmd, want)
			}
			if want := flagFields(full.Globals); globals != want {
				t.Errorf("globals:\nhot  %s\nfull %s", globals, want)
			}
		})
	}
}

// hotParse parses args with the one-command tree of f: the command's
// value and the global flags, printed.
func hotParse(t *testing.T, f hotField, args []string) (cmd, globals string, err error) {
	t.Helper()
	hot := hotRoot{}
	hp, err := newHotParser(&hot, f.name, f)
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := hp.Parse(args)
	if err != nil {
		return "", "", err
	}
	return fmt.Sprintf("%+v", ctx.Selected().Target.Addr().Interface()), flagFields(hot.Globals), nil
}

// flagFields prints the Globals fields that kong sets (those with a help
// tag), leaving out streams and functions.
func flagFields(g cli.Globals) string {
	var b strings.Builder
	v := reflect.ValueOf(g)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if _, ok := f.Tag.Lookup("help"); ok {
			fmt.Fprintf(&b, "%s=%v ", f.Name, v.Field(i).Interface())
		}
	}
	return b.String()
}

// Help, --version, `__complete commands` and anything else go to the full tree.
func TestHotNotEligible(t *testing.T) {
	for _, v := range [][]string{
		{"env", "--help"}, {"env", "-h"}, {"credential-process", "--version"}, {"env", "--version=true"}, {"__complete", "commands"},
		{"login", "-i", "x"}, {"--log-level", "debug", "login"}, {"--bogus", "env"}, {"--no-color=true", "env"}, {"--config"}, {"--help", "env"}, {"-h", "env"}, {},
	} {
		if _, ok := hotEligible(v); ok {
			t.Errorf("%q: eligible", v)
		}
	}
	if _, ok := hotEligible([]string{"exec", "--", "ls", "--help"}); !ok {
		t.Error("exec -- ls --help: a child's --help made it ineligible")
	}
}

// A hot command's parse error reads exactly as the full tree's (the run
// falls back to it), and help is the full tree's.
func TestHotErrorsAreTheFullTrees(t *testing.T) {
	for _, v := range [][]string{
		{"env", "--bogus"}, {"prompt", "-f", "nope"}, {"__hook"}, {"env", "--help"},
		{"--config", "/nonexistent/atmos.yaml", "env", "--bogus"}, {"-i", "x", "credential-process", "extra"},
	} {
		var hotOut, hotErr bytes.Buffer
		code := run(v, cli.Globals{Stdout: &hotOut, Stderr: &hotErr, Getenv: func(string) string { return "" }, Kinds: cloud.Kinds()})
		// The full tree alone: v with a non-hot spelling is impossible, so
		// parse with the full tree directly.
		var fullOut, fullErr bytes.Buffer
		root := CLI{Globals: cli.Globals{Stdout: &fullOut, Stderr: &fullErr, Getenv: func(string) string { return "" }, Kinds: cloud.Kinds()}}
		root.Defaults()
		p, err := kong.New(&root, kong.Name("atmos-auth"),
			kong.Description("Cloud credentials from atmos.yaml, native to your shell."),
			kong.UsageOnError(),
			kong.Vars{"version": versionString()}.CloneWith(cli.ListVars()), cli.CompletionVars(),
			kong.Writers(root.Stdout, root.Stderr), kong.Exit(func(code int) { panic(exitPanic(code)) }))
		if err != nil {
			t.Fatal(err)
		}
		fcode := parse(p, &root, cli.PreparseArgs(v))
		if code != fcode || hotErr.String() != fullErr.String() || hotOut.String() != fullOut.String() {
			t.Errorf("%q: hot path %d %q %q; full tree %d %q %q", v, code, hotOut.String(), hotErr.String(), fcode, fullOut.String(), fullErr.String())
		}
	}
}

// BenchmarkParseCredentialProcess: building the parser and parsing a
// credential-process command line, with the full tree and with the hot one.
func BenchmarkParseCredentialProcess(b *testing.B) {
	for _, args := range [][]string{
		{"--config", "/repo/atmos.yaml", "credential-process", "--identity", "d5"},
		{"env", "-i", "d5"},
	} {
		b.Run(args[len(args)-3]+"/full", func(b *testing.B) {
			for b.Loop() {
				root := CLI{}
				p, err := kong.New(&root, kong.Vars{"version": "x"}.CloneWith(cli.ListVars()), cli.CompletionVars())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.Parse(args); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(args[len(args)-3]+"/hot", func(b *testing.B) {
			f, _ := hotEligible(args)
			for b.Loop() {
				root := hotRoot{}
				p, err := newHotParser(&root, f.name, f)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.Parse(args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHotRun runs whole hot commands in process (after one login to a
// local cloud): what remains of a run once the process has started. With
// -cpuprofile it shows where the hot path's own time goes.
func BenchmarkHotRun(b *testing.B) {
	srv := localcloud.New(localcloud.WithAutoApprove(0))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	dir := b.TempDir()
	yaml := `auth:
  providers:
    sso: {kind: aws/iam-identity-center, region: us-east-1, start_url: https://x.awsapps.com/start, spec: {endpoint_url: ` + srv.URL() + `}}
  identities:
    d1: {kind: aws/permission-set, via: {provider: sso}, principal: {name: AdminAccess, account: {name: core-identity}}}
    d2: {kind: aws/assume-role, via: {identity: d1}, principal: {assume_role: "arn:aws:iam::999999999999:role/ProductionAdmin"}, spec: {endpoint_url: ` + srv.URL() + `}}
`
	if err := os.WriteFile(dir+"/atmos.yaml", []byte(yaml), 0o600); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{
		"HOME": dir, "XDG_CONFIG_HOME": dir + "/.config", "XDG_CACHE_HOME": dir + "/.cache", "XDG_DATA_HOME": dir + "/.local/share",
		"ATMOS_CLI_CONFIG_PATH": dir + "/atmos.yaml", "ATMOS_KEYRING_TYPE": "file", "ATMOS_KEYRING_PASSWORD": "bench",
		"ATMOS_AUTH_DEVICE_FLOW": "non-interactive", "ATMOS_AUTH_NO_BROWSER": "1", "DBUS_SESSION_BUS_ADDRESS": "disabled:",
	}
	for k, v := range env {
		b.Setenv(k, v)
	}
	g := func() cli.Globals {
		return cli.Globals{Stdout: io.Discard, Stderr: io.Discard, Kinds: cloud.Kinds()}
	}
	if code := run([]string{"login", "-i", "d2"}, g()); code != 0 {
		b.Fatalf("login: exit %d", code)
	}
	for _, args := range [][]string{
		{"credential-process", "--identity", "d2"},
		{"env", "-i", "d2"},
	} {
		b.Run(args[0], func(b *testing.B) {
			for b.Loop() {
				if code := run(args, g()); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
