package aws

import (
	"github.com/atmos-auth/atmos-auth/cloud/ambient"
	"github.com/atmos-auth/atmos-auth/cloud/github"
	"github.com/atmos-auth/atmos-auth/config"
)

// Kinds is what the tests decode with: AWS's kinds and those its chains
// start from (github/oidc) or sit beside (ambient).
var Kinds = config.NewRegistry(Cloud(), github.Cloud(), ambient.Cloud())
