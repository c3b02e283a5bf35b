package keyring

// This is the only file that imports the keyring library: a trimmed copy of
// github.com/99designs/keyring v1.2.2 in internal/ring that, unlike upstream,
// touches no D-Bus at process start (see internal/ring/README.md).

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	lib "github.com/atmos-auth/atmos-auth/keyring/internal/ring"
)

// secretServiceCollection is the Secret Service collection used. Only the
// default "login" collection can be used headless; any other name makes
// gnome-keyring ask a GUI prompt to create it.
const secretServiceCollection = "login"

// SystemOrder lists, for an OS, the backends "system" tries in order.
// Linux: secret-service (GNOME Keyring, KeePassXC…), kwallet, then pass when
// its store is initialised. keyctl is not in the automatic order because the
// kernel keyring is lost at reboot (long-lived secrets would silently
// vanish); choose it with backend: keyctl.
func SystemOrder(goos string) []string {
	switch goos {
	case "darwin", "ios":
		return []string{"keychain"}
	case "windows":
		return []string{"wincred"}
	case "linux":
		return []string{"secret-service", "kwallet", "pass"}
	default:
		return []string{"pass"}
	}
}

// systemBackends are the names Options.Backend accepts.
var systemBackends = []string{"secret-service", "kwallet", "keyctl", "pass", "keychain", "wincred"}

func openSystem(o Options) (Store, error) {
	order := SystemOrder(runtime.GOOS)
	if o.Backend != "" {
		if !contains(systemBackends, o.Backend) {
			return nil, fmt.Errorf("unknown keyring backend %q: use one of %s", o.Backend, strings.Join(systemBackends, ", "))
		}
		order = []string{o.Backend}
	}
	var errs []string
	for _, name := range order {
		s, cause := openLib(o, name)
		if cause == nil {
			return s, nil
		}
		if len(order) == 1 {
			return nil, &BackendError{Backend: name, Err: &unavailableError{cause.Error()}}
		}
		errs = append(errs, name+": "+cause.Error())
	}
	return nil, &unavailableError{fmt.Sprintf("no system keyring is reachable (tried %s):\n  %s\nchoose another with %s=file (or auth.keyring.type: file in atmos.yaml), or name one with auth.keyring.spec.backend (e.g. keyctl, which lasts until reboot)",
		strings.Join(order, ", "), strings.Join(errs, "\n  "), EnvType)}
}

// unavailableError is an unavailable backend; errors.Is(err, ErrUnavailable).
type unavailableError struct{ msg string }

func (e *unavailableError) Error() string        { return e.msg }
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// openLib opens one library backend and probes it by listing its keys, all
// within the timeout. The error is the bare cause.
func openLib(o Options, name string) (*store, error) {
	unavailable := func(err error) error { return err }
	if !contains(availableLib(), name) {
		why := "not supported on " + runtime.GOOS
		return nil, unavailable(errors.New(why))
	}
	cfg := lib.Config{
		AllowedBackends:          []lib.BackendType{lib.BackendType(name)},
		ServiceName:              o.ServiceName,
		KeyCtlScope:              "user",
		LibSecretCollectionName:  secretServiceCollection,
		KWalletAppID:             o.ServiceName,
		KWalletFolder:            o.ServiceName,
		PassPrefix:               o.ServiceName,
		WinCredPrefix:            o.ServiceName,
		KeychainTrustApplication: true,
		// The bus connection gets most of the open's budget, so that a
		// silent bus is reported as such rather than as a silent store.
		DBusTimeout: o.Timeout * 4 / 5,
	}
	if name == "pass" {
		dir := o.Getenv("PASSWORD_STORE_DIR")
		if dir == "" {
			home, _ := os.UserHomeDir()
			dir = filepath.Join(home, ".password-store")
		}
		if _, err := os.Stat(filepath.Join(dir, ".gpg-id")); err != nil {
			return nil, unavailable(fmt.Errorf("password store %s is not initialised (run `pass init <gpg-id>`)", dir))
		}
		cfg.PassDir = dir
	}
	var kr lib.Keyring
	err, timedOut := withTimeout(o.Timeout, func() (err error) {
		kr, err = lib.Open(cfg)
		if err != nil {
			return err
		}
		if name == "secret-service" {
			if err := secretServiceReady(secretServiceCollection); err != nil {
				return err
			}
		}
		_, err = kr.Keys()
		return err
	})
	if timedOut {
		return nil, unavailable(fmt.Errorf("no answer within %s (the store may be locked or its agent not running)", o.Timeout))
	}
	if err != nil {
		if errors.Is(err, lib.ErrNoAvailImpl) {
			err = errors.New("not available on this machine")
		}
		return nil, unavailable(err)
	}
	return wrap(&libBackend{kr: kr, backend: name, where: libLocation(name, cfg)}, o), nil
}

func availableLib() []string {
	var out []string
	for _, b := range lib.AvailableBackends() {
		out = append(out, string(b))
	}
	return out
}

func libLocation(name string, cfg lib.Config) string {
	switch name {
	case "secret-service":
		return "collection " + secretServiceCollection
	case "keyctl":
		return "user keyring " + cfg.ServiceName
	case "pass":
		return filepath.Join(cfg.PassDir, cfg.PassPrefix)
	case "keychain":
		return "default keychain, service " + cfg.ServiceName
	case "wincred":
		return "credential prefix " + cfg.WinCredPrefix
	case "kwallet":
		return "folder " + cfg.KWalletFolder
	}
	return ""
}

type libBackend struct {
	kr      lib.Keyring
	backend string
	where   string
}

func (b *libBackend) name() string     { return b.backend }
func (b *libBackend) location() string { return b.where }

func (b *libBackend) get(key string) ([]byte, error) {
	it, err := b.kr.Get(key)
	if errors.Is(err, lib.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, &BackendError{Backend: b.backend, Op: "get " + key, Err: err}
	}
	return it.Data, nil
}

func (b *libBackend) set(key string, data []byte) error {
	err := b.kr.Set(lib.Item{
		Key:         key,
		Data:        data,
		Label:       key,
		Description: "atmos-auth credential",
	})
	if err != nil {
		return &BackendError{Backend: b.backend, Op: "set " + key, Err: err}
	}
	return nil
}

func (b *libBackend) remove(key string) error {
	err := b.kr.Remove(key)
	if err == nil || errors.Is(err, lib.ErrKeyNotFound) || errors.Is(err, os.ErrNotExist) {
		return nil
	}
	// keyctl reports an absent key as ENOKEY; treat any failure to remove an
	// entry that Get no longer finds as success.
	if _, gerr := b.kr.Get(key); errors.Is(gerr, lib.ErrKeyNotFound) {
		return nil
	}
	return &BackendError{Backend: b.backend, Op: "remove " + key, Err: err}
}

func (b *libBackend) keys() ([]string, error) {
	ks, err := b.kr.Keys()
	if err != nil {
		return nil, &BackendError{Backend: b.backend, Op: "list", Err: err}
	}
	return ks, nil
}
