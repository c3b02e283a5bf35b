package azure

import "github.com/atmos-auth/atmos-auth/internal/lazyre"

// Azure identifier shapes, compiled on first use.
var (
	reUUID     = lazyre.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reTenant   = lazyre.New(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9.-]+\.[A-Za-z]{2,}|common|organizations|consumers)$`)
	reLocation = lazyre.New(`^[a-z0-9]{2,40}$`)
	reRG       = lazyre.New(`^[-\w._()]{1,90}$`)
)
