package cli

import "strings"

// PreparseArgs gives a bare -i/--identity (followed by nothing, by "--" or by
// another flag) the IdentitySelect value, so kong sees a value and the
// command opens the interactive selector.
func PreparseArgs(args []string) []string {
	out := make([]string, 0, len(args)+1)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			return out
		}
		if a == "--providers" || a == "--identities" {
			out = append(out, a+"="+AllMarker)
			continue
		}
		out = append(out, a)
		if a == "-i" || a == "--identity" {
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "-") {
				out = append(out, IdentitySelect)
			}
		}
	}
	return out
}
