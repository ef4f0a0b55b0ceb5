package cartera

import (
	"net/mail"
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// Roles, from the most powerful.
const (
	// RoleOwner may do everything: users, settings, every client.
	RoleOwner Role = "owner"
	// RoleManager sees and edits every client and deal, but not users or
	// settings.
	RoleManager Role = "manager"
	// RoleSeller sees and edits only the clients and deals they own.
	RoleSeller Role = "seller"
)

// Roles lists every role.
var Roles = []Role{RoleOwner, RoleManager, RoleSeller}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleManager || r == RoleSeller }

// User is a person who signs in.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	// Name is how the user appears; for a seller it is also the owner name
	// on their clients (compared ignoring case and accents).
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Lang is the preferred language ("es", "en"); empty follows the
	// browser.
	Lang         string    `json:"lang"`
	PasswordHash string    `json:"-"`
	Created      time.Time `json:"created"`
	Disabled     bool      `json:"disabled"`
	// Version counts the changes to the record (optimistic concurrency).
	Version int64 `json:"version"`
}

// Sees reports whether the user may see a client: owners and managers see
// every client, sellers their own.
func (u User) Sees(c Client) bool { return u.SeesOwner(c.Owner) }

// SeesDeal reports whether the user may see a deal: by the same rule as
// clients, a seller sees the deals whose seller (Owner) is their name.
func (u User) SeesDeal(d Deal) bool { return u.SeesOwner(d.Owner) }

// SeesOwner is the one rule behind Sees and SeesDeal: owners and managers
// see everything, a seller only what names them as its owner.
func (u User) SeesOwner(owner string) bool {
	return u.Role != RoleSeller || u.Owns(owner)
}

// Owns reports whether an owner name on a client or deal is this user.
func (u User) Owns(owner string) bool {
	return owner != "" && OwnerKey(owner) == OwnerKey(u.Name)
}

// Normalize trims the e-mail address and the name.
func (u *User) Normalize() { u.Email, u.Name = strings.TrimSpace(u.Email), strings.TrimSpace(u.Name) }

// EmailKey is the key users are found by: the address trimmed and
// lower-cased, so that one address is one user however it is typed.
func EmailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Validate checks a user's own fields.
func (u User) Validate() error {
	if _, err := mail.ParseAddress(u.Email); err != nil || !strings.Contains(u.Email, "@") || strings.ContainsAny(u.Email, " <>") {
		return FieldError("email", "user.bad_email", "value", u.Email)
	}
	if len(u.Name) > 200 || validName("name", u.Name) != nil {
		return FieldError("name", "user.bad_name")
	}
	if !u.Role.Valid() {
		return FieldError("role", "user.bad_role", "value", string(u.Role))
	}
	if u.Lang != "" && u.Lang != "es" && u.Lang != "en" {
		return FieldError("lang", "user.bad_lang", "value", u.Lang)
	}
	return nil
}

// Session is a signed-in browser. ID is the hash of the cookie's token:
// the token itself is never stored.
type Session struct {
	ID      string    `json:"-"`
	UserID  int64     `json:"user_id"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// CSRF is the secret that this session's forms must echo.
	CSRF string `json:"-"`
}

// APIToken lets a script call the API as a user. Only a hash of the token
// is stored; Prefix (its first characters) helps the user recognise it.
type APIToken struct {
	ID       int64     `json:"id"`
	UserID   int64     `json:"user_id"`
	Name     string    `json:"name"`
	Prefix   string    `json:"prefix"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used"`
}

// Validate checks a token's name: one that shows, of at most 200 bytes.
func (t APIToken) Validate() error {
	if strings.TrimSpace(t.Name) == "" || len(t.Name) > 200 {
		return FieldError("name", "token.bad_name")
	}
	return nil
}

// Normalize trims the token's name.
func (t *APIToken) Normalize() { t.Name = strings.TrimSpace(t.Name) }
