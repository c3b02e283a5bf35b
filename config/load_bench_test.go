package config_test

import (
	"testing"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
)

// BenchmarkLoad: what every command pays to read its configuration (the
// reference, one file) and a split one (atmos.d/.atmos.d).
func BenchmarkLoad(b *testing.B) {
	kinds := cloud.Kinds()
	getenv := func(string) string { return "" }
	for _, c := range []struct{ name, path string }{
		{"reference", "../testdata/reference/atmos.yaml"},
		{"split", "../testdata/atmos/valid/atmos-d/atmos.yaml"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				cfg, err := config.LoadFile(c.path, config.LoadOptions{Kinds: kinds, Getenv: getenv})
				if err != nil {
					b.Fatal(err)
				}
				if err := cfg.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
