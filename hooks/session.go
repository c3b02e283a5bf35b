package hooks

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// StampDirMaxAge is how long a session's stamp directory may go untouched
// (no hook run in that shell) before another session's hook removes it.
const StampDirMaxAge = 7 * 24 * time.Hour

// OpenStampDir makes sure the session directory dir exists (0700) and marks
// it as used now. When it had to create it — once per shell session — it
// also removes the sibling session directories not used since before
// now-StampDirMaxAge, so shells that are gone leave nothing behind for
// long. A live shell whose directory was removed gets it back on its next
// hook run (its stamp tests then fail, which starts one).
func OpenStampDir(dir string, now time.Time) error {
	_, err := os.Stat(dir)
	created := errors.Is(err, os.ErrNotExist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if !created {
		// Writing a stamp in place does not change the directory's mtime.
		return os.Chtimes(dir, now, now)
	}
	return pruneStampDirs(filepath.Dir(dir), filepath.Base(dir), now.Add(-StampDirMaxAge))
}

// pruneStampDirs removes the directories of parent other than keep whose
// mtime is before cutoff. Failures are ignored: another hook may be
// removing the same directory, and the next new session tries again.
func pruneStampDirs(parent, keep string, cutoff time.Time) error {
	ents, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.IsDir() || e.Name() == keep {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(parent, e.Name()))
	}
	return nil
}
