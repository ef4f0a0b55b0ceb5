package sqlrow

import (
	"context"
	"fmt"
	"time"

	"github.com/cartera/cartera"
)

// CountUsers returns how many users exist.
func (sh Shared) CountUsers(ctx context.Context) (int, error) {
	var n int64
	err := sh.read.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return int(n), err
}

// CreateUser stores a new user.
func (sh Shared) CreateUser(ctx context.Context, u cartera.User) (cartera.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	u.Normalize()
	if u.Created.IsZero() {
		u.Created = sh.now().UTC()
	}
	err := sh.write(ctx, func(q Q) error {
		var taken bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email_key = ?)`, cartera.EmailKey(u.Email)).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return &cartera.Error{Code: cartera.ECONFLICT, Field: "email", Msg: cartera.M("user.email_taken", "value", u.Email)}
		}
		if err := q.QueryRow(ctx, `INSERT INTO users (email, email_key, name, role, lang, password_hash, created, disabled)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Email, cartera.EmailKey(u.Email), u.Name,
			string(u.Role), u.Lang, u.PasswordHash, u.Created.Unix(), u.Disabled).Scan(&u.ID); err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return nil
	})
	if err != nil {
		return u, err
	}
	return sh.User(ctx, u.ID)
}

// User returns a user by id.
func (sh Shared) User(ctx context.Context, id int64) (cartera.User, error) {
	u, err := ScanUser(sh.read.QueryRow(ctx, `SELECT `+UserColumns+` FROM users WHERE id = ?`, id))
	if NoRows(err) {
		return u, cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	return u, err
}

// UserByEmail returns a user by e-mail, ignoring case.
func (sh Shared) UserByEmail(ctx context.Context, email string) (cartera.User, error) {
	u, err := ScanUser(sh.read.QueryRow(ctx, `SELECT `+UserColumns+` FROM users WHERE email_key = ?`, cartera.EmailKey(email)))
	if NoRows(err) {
		return u, cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	return u, err
}

// Users lists every user by name.
func (sh Shared) Users(ctx context.Context) ([]cartera.User, error) {
	var out []cartera.User
	err := EachRecord(ctx, sh.read, `SELECT `+UserColumns+` FROM users ORDER BY name, id`, ScanUser,
		func(u cartera.User) error { out = append(out, u); return nil })
	return out, err
}

// UpdateUser saves a user's changes if u.Version is the stored version.
// Disabling a user signs them out.
func (sh Shared) UpdateUser(ctx context.Context, u cartera.User) (cartera.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	u.Normalize()
	err := sh.write(ctx, func(q Q) error {
		var taken bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email_key = ? AND id <> ?)`,
			cartera.EmailKey(u.Email), u.ID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return &cartera.Error{Code: cartera.ECONFLICT, Field: "email", Msg: cartera.M("user.email_taken", "value", u.Email)}
		}
		n, err := q.Exec(ctx, `UPDATE users SET email = ?, email_key = ?, name = ?, role = ?, lang = ?,
			password_hash = ?, disabled = ?, version = version + 1 WHERE id = ? AND version = ?`,
			u.Email, cartera.EmailKey(u.Email), u.Name, string(u.Role), u.Lang,
			u.PasswordHash, u.Disabled, u.ID, u.Version)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if n == 0 {
			var exists bool
			if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)`, u.ID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return cartera.NewError(cartera.ENOTFOUND, "user.not_found")
			}
			return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", fmt.Sprint(u.ID), "version", u.Version, "current", int64(0))
		}
		if u.Disabled {
			_, err = q.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID)
		}
		return err
	})
	if err != nil {
		return u, err
	}
	return sh.User(ctx, u.ID)
}

// CreateSession stores a session.
func (sh Shared) CreateSession(ctx context.Context, s cartera.Session) error {
	return sh.write(ctx, func(q Q) error {
		_, err := q.Exec(ctx, `INSERT INTO sessions (id, user_id, created, expires, csrf) VALUES (?, ?, ?, ?, ?)`,
			s.ID, s.UserID, s.Created.Unix(), s.Expires.Unix(), s.CSRF)
		return err
	})
}

// Session returns a live session with its enabled user.
func (sh Shared) Session(ctx context.Context, id string, now time.Time) (cartera.Session, cartera.User, error) {
	var s cartera.Session
	var created, expires int64
	row := sh.read.QueryRow(ctx, `SELECT s.id, s.user_id, s.created, s.expires, s.csrf, `+Prefixed("u.", UserColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.expires > ? AND NOT u.disabled`, id, now.Unix())
	u, err := ScanUser(After(row, &s.ID, &s.UserID, &created, &expires, &s.CSRF))
	if NoRows(err) {
		return s, u, cartera.NewError(cartera.EUNAUTHORIZED, "auth.no_session")
	}
	s.Created, s.Expires = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
	return s, u, err
}

// DeleteSession ends one session, and sweeps expired ones.
func (sh Shared) DeleteSession(ctx context.Context, id string) error {
	return sh.write(ctx, func(q Q) error {
		_, err := q.Exec(ctx, `DELETE FROM sessions WHERE id = ? OR expires < ?`, id, sh.now().Unix())
		return err
	})
}

// DeleteSessions ends every session of a user.
func (sh Shared) DeleteSessions(ctx context.Context, userID int64) error {
	return sh.write(ctx, func(q Q) error {
		_, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// CreateToken stores an API token by its hash.
func (sh Shared) CreateToken(ctx context.Context, t cartera.APIToken, hash string) (cartera.APIToken, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	t.Normalize()
	if t.Created.IsZero() {
		t.Created = sh.now().UTC()
	}
	err := sh.write(ctx, func(q Q) error {
		if err := q.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, created) VALUES (?, ?, ?, ?, ?)
			RETURNING id`, t.UserID, t.Name, t.Prefix, hash, t.Created.Unix()).Scan(&t.ID); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return nil
	})
	return t, err
}

// bookkeepWait is the longest a request waits to note a token's last use:
// while the writer is busy (an import, the portfolio's assessment, which
// hold it for seconds) the note is skipped, to be taken at a later use,
// rather than the request waiting behind them.
const bookkeepWait = 20 * time.Millisecond

// TokenUser resolves a token. Its last use is recorded at most once a
// minute, so that scripts do not turn every read into a write, and only
// when the writer is free within bookkeepWait; that note is bookkeeping
// and does not count as a write in the generation.
func (sh Shared) TokenUser(ctx context.Context, hash string, now time.Time) (cartera.APIToken, cartera.User, error) {
	row := sh.read.QueryRow(ctx, `SELECT `+TokenColumns+`, `+Prefixed("u.", UserColumns)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND NOT u.disabled`, hash)
	var t cartera.APIToken
	var created, last int64
	u, err := ScanUser(After(row, &t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &last))
	if NoRows(err) {
		return t, u, cartera.NewError(cartera.EUNAUTHORIZED, "auth.bad_token")
	}
	if err != nil {
		return t, u, err
	}
	t.Created = time.Unix(created, 0).UTC()
	if now.Unix()-last > 60 {
		bctx, cancel := context.WithTimeout(ctx, bookkeepWait)
		if _, err := sh.bookkeep.Exec(bctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, now.Unix(), t.ID); err == nil {
			last = now.Unix()
		}
		cancel()
	}
	t.LastUsed = time.Unix(last, 0).UTC()
	return t, u, nil
}

// Tokens lists a user's tokens, newest first.
func (sh Shared) Tokens(ctx context.Context, userID int64) ([]cartera.APIToken, error) {
	var out []cartera.APIToken
	err := sh.read.Each(ctx, `SELECT `+TokenColumns+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created DESC, t.id DESC`,
		func(s Row) error {
			t, err := ScanToken(s)
			out = append(out, t)
			return err
		}, userID)
	return out, err
}

// DeleteToken revokes one of a user's tokens.
func (sh Shared) DeleteToken(ctx context.Context, userID, id int64) error {
	return sh.write(ctx, func(q Q) error {
		n, err := q.Exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, id, userID)
		if err != nil {
			return err
		}
		if n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "token.not_found")
		}
		return nil
	})
}
