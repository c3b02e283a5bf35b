package formats

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func renderListTable(w io.Writer, v *ListView) error {
	var tw *tabwriter.Writer
	wrote := false
	section := func() {
		if tw != nil {
			tw.Flush()
			fmt.Fprintln(w)
		}
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	}
	if v.Realm != "" {
		fmt.Fprintf(w, "realm: %s (%s)\n\n", v.Realm, v.RealmFrom)
	}
	if v.ShowProviders && len(v.Providers) > 0 {
		section()
		fmt.Fprintln(tw, "PROVIDER\tKIND\tIDENTITIES\tDETAILS")
		for _, p := range v.Providers {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", p.Name+providerMarks(p), p.Kind, p.IdentityCount, p.Details+tagsMark(p.Tags))
		}
		wrote = true
	}
	if v.ShowIdentities {
		var rows []IdentityView
		for _, p := range v.Providers {
			walkIdentities(p.Identities, 0, func(iv IdentityView, _ int) { rows = append(rows, iv) })
		}
		walkIdentities(v.Standalone, 0, func(iv IdentityView, _ int) { rows = append(rows, iv) })
		if len(rows) > 0 {
			section()
			fmt.Fprintln(tw, "IDENTITY\tKIND\tCHAIN\tDETAILS")
			for _, iv := range rows {
				name := iv.Name + identityMarks(iv)
				chain := strings.Join(iv.Chain[1:], " ← ")
				if chain == "" {
					chain = "standalone"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, iv.Kind, chain, iv.Details+tagsMark(iv.Tags))
			}
			wrote = true
		}
	}
	if len(v.Integrations) > 0 {
		section()
		fmt.Fprintln(tw, "INTEGRATION\tKIND\tIDENTITY\tDETAILS")
		for _, in := range v.Integrations {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", in.Name, in.Kind, in.Identity, in.Details)
		}
		wrote = true
	}
	if !wrote {
		_, err := fmt.Fprintln(w, "nothing to list")
		return err
	}
	return tw.Flush()
}

// identityMarks follows an identity's name in table and tree: its alias
// and whether it is the default or required.
func identityMarks(iv IdentityView) string {
	var m []string
	if iv.Alias != "" {
		m = append(m, "alias "+iv.Alias)
	}
	if iv.Default {
		m = append(m, "default")
	}
	if iv.Required {
		m = append(m, "required")
	}
	if len(m) == 0 {
		return ""
	}
	return " (" + strings.Join(m, ", ") + ")"
}

func providerMarks(p ProviderView) string {
	if p.Default {
		return " (default)"
	}
	return ""
}

// tagsMark follows the details: " [tags: a, b]", "" for none.
func tagsMark(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return " [tags: " + strings.Join(tags, ", ") + "]"
}
