// Command atmos-localcloud serves the local cloud: an emulator of IAM
// Identity Center (sso-oidc and the SSO portal), STS and ECR for tests and
// the demo. It prints its URL on the first line of stdout and serves until
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/atmos-auth/atmos-auth/localcloud"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("atmos-localcloud", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	urlFile := fs.String("url-file", "", "write the URL to this file once ready")
	autoApprove := fs.Bool("auto-approve", false, "approve every device authorization")
	approveDelay := fs.Duration("auto-approve-delay", 0, "with --auto-approve, approve after this delay")
	latency := fs.Duration("latency", 0, "delay added to every request")
	accounts := fs.Int("accounts", 0, "generate this many extra accounts")
	rolesPer := fs.Int("roles-per-account", 3, "permission sets per generated account")
	lifetime := fs.Duration("credential-lifetime", 0, "cap the lifetime of issued AWS credentials")
	tokenTTL := fs.Duration("access-token-ttl", 8*time.Hour, "lifetime of SSO access tokens")
	poll := fs.Duration("poll-interval", time.Second, "device-flow polling interval (faster polls get SlowDown)")
	mfa := fs.String("mfa-code", localcloud.DefaultMFACode, "the MFA code GetSessionToken accepts")
	ecrPassword := fs.String("ecr-password", localcloud.DefaultECRPassword, "password inside ECR authorization tokens")
	ecrProxy := fs.String("ecr-proxy-endpoint", "", "ECR proxy endpoint (default https://<account>.dkr.ecr.us-east-1.amazonaws.com)")
	azureURLFile := fs.String("azure-url-file", "", "also serve the local Azure cloud (Entra ID + ARM over HTTPS); write its URL here and its certificate to this path + \".pem\"")
	samlAuto := fs.Bool("saml-auto-sign-in", false, "the ADFS-style SAML sign-in page signs alice in by itself in a browser")
	verbose := fs.Bool("v", false, "log every request (operation names and ids only) to stderr")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "atmos-localcloud: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	opts := []localcloud.Option{
		localcloud.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))),
		localcloud.WithLatency(*latency),
		localcloud.WithCredentialLifetime(*lifetime),
		localcloud.WithAccessTokenTTL(*tokenTTL),
		localcloud.WithPollInterval(*poll),
		localcloud.WithMFACode(*mfa),
		localcloud.WithECR(*ecrPassword, *ecrProxy),
	}
	if *autoApprove {
		opts = append(opts, localcloud.WithAutoApprove(*approveDelay))
	}
	if *samlAuto {
		opts = append(opts, localcloud.WithSAMLAutoSignIn())
	}
	if *accounts > 0 {
		opts = append(opts, localcloud.WithGeneratedOrg(*accounts, *rolesPer))
	}
	// Catch signals before announcing readiness, so a signal sent right
	// after the URL is read still stops the server cleanly.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	srv := localcloud.New(opts...)
	if err := srv.Start(*addr); err != nil {
		fmt.Fprintf(stderr, "atmos-localcloud: %v\n", err)
		return 1
	}
	if *urlFile != "" {
		tmp := *urlFile + ".tmp"
		err := os.WriteFile(tmp, []byte(srv.URL()+"\n"), 0o644)
		if err == nil {
			err = os.Rename(tmp, *urlFile)
		}
		if err != nil {
			fmt.Fprintf(stderr, "atmos-localcloud: write url file: %v\n", err)
			_ = srv.Close()
			return 1
		}
	}
	if *azureURLFile != "" {
		az, err := startAzure(*azureURLFile)
		if err != nil {
			fmt.Fprintf(stderr, "atmos-localcloud: %v\n", err)
			_ = srv.Close()
			return 1
		}
		defer az.Close()
	}
	fmt.Fprintln(stdout, srv.URL())
	<-sig
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "atmos-localcloud: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// usage is --help: the flags, then what the local cloud holds, so that a
// configuration can be written against it without reading the source.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintln(w, "Usage: atmos-localcloud [flags]")
	fmt.Fprintln(w, "\nA local IAM Identity Center (device sign-in, SSO portal), STS and ECR for tests and")
	fmt.Fprintln(w, "the demo. Prints its URL on the first line of stdout; point spec.endpoint_url (or")
	fmt.Fprintln(w, "AWS_ENDPOINT_URL) at it. Serves until SIGINT or SIGTERM.")
	fmt.Fprintln(w, "\nFlags:")
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nAccounts in the SSO portal (id, name, permission sets):")
	for _, a := range localcloud.DefaultAccounts() {
		fmt.Fprintf(w, "  %s  %-14s %s\n", a.ID, a.Name, strings.Join(a.PermissionSets, ", "))
	}
	fmt.Fprintln(w, "\nIAM roles STS can assume (besides each account's permission sets):")
	for _, r := range localcloud.DefaultRoles() {
		var notes []string
		if r.MaxDuration != 0 {
			notes = append(notes, fmt.Sprintf("max %dh", r.MaxDuration/3600))
		}
		if r.ExternalID != "" {
			notes = append(notes, "external id "+r.ExternalID)
		}
		if r.Audience != "" {
			notes = append(notes, "web identity audience "+r.Audience)
		}
		if r.Deny {
			notes = append(notes, "always AccessDenied")
		}
		if len(r.AllowAccounts) > 0 {
			notes = append(notes, "only from "+strings.Join(r.AllowAccounts, ", "))
		}
		line := "  " + r.ARN
		if len(notes) > 0 {
			line += "  (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "\nAny other access key is an IAM user of account %s; GetSessionToken accepts the\n", localcloud.IdentityAccount)
	fmt.Fprintf(w, "MFA code %s (-mfa-code); ECR tokens carry the password of -ecr-password.\n", localcloud.DefaultMFACode)
	fmt.Fprintln(w, "GET /_admin/stats prints the call counters.")
}
