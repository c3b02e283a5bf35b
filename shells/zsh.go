package shells

// Zsh uses POSIX single quoting like Bash (zsh never expands anything
// inside '...', whatever its options).
type Zsh struct{}

func (Zsh) Name() string             { return "zsh" }
func (Zsh) Quote(s string) string    { return quotePOSIX(s) }
func (Zsh) Unset(name string) string { return "unset -v " + name }

func (z Zsh) Export(name, value string) string {
	return "export " + name + "=" + z.Quote(value)
}
