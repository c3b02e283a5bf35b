package config

// Describe returns a one-line, secret-free summary of an entry for list
// output: the account and role, the role ARN, the start URL… Never a key.
func Describe(e *Entry) string {
	if d, ok := e.Spec.(Describer); ok {
		return d.Describe()
	}
	return ""
}

// Describer is implemented by kinds that summarise themselves for list.
type Describer interface{ Describe() string }
