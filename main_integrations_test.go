package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/bcrypt"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// requireScriptTool is the path of a program a script needs (testscript
// cannot skip from a command: a missing one fails, naming the installer).
func requireScriptTool(ts *testscript.TestScript, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		ts.Fatalf("%s is not installed (scripts/install-test-deps.sh installs it; CI=%v)", name, testenv.InCI())
	}
	return p
}

// freePort returns a loopback port nothing listens on now.
func freePort(ts *testscript.TestScript) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// cmdRegistry starts Debian's docker-registry with htpasswd on 127.0.0.1:
//
//	registry start USER PASSWORD   exports $REGISTRY (127.0.0.1:PORT)
//	registry push REPO TAG         uploads a tiny image (as USER)
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 3 && args[0] == "push" {
		registryPush(ts, args[1], args[2])
		return
	}
	if len(args) != 3 || args[0] != "start" {
		ts.Fatalf("usage: registry start USER PASSWORD | registry push REPO TAG")
	}
	ts.Setenv("REGISTRY_USER", args[1])
	ts.Setenv("REGISTRY_PASSWORD", args[2])
	bin := requireScriptTool(ts, "docker-registry")
	dir := ts.MkAbs("registry")
	ts.Check(os.MkdirAll(filepath.Join(dir, "data"), 0o700))
	hash, err := bcrypt.GenerateFromPassword([]byte(args[2]), bcrypt.MinCost)
	ts.Check(err)
	ts.Check(os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(args[1]+":"+string(hash)+"\n"), 0o600))
	port := freePort(ts)
	conf := fmt.Sprintf(`version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: %s}
http:
  addr: 127.0.0.1:%d
auth:
  htpasswd: {realm: test, path: %s}
`, filepath.Join(dir, "data"), port, filepath.Join(dir, "htpasswd"))
	ts.Check(os.WriteFile(filepath.Join(dir, "config.yml"), []byte(conf), 0o600))
	cmd := exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	log, err := os.Create(filepath.Join(dir, "log"))
	ts.Check(err)
	cmd.Stdout, cmd.Stderr = log, log
	ts.Check(cmd.Start())
	ts.Defer(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); log.Close() })
	host := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				break
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "log"))
			ts.Fatalf("docker-registry did not start: %v\n%s", err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Setenv("REGISTRY", host)
}

// localcloudOption reads a `localcloud start` argument KEY=VALUE:
// ecr-proxy=URL (the registry ECR tokens name), credential-lifetime=D.
func localcloudOption(ts *testscript.TestScript, arg string) (localcloud.Option, bool) {
	k, v, ok := strings.Cut(arg, "=")
	if !ok {
		return nil, false
	}
	switch k {
	case "ecr-proxy":
		return localcloud.WithECR(localcloud.DefaultECRPassword, v), true
	case "credential-lifetime":
		d, err := time.ParseDuration(v)
		ts.Check(err)
		return localcloud.WithCredentialLifetime(d), true
	}
	ts.Fatalf("localcloud start: unknown option %q", k)
	return nil, false
}

// registryPush uploads an image with an empty config and no layers
// (the registry API: one monolithic blob upload, then the manifest).
func registryPush(ts *testscript.TestScript, repo, tag string) {
	host := ts.Getenv("REGISTRY")
	do := func(method, url, ctype string, body []byte) *http.Response {
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		ts.Check(err)
		req.SetBasicAuth(ts.Getenv("REGISTRY_USER"), ts.Getenv("REGISTRY_PASSWORD"))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		ts.Check(err)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			ts.Fatalf("registry %s %s: %s", method, url, resp.Status)
		}
		return resp
	}
	cfg := []byte("{}")
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(cfg))
	loc := do("POST", "http://"+host+"/v2/"+repo+"/blobs/uploads/", "", nil).Header.Get("Location")
	u, err := url.Parse(loc)
	ts.Check(err)
	q := u.Query()
	q.Set("digest", digest)
	u.RawQuery = q.Encode()
	if u.Host == "" {
		u.Scheme, u.Host = "http", host
	}
	do("PUT", u.String(), "application/octet-stream", cfg)
	m := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},"layers":[]}`, len(cfg), digest)
	do("PUT", "http://"+host+"/v2/"+repo+"/manifests/"+tag, "application/vnd.docker.distribution.manifest.v2+json", []byte(m))
}

// cmdKubeAPI starts a tiny Kubernetes API server (TLS on 127.0.0.1) that
// authenticates bearers the way EKS does: it decodes the k8s-aws-v1 token,
// requires the presigned URL to be the local cloud's GetCallerIdentity with
// the cluster header, and calls it; the caller's ARN is who the bearer is.
// The cluster is registered with the local cloud's DescribeCluster.
//
//	kubeapi start CLUSTER     GET /apis/atmos/whoami answers {"arn": …}
func cmdKubeAPI(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || args[0] != "start" {
		ts.Fatalf("usage: kubeapi start CLUSTER")
	}
	cloudsMu.Lock()
	lc := clouds[ts]
	cloudsMu.Unlock()
	if lc == nil {
		ts.Fatalf("kubeapi: start the local cloud first")
	}
	cluster := args[1]
	lcURL, _ := url.Parse(lc.URL())
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arn, why := eksAuthenticate(r, cluster, lcURL.Host)
		if arn == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":%q,"reason":"Unauthorized","code":401}`, why)
			return
		}
		if r.URL.Path != "/apis/atmos/whoami" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"arn":%q,"cluster":%q}`+"\n", arn, cluster)
	}))
	ts.Defer(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	lc.AddEKSCluster(localcloud.EKSCluster{Name: cluster, Endpoint: srv.URL, CAPEM: ca})
	ts.Setenv("KUBEAPI", srv.URL)
}

func eksAuthenticate(r *http.Request, cluster, stsHost string) (arn, why string) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer k8s-aws-v1.")
	if !ok {
		return "", "no k8s-aws-v1 bearer token"
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", "token is not base64url"
	}
	u, err := url.Parse(string(raw))
	if err != nil || u.Host != stsHost || u.Query().Get("Action") != "GetCallerIdentity" {
		return "", "token is not a GetCallerIdentity URL of the local cloud"
	}
	if !strings.Contains(u.Query().Get("X-Amz-SignedHeaders"), "x-k8s-aws-id") {
		return "", "the cluster header is not signed"
	}
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	req.Header.Set("x-k8s-aws-id", cluster)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err.Error()
	}
	defer resp.Body.Close()
	var out struct {
		Arn string `xml:"GetCallerIdentityResult>Arn"`
	}
	if resp.StatusCode != 200 || xml.NewDecoder(resp.Body).Decode(&out) != nil || out.Arn == "" {
		return "", "STS refused the token: " + resp.Status
	}
	return out.Arn, ""
}

// sdkCaller is a child for scripts: the AWS Go SDK's default credential
// chain (the ECS endpoint of `exec --server` here) calls
// sts:GetCallerIdentity N times, PAUSE apart, printing each ARN.
//
//	sdk-caller N PAUSE
func sdkCaller() {
	n, _ := strconv.Atoi(os.Args[1])
	pause, _ := time.ParseDuration(os.Args[2])
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	client := sts.NewFromConfig(cfg)
	for i := 0; i < n; i++ {
		if i > 0 {
			time.Sleep(pause)
		}
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(*out.Arn)
	}
	os.Exit(0)
}
