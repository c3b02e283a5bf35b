// Package dockercfg stores registry credentials in a docker client
// configuration (config.json) the way `docker login` does: in the file's
// auths, or through the credential store (credsStore) it names, keeping
// every other entry, credential helper and unknown field as it was.
package dockercfg

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// HelperTimeout bounds a docker-credential-* helper.
const HelperTimeout = 20 * time.Second

// HelperError says a credential helper the user configured handles the
// registry: the login is left to it.
type HelperError struct{ Host, Helper string }

func (e *HelperError) Error() string {
	return fmt.Sprintf("the docker configuration sends %s to its credential helper docker-credential-%s: nothing stored (remove it from credHelpers to let atmos-auth log in)", e.Host, e.Helper)
}

// Store writes credentials for host into dir/config.json. seed, when not
// "", is another config.json whose credHelpers and inline auths of other
// hosts are carried in (a managed configuration keeps the user's other
// registries working). It returns how the credentials were stored.
func Store(ctx context.Context, dir, host, user, secret, seed string) (string, error) {
	path := filepath.Join(dir, "config.json")
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	doc, err := read(path)
	if err != nil {
		return "", err
	}
	if seed != "" {
		if s, err := read(seed); err == nil {
			merge(doc, s, host)
		}
	}
	helpers := object(doc, "credHelpers")
	if h, ok := helpers[host]; ok {
		var name string
		_ = json.Unmarshal(h, &name)
		return "", &HelperError{Host: host, Helper: name}
	}
	auths := object(doc, "auths")
	var how string
	var store string
	if raw, ok := doc["credsStore"]; ok {
		_ = json.Unmarshal(raw, &store)
	}
	if store != "" {
		if err := storeWithHelper(ctx, store, host, user, secret); err != nil {
			return "", err
		}
		auths[host] = json.RawMessage(`{}`)
		how = "credential store docker-credential-" + store
	} else {
		b, _ := json.Marshal(map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))})
		auths[host] = b
		how = path
	}
	setObject(doc, "auths", auths)
	out, err := json.MarshalIndent(doc, "", "\t")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	if err := fsutil.WriteFileAtomic(path, append(out, '\n')); err != nil {
		return "", err
	}
	return how, nil
}

// Remove drops host's inline entry from dir/config.json (a no-op when
// there is none).
func Remove(dir, host string) error {
	path := filepath.Join(dir, "config.json")
	doc, err := read(path)
	if err != nil {
		return err
	}
	auths := object(doc, "auths")
	if _, ok := auths[host]; !ok {
		return nil
	}
	delete(auths, host)
	setObject(doc, "auths", auths)
	out, _ := json.MarshalIndent(doc, "", "\t")
	return fsutil.WriteFileAtomic(path, append(out, '\n'))
}

// Has reports whether dir/config.json holds an inline entry for host.
func Has(dir, host string) bool {
	doc, err := read(filepath.Join(dir, "config.json"))
	if err != nil {
		return false
	}
	_, ok := object(doc, "auths")[host]
	return ok
}

func read(path string) (map[string]json.RawMessage, error) {
	b, err := fsutil.ReadRegular(path, fsutil.MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]json.RawMessage{}, nil
	}
	if err != nil {
		return nil, err
	}
	doc := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(b)) == 0 {
		return doc, nil
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		// Never overwrite a file we cannot read: the user's entries
		// would be lost.
		return nil, fmt.Errorf("%s is not a docker configuration (JSON object): %v; fix or move it", path, err)
	}
	return doc, nil
}

func object(doc map[string]json.RawMessage, key string) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	if raw, ok := doc[key]; ok {
		_ = json.Unmarshal(raw, &m)
	}
	return m
}

func setObject(doc map[string]json.RawMessage, key string, m map[string]json.RawMessage) {
	b, _ := json.Marshal(m)
	doc[key] = b
}

// merge carries seed's credHelpers and inline auths (not host's, not
// those held by a credential store) into doc where doc has none.
func merge(doc, seed map[string]json.RawMessage, host string) {
	auths, helpers := object(doc, "auths"), object(doc, "credHelpers")
	for h, v := range object(seed, "auths") {
		var e struct {
			Auth string `json:"auth"`
		}
		if h == host || json.Unmarshal(v, &e) != nil || e.Auth == "" {
			continue
		}
		if _, ok := auths[h]; !ok {
			auths[h] = v
		}
	}
	for h, v := range object(seed, "credHelpers") {
		if _, ok := helpers[h]; !ok && h != host {
			helpers[h] = v
		}
	}
	if len(auths) > 0 {
		setObject(doc, "auths", auths)
	}
	if len(helpers) > 0 {
		setObject(doc, "credHelpers", helpers)
	}
}

// helperName is what may follow docker-credential- (a name from the
// user's own file, never a path).
func helperName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return s[0] != '.' && s[0] != '-'
}

// storeWithHelper runs `docker-credential-<store> store` (the docker
// credential helper protocol: the credentials as JSON on stdin).
func storeWithHelper(ctx context.Context, store, host, user, secret string) error {
	if !helperName(store) {
		return fmt.Errorf("the docker configuration's credsStore %q is not a helper name", store)
	}
	bin, err := exec.LookPath("docker-credential-" + store)
	if err != nil {
		return fmt.Errorf("the docker configuration's credsStore needs docker-credential-%s, which is not on PATH", store)
	}
	ctx, cancel := context.WithTimeout(ctx, HelperTimeout)
	defer cancel()
	in, _ := json.Marshal(map[string]string{"ServerURL": host, "Username": user, "Secret": secret})
	cmd := exec.CommandContext(ctx, bin, "store")
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		msg := bytes.TrimSpace(out.Bytes())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return fmt.Errorf("docker-credential-%s store: %v: %q", store, err, msg)
	}
	return nil
}
