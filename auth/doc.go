// Package auth is the cloud-neutral core of atmos-auth: the chain walker
// (Authenticator), the credential envelope (Credentials), the per-project
// step cache and its bounded cross-process locks, logout, the environment
// an identity produces, and the HTTP bounds every cloud's calls use.
//
// It names no kind and imports no cloud SDK. Kinds live in the cloud
// packages (cloud/aws, cloud/gcp, …) and take part through the capability
// interfaces declared here (StepKind, Uncached, Passthrough, OwnCache,
// Bound, EnvProducer, Preparer, CredentialProcess, Verifier, LogsOut,
// Tidier, Provisioner, KeyStore, Regioned): the walker, logout and the CLI
// ask a kind's spec for a capability and never switch on its type. See
// docs/ARCHITECTURE.md.
package auth
