package config

import (
	"os"
	"path/filepath"
)

// Env abstracts the process environment so tests and callers can inject it.
type Env func(string) string

// Dirs are the XDG-style directories atmos-auth uses.
type Dirs struct {
	Config string // $ATMOS_XDG_CONFIG_HOME, $XDG_CONFIG_HOME, ~/.config — plus /atmos
	Data   string // $ATMOS_XDG_DATA_HOME, $XDG_DATA_HOME, ~/.local/share — plus /atmos
	Cache  string // $ATMOS_XDG_CACHE_HOME, $XDG_CACHE_HOME, ~/.cache — plus /atmos
}

// ResolveDirs applies the ATMOS_XDG_* → XDG_* → default fallback.
func ResolveDirs(getenv Env) Dirs {
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	pick := func(atmos, xdg, def string) string {
		if v := getenv(atmos); v != "" {
			return filepath.Join(v, "atmos")
		}
		if v := getenv(xdg); v != "" {
			return filepath.Join(v, "atmos")
		}
		return filepath.Join(home, def, "atmos")
	}
	return Dirs{
		Config: pick("ATMOS_XDG_CONFIG_HOME", "XDG_CONFIG_HOME", ".config"),
		Data:   pick("ATMOS_XDG_DATA_HOME", "XDG_DATA_HOME", filepath.Join(".local", "share")),
		Cache:  pick("ATMOS_XDG_CACHE_HOME", "XDG_CACHE_HOME", ".cache"),
	}
}
