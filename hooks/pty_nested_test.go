package hooks_test

import (
	"strings"
	"testing"
)

// TestHookPTYNestedShell: a shell started from a hooked one unloads, when it
// leaves the tree, the identity its parent loaded (the hook's exported
// ATMOS_AUTH_HOOK_LOADED), says which variables it could not give back
// (their earlier values are not handed down), and switches by directory
// as its parent does; back in the parent, everything is restored.
func TestHookPTYNestedShell(t *testing.T) {
	for _, sh := range ptyShells {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			f := newTruthFixtureConfig(t, sh, truthConfig, map[string]string{"infra/prod": "identity: prod-admin\n"}, startCloud(t)...)
			f.allow(t, "infra/prod")
			p := startShell(t, sh, f.home, f.w, f.env)
			e := p.at(f.root, "cd infra/prod")
			if e["AWS_PROFILE"] != "prod-admin" || e["AWS_ACCESS_KEY_ID"] != "" {
				t.Fatalf("the directory's identity is not applied: AWS_PROFILE=%q AWS_ACCESS_KEY_ID=%q", e["AWS_PROFILE"], e["AWS_ACCESS_KEY_ID"])
			}
			loaded := e["ATMOS_AUTH_HOOK_LOADED"]
			if loaded == "" {
				t.Fatal("ATMOS_AUTH_HOOK_LOADED is not exported")
			}
			if strings.Contains(loaded, "AKIAAMBIENTEXAMPLE") || strings.Contains(loaded, "ambient-secret") {
				t.Fatal("the exported state holds a saved value")
			}

			// A nested shell, still in the tree: the same identity.
			argv := sh.argv(t, f.home)
			e = p.at(f.root, strings.Join(argv, " "))
			if e["AWS_PROFILE"] != "prod-admin" || e["ATMOS_IDENTITY"] != "prod-admin" {
				t.Errorf("nested shell in infra/prod: AWS_PROFILE=%q ATMOS_IDENTITY=%q, want prod-admin", e["AWS_PROFILE"], e["ATMOS_IDENTITY"])
			}
			// Leaving the tree unloads it.
			e = p.at(f.root, "cd "+f.w)
			for _, k := range []string{"AWS_PROFILE", "ATMOS_IDENTITY", "AWS_CONFIG_FILE", "ATMOS_AUTH_HOOK_IDENTITY", "ATMOS_AUTH_HOOK_LOADED"} {
				if v, ok := e[k]; ok {
					t.Errorf("nested shell after leaving infra/prod: %s=%q is still set", k, v)
				}
			}
			if n := p.countOutput("atmos-auth: left prod-admin", 1); n != 1 {
				t.Errorf("said %d times that it left prod-admin, want once; terminal:\n%s", n, p.output())
			}
			if n := p.countOutput("in the parent shell (not handed down); exit this shell to get them back", 1); n != 1 {
				t.Errorf("did not say that the ambient keys stay with the parent; terminal:\n%s", p.output())
			}
			// It switches by directory on its own.
			e = p.at(f.root, "cd infra/prod")
			if e["AWS_PROFILE"] != "prod-admin" {
				t.Errorf("nested shell re-entering infra/prod: AWS_PROFILE=%q", e["AWS_PROFILE"])
			}
			p.at(f.root, "cd "+f.w)
			p.send("exit")
			// Back in the parent, still in infra/prod.
			e = p.at(f.root, "")
			if e["AWS_PROFILE"] != "prod-admin" || e["ATMOS_AUTH_HOOK_LOADED"] != loaded {
				t.Errorf("back in the parent: AWS_PROFILE=%q, exported state changed: %v", e["AWS_PROFILE"], e["ATMOS_AUTH_HOOK_LOADED"] != loaded)
			}
			e = p.at(f.root, "cd "+f.w)
			if e["AWS_PROFILE"] != "" || e["AWS_ACCESS_KEY_ID"] != "AKIAAMBIENTEXAMPLE" || e["ATMOS_AUTH_HOOK_LOADED"] != "" {
				t.Errorf("the parent leaving infra/prod: AWS_PROFILE=%q AWS_ACCESS_KEY_ID=%q ATMOS_AUTH_HOOK_LOADED=%q, want the ambient keys back",
					e["AWS_PROFILE"], e["AWS_ACCESS_KEY_ID"], e["ATMOS_AUTH_HOOK_LOADED"])
			}
		})
	}
}
