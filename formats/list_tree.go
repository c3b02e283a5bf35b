package formats

import (
	"bufio"
	"io"
)

func renderListTree(w io.Writer, v *ListView) error {
	bw := bufio.NewWriter(w)
	var node func(ids []IdentityView, prefix string)
	node = func(ids []IdentityView, prefix string) {
		for i, iv := range ids {
			branch, next := "├── ", "│   "
			if i == len(ids)-1 {
				branch, next = "└── ", "    "
			}
			bw.WriteString(prefix + branch + iv.Name + " (" + iv.Kind + ")")
			if iv.Default {
				bw.WriteString(" [default]")
			}
			if iv.Alias != "" {
				bw.WriteString(" [alias " + iv.Alias + "]")
			}
			if iv.Required {
				bw.WriteString(" [required]")
			}
			if iv.Details != "" {
				bw.WriteString(" " + iv.Details)
			}
			bw.WriteString(tagsMark(iv.Tags))
			bw.WriteByte('\n')
			node(iv.Children, prefix+next)
		}
	}
	if v.Realm != "" {
		bw.WriteString("realm: " + v.Realm + " (" + v.RealmFrom + ")\n")
	}
	for _, p := range v.Providers {
		bw.WriteString(p.Name + " (" + p.Kind + ")" + providerMarks(p))
		if p.Details != "" {
			bw.WriteString(" " + p.Details)
		}
		bw.WriteString(tagsMark(p.Tags))
		bw.WriteByte('\n')
		node(p.Identities, "")
	}
	if len(v.Standalone) > 0 {
		bw.WriteString("(standalone)\n")
		node(v.Standalone, "")
	}
	if len(v.Integrations) > 0 {
		bw.WriteString("(integrations)\n")
		for i, in := range v.Integrations {
			branch := "├── "
			if i == len(v.Integrations)-1 {
				branch = "└── "
			}
			bw.WriteString(branch + in.Name + " (" + in.Kind + ") via " + in.Identity + " " + in.Details + "\n")
		}
	}
	return bw.Flush()
}
