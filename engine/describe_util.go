package engine

import "strings"

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
