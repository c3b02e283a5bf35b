//go:build !linux

package keyring

// The system backends' tests (keyctl, secret-service, pass) run on Linux.
func cleanupPass() {}
