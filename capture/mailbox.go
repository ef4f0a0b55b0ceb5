package capture

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
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

// indexFrom returns the index of the next "\nFrom " in data, or -1.
//
// Most of a mailbox's bytes are attachments in base64, which has a
// newline every 77 bytes and never a space. So the search looks for the
// pattern's last byte, the space, with the processor's vector search for
// one byte (bytes.IndexByte), and checks the five bytes before each space
// it finds: through an attachment that is one call, at the speed of
// memory. Where spaces come often (headers, text) that would stop every
// few bytes, so when two spaces are less than sparseSpaces apart, the
// next spaceWindow bytes are searched by bytes.Index, which finds each
// newline and checks the five bytes after it. Over the 1 GB mailbox
// bench/mboxgen writes (nine tenths base64) this searched 29 GB/s in the
// processor's cache where bytes.Index alone searched 7.7 GB/s
// (docs/performance.md); a text without attachments is searched at
// bytes.Index's speed. The two searches find the same boundaries
// (TestIndexFrom, FuzzIndexFrom).
func indexFrom(data []byte) int {
	// No match starts before i.
	for i := 0; ; {
		j := bytes.IndexByte(data[min(i+len(fromNL)-1, len(data)):], ' ')
		if j < 0 {
			return -1
		}
		j += i + len(fromNL) - 1 // the space of a match starting at j−5 ≥ i
		if string(data[j-5:j]) == "\nFrom" {
			return j - 5
		}
		if j-i >= sparseSpaces {
			i = j - 4
			continue
		}
		end := min(len(data), i+spaceWindow)
		if k := bytes.Index(data[i:end], fromNL); k >= 0 {
			return i + k
		}
		if end == len(data) {
			return -1
		}
		i = end - (len(fromNL) - 1)
	}
}

// sparseSpaces and spaceWindow tune indexFrom: fewer than 64 bytes from
// one space to the next is text (a word every 6 bytes or so) rather than
// base64, and then 4 KB are searched line by line before spaces are
// tried again — long enough that the failed try costs about 1 %, short
// enough that an attachment right after a text part is soon searched by
// spaces again.
const (
	sparseSpaces = 64
	spaceWindow  = 4 << 10
)

var fromNL = []byte("\nFrom ")

// mboxReader splits an mbox into messages with one block buffer: a
// message's header is parsed in place, and its body is skipped by
// searching for the next "\nFrom ".
type mboxReader struct {
	r     io.Reader
	buf   []byte
	start int // unread data is buf[start:end]
	end   int
	eof   bool
	off   int64 // offset of buf[0] in the file
	body  []byte
}

func newMboxReader(r io.Reader) *mboxReader {
	// A block that stays in the processor's cache: each one is searched
	// right after the kernel copied it in.
	return &mboxReader{r: r, buf: make([]byte, 128<<10)}
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
	hend, bodyless := -1, false
	for {
		hend, bodyless = headerEnd(m.buf[m.start:m.end])
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
	if bodyless {
		m.body = m.body[:0]
	} else {
		m.skipBody(wanted)
	}
	msg.body = m.body
	return nil
}

// headerEnd finds the end of a header block, line by line: the length up
// to and including the line before the empty one, or before the next
// message's "From " line (then bodyless is true); −1 when the block goes
// on past data.
func headerEnd(data []byte) (n int, bodyless bool) {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return -1, false
		}
		i += j + 1
		rest := data[i:]
		switch {
		case len(rest) > 0 && rest[0] == '\n', len(rest) > 1 && rest[0] == '\r' && rest[1] == '\n':
			return i, false
		case len(rest) >= 5 && string(rest[:5]) == "From ":
			return i, true
		case len(rest) < 5:
			return -1, false // the next line is not whole yet
		}
	}
}

// skipBody moves past a message's body, up to the next "From " line (or
// the end); when keep is set, it keeps the body's first maxBody bytes.
func (m *mboxReader) skipBody(keep bool) {
	m.body = m.body[:0]
	for {
		data := m.buf[m.start:m.end]
		if i := indexFrom(data); i >= 0 {
			if keep && len(m.body) < maxBody {
				m.body = append(m.body, data[:min(i, maxBody-len(m.body))]...)
			}
			m.start += i + 1
			return
		}
		if m.eof {
			if keep && len(m.body) < maxBody {
				m.body = append(m.body, data[:min(len(data), maxBody-len(m.body))]...)
			}
			m.start = m.end
			return
		}
		// Keep the last bytes: "\nFrom " may be cut in two by the block.
		keepN := min(len(data), len(fromNL)-1)
		if keep && len(m.body) < maxBody {
			n := len(data) - keepN
			m.body = append(m.body, data[:min(n, maxBody-len(m.body))]...)
		}
		m.start = m.end - keepN
		m.fill()
	}
}

// mboxSegment is what a worker made of the messages that start in one
// stretch of an mbox.
type mboxSegment struct {
	end    int64 // where the stretch ends
	items  int   // messages read
	events []mailEvent
	err    error
}

// defaultMboxSegment is the stretch of an mbox each worker reads at a
// time: big enough that finding where the first message starts costs
// nothing, small enough that the segments waiting to be applied stay a
// few megabytes.
const defaultMboxSegment = 32 << 20

// readMbox reads an mbox and hands the events of its messages to apply,
// in the file's order. A file it can read at any offset (a file on disk,
// an upload in memory) is cut into segments that one worker per
// processor reads at once — finding the message boundaries is most of an
// import's work, and it is the same work in every segment; anything else
// is read in one pass. workers is how many read at once (one per
// processor: runtime.GOMAXPROCS). Each worker copies its segment out
// block by block (positioned reads) into a buffer that stays in the
// processor's cache: mapping the file into memory instead spares the
// copy, but then the search reads from memory rather than from the
// cache, and the page faults cost more than the copy (docs/performance.md).
func readMbox(ctx context.Context, r io.Reader, size, segment int64, workers int, rules *mailRules, apply func(*mboxSegment) error) error {
	if segment <= 0 {
		segment = defaultMboxSegment
	}
	var open func(base int64) *mboxReader
	if ra, ok := r.(io.ReaderAt); ok {
		open = func(base int64) *mboxReader {
			m := newMboxReader(io.NewSectionReader(ra, base, math.MaxInt64-base))
			m.off = base
			return m
		}
	}
	if open == nil || size <= segment || workers < 2 {
		seg := readSegment(ctx, newMboxReader(r), -1, rules)
		if seg.err != nil {
			return seg.err
		}
		return apply(seg)
	}
	n := int((size + segment - 1) / segment)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Segment i's result arrives on done[i]; at most 2×workers segments
	// are read ahead of the one being applied.
	done := make([]chan *mboxSegment, n)
	for i := range done {
		done[i] = make(chan *mboxSegment, 1)
	}
	jobs := make(chan int)
	ahead := make(chan struct{}, 2*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				from, to := int64(i)*segment, int64(i+1)*segment
				if i == n-1 {
					to = -1 // the last one reads to the end
				}
				done[i] <- readSegmentAt(ctx, open, from, to, rules)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := 0; i < n; i++ {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	// On the way out, however it is left, the feeder and the workers are
	// stopped first and then waited for.
	defer func() {
		cancel()
		wg.Wait()
	}()
	for i := 0; i < n; i++ {
		var seg *mboxSegment
		select {
		case seg = <-done[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-ahead
		if seg.err != nil {
			return seg.err
		}
		if err := apply(seg); err != nil {
			return err
		}
	}
	return nil
}

// readSegmentAt reads the messages that start at or after from and
// before to (to < 0: to the end). The reader opens at from−1, so that a
// "From " line right at from is seen as one.
func readSegmentAt(ctx context.Context, open func(base int64) *mboxReader, from, to int64, rules *mailRules) *mboxSegment {
	m := open(max(from-1, 0))
	if from > 0 {
		m.fill()
		m.skipBody(false)
	}
	return readSegment(ctx, m, to, rules)
}

// readSegment reads, from where m stands, the messages that start before
// to (to < 0: to the end).
func readSegment(ctx context.Context, m *mboxReader, to int64, rules *mailRules) *mboxSegment {
	seg := &mboxSegment{end: to}
	w := &mailWorker{rules: rules}
	var msg rawMessage
	for {
		if to >= 0 && m.bytesRead() >= to {
			break
		}
		err := m.next(&msg, w.want)
		if err == io.EOF {
			break
		}
		if err != nil {
			seg.err = err
			return seg
		}
		if to >= 0 && msg.pos >= to {
			break
		}
		seg.items++
		var ev mailEvent
		if w.event(&msg, &ev) {
			seg.events = append(seg.events, ev)
		}
		if seg.items%256 == 0 {
			if err := ctx.Err(); err != nil {
				seg.err = err
				return seg
			}
		}
	}
	if to < 0 {
		seg.end = m.bytesRead()
	}
	return seg
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

// parseMailDate reads a Date header. Nearly every message writes it as
// RFC 5322 says ("Tue, 4 Nov 2026 09:15:00 +0100", perhaps with a zone
// name in a comment after it), which is read here by hand; net/mail's
// parser, which tries a dozen layouts and builds an error for each that
// fails, reads the rest.
func parseMailDate(s string) (time.Time, error) {
	if t, ok := parseRFC5322Date(s); ok {
		return t, nil
	}
	return mail.ParseDate(s)
}

// simpleComment says whether s is " (CET)"-like: a space, then a
// parenthesis holding only letters, digits, spaces and + - : . / — what
// mail clients write after the zone. Anything else is left to net/mail.
func simpleComment(s string) bool {
	if len(s) < 3 || s[0] != ' ' || s[1] != '(' || s[len(s)-1] != ')' {
		return false
	}
	for _, c := range []byte(s[2 : len(s)-1]) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte(" +-:./", c) >= 0:
		default:
			return false
		}
	}
	return true
}

var weekdays = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parseRFC5322Date reads "[Day, ]D Mon YYYY HH:MM[:SS] ±HHMM[ (comment)]";
// false for anything else.
func parseRFC5322Date(s string) (time.Time, bool) {
	p := strings.Trim(s, " ") // other blanks (tabs, \v) are left to net/mail
	if i := strings.IndexByte(p, ','); i >= 0 {
		// "Mon, 2 …" exactly: anything looser is left to net/mail.
		if i != 3 || !slices.Contains(weekdays[:], p[:3]) || len(p) < 6 || p[4] != ' ' || p[5] < '0' || p[5] > '9' {
			return time.Time{}, false
		}
		p = p[5:]
	}
	num := func(n int) (int, bool) { // exactly n digits, then a space, colon or the end
		if len(p) < n {
			return 0, false
		}
		v := 0
		for k := 0; k < n; k++ {
			c := p[k]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		p = p[n:]
		return v, true
	}
	sep := func(c byte) bool {
		if len(p) == 0 || p[0] != c {
			return false
		}
		p = p[1:]
		return true
	}
	dn := 2
	if len(p) > 1 && p[1] == ' ' {
		dn = 1
	}
	day, ok := num(dn)
	if !ok || !sep(' ') || len(p) < 4 || p[3] != ' ' {
		return time.Time{}, false
	}
	month := 0
	for k, m := range months {
		if p[:3] == m {
			month = k + 1
		}
	}
	p = p[4:]
	year, ok := num(4)
	if month == 0 || !ok || !sep(' ') {
		return time.Time{}, false
	}
	hh, ok1 := num(2)
	ok2 := sep(':')
	mm, ok3 := num(2)
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false
	}
	ss := 0
	if sep(':') {
		if ss, ok = num(2); !ok {
			return time.Time{}, false
		}
	}
	if !sep(' ') || len(p) < 5 || (p[0] != '+' && p[0] != '-') {
		return time.Time{}, false
	}
	sign := 1
	if p[0] == '-' {
		sign = -1
	}
	p = p[1:]
	zh, ok1 := num(2)
	zm, ok2 := num(2)
	if !ok1 || !ok2 || zh > 23 || zm > 59 { // net/mail refuses an offset past 24 hours; the rest is left to it
		return time.Time{}, false
	}
	if rest := p; rest != "" && !simpleComment(rest) {
		return time.Time{}, false
	}
	if day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || year < 1000 {
		return time.Time{}, false
	}
	if ss == 60 {
		return time.Time{}, false // a leap second: net/mail decides
	}
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, time.FixedZone("", sign*(zh*3600+zm*60)))
	if t.Day() != day {
		return time.Time{}, false // 31 Feb: not a date
	}
	return t, true
}
