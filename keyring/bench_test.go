package keyring

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"golang.org/x/crypto/pbkdf2"
)

// BenchmarkKDF measures one file-keyring key derivation (paid once per
// process, on the first Get or Set) against the keyring library's own file
// backend (PBKDF2-SHA256, 8192 iterations, paid on every entry).
func BenchmarkKDF(b *testing.B) {
	salt := make([]byte, 16)
	p := realKDF
	b.Run(fmt.Sprintf("argon2id-t%d-m%dMiB-p%d", p.Time, p.Memory/1024, p.Threads), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			DeriveKey("correct horse battery staple", salt, p)
		}
	})
	b.Run("pbkdf2-sha256-8192-(99designs-file)", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pbkdf2.Key([]byte("correct horse battery staple"), salt, 8192, 16, sha256.New)
		}
	})
}

// BenchmarkFileUnlock is opening a file keyring and reading one entry in a
// fresh process: the cost a command pays, dominated by the KDF.
func BenchmarkFileUnlock(b *testing.B) {
	DefaultKDF = realKDF
	defer func() { DefaultKDF = testKDF }()
	dir := b.TempDir()
	k := Key("aws/user-keys", "bench")
	if err := openFile(b, dir, "pw").Set(k, benchEnv); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := openFile(b, dir, "pw").Get(k); err != nil {
			b.Fatal(err)
		}
	}
}

var benchEnv = Envelope{Kind: "aws/user-keys", Data: map[string]string{
	"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}

// benchStores lists the backends to benchmark; system_linux_test.go adds
// the system ones.
var benchStores = []struct {
	name string
	open func(b *testing.B) Store
}{
	{"memory", func(b *testing.B) Store { s, _ := Open(Options{Type: TypeMemory}); return s }},
	{"file", func(b *testing.B) Store { return openFile(b, b.TempDir(), "pw") }},
}

func BenchmarkGet(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			s := bs.open(b)
			k := Key("aws/user-keys", "bench")
			if err := s.Set(k, benchEnv); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Get(k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSet(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			s := bs.open(b)
			k := Key("aws/user-keys", "bench")
			if err := s.Set(k, benchEnv); err != nil { // unlock outside the timing
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Set(k, benchEnv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
