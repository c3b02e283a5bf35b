package shells

import (
	"fmt"
	"strings"
)

// byteClasses stands one byte for each class a quoting rule could treat
// differently: every pair of them (in both orders) is in attackerTorture.
var byteClasses = map[string]byte{
	"alpha": 'a', "digit": '7', "bare": '%', "space": ' ', "tab": '\t', "lf": '\n', "cr": '\r',
	"sq": '\'', "dq": '"', "bs": '\\', "dollar": '$', "btick": '`', "bang": '!', "hash": '#',
	"caret": '^', "tilde": '~', "brace": '{', "paren": '(', "semi": ';', "star": '*', "ctrl": '\x01',
	"esc": '\x1b', "del": '\x7f', "cont": '\x80', "cont2": '\xbf', "overlong": '\xc0', "lead2": '\xc3',
	"lead3": '\xe2', "surr": '\xed', "lead4": '\xf0', "bad": '\xf5', "ff": '\xff',
}

// attackerTorture is what a hostile repository can put in a value (an
// identity file's content, a directory name, a variable the identity
// restores): every single byte but NUL, every pair of byte classes,
// invalid UTF-8 (truncated, overlong, surrogates, beyond U+10FFFF),
// escapes that are quoting syntax in some shell, 64 KiB values, and what
// no shell can hold: NUL, and a value too long to start a program with.
func attackerTorture() map[string]string {
	m := map[string]string{}
	for b := 1; b < 256; b++ {
		m[fmt.Sprintf("A_BYTE_%02X", b)] = string([]byte{byte(b)})
		m[fmt.Sprintf("A_IN_%02X", b)] = "x" + string([]byte{byte(b)}) + "y"
	}
	for n1, b1 := range byteClasses {
		for n2, b2 := range byteClasses {
			m["A_PAIR_"+n1+"_"+n2] = string([]byte{b1, b2})
		}
	}
	for k, v := range map[string]string{
		"TRUNC2":       "\xc3",
		"TRUNC3":       "\xe2\x82",
		"TRUNC4":       "\xf0\x9f\x94",
		"TRUNC_MID":    "a\xe2\x82b\xf0\x9fc",
		"LONE_CONT":    "\x80\xbf\x80",
		"OVERLONG_NUL": "\xc0\x80",
		"OVERLONG_SL":  "\xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf",
		"OVERLONG_SQ":  "\xc0\xa7 \xe0\x80\xa7",
		"OVERLONG_DQ":  "\xc0\xa2",
		"OVERLONG_DS":  "\xc0\xa4HOME",
		"OVERLONG_LF":  "\xc0\x8a",
		"OVERLONG_BS":  "\xc1\x9c",
		"FIVE_BYTE":    "\xf8\x88\x80\x80\x80",
		"SIX_BYTE":     "\xfc\x84\x80\x80\x80\x80",
		"FE_FF":        "\xfe\xff\xff\xfe",
		"SURR_HIGH":    "\xed\xa0\x80",
		"SURR_LOW":     "\xed\xbf\xbf",
		"SURR_PAIR":    "\xed\xa0\xbd\xed\xb2\xa9",
		"BEYOND_MAX":   "\xf4\x90\x80\x80",
		"NONCHAR":      "\xef\xbf\xbe\xef\xbf\xbf",
		"BOM":          "\xef\xbb\xbfbom",
		"REPLACEMENT":  "\xef\xbf\xbd",
		"LINE_SEP":     "a\u2028b\u2029c\u0085d",
		"BAD_QUOTES":   "'\xff' \"\xff\" `\xff`",
		"BAD_DOLLAR":   "$\xff \\$\xff ${\xff} $(\xff)",
		"BS_DOLLAR":    `\$`,
		"BS_DOLLAR2":   `\$HOME \\$HOME \\\$HOME`,
		"BS_BANG":      `\!`,
		"BANG":         "!",
		"BANGS":        "!! !$ !* !-1 !a !{a} !#",
		"BANG_BAD":     "!\xff!",
		"LF_START":     "\nstart",
		"LF_END":       "end\n",
		"LF_BOTH":      "\n\nmiddle\n\n",
		"CR_ONLY":      "\r",
		"CRLF_BAD":     "\xff\r\n\xfe",
		"BS_LF":        "\\\n",
		"BS_END":       "\\",
		"BS_BAD":       "\\\xff\\",
		"HEX_ESC":      `\x41\u0041\101\e\n\t\0`,
		"ELVISH_ESC":   `"\x"\c\^`,
		"NU_INTERP":    `$"($env.HOME)" $'x' ^ls`,
		"TCSH_MOD":     "$cwd:q $0:h ~ =1 \\\n!",
		"PWSH_SUB":     "$(Get-Date) @(1) ``$x",
		"ANSI":         "\x1b]0;title\x07\x1b[2J\x9b31m",
		"FISH_SELF":    "%self",
		"BARE_AT":      "@",
		"BARE_AT_X":    "@x",
		"BARE_PCT":     "%",
		"BARE_PCT1":    "%1",
		"BARE_DOTS":    "..",
		"BARE_PLUS":    "+",
		"BARE_COMMA":   "a,b",
		"BARE_COLON":   "a:b",
		"BARE_SLASHES": "//",
	} {
		m["A_"+k] = v
	}
	all := make([]byte, 0, 255)
	for b := 1; b < 256; b++ {
		all = append(all, byte(b))
	}
	const kib64 = 64 * 1024
	m["A_LONG_ALL"] = strings.Repeat(string(all), kib64/255+1)[:kib64]
	m["A_LONG_SQ"] = strings.Repeat("'", kib64)
	m["A_LONG_BANG_LF"] = strings.Repeat("!\n", kib64/2)
	m["A_LONG_FF"] = strings.Repeat("\xff", kib64)
	m["A_LONG_BS_DOLLAR"] = strings.Repeat(`\$`, kib64/2)
	// The longest entry a program can be started with, and one byte more
	// (which would make every command of the shell fail with E2BIG).
	m["A_LONG_MAX"] = strings.Repeat("m'!\n", 32*4096)[:32*4096-len("A_LONG_MAX=")-1]
	m["A_LONG_OVER"] = strings.Repeat("o", 32*4096-len("A_LONG_OVER="))
	m["A_NUL"] = "a\x00b"
	m["A_NUL_END"] = "secret\x00"
	return m
}
