// Package config locates, reads, merges and decodes the auth: section of
// atmos.yaml (profiles, !env, anchors), reports every problem at its
// file:line:col (ConfigError, exit 2), checks fields (Checker) and the
// graph of providers, identities and integrations (Config.Validate), and
// resolves chains (Config.Chain).
//
// It names no kind: entries are decoded with a Registry built from the
// clouds (package cloud) and passed in LoadOptions.Kinds. A kind's spec
// checks itself (Validator, BaseChecker) and summarises itself (Describer).
package config
