// Package cloud is the list of clouds: one line per cloud. It is the only
// package that imports them all; main hands its registry to the CLI, so
// that the packages that load configuration, walk chains and cache (config,
// auth) and the CLI import no cloud and no cloud SDK.
package cloud

import (
	"sync"

	"github.com/atmos-auth/atmos-auth/cloud/ambient"
	"github.com/atmos-auth/atmos-auth/cloud/aws"
	"github.com/atmos-auth/atmos-auth/cloud/azure"
	"github.com/atmos-auth/atmos-auth/cloud/gcp"
	"github.com/atmos-auth/atmos-auth/cloud/github"
	"github.com/atmos-auth/atmos-auth/config"
)

// Kinds is the registry of every kind of every cloud, built once.
var Kinds = sync.OnceValue(func() *config.Registry {
	return config.NewRegistry(
		aws.Cloud(),
		gcp.Cloud(),
		azure.Cloud(),
		github.Cloud(),
		ambient.Cloud(),
	)
})
