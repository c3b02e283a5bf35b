package aws

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
	"github.com/atmos-auth/atmos-auth/internal/lazyre"
)

// The managed AWS config file replaces the user's own as AWS_CONFIG_FILE,
// so it carries the user's profiles too: without them `aws --profile
// legacy` fails in every directory switched to an AWS identity. The user's
// file is the AWS_CONFIG_FILE of the environment before the identity (the
// hook's base environment; a path inside our own managed directory is never
// a user's), else ~/.aws/config. Its sections are copied verbatim after the
// managed profiles, except:
//
//   - a section of a managed profile's name ([profile NAME] or [NAME]):
//     the identity wins, and a second section of one name would make
//     botocore refuse the whole file;
//   - a section whose header is not plain ([default], [profile NAME],
//     [sso-session NAME], [services NAME], [NAME], NAME of ProfileNameOK's
//     characters, nothing else on the line, not indented): parsers
//     disagree on quoted, indented or commented headers (botocore
//     shlex-splits them), so such a header could hide a second section of
//     a managed name;
//   - a section with a line a parser may read differently from us: a
//     carriage return not ending the line, a NUL or other control
//     character, invalid UTF-8 (Python's universal newlines would start a
//     new line where we see none);
//   - a repeated section name (botocore refuses duplicates): the first one
//     is kept.
//
// Each left-out section is named in a comment. The user's credentials file
// is never read or copied (see README): its static keys stay in one place.

// userAWSConfig is the user's AWS config file for the managed one: its
// path ("" for none) and what decides staleness without reading it.
type userAWSConfig struct {
	Path  string
	Stamp string // size, mtime and inode; "" when absent
}

// userConfigPath returns the user's AWS config file path for getenv's
// environment, "" when there is none. managedDir is the directory under
// which every managed AWS file lives.
func userConfigPath(getenv func(string) string, managedDir string) string {
	home := getenv("HOME")
	expand := func(p string) string {
		if home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
			return filepath.Join(home, p[1:])
		}
		return p
	}
	if p := getenv("AWS_CONFIG_FILE"); p != "" {
		p = expand(p)
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if !inDir(p, managedDir) {
			return p
		}
		// A shell already switched to an identity: its AWS_CONFIG_FILE is
		// ours, whose user part came from elsewhere. Fall back to the
		// default file rather than copy a managed file into another.
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".aws", "config")
}

func inDir(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// statUserConfig stamps the user's file: an edit changes its size, mtime
// or (an editor's atomic save) inode, and so the managed file's hash.
func statUserConfig(path string) userAWSConfig {
	u := userAWSConfig{Path: path}
	if path == "" {
		return u
	}
	st, err := os.Stat(path)
	if err != nil {
		return u
	}
	u.Stamp = fmt.Sprintf("%d:%d:%s", st.Size(), st.ModTime().UnixNano(), inode(st))
	return u
}

// plainHeader is a section header every parser reads alike.
var plainHeader = lazyre.New(`^\[(?:(profile|sso-session|services) +)?(` + profileName + `)\]$`)

// userSections reads the user's file and returns what the managed file
// carries of it: the kept sections verbatim and a comment per left-out
// one. managed names the managed profiles. A file that cannot be read is
// one comment (a missing file is nothing).
func userSections(path string, managed map[string]bool) string {
	if path == "" {
		return ""
	}
	data, err := fsutil.ReadRegular(path, fsutil.MaxConfigSize)
	if os.IsNotExist(err) {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\n# The user's profiles, from %s\n", commentSafe(path))
	if err != nil {
		fmt.Fprintf(&out, "# not read: %s\n", commentSafe(err.Error()))
		return out.String()
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	seen := map[string]bool{}
	var sec strings.Builder
	name, keep, why := "", false, ""
	flush := func() {
		switch {
		case keep:
			out.WriteString(sec.String())
		case why != "":
			fmt.Fprintf(&out, "# left out %s: %s\n", name, why)
		}
		sec.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		body := strings.TrimSuffix(line, "\n")
		if t := strings.TrimLeft(body, " \t"); strings.HasPrefix(t, "[") {
			flush()
			m := plainHeader.FindStringSubmatch(body)
			switch {
			case m == nil:
				name, keep, why = fmt.Sprintf("the section at %s", commentSafe(t)), false, "its header is not a plain [profile NAME], [sso-session NAME] or [default]"
			case (m[1] == "" || m[1] == "profile") && managed[m[2]]:
				name, keep, why = body, false, "an identity of this name has the managed profile above"
			case seen[m[1]+" "+m[2]]:
				name, keep, why = body, false, "a second section of this name (the first is kept)"
			default:
				name, keep, why = body, true, ""
			}
			if m != nil {
				seen[m[1]+" "+m[2]] = true
			}
		}
		if !lineSafe(body) {
			if keep {
				keep, why = false, "a line holds a control character or invalid UTF-8"
			}
			continue
		}
		if name == "" {
			// Before the first section only blanks and comments mean
			// anything (botocore refuses keys there): keep those.
			if t := strings.TrimSpace(body); t == "" || t[0] == '#' || t[0] == ';' {
				out.WriteString(line)
			}
			continue
		}
		sec.WriteString(body + "\n")
	}
	flush()
	return out.String()
}

// lineSafe: no byte a parser could take for a line break or end of file,
// and valid UTF-8 (botocore decodes the file; a bad byte fails it whole).
func lineSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return false
		}
	}
	return true
}

// commentSafe renders text for one comment line.
func commentSafe(s string) string {
	if lineSafe(s) {
		return s
	}
	q := strconv.QuoteToASCII(s)
	return q[1 : len(q)-1]
}
