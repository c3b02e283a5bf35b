package gcp

import "github.com/atmos-auth/atmos-auth/internal/lazyre"

// GCP identifier shapes.
var (
	reGCPProject = lazyre.New(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	reGCPNumber  = lazyre.New(`^[0-9]{6,20}$`)
	reGCPSA      = lazyre.New(`^[a-z0-9-]+@[a-z0-9.-]+\.gserviceaccount\.com$`)
	reGCPRegion  = lazyre.New(`^[a-z]+-[a-z]+[0-9]+$`)
	reGCPZone    = lazyre.New(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`)
	reGCPPoolID  = lazyre.New(`^[a-z0-9-]{4,32}$`)
)
