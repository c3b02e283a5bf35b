package formats

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// renderListMarkdown writes GitHub-flavoured Markdown tables (Atmos's list
// format markdown, alias md): providers, identities, integrations. Cell
// text is escaped so that a name cannot end a cell, start markup or inject
// HTML.
func renderListMarkdown(w io.Writer, v *ListView) error {
	bw := bufio.NewWriter(w)
	wrote := false
	table := func(title string, head []string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		if wrote {
			bw.WriteString("\n")
		}
		wrote = true
		bw.WriteString("## " + title + "\n\n")
		bw.WriteString("| " + strings.Join(head, " | ") + " |\n|")
		for range head {
			bw.WriteString(" --- |")
		}
		bw.WriteString("\n")
		for _, r := range rows {
			for i := range r {
				r[i] = mdCell(r[i])
			}
			bw.WriteString("| " + strings.Join(r, " | ") + " |\n")
		}
	}
	if v.Realm != "" {
		bw.WriteString("Realm: " + mdCell(v.Realm) + " (" + mdCell(v.RealmFrom) + ")\n\n")
	}
	if v.ShowProviders {
		var rows [][]string
		for _, p := range v.Providers {
			rows = append(rows, []string{p.Name + providerMarks(p), p.Kind, strconv.Itoa(p.IdentityCount), p.Details + tagsMark(p.Tags)})
		}
		table("Providers", []string{"Provider", "Kind", "Identities", "Details"}, rows)
	}
	if v.ShowIdentities {
		var rows [][]string
		add := func(iv IdentityView, _ int) {
			chain := strings.Join(iv.Chain[1:], " ← ")
			if chain == "" {
				chain = "standalone"
			}
			rows = append(rows, []string{iv.Name + identityMarks(iv), iv.Kind, chain, iv.Details + tagsMark(iv.Tags)})
		}
		for _, p := range v.Providers {
			walkIdentities(p.Identities, 0, add)
		}
		walkIdentities(v.Standalone, 0, add)
		table("Identities", []string{"Identity", "Kind", "Chain", "Details"}, rows)
	}
	var rows [][]string
	for _, in := range v.Integrations {
		rows = append(rows, []string{in.Name, in.Kind, in.Identity, in.Details})
	}
	table("Integrations", []string{"Integration", "Kind", "Identity", "Details"}, rows)
	if !wrote {
		bw.WriteString("nothing to list\n")
	}
	return bw.Flush()
}

// mdCell escapes text for a Markdown table cell (never at the start of a
// line, so block markup cannot start there): the cell separator and the
// inline markup characters are backslash-escaped (CommonMark allows
// escaping any ASCII punctuation), < > & become entities (no HTML), and
// line breaks become spaces.
func mdCell(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case strings.ContainsRune("\\`*_[]|~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
