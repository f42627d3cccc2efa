// Package kirjaamo holds the domain of Kirjaamo, a privacy-by-design records
// system for customer service: subjects, contacts, the audit log, users, and
// the service interfaces the storage and HTTP adapters implement or call.
package kirjaamo

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: each maps to one HTTP status and one
// CLI exit behaviour, and clients branch on them.
const (
	EINVALID       = "invalid"       // bad input; Field names the offending field
	ENOTFOUND      = "not_found"     // the record does not exist (or the caller may not know it does)
	EUNAUTHORIZED  = "unauthorized"  // no or bad credentials
	EFORBIDDEN     = "forbidden"     // authenticated, but the role or policy does not allow it
	ECONFLICT      = "conflict"      // the request contradicts stored state (duplicate identifier, rule violated)
	ETOOMANY       = "too_many"      // rate limited
	EINTERNAL      = "internal"      // a bug or an infrastructure failure; details go to the log only
	ETOOLARGE      = "too_large"     // request body over the limit
	EUNAVAILABLE   = "unavailable"   // not ready (e.g. database down)
	ENOSPACE       = "no_space"      // the blob store is full; nothing was stored
	EUNPROCESSABLE = "unprocessable" // well-formed but refused by a rule (an outbound e-mail with an identity code)
)

// Error is a domain error safe to show to a client. Message must never
// contain personal data: it is returned over the API and may be logged.
type Error struct {
	Code    string
	Message string
	Field   string // the input field the error is about, if any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("kirjaamo: %s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("kirjaamo: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err's *Error, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: the *Error's message,
// or "internal error" for anything else so that driver errors (which may
// quote values) never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorField returns the Field of err's *Error, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
