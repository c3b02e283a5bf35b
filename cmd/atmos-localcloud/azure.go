package main

import (
	"os"
	"time"

	"github.com/atmos-auth/atmos-auth/localcloud"
)

// startAzure serves the local Azure cloud beside the AWS one: its URL is
// written to urlFile and its self-signed certificate to urlFile+".pem"
// (for SSL_CERT_FILE and REQUESTS_CA_BUNDLE). Device codes approve
// themselves after 2 seconds.
func startAzure(urlFile string) (*localcloud.Azure, error) {
	az := localcloud.NewAzure()
	az.SetApproveDelay(2 * time.Second)
	if err := az.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	if err := os.WriteFile(urlFile+".pem", az.CAPEM(), 0o644); err != nil {
		_ = az.Close()
		return nil, err
	}
	tmp := urlFile + ".tmp"
	err := os.WriteFile(tmp, []byte(az.URL()+"\n"), 0o644)
	if err == nil {
		err = os.Rename(tmp, urlFile)
	}
	if err != nil {
		_ = az.Close()
		return nil, err
	}
	return az, nil
}
