package cartera

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns s in lower case with the accents of Latin letters removed,
// so that "gestion" matches "Gestión" and "MUNOZ" matches "Muñoz". It is the
// search key of names and lessons in every store.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		if base, ok := unaccent[r]; ok {
			b.WriteString(base)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// OwnerKey is the key a person named as the owner of a client, deal or
// task is matched by: the name trimmed and folded, so that "Lucía Ferrer "
// and "lucia ferrer" are one seller.
func OwnerKey(name string) string { return Fold(strings.TrimSpace(name)) }

// AppendFold appends Fold(s) to dst, for callers that fold a lot of text
// into a buffer they reuse (the mail import's phrase search).
func AppendFold(dst []byte, s string) []byte {
	for _, r := range s {
		if r < 0x80 {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		r = unicode.ToLower(r)
		if base, ok := unaccent[r]; ok {
			dst = append(dst, base...)
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// unaccent maps lower-case accented Latin letters to their base letters.
var unaccent = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ā': "a", 'ą': "a",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ę': "e", 'ě': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ī': "i",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o", 'ō': "o", 'ő': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u",
	'ñ': "n", 'ń': "n", 'ň': "n", 'ç': "c", 'ć': "c", 'č': "c",
	'ý': "y", 'ÿ': "y", 'ś': "s", 'š': "s", 'ș': "s", 'ş': "s", 'ž': "z", 'ź': "z", 'ż': "z",
	'ł': "l", 'ř': "r", 'ď': "d", 'ť': "t", 'ț': "t", 'ß': "ss", 'æ': "ae", 'œ': "oe",
	'ª': "a", 'º': "o", '·': "",
}

// SearchWords splits a search into its words: the runs of letters, digits
// and combining marks (so that a decomposed "gestión" stays one word),
// everything else being a separator. A lesson matches when each
// word starts one of its words, ignoring case and accents; every store
// searches that way, and operators or quotes typed by the user are never
// passed to the database's query language.
func SearchWords(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}
