package config

import "sync"

// Config is the auth: section of atmos.yaml after profiles were merged,
// !env tags resolved and every entry decoded into its kind's typed spec.
type Config struct {
	// Path is the base atmos.yaml the configuration was loaded from ("" when
	// none was found and the embedded default is in use).
	Path string
	// AbsPath is Path made absolute: what is written into files other
	// processes read later (the managed AWS profile's credential_process).
	AbsPath string
	// Files lists every file merged, base first, then profile files in order.
	Files []string
	// Profiles are the active profile names, in merge order.
	Profiles []string

	// Kinds is the registry the configuration was decoded with.
	Kinds *Registry

	Logs    LogsConfig
	Keyring KeyringConfig
	// Realm is auth.realm as written (see RealmOf for the one in effect:
	// ATMOS_AUTH_REALM wins).
	Realm string
	// Console is auth.console (isolated browser sessions per identity).
	Console ConsoleConfig

	Providers    map[string]*Entry
	Identities   map[string]*Entry
	Integrations map[string]*Entry

	// Order of names as they appear (base file first, then profile additions).
	ProviderOrder    []string
	IdentityOrder    []string
	IntegrationOrder []string

	decodeDiags []Diag
	// warnings: what is skipped, as Atmos skips it (see Warnings).
	warnings []Diag
	// refused: where a refused Atmos function tag was (see tags.go).
	refused map[Pos]bool
	// unsetEnv: where a !env variable with no default resolved to nothing,
	// and its name (see nameUnsetEnv).
	unsetEnv map[Pos]string
	// realmPos is where auth.realm was set (File "" when it was not).
	realmPos Pos
	// logsFilePos is where auth.logs.file was set (for its diagnostics).
	logsFilePos Pos
	// fields holds, per entry, the position of each decoded field path.
	fields map[*Entry]map[string]Pos
	// chains memoises Chain.
	chainMu sync.Mutex
	chains  map[string][]*Entry
	// getenv is the environment the configuration was loaded with: the
	// user's, never the configuration's (endpoint trust reads it).
	getenv Env
}

// LogsConfig is auth.logs.
type LogsConfig struct {
	Level string `yaml:"level"` // Debug, Info, Warn, Error
	File  string `yaml:"file"`
}

// ConsoleConfig is auth.console.
type ConsoleConfig struct {
	// Isolated gives every identity its own browser profile for the web
	// console (nil: not set).
	Isolated *bool `yaml:"isolated"`
}

// KeyringConfig is auth.keyring.
type KeyringConfig struct {
	Type string      `yaml:"type"` // system, file, memory
	Spec KeyringSpec `yaml:"spec"`
}

// KeyringSpec holds backend options.
type KeyringSpec struct {
	// Path overrides the file backend's directory.
	Path string `yaml:"path"`
	// PasswordEnv names the variable holding the file backend's password
	// (default ATMOS_KEYRING_PASSWORD).
	PasswordEnv string `yaml:"password_env"`
	// Backend narrows "system" to one OS store (keychain, wincred,
	// secret-service, kwallet, keyctl, pass).
	Backend string `yaml:"backend"`
}

// Warnings are what loading skipped as Atmos does, with a warning: an
// import that names no file, a remote import. `validate` prints them.
func (c *Config) Warnings() []Diag { return c.warnings }

// decodeDiags are problems found while decoding (kept for Validate).
func (c *Config) DecodeProblems() []Diag { return c.decodeDiags }
