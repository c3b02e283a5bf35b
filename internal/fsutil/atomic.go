// Package fsutil holds the one way atmos-auth writes files that hold
// credentials or state: mode 0600, through a synced temp file in the same
// directory and a rename, so a reader or a process killed midway never
// sees a partial file.
package fsutil

import (
	"os"
	"path/filepath"
	"time"
)

// WriteFileAtomic writes data to path with mode 0600. The directory must
// exist. Temp files left by writers killed midway are swept after a minute.
func WriteFileAtomic(path string, data []byte) error {
	dir, base := filepath.Dir(path), filepath.Base(path)
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if old, _ := filepath.Glob(filepath.Join(dir, "."+base+".*.tmp")); len(old) > 0 {
		for _, o := range old {
			if st, err := os.Stat(o); err == nil && time.Since(st.ModTime()) > time.Minute {
				_ = os.Remove(o)
			}
		}
	}
	return nil
}
