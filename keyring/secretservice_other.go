//go:build !linux

package keyring

func secretServiceReady(string) error { return nil }
