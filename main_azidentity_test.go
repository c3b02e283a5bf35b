package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// azidentityProbe is a second, independent Azure client — the Azure SDK
// for Go's azidentity — that scripts run as a program, usually inside
// `atmos-auth exec -i <azure identity> --`, so that it sees only the
// environment the identity produced:
//
//	azidentity-probe cli             AzureCLICredential: runs az, which reads
//	                                 AZURE_CONFIG_DIR; prints the token
//	azidentity-probe assertion ARM   ClientAssertionCredential with
//	                                 AZURE_TENANT_ID, AZURE_CLIENT_ID,
//	                                 AZURE_FEDERATED_TOKEN_FILE and
//	                                 AZURE_AUTHORITY_HOST; then GETs
//	                                 ARM/subscriptions/$AZURE_SUBSCRIPTION_ID
//	                                 with the token and prints the status
func azidentityProbe() {
	os.Exit(probe(os.Args[1:]))
}

const armScope = "https://management.core.windows.net//.default"

func probe(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: azidentity-probe cli | assertion ARM-URL")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	switch args[0] {
	case "cli":
		cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: os.Getenv("AZURE_TENANT_ID")})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{armScope}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(tok.Token)
		return 0
	case "assertion":
		if len(args) != 2 {
			fmt.Fprintln(os.Stderr, "usage: azidentity-probe assertion ARM-URL")
			return 2
		}
		file := os.Getenv("AZURE_FEDERATED_TOKEN_FILE")
		cred, err := azidentity.NewClientAssertionCredential(os.Getenv("AZURE_TENANT_ID"), os.Getenv("AZURE_CLIENT_ID"),
			func(context.Context) (string, error) {
				b, err := os.ReadFile(file)
				return strings.TrimSpace(string(b)), err
			}, &azidentity.ClientAssertionCredentialOptions{DisableInstanceDiscovery: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{armScope}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, args[1]+"/subscriptions/"+os.Getenv("AZURE_SUBSCRIPTION_ID")+"?api-version=2022-12-01", nil)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		fmt.Printf("arm: %d %s\n", resp.StatusCode, strings.TrimSpace(string(body)))
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown probe", args[0])
	return 2
}
