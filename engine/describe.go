package engine

import "strings"

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

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// labelled prefixes a value with its label, or is empty when the value is.
func labelled(label, v string) string {
	if v == "" {
		return ""
	}
	return label + v
}
