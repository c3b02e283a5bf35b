// Package ambient is the environment passed through untouched: the one
// kind that belongs to no cloud.
package ambient

import "github.com/atmos-auth/atmos-auth/config"

// Cloud lists the ambient kind.
func Cloud() config.Cloud {
	return config.Cloud{Name: "", Kinds: []*config.KindInfo{ambientKind}}
}
