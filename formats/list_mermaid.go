package formats

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// renderListMermaid writes a flowchart. Node ids are generated (names may
// hold dots, slashes and other characters mermaid reserves); labels are
// quoted with mermaid's entity escapes.
func renderListMermaid(w io.Writer, v *ListView) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("flowchart LR\n")
	n := 0
	names := map[string]string{}
	newID := func(prefix string) string { n++; return fmt.Sprintf("%s%d", prefix, n) }
	var ids func(parent string, list []IdentityView)
	ids = func(parent string, list []IdentityView) {
		for _, iv := range list {
			id := newID("i")
			names[iv.Name] = id
			bw.WriteString("  " + id + "([\"" + mermaidText(iv.Name) + "<br/>" + mermaidText(iv.Kind) + defaultMark(iv.Default) + "\"])\n")
			if parent != "" {
				bw.WriteString("  " + parent + " --> " + id + "\n")
			}
			ids(id, iv.Children)
		}
	}
	for _, p := range v.Providers {
		id := newID("p")
		bw.WriteString("  " + id + "[\"" + mermaidText(p.Name) + "<br/>" + mermaidText(p.Kind) + "\"]\n")
		ids(id, p.Identities)
	}
	if len(v.Standalone) > 0 {
		bw.WriteString("  subgraph standalone [\"standalone\"]\n")
		ids("", v.Standalone)
		bw.WriteString("  end\n")
	}
	for _, in := range v.Integrations {
		id := newID("g")
		bw.WriteString("  " + id + "[[\"" + mermaidText(in.Name) + "<br/>" + mermaidText(in.Kind) + "\"]]\n")
		if from, ok := names[in.Identity]; ok {
			bw.WriteString("  " + from + " -.-> " + id + "\n")
		}
	}
	return bw.Flush()
}

func defaultMark(d bool) string {
	if d {
		return " (default)"
	}
	return ""
}

// mermaidText escapes a label for a double-quoted mermaid string.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("#quot;")
		case '#':
			b.WriteString("#35;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '&':
			b.WriteString("#amp;")
		case '\n', '\r':
			b.WriteString(" ")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
