package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/cartera/cartera"
)

// status maps an application error code to its HTTP status.
func status(err error) int {
	switch cartera.ErrorCode(err) {
	case cartera.EINVALID:
		return http.StatusUnprocessableEntity
	case cartera.ENOTFOUND:
		return http.StatusNotFound
	case cartera.ECONFLICT:
		return http.StatusConflict
	case cartera.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case cartera.EFORBIDDEN:
		return http.StatusForbidden
	case cartera.ETOOMANY:
		return http.StatusTooManyRequests
	case cartera.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case cartera.EBADREQUEST:
		return http.StatusBadRequest
	case cartera.EPRECONDITION:
		return http.StatusPreconditionRequired
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
	Code     string `json:"code"`
	// Field names the invalid input, for validation problems.
	Field string `json:"field,omitempty"`
	// Errors lists every problem of an import, as file:line:column.
	Errors []ProblemItem `json:"errors,omitempty"`
	// Current is the stored record, for a version conflict.
	Current any `json:"current,omitempty"`
}

// ProblemItem is one located problem.
type ProblemItem struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

// problem builds the document for an error in the request's language.
func (s *Server) problem(r *http.Request, err error) Problem {
	c := rc(r)
	st := status(err)
	pr := Problem{
		Type: "about:blank", Status: st, Title: http.StatusText(st), Instance: r.URL.Path,
		Code: cartera.ErrorCode(err), Detail: c.p.Msg(cartera.ErrorMessage(err)),
	}
	var e *cartera.Error
	if errors.As(err, &e) {
		pr.Field = e.Field
	}
	var ce *conflictError
	if errors.As(err, &ce) {
		pr.Current = ce.current
	}
	return pr
}

// conflictError carries the stored record along with a version conflict.
type conflictError struct {
	err     error
	current any
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

func writeProblem(w http.ResponseWriter, pr Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(pr.Status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(pr)
}

// writeJSON writes a successful API response.
func writeJSON(w http.ResponseWriter, code int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	return json.NewEncoder(w).Encode(v)
}
