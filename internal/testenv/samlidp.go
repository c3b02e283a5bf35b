package testenv

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SAMLIdP is a running scripts/npm/saml-idp.mjs: Auth0's samlp middleware
// (npm samlp) behind a sign-in form, signing with a key made for the test.
type SAMLIdP struct {
	URL  string // http://127.0.0.1:PORT (the sign-in is URL + "/sso")
	cmd  *exec.Cmd
	Logs *strings.Builder
}

// SAMLIdPScript is the IdP script under the repository root.
const SAMLIdPScript = "scripts/npm/saml-idp.mjs"

// StartSAMLIdPIn starts the IdP with node, its key and certificate written
// in dir, and waits (bounded) until it listens. args are the script's
// (--acs, --role, --autofill …). root is the repository root.
func StartSAMLIdPIn(root, dir string, args ...string) (*SAMLIdP, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not installed")
	}
	script := filepath.Join(root, SAMLIdPScript)
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "samlp")); err != nil {
		return nil, fmt.Errorf("npm samlp is not installed (scripts/install-test-deps.sh)")
	}
	keyPath, certPath := filepath.Join(dir, "idp.key"), filepath.Join(dir, "idp.crt")
	if err := writeTestCert(keyPath, certPath); err != nil {
		return nil, err
	}
	portFile := filepath.Join(dir, "idp.port")
	_ = os.Remove(portFile)
	logs := &strings.Builder{}
	cmd := exec.Command(node, append([]string{script, "--key", keyPath, "--cert", certPath, "--port-file", portFile}, args...)...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	idp := &SAMLIdP{cmd: cmd, Logs: logs}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(portFile); err == nil {
			if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				idp.URL = fmt.Sprintf("http://127.0.0.1:%d", p)
				return idp, nil
			}
		}
		if time.Now().After(deadline) {
			idp.Close()
			return nil, fmt.Errorf("the samlp IdP did not start: %s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StartSAMLIdP starts the IdP for a Go test (skipped locally when node or
// samlp is missing, failed in CI) and stops it when the test ends.
func StartSAMLIdP(t testing.TB, root string, args ...string) *SAMLIdP {
	t.Helper()
	RequireTool(t, "node")
	RequireFile(t, filepath.Join(root, "scripts", "npm", "node_modules", "samlp"))
	idp, err := StartSAMLIdPIn(root, t.TempDir(), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(idp.Close)
	return idp
}

// Close stops the IdP.
func (i *SAMLIdP) Close() {
	if i.cmd.Process != nil {
		_ = i.cmd.Process.Kill()
		_ = i.cmd.Wait()
	}
}

// Stats are the IdP's counters: logins (form sign-ins), failures,
// assertions issued.
func (i *SAMLIdP) Stats() (map[string]int, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(i.URL + "/stats")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m := map[string]int{}
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

// writeTestCert writes a fresh RSA key and a self-signed certificate.
func writeTestCert(keyPath, certPath string) error {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "atmos-auth test IdP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return err
	}
	kb := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	if err := os.WriteFile(keyPath, kb, 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}
