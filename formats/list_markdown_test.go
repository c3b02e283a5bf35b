package formats

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestListMarkdownParses renders the markdown list to HTML with goldmark,
// an independent GFM parser: hostile names (|, backslash, <a&b>,
// brackets, braces, quotes, #) stay inside their cell as their own text —
// no extra cell, no link, no HTML, no emphasis — and every entry has its
// row.
func TestListMarkdownParses(t *testing.T) {
	cfg := trickyConfig(t)
	for _, n := range []string{"a|b", "*em* _u_ ~~s~~", "[x](https://e.example/)", "`c` <b>", `\|`} {
		cfg.Identities[n] = &config.Entry{Name: n, Role: config.RoleIdentity, Kind: "ambient"}
		cfg.IdentityOrder = append(cfg.IdentityOrder, n)
	}
	src := []byte(render(t, "markdown", BuildListView(cfg, Filter{})))
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.Table)).Convert(src, &out); err != nil {
		t.Fatal(err)
	}
	doc := out.String()
	tables := regexp.MustCompile(`(?s)<table>.*?</table>`).FindAllString(doc, -1)
	if len(tables) != 2 {
		t.Fatalf("want the providers and identities tables, got %d:\n%s", len(tables), doc)
	}
	cell := regexp.MustCompile(`(?s)<td>(.*?)</td>`)
	first := func(table string) []string {
		var names []string
		for _, row := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(table, -1) {
			cells := cell.FindAllStringSubmatch(row[1], -1)
			if len(cells) == 0 {
				continue // the header row
			}
			if len(cells) != 4 {
				t.Errorf("a row has %d cells, want 4: %s", len(cells), row[1])
			}
			for _, c := range cells {
				if strings.Contains(c[1], "<") {
					t.Errorf("a cell holds markup: %s", c[1])
				}
			}
			names = append(names, html.UnescapeString(cells[0][1]))
		}
		return names
	}
	if got := first(tables[0]); len(got) != 1 || got[0] != `sso "main" #1` {
		t.Errorf("providers: %q", got)
	}
	got := "\n" + strings.Join(first(tables[1]), "\n") + "\n"
	for _, want := range []string{`Prod.Admin/EU <a&b> (default)`, `chained {x} -> y`, `ünïcødé 🔑`, `back\slash\ "q"`,
		"a|b", "*em* _u_ ~~s~~", "[x](https://e.example/)", "`c` <b>", `\|`} {
		if !strings.Contains(got, "\n"+want+"\n") {
			t.Errorf("identity cell %q missing; cells:%s", want, got)
		}
	}
}
