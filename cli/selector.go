package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// selectorRows is how many names the selector shows at once.
const selectorRows = 10

// selectOnTerminal is the identity selector on a terminal: ↑/↓ (or Ctrl-P
// and Ctrl-N, Tab) move, typing filters (a case-insensitive substring),
// Backspace edits the filter, Enter chooses, Esc or Ctrl-C cancels. It
// draws on out (stderr) and leaves one line behind: the choice. Names come
// from a repository's atmos.yaml: they are drawn made inert by termsafe.
func selectOnTerminal(in *os.File, out io.Writer, title string, names []string, aliases map[string]string) (string, error) {
	old, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return promptChoice(in, out, title, names, aliases)
	}
	defer term.Restore(int(in.Fd()), old)
	s := &selector{title: title, names: names, aliases: aliases}
	s.refilter()
	r := bufio.NewReader(in)
	drawn := 0
	for {
		drawn = s.draw(out, drawn)
		k, err := readKey(r)
		if err != nil {
			s.clear(out, drawn)
			return "", Configf("no identity chosen")
		}
		switch k {
		case keyUp:
			s.move(-1)
		case keyDown:
			s.move(1)
		case keyEnter:
			if len(s.shown) == 0 {
				continue
			}
			s.clear(out, drawn)
			choice := s.shown[s.cursor]
			fmt.Fprintf(out, "%s: %s\r\n", title, termsafe.String(choice))
			return choice, nil
		case keyCancel:
			s.clear(out, drawn)
			return "", Configf("no identity chosen")
		case keyBackspace:
			if f := []rune(s.filter); len(f) > 0 {
				s.filter = string(f[:len(f)-1])
				s.refilter()
			}
		default:
			if k >= ' ' {
				s.filter += string(k)
				s.refilter()
			}
		}
	}
}

type selector struct {
	title          string
	names, shown   []string
	aliases        map[string]string // name → alias, shown and matched too
	filter         string
	cursor, offset int
}

func (s *selector) refilter() {
	s.shown = s.shown[:0]
	f := strings.ToLower(s.filter)
	for _, n := range s.names {
		if strings.Contains(strings.ToLower(n), f) || (s.aliases[n] != "" && strings.Contains(strings.ToLower(s.aliases[n]), f)) {
			s.shown = append(s.shown, n)
		}
	}
	s.cursor, s.offset = 0, 0
}

func (s *selector) move(d int) {
	if len(s.shown) == 0 {
		return
	}
	s.cursor = (s.cursor + d + len(s.shown)) % len(s.shown)
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+selectorRows {
		s.offset = s.cursor - selectorRows + 1
	}
}

// draw redraws the selector over the previous drawing (prev lines) and
// returns how many lines it drew.
func (s *selector) draw(out io.Writer, prev int) int {
	var b strings.Builder
	if prev > 0 {
		fmt.Fprintf(&b, "\r\x1b[%dA", prev)
	}
	b.WriteString("\r\x1b[J")
	fmt.Fprintf(&b, "%s (↑/↓ to move, type to filter, Enter to choose, Esc to cancel): %s\r\n", s.title, termsafe.String(s.filter))
	lines := 1
	if len(s.shown) == 0 {
		b.WriteString("  (no identity matches)\r\n")
		lines++
	}
	end := min(s.offset+selectorRows, len(s.shown))
	for i := s.offset; i < end; i++ {
		label := termsafe.String(s.shown[i])
		if a := s.aliases[s.shown[i]]; a != "" {
			label += " (" + termsafe.String(a) + ")"
		}
		if i == s.cursor {
			fmt.Fprintf(&b, "\x1b[7m> %s\x1b[0m\r\n", label)
		} else {
			fmt.Fprintf(&b, "  %s\r\n", label)
		}
		lines++
	}
	if more := len(s.shown) - end; more > 0 {
		fmt.Fprintf(&b, "  … %d more\r\n", more)
		lines++
	}
	io.WriteString(out, b.String())
	return lines
}

func (s *selector) clear(out io.Writer, prev int) {
	if prev > 0 {
		fmt.Fprintf(out, "\r\x1b[%dA\x1b[J", prev)
	}
}

const (
	keyUp rune = -1 - iota
	keyDown
	keyEnter
	keyCancel
	keyBackspace
	keyOther
)

// readKey reads one key press from a raw terminal.
func readKey(r *bufio.Reader) (rune, error) {
	c, _, err := r.ReadRune()
	if err != nil {
		return 0, err
	}
	switch c {
	case '\r', '\n':
		return keyEnter, nil
	case 3, 4: // Ctrl-C, Ctrl-D
		return keyCancel, nil
	case 127, 8:
		return keyBackspace, nil
	case 16: // Ctrl-P
		return keyUp, nil
	case 14, '\t': // Ctrl-N, Tab
		return keyDown, nil
	case 0x1b:
		if r.Buffered() == 0 {
			return keyCancel, nil // a lone Esc
		}
		c2, _, _ := r.ReadRune()
		if c2 != '[' && c2 != 'O' {
			return keyOther, nil
		}
		c3, _, _ := r.ReadRune()
		switch c3 {
		case 'A':
			return keyUp, nil
		case 'B':
			return keyDown, nil
		}
		return keyOther, nil
	}
	if c < ' ' {
		return keyOther, nil
	}
	return c, nil
}
