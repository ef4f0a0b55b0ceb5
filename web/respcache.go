package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// The encoded API responses that depend only on stored data, the caller's
// scope and the query — the client list, the pipeline's board and
// forecast — are kept per store generation (Server.responses), so that
// between writes an answer is a map lookup; answers also carry an ETag, so
// a client that already has the page gets 304 Not Modified.

type cachedResp struct {
	body []byte
	etag string
}

// respCacheSize bounds the encoded answers kept; answers of a megabyte or
// more are not kept (keepResp).
const respCacheSize = 512

func keepResp(e cachedResp) bool { return len(e.body) <= 1<<20 }

// cachedJSON answers from the cache, or builds the value, encodes it,
// remembers it and answers.
func (s *Server) cachedJSON(w http.ResponseWriter, r *http.Request, key string, build func() (any, error)) error {
	e, err := s.responses.do(r.Context(), rc(r).gen, key, func(ctx context.Context) (cachedResp, error) {
		v, err := build()
		if err != nil {
			return cachedResp{}, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return cachedResp{}, err
		}
		h := sha256.Sum256(b)
		return cachedResp{body: append(b, '\n'), etag: `W/"` + hex.EncodeToString(h[:12]) + `"`}, nil
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", e.etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if match := r.Header.Get("If-None-Match"); match != "" && match == e.etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(e.body)
	return err
}
