package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// LogoutAllRealms is `logout --all-realms`: LogoutAll for this project
// (its provider sessions ended, its keyring sessions removed), then the
// cached credentials of every other project and realm on this machine —
// every scope under <cache>/projects/ — removed. Their locks stay (a
// running login may hold one), and so do their keyring entries, which
// only their own configuration can name: `logout --all` there removes
// them.
func (a *Authenticator) LogoutAllRealms(ctx context.Context) ([]string, error) {
	done, err := a.LogoutAll(ctx)
	root := filepath.Join(a.Dirs.Cache, "projects")
	ents, _ := os.ReadDir(root)
	var scopes []string
	for _, e := range ents {
		if e.IsDir() {
			scopes = append(scopes, e.Name())
		}
	}
	sort.Strings(scopes)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, s := range scopes {
		n, rerr := clearScope(filepath.Join(root, s))
		if rerr != nil {
			errs = append(errs, rerr)
		}
		if n > 0 {
			done = append(done, "removed "+strconv.Itoa(n)+" cached file(s) of "+scopeName(s))
		}
	}
	return done, errors.Join(errs...)
}

// clearScope removes everything in a scope directory but its locks, and
// counts the regular files removed. Symbolic links are removed, never
// followed.
func clearScope(dir string) (int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, nil
	}
	n := 0
	var errs []error
	for _, e := range ents {
		if e.Name() == "locks" {
			continue
		}
		p := filepath.Join(dir, e.Name())
		n += countFiles(p)
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

func countFiles(p string) int {
	n := 0
	_ = filepath.WalkDir(p, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// scopeName names a cache scope for people: "realm acme" or "project
// <key>".
func scopeName(s string) string {
	if len(s) > len(RealmKeyPrefix) && s[:len(RealmKeyPrefix)] == RealmKeyPrefix {
		return "realm " + s[len(RealmKeyPrefix):]
	}
	return "project " + s
}
