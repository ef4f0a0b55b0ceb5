package cartera

import (
	"errors"
)

// Application error codes. Each maps to one HTTP status at the web edge and
// to one kind of message at the command line.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	// The codes of requests refused before they reach the application: too
	// many, too large, malformed, or missing the version a write needs.
	ETOOMANY      = "too_many"
	ETOOLARGE     = "too_large"
	EBADREQUEST   = "bad_request"
	EPRECONDITION = "precondition"
)

// Error is an error meant for the user. Its Msg is rendered by package i18n
// in the user's language; internal failures are plain wrapped errors that are
// logged and shown only as "internal error".
type Error struct {
	Code string
	Msg  Message
	// Field names the input field at fault, for validation errors.
	Field string
}

// Error renders the message for logs.
func (e *Error) Error() string { return e.Code + ": " + e.Msg.String() }

// NewError returns an *Error whose message is the catalog key with its facts.
func NewError(code, key string, kv ...any) *Error {
	return &Error{Code: code, Msg: M(key, kv...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, key string, kv ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Msg: M(key, kv...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err, or the generic
// "error.internal" message when err is not an *Error.
func ErrorMessage(err error) Message {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return M("error.internal")
}
