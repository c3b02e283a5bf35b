package main

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/cli"
)

// TestDirectParseMatchesKong: every command line the direct parse takes,
// under every environment below, gives the command and the global flags
// kong's one-command tree gives — and kong accepts it; what it gives up
// on goes to kong. The managed profile's line, env and exec are taken.
func TestDirectParseMatchesKong(t *testing.T) {
	vectors := [][]string{
		{"--config", "/repo/atmos.yaml", "credential-process", "--identity", "d5"},
		{"credential-process", "--identity", "d5"},
		{"credential-process", "-i", "d5", "--log-level", "debug"},
		{"credential-process", "--identity=d5", "--profile", "a,b"},
		{"--profile=a,,b", "--no-color", "credential-process"},
		{"credential-process", "--no-color", "-i"},
		{"credential-process", "-i", "x", "extra"},
		{"credential-process", "-i", "x", "-i", "y"},
		{"credential-process", "--config", "-x"},
		{"credential-process", "--bogus"},
		{"credential-process", "--no-color=false"},
		{"--login", "env"},
		{"env", "-i", "prod"},
		{"env", "-i", "prod", "-f", "json"},
		{"env", "-i", "prod", "-fjson"},
		{"env", "-i", "prod", "-o", "fish", "--login"},
		{"env", "--format", "dotenv", "--output", "json", "--export-credentials", "--tags", "a,b"},
		{"env", "--output-file", "/tmp/x", "-i", "prod"},
		{"env", "--output-file=~/x"},
		{"env", "--identity=prod", "--config", "/tmp/atmos.yaml"},
		{"env", "-i"},
		{"env", "env"},
		{"env", "--", "x"},
		{"-i", "prod", "--log-level=debug", "env", "-f", "json"},
		{"exec", "-i", "prod", "--", "aws", "s3", "ls", "--help"},
		{"exec", "--", "sh", "-c", "echo -i"},
		{"exec", "-i", "prod", "aws", "sts", "get-caller-identity", "--profile", "x"},
		{"exec", "--server", "--login", "--tags", "t", "--", "true"},
		{"exec", "-i", "p", "-", "x"},
		{"exec", "-i", "p"},
		{"exec", "--", "--"},
		{"--identity", "--config", "/x", "exec", "--", "true"},
		{"prompt"},
		{"prompt", "-f", "json"},
		{"prompt", "--format", "long"},
		{"prompt", "-f", "nope"},
		{"prompt", "-f", ""},
		{"-i", "x", "prompt", "--format=text"},
		{"__hook", "bash"},
		{"__hook", "zsh", "1234.5678"},
		{"__hook"},
		{"__hook", "bash", "1", "2"},
		{"__hook", "-", "x"},
		{"__hook", "bash", "--", "x"},
		{"-i", "x", "__hook", "fish", "-i", "y"},
		{"__hook", "--log-level", "debug", "tcsh"},
		{"__complete", "shells"},
	}
	envs := []map[string]string{
		{},
		{"ATMOS_IDENTITY": "from-env"},
		{"ATMOS_IDENTITY": ""},
		{"ATMOS_PROFILE": "a,b"},
		{"ATMOS_PROFILE": " a, b,"},
		{"NO_COLOR": "1"},
		{"NO_COLOR": "true"},
		{"NO_COLOR": "yes"},
		{"NO_COLOR": ""},
		{"ATMOS_CLI_CONFIG_PATH": "/e/atmos.yaml"},
		{"ATMOS_AUTH_ENV_OUTPUT_FILE": "/tmp/o"},
	}
	vars := []string{"ATMOS_IDENTITY", "ATMOS_PROFILE", "NO_COLOR", "ATMOS_CLI_CONFIG_PATH", "ATMOS_AUTH_ENV_OUTPUT_FILE"}
	taken := map[string]bool{}
	for i, env := range envs {
		t.Run(fmt.Sprint(env), func(t *testing.T) {
			for _, k := range vars {
				t.Setenv(k, "")
				if v, ok := env[k]; ok {
					t.Setenv(k, v)
				} else {
					os.Unsetenv(k)
				}
			}
			for _, v := range vectors {
				args := cli.PreparseArgs(v)
				f, ok := hotEligible(args)
				if !ok {
					continue
				}
				var g cli.Globals
				cmd := reflect.New(f.typ)
				if !directParse(args, f, &g, cmd.Elem()) {
					continue
				}
				if i == 0 {
					taken[strings.Join(v, " ")] = true
				}
				want, wantGlobals, err := hotParse(t, f, args)
				if err != nil {
					t.Errorf("%q: taken directly, but kong says %v", v, err)
					continue
				}
				if got := fmt.Sprintf("%+v", cmd.Interface()); got != want {
					t.Errorf("%q: command\ndirect %s\nkong   %s", v, got, want)
				}
				if got := flagFields(g); got != wantGlobals {
					t.Errorf("%q: globals\ndirect %s\nkong   %s", v, got, wantGlobals)
				}
			}
		})
	}
	for _, must := range []string{"--config /repo/atmos.yaml credential-process --identity d5", "env -i prod", "env -i prod -f json",
		"env -i prod -o fish --login", "exec -i prod -- aws s3 ls --help", "exec -i prod aws sts get-caller-identity --profile x", "prompt", "prompt -f json", "__hook bash", "__hook zsh 1234.5678"} {
		if !taken[must] {
			t.Errorf("%q goes to kong: the direct parse should take it", must)
		}
	}
}
