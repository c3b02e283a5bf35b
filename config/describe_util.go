package config

import "strings"

// JoinNonEmpty joins the parts that are not blank with ", " (for Describe).
func JoinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// Labelled prefixes a value with its label, or is empty when the value is.
func Labelled(label, v string) string {
	if v == "" {
		return ""
	}
	return label + v
}
