package csvio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// nfc brings a value to Unicode NFC, as the web app does with what is
// typed: a name written with combining accents is the same name as one
// with precomposed letters. Plain ASCII, most of any file, is returned as
// it is without a look at the tables.
func nfc(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFC.String(s)
		}
	}
	return s
}

// Encodings accepted by --encoding.
const (
	EncodingAuto    = ""
	EncodingUTF8    = "utf-8"
	Encoding1252    = "windows-1252"
	EncodingLatin1  = "iso-8859-1"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
)

// ParseEncoding normalises an --encoding value.
func ParseEncoding(s string) (string, bool) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "auto":
		return EncodingAuto, true
	case "utf-8", "utf8":
		return EncodingUTF8, true
	case "windows-1252", "cp1252", "win-1252", "ansi":
		return Encoding1252, true
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		return EncodingLatin1, true
	case "utf-16", "utf-16le", "utf16le":
		return EncodingUTF16LE, true
	case "utf-16be", "utf16be":
		return EncodingUTF16BE, true
	}
	return "", false
}

// sniffSize is how much of a file is read to detect encoding, separator and
// format.
const sniffSize = 64 << 10

// maxLine is the longest physical line accepted: a CSV row longer than this
// is almost certainly not a CSV row, and reading it whole would let one line
// exhaust memory.
const maxLine = 1 << 20

var errBinary = errors.New("binary")

// decoded is a file opened as UTF-8 text.
type decoded struct {
	r        *bufio.Reader
	encoding string // what was used
	guessed  bool   // chosen by detection rather than by the user
}

// decode detects (or applies) the encoding of raw and returns a UTF-8
// reader with any byte-order mark removed.
func decode(raw io.Reader, enc string) (*decoded, error) {
	br := bufio.NewReaderSize(raw, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	d := &decoded{encoding: enc}
	var tr transform.Transformer
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		if enc == EncodingAuto {
			d.encoding = EncodingUTF8
		}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) && (enc == EncodingAuto || enc == EncodingUTF16LE):
		d.encoding = EncodingUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}) && (enc == EncodingAuto || enc == EncodingUTF16BE):
		d.encoding = EncodingUTF16BE
	case enc == EncodingAuto:
		if bytes.IndexByte(head, 0) >= 0 {
			return nil, errBinary
		}
		d.guessed = true
		d.encoding = EncodingUTF8
		if !validPrefix(head) {
			d.encoding = Encoding1252
		}
	}
	switch d.encoding {
	case Encoding1252:
		tr = charmap.Windows1252.NewDecoder()
	case EncodingLatin1:
		tr = charmap.ISO8859_1.NewDecoder()
	case EncodingUTF16LE:
		tr = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case EncodingUTF16BE:
		tr = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	}
	if tr != nil {
		d.r = bufio.NewReaderSize(transform.NewReader(br, tr), 256<<10)
	} else {
		d.r = br
	}
	return d, nil
}

// validPrefix reports whether b is valid UTF-8, allowing a rune cut off at
// the end of the sniffed block.
func validPrefix(b []byte) bool {
	for i := 0; i < 4 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		if len(b) == sniffSize {
			b = b[:len(b)-1]
			continue
		}
		return false
	}
	return utf8.Valid(b)
}

// detectSeparator picks the separator of a header line: the most frequent
// of ';', ',' and tab outside quotes.
func detectSeparator(line string) rune {
	counts := map[rune]int{}
	inQuote := false
	for _, r := range line {
		switch {
		case r == '"':
			inQuote = !inQuote
		case !inQuote && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best, n := ',', 0
	for _, r := range []rune{';', ',', '\t'} {
		if counts[r] > n {
			best, n = r, counts[r]
		}
	}
	return best
}

// lineGuard counts physical lines as they pass and fails a line longer than
// maxLine before it is buffered whole.
type lineGuard struct {
	r     io.Reader
	line  int // 1-based number of the line being read
	run   int // bytes since the last newline
	bytes int64
}

var errLineTooLong = errors.New("line too long")

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			g.line++
			g.run = 0
			continue
		}
		g.run++
		if g.run > maxLine {
			g.bytes += int64(i)
			return i, errLineTooLong
		}
	}
	g.bytes += int64(n)
	return n, err
}
