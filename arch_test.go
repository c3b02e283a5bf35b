package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers pins the package layers (docs/ARCHITECTURE.md): a cloud SDK
// is imported only by its cloud's package, and the packages that load
// configuration, walk chains, cache and render — and the CLI — reach no
// cloud package at all, not even indirectly. Only main (through package
// cloud, the list of clouds) does.
func TestLayers(t *testing.T) {
	imports := func(args ...string) map[string][]string {
		t.Helper()
		out, err := exec.Command("go", append([]string{"list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}"}, args...)...).Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		m := map[string][]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			m[f[0]] = f[1:]
		}
		return m
	}
	const mod = "github.com/atmos-auth/atmos-auth/"
	sdks := map[string]string{"github.com/aws/": "cloud/aws", "github.com/Azure/": "cloud/azure"}
	for pkg, imps := range imports("./...") {
		for _, imp := range imps {
			for prefix, owner := range sdks {
				if strings.HasPrefix(imp, prefix) && pkg != mod+owner {
					t.Errorf("%s imports %s: only %s may import that SDK", pkg, imp, owner)
				}
			}
		}
	}
	core := []string{"./config", "./auth", "./environ", "./cli", "./formats", "./shells", "./hooks"}
	for pkg, deps := range imports(append([]string{"-deps"}, core...)...) {
		if strings.HasPrefix(pkg, mod+"cloud") {
			t.Errorf("a core package reaches %s (deps of %s)", pkg, strings.Join(core, " "))
		}
		for _, d := range deps {
			if strings.HasPrefix(d, "github.com/aws/") {
				t.Errorf("%s, a dependency of the core, imports the cloud SDK %s", pkg, d)
			}
		}
	}
}

// TestNoAWSSDKInBinary: the binary links nothing of the AWS SDK or
// smithy-go — their package init, itabs and size cost every start
// (docs/ARCHITECTURE.md, "Start-up cost"). cloud/aws writes out the
// protocols it calls, SigV4 and the default credential chain; tests use
// the SDK as their oracle.
func TestNoAWSSDKInBinary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/aws/") {
			t.Errorf("the binary links %s: cloud/aws calls AWS through apiCall (awscall.go, sigv4.go)", p)
		}
	}
}
