package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
)

// respCache keeps encoded API responses that depend only on stored data,
// the caller's scope and the query: the client list and the portfolio.
// Keys carry the store's generation, so any write anywhere makes every
// entry unreachable; answers also carry an ETag, so a client that already
// has the page gets 304 Not Modified.
type respCache struct {
	mu      sync.Mutex
	entries map[string]cachedResp
	order   []string
}

type cachedResp struct {
	body []byte
	etag string
}

const respCacheSize = 512

func (c *respCache) get(key string) (cachedResp, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

func (c *respCache) put(key string, e cachedResp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedResp{}
	}
	if _, ok := c.entries[key]; ok {
		return
	}
	if len(c.order) >= respCacheSize {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[key] = e
	c.order = append(c.order, key)
}

// cachedJSON answers from the cache, or builds the value, encodes it,
// remembers it and answers.
func (s *Server) cachedJSON(w http.ResponseWriter, r *http.Request, key string, build func() (any, error)) error {
	e, ok := s.responses.get(key)
	if !ok {
		v, err := build()
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		e = cachedResp{body: append(b, '\n'), etag: `W/"` + hex.EncodeToString(h[:12]) + `"`}
		if len(b) < 1<<20 {
			s.responses.put(key, e)
		}
	}
	w.Header().Set("ETag", e.etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if match := r.Header.Get("If-None-Match"); match != "" && match == e.etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(e.body)
	return err
}
