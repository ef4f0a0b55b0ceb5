package web

import (
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// The mapping step needs the uploaded file on every step (preview,
// preview again, import) while the person adjusts the form. Asking for it
// again each time cannot work without JavaScript (a file input is never
// filled in by the server), so the file is kept on the server for a short
// while: on disk in a private folder, under a random id that only the
// session that uploaded it can use, within a total size, and deleted on
// import, on cancel, when it expires, or when the server stops.
//
// Kept on one server's disk, the file is found only by the process that
// received it: several replicas behind a balancer need sticky sessions for
// this step (docs/web.md says so). Imports without the mapping step are
// unaffected.
type stash struct {
	mu      sync.Mutex
	dir     string // created on first use
	base    string // where to create it ("" for the system's temporary folder)
	ttl     time.Duration
	max     int64 // total bytes kept
	perSess int   // files kept per session
	now     func() time.Time
	items   map[string]*stashed
	total   int64
}

// stashed is one kept upload.
type stashed struct {
	id, session, name, path string
	size                    int64
	created, expires        time.Time
}

func newStash(base string, ttl time.Duration, max int64, now func() time.Time) *stash {
	return &stash{base: base, ttl: ttl, max: max, perSess: 3, now: now, items: map[string]*stashed{}}
}

// errStashGone is what a person sees for an expired, removed or foreign
// id: the same answer for all three, so ids cannot be probed.
var errStashGone = cartera.NewError(cartera.ENOTFOUND, "import.upload_gone")

// put keeps a file for a session, making room by dropping the oldest
// files when needed (the session's own first).
func (s *stash) put(session, name string, src csvio.Source) (*stashed, error) {
	if src.Size > s.max {
		return nil, &cartera.Error{Code: cartera.ETOOLARGE, Msg: cartera.M("import.too_large", "max", s.max>>20)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	if s.dir == "" {
		dir, err := os.MkdirTemp(s.base, "cartera-uploads-")
		if err != nil {
			return nil, err
		}
		s.dir = dir
	}
	var mine []*stashed
	for _, it := range s.items {
		if it.session == session {
			mine = append(mine, it)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].created.Before(mine[j].created) })
	for len(mine) >= s.perSess {
		s.drop(mine[0])
		mine = mine[1:]
	}
	for s.total+src.Size > s.max && len(s.items) > 0 {
		s.drop(s.oldest())
	}
	rd, err := src.Open()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	f, err := os.CreateTemp(s.dir, "upload-")
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, io.LimitReader(rd, s.max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > s.max {
		err = &cartera.Error{Code: cartera.ETOOLARGE, Msg: cartera.M("import.too_large", "max", s.max>>20)}
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	now := s.now()
	it := &stashed{id: newToken(""), session: session, name: name, path: f.Name(), size: n, created: now, expires: now.Add(s.ttl)}
	s.items[it.id] = it
	s.total += n
	return it, nil
}

// get returns a session's kept file, extending its life: someone still
// working on the mapping keeps it.
func (s *stash) get(session, id string) (*stashed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	it, ok := s.items[id]
	if !ok || it.session != session {
		return nil, errStashGone
	}
	it.expires = s.now().Add(s.ttl)
	return it, nil
}

// remove forgets a session's kept file.
func (s *stash) remove(session, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.items[id]; ok && it.session == session {
		s.drop(it)
	}
}

// removeAll deletes every kept file and the folder: the server stops.
func (s *stash) removeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range s.items {
		s.drop(it)
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
		s.dir = ""
	}
}

// sweep drops expired files; the caller holds the lock.
func (s *stash) sweep() {
	now := s.now()
	for _, it := range s.items {
		if now.After(it.expires) {
			s.drop(it)
		}
	}
}

func (s *stash) oldest() *stashed {
	var o *stashed
	for _, it := range s.items {
		if o == nil || it.created.Before(o.created) {
			o = it
		}
	}
	return o
}

func (s *stash) drop(it *stashed) {
	os.Remove(it.path) // one that would not go leaves with the folder when the server stops
	delete(s.items, it.id)
	s.total -= it.size
}

// source reads a kept file.
func (it *stashed) source() csvio.Source {
	src := csvio.FileSource(it.path)
	src.Name = it.name
	return src
}

// count is how many files are kept, for tests.
func (s *stash) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}
