package aws

import (
	"os"
	"path/filepath"
	"strings"
)

// sharedFiles are the AWS shared config and credentials files merged the
// way the SDK merges them: the config file's "[profile x]" and "[default]"
// sections (and "[sso-session x]"), the credentials file's "[x]" sections,
// whose keys win.
type sharedFiles struct {
	configPath, credentialsPath string
	profiles                    map[string]iniSection
	ssoSessions                 map[string]iniSection
}

// homeDir is the user's home: HOME of the environment the step sees, else
// the process's.
func homeDir(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// loadSharedFiles reads AWS_CONFIG_FILE (~/.aws/config) and
// AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials); missing files are empty.
func loadSharedFiles(getenv func(string) string) (*sharedFiles, error) {
	home := homeDir(getenv)
	f := &sharedFiles{configPath: getenv("AWS_CONFIG_FILE"), credentialsPath: getenv("AWS_SHARED_CREDENTIALS_FILE"),
		profiles: map[string]iniSection{}, ssoSessions: map[string]iniSection{}}
	if f.configPath == "" {
		f.configPath = filepath.Join(home, ".aws", "config")
	}
	if f.credentialsPath == "" {
		f.credentialsPath = filepath.Join(home, ".aws", "credentials")
	}
	cfg, err := readIni(f.configPath)
	if err != nil {
		return nil, err
	}
	// [default] first, so that [profile default] wins as in the SDK.
	if s, ok := cfg["default"]; ok {
		f.profiles["default"] = s
	}
	for name, s := range cfg {
		typ, rest, ok := strings.Cut(name, " ")
		switch {
		case ok && typ == "profile":
			f.merge(rest, s)
		case ok && typ == "sso-session":
			f.ssoSessions[rest] = s
		}
	}
	creds, err := readIni(f.credentialsPath)
	if err != nil {
		return nil, err
	}
	for name, s := range creds {
		if !strings.Contains(name, " ") {
			f.merge(name, s) // "[profile x]" is not a credentials file section
		}
	}
	return f, nil
}

// merge lays s's keys over the profile's.
func (f *sharedFiles) merge(name string, s iniSection) {
	p := f.profiles[name]
	if p == nil {
		p = iniSection{}
		f.profiles[name] = p
	}
	for k, v := range s {
		p[k] = v
	}
}

// where names the files, for messages.
func (f *sharedFiles) where() string {
	return f.configPath + " and " + f.credentialsPath
}
