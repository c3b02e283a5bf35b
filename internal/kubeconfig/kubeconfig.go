// Package kubeconfig writes one cluster, user and context into a
// kubeconfig file the way `aws eks update-kubeconfig` does, keeping every
// other entry and field of the file.
package kubeconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// ExecAPIVersion is the client authentication API the exec plugin speaks.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// Entry is what one cluster adds: a cluster, a user whose credentials an
// exec plugin prints, and a context joining them (all named Name).
type Entry struct {
	Name    string
	Server  string
	CAData  string // base64 PEM
	Command string
	Args    []string
}

// Update modes.
const (
	Merge   = "merge"   // keep the file's other entries; ours replace same-named ones
	Replace = "replace" // the file holds only our entry afterwards
	Error   = "error"   // refuse when the file holds a different same-named entry
)

// ErrConflict is returned in Error mode.
var ErrConflict = errors.New("kubeconfig already holds a different entry")

func (e Entry) maps() (cluster, user, ctx map[string]any) {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = a
	}
	cluster = map[string]any{"name": e.Name, "cluster": map[string]any{"server": e.Server, "certificate-authority-data": e.CAData}}
	user = map[string]any{"name": e.Name, "user": map[string]any{"exec": map[string]any{
		"apiVersion": ExecAPIVersion, "command": e.Command, "args": args,
	}}}
	ctx = map[string]any{"name": e.Name, "context": map[string]any{"cluster": e.Name, "user": e.Name}}
	return
}

// Update writes e into the kubeconfig at path (created 0600 with its
// directory 0700 when missing; an existing file keeps its mode).
func Update(path string, e Entry, mode string) error {
	doc, perm, err := read(path)
	if err != nil {
		return err
	}
	cluster, user, ctx := e.maps()
	if mode == Replace {
		doc = map[string]any{}
	}
	var conflict bool
	doc["clusters"], conflict = put(doc["clusters"], cluster)
	var c2, c3 bool
	doc["users"], c2 = put(doc["users"], user)
	doc["contexts"], c3 = put(doc["contexts"], ctx)
	if mode == Error && (conflict || c2 || c3) {
		return fmt.Errorf("%s: %w named %q (update: error); remove it or set update: merge", path, ErrConflict, e.Name)
	}
	doc["apiVersion"], doc["kind"] = "v1", "Config"
	if _, ok := doc["preferences"]; !ok {
		doc["preferences"] = map[string]any{}
	}
	doc["current-context"] = e.Name
	out, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(path, out); err != nil {
		return err
	}
	if perm != 0o600 {
		return os.Chmod(path, perm)
	}
	return nil
}

// Has reports whether the kubeconfig at path holds exactly e.
func Has(path string, e Entry) bool {
	doc, _, err := read(path)
	if err != nil {
		return false
	}
	cluster, user, ctx := e.maps()
	for key, want := range map[string]map[string]any{"clusters": cluster, "users": user, "contexts": ctx} {
		if !contains(doc[key], want) {
			return false
		}
	}
	return true
}

func read(path string) (map[string]any, fs.FileMode, error) {
	b, err := fsutil.ReadRegular(path, fsutil.MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]any{}, 0o600, nil
	}
	if err != nil {
		return nil, 0, err
	}
	perm := fs.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		perm = st.Mode().Perm()
	}
	doc := map[string]any{}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, 0, fmt.Errorf("%s is not a kubeconfig (YAML mapping): %v; fix or move it", path, err)
	}
	if doc == nil {
		doc = map[string]any{}
	}
	// A configuration names the path: never turn another file (a YAML
	// mapping of some other program) into a kubeconfig.
	if k, ok := doc["kind"]; len(doc) > 0 && (!ok || k != "Config") {
		return nil, 0, fmt.Errorf("%s is not a kubeconfig (no kind: Config); it is left alone: choose another spec.cluster.kubeconfig.path", path)
	}
	return doc, perm, nil
}

// put replaces the item named like item in list (or appends it) and says
// whether a different item had that name.
func put(list any, item map[string]any) ([]any, bool) {
	items, _ := list.([]any)
	out := make([]any, 0, len(items)+1)
	found, conflict := false, false
	for _, it := range items {
		m, ok := it.(map[string]any)
		if ok && m["name"] == item["name"] {
			conflict = !same(m, item)
			if !found {
				out = append(out, item)
			}
			found = true
			continue
		}
		out = append(out, it)
	}
	if !found {
		out = append(out, item)
	}
	return out, conflict
}

func contains(list any, item map[string]any) bool {
	items, _ := list.([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && m["name"] == item["name"] {
			return same(m, item)
		}
	}
	return false
}

// same compares through YAML (what was read has []any and ints where
// ours has typed values).
func same(a, b map[string]any) bool {
	x, _ := yaml.Marshal(a)
	y, _ := yaml.Marshal(b)
	var u, v any
	_ = yaml.Unmarshal(x, &u)
	_ = yaml.Unmarshal(y, &v)
	return reflect.DeepEqual(u, v)
}
