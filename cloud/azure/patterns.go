package azure

import (
	"regexp"
	"sync"
)

// Azure identifier shapes.
var (
	reUUID   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reTenant = regexp.MustCompile(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9.-]+\.[A-Za-z]{2,}|common|organizations|consumers)$`)
	// compiled on first use (validation only)
	reLocation = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]{2,40}$`) })
	reRG       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-\w._()]{1,90}$`) })
)
