package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Reading mailboxes: an mbox file (every message after a line starting
// "From "), a Maildir folder (one file per message in cur/ and new/), or
// an IMAP mailbox (imap.go). Of each message only the header block is
// parsed; its body is skipped at the speed of a byte search, except, for
// a message a client wrote to us, its first few kilobytes, where a
// candidate "demand outside scope" is looked for.

// mailHeader is what is read of a message's header block.
type mailHeader struct {
	from, to, cc         string
	date                 string
	messageID, inReplyTo string
	references           string
	subject              string
	contentType, cte     string
}

// maxHeader caps a header block; maxBody is how much of a body is kept
// when it is wanted.
const (
	maxHeader = 1 << 20
	maxBody   = 64 << 10
)

// parseHeader reads the fields cartera uses from a header block (folded
// lines unfolded). It never fails: a malformed line is skipped.
func parseHeader(b []byte, h *mailHeader) {
	*h = mailHeader{}
	var field *string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		var line []byte
		if i < 0 {
			line, b = b, nil
		} else {
			line, b = b[:i], b[i+1:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if field != nil && len(*field) < 64<<10 {
				*field += " " + string(bytes.TrimSpace(line))
			}
			continue
		}
		field = nil
		c := bytes.IndexByte(line, ':')
		if c <= 0 {
			continue
		}
		name := line[:c]
		switch len(name) {
		case 2:
			if asciiFold(name, "to") {
				field = &h.to
			} else if asciiFold(name, "cc") {
				field = &h.cc
			}
		case 4:
			if asciiFold(name, "from") {
				field = &h.from
			} else if asciiFold(name, "date") {
				field = &h.date
			}
		case 7:
			if asciiFold(name, "subject") {
				field = &h.subject
			}
		case 10:
			if asciiFold(name, "message-id") {
				field = &h.messageID
			} else if asciiFold(name, "references") {
				field = &h.references
			}
		case 11:
			if asciiFold(name, "in-reply-to") {
				field = &h.inReplyTo
			}
		case 12:
			if asciiFold(name, "content-type") {
				field = &h.contentType
			}
		case 25:
			if asciiFold(name, "content-transfer-encoding") {
				field = &h.cte
			}
		}
		if field != nil {
			if *field != "" {
				field = nil // the first occurrence counts
				continue
			}
			*field = string(bytes.TrimSpace(line[c+1:]))
		}
	}
}

// asciiFold compares a header name with a lower-case name.
func asciiFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// rawMessage is one message as read: its header and, when wanted, the
// start of its body.
type rawMessage struct {
	h    mailHeader
	body []byte
	// pos is the message's byte offset in an mbox, or its file name in a
	// Maildir, for provenance.
	pos  int64
	file string
}

// indexFrom returns the index of the next "\nFrom " in data, or -1. A
// byte search for the newline would stop on every line; this looks at
// eight bytes at a time for a newline (the classic "has zero byte" test
// on the bytes xor '\n') and checks the five bytes after each one found.
func indexFrom(data []byte) int {
	const (
		lows  = 0x0101010101010101
		highs = 0x8080808080808080
		nls   = 0x0a0a0a0a0a0a0a0a
	)
	zero := func(v uint64) uint64 { x := v ^ nls; return (x - lows) &^ x & highs }
	d := data
	for len(d) >= 32 {
		a, b := binary.LittleEndian.Uint64(d), binary.LittleEndian.Uint64(d[8:])
		c, e := binary.LittleEndian.Uint64(d[16:]), binary.LittleEndian.Uint64(d[24:])
		if za, zb, zc, ze := zero(a), zero(b), zero(c), zero(e); za|zb|zc|ze != 0 {
			base := len(data) - len(d)
			for k, t := range [4]uint64{za, zb, zc, ze} {
				for t != 0 {
					j := base + k*8 + bits.TrailingZeros64(t)/8
					if j+6 <= len(data) && string(data[j+1:j+6]) == "From " {
						return j
					}
					t &= t - 1
				}
			}
		}
		d = d[32:]
	}
	for i := len(data) - len(d); i < len(data); i++ {
		if data[i] == '\n' {
			if r := tailFrom(data, i); r >= 0 {
				return r
			}
		}
	}
	return -1
}

// tailFrom checks a newline too close to the end to hold "From ": only
// a whole "\nFrom " counts.
func tailFrom(data []byte, j int) int {
	if j+6 <= len(data) && string(data[j+1:j+6]) == "From " {
		return j
	}
	return -1
}

var fromWord = []byte("From ")

// mboxReader splits an mbox into messages with one block buffer: a
// message's header is parsed in place, and its body is skipped by
// searching for the next "\nFrom ".
type mboxReader struct {
	r      io.Reader
	buf    []byte
	start  int // unread data is buf[start:end]
	end    int
	eof    bool
	off    int64 // offset of buf[0] in the file
	body   []byte
	fromNL []byte
}

func newMboxReader(r io.Reader) *mboxReader {
	// A block that stays in the processor's cache: each one is searched
	// right after the kernel copied it in.
	return &mboxReader{r: r, buf: make([]byte, 128<<10), fromNL: []byte("\nFrom ")}
}

// fill moves the unread data to the front and reads more; false at the end.
func (m *mboxReader) fill() bool {
	if m.eof {
		return false
	}
	if m.start > 0 {
		n := copy(m.buf, m.buf[m.start:m.end])
		m.off += int64(m.start)
		m.start, m.end = 0, n
	}
	if m.end == len(m.buf) {
		return false
	}
	n, err := io.ReadAtLeast(m.r, m.buf[m.end:], 1)
	m.end += n
	if err != nil {
		m.eof = true
	}
	return n > 0
}

// bytesRead is how far the reader has got.
func (m *mboxReader) bytesRead() int64 { return m.off + int64(m.start) }

// errNotMbox is returned when a file does not start with a "From " line.
var errNotMbox = errors.New("not an mbox")

// next reads the next message; want says, from its header, whether the
// start of its body is needed. It returns io.EOF after the last one.
func (m *mboxReader) next(msg *rawMessage, want func(*mailHeader) bool) error {
	// The message's "From " line.
	for m.end-m.start < 5 || bytes.IndexByte(m.buf[m.start:m.end], '\n') < 0 {
		if !m.fill() {
			break
		}
	}
	if m.start == m.end {
		return io.EOF
	}
	if !bytes.HasPrefix(m.buf[m.start:m.end], []byte("From ")) {
		// Blank lines before the first message are allowed.
		t := bytes.TrimLeft(m.buf[m.start:m.end], "\r\n")
		if len(t) == 0 && m.eof {
			return io.EOF
		}
		if !bytes.HasPrefix(t, []byte("From ")) {
			return errNotMbox
		}
		m.start = m.end - len(t)
	}
	msg.pos = m.bytesRead()
	nl := bytes.IndexByte(m.buf[m.start:m.end], '\n')
	if nl < 0 {
		m.start = m.end
		return io.EOF
	}
	m.start += nl + 1
	// The header block, up to an empty line (or the next message).
	hend := -1
	for {
		data := m.buf[m.start:m.end]
		if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
			hend = i + 1
		} else if i := bytes.Index(data, []byte("\n\r\n")); i >= 0 {
			hend = i + 1
		}
		if f := indexFrom(data); f >= 0 && (hend < 0 || f < hend) {
			hend = f + 1 // a message without a body
		}
		if hend >= 0 || m.end-m.start >= maxHeader {
			break
		}
		if m.start == 0 && m.end == len(m.buf) {
			// A header longer than the block: grow it, up to maxHeader.
			m.buf = append(m.buf, make([]byte, len(m.buf))...)
		}
		if !m.fill() {
			break
		}
	}
	if hend < 0 {
		hend = min(m.end-m.start, maxHeader)
	}
	parseHeader(m.buf[m.start:m.start+hend], &msg.h)
	m.start += hend
	wanted := want(&msg.h)
	m.body = m.body[:0]
	// The body, up to the next "\nFrom " line.
	for {
		data := m.buf[m.start:m.end]
		if i := indexFrom(data); i >= 0 {
			if wanted && len(m.body) < maxBody {
				m.body = append(m.body, data[:min(i, maxBody-len(m.body))]...)
			}
			m.start += i + 1
			break
		}
		if m.eof {
			if wanted && len(m.body) < maxBody {
				m.body = append(m.body, data[:min(len(data), maxBody-len(m.body))]...)
			}
			m.start = m.end
			break
		}
		// Keep the last bytes: "\nFrom " may be cut in two by the block.
		keep := min(len(data), len(m.fromNL)-1)
		if wanted && len(m.body) < maxBody {
			n := len(data) - keep
			m.body = append(m.body, data[:min(n, maxBody-len(m.body))]...)
		}
		m.start = m.end - keep
		m.fill()
	}
	msg.body = m.body
	return nil
}

// maildirFiles lists the messages of a Maildir: cur/ and new/, by name.
func maildirFiles(dir string) ([]string, error) {
	var out []string
	for _, sub := range []string{"cur", "new"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, err
		}
		for _, e := range ents {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				out = append(out, filepath.Join(sub, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// readMessage reads one message file: its header and, when wanted, the
// start of its body.
func readMessage(r io.Reader, msg *rawMessage, want func(*mailHeader) bool, buf []byte) ([]byte, error) {
	buf = buf[:cap(buf)]
	n, err := io.ReadFull(r, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return buf, err
	}
	data := buf[:n]
	hend := bytes.Index(data, []byte("\n\n"))
	if i := bytes.Index(data, []byte("\n\r\n")); i >= 0 && (hend < 0 || i < hend) {
		hend = i
	}
	if hend < 0 {
		hend = len(data)
	} else {
		hend++
	}
	parseHeader(data[:hend], &msg.h)
	msg.body = nil
	if want(&msg.h) {
		msg.body = data[hend:]
		if len(msg.body) > maxBody {
			msg.body = msg.body[:maxBody]
		}
	}
	return buf, nil
}
