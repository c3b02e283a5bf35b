package gcp

import "regexp"

// GCP identifier shapes.
var (
	reGCPProject = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	reGCPNumber  = regexp.MustCompile(`^[0-9]{6,20}$`)
	reGCPSA      = regexp.MustCompile(`^[a-z0-9-]+@[a-z0-9.-]+\.gserviceaccount\.com$`)
	reGCPRegion  = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
	reGCPZone    = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`)
	reGCPPoolID  = regexp.MustCompile(`^[a-z0-9-]{4,32}$`)
)
