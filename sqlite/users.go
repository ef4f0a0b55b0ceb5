package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
)

func emailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CountUsers returns how many users exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// CreateUser stores a new user.
func (db *DB) CreateUser(ctx context.Context, u cartera.User) (cartera.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	if u.Created.IsZero() {
		u.Created = db.now().UTC()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email_key = ?`, emailKey(u.Email)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return cartera.FieldError("email", "user.email_taken", "value", u.Email)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, email_key, name, role, lang, password_hash, created, disabled)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, strings.TrimSpace(u.Email), emailKey(u.Email), strings.TrimSpace(u.Name),
			string(u.Role), u.Lang, u.PasswordHash, u.Created.Unix(), boolInt(u.Disabled))
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		u.ID, _ = res.LastInsertId()
		return nil
	})
	if err != nil {
		var e *cartera.Error
		if errors.As(err, &e) && e.Msg.Key == "user.email_taken" {
			e.Code = cartera.ECONFLICT
		}
		return u, err
	}
	return db.User(ctx, u.ID)
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id int64) (cartera.User, error) {
	u, err := sqlrow.ScanUser(db.r.QueryRowContext(ctx, `SELECT `+sqlrow.UserColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	return u, err
}

// UserByEmail returns a user by e-mail, ignoring case.
func (db *DB) UserByEmail(ctx context.Context, email string) (cartera.User, error) {
	u, err := sqlrow.ScanUser(db.r.QueryRowContext(ctx, `SELECT `+sqlrow.UserColumns+` FROM users WHERE email_key = ?`, emailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	return u, err
}

// Users lists every user by name.
func (db *DB) Users(ctx context.Context) ([]cartera.User, error) {
	var out []cartera.User
	err := eachRecord(ctx, db, `SELECT `+sqlrow.UserColumns+` FROM users ORDER BY name, id`, sqlrow.ScanUser,
		func(u cartera.User) error { out = append(out, u); return nil })
	return out, err
}

// UpdateUser saves a user's changes if u.Version is the stored version.
// Disabling a user signs them out.
func (db *DB) UpdateUser(ctx context.Context, u cartera.User) (cartera.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email_key = ? AND id <> ?`, emailKey(u.Email), u.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &cartera.Error{Code: cartera.ECONFLICT, Field: "email", Msg: cartera.M("user.email_taken", "value", u.Email)}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET email = ?, email_key = ?, name = ?, role = ?, lang = ?,
			password_hash = ?, disabled = ?, version = version + 1 WHERE id = ? AND version = ?`,
			strings.TrimSpace(u.Email), emailKey(u.Email), strings.TrimSpace(u.Name), string(u.Role), u.Lang,
			u.PasswordHash, boolInt(u.Disabled), u.ID, u.Version)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, u.ID).Scan(&exists)
			if exists == 0 {
				return cartera.NewError(cartera.ENOTFOUND, "user.not_found")
			}
			return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", fmt.Sprint(u.ID), "version", u.Version, "current", int64(0))
		}
		if u.Disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID)
		}
		return err
	})
	if err != nil {
		return u, err
	}
	return db.User(ctx, u.ID)
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s cartera.Session) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created, expires, csrf) VALUES (?, ?, ?, ?, ?)`,
			s.ID, s.UserID, s.Created.Unix(), s.Expires.Unix(), s.CSRF)
		return err
	})
}

// Session returns a live session with its enabled user.
func (db *DB) Session(ctx context.Context, id string, now time.Time) (cartera.Session, cartera.User, error) {
	var s cartera.Session
	var created, expires int64
	row := db.queryRow(ctx, `SELECT s.id, s.user_id, s.created, s.expires, s.csrf, `+sqlrow.Prefixed("u.", sqlrow.UserColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.expires > ? AND u.disabled = 0`, id, now.Unix())
	u, err := sqlrow.ScanUser(sqlrow.After(row, &s.ID, &s.UserID, &created, &expires, &s.CSRF))
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, cartera.NewError(cartera.EUNAUTHORIZED, "auth.no_session")
	}
	s.Created, s.Expires = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
	return s, u, err
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? OR expires < ?`, id, db.now().Unix())
		return err
	})
}

// DeleteSessions ends every session of a user.
func (db *DB) DeleteSessions(ctx context.Context, userID int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// CreateToken stores an API token by its hash.
func (db *DB) CreateToken(ctx context.Context, t cartera.APIToken, hash string) (cartera.APIToken, error) {
	if strings.TrimSpace(t.Name) == "" || len(t.Name) > 200 {
		return t, cartera.FieldError("name", "token.bad_name")
	}
	if t.Created.IsZero() {
		t.Created = db.now().UTC()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, created) VALUES (?, ?, ?, ?, ?)`,
			t.UserID, strings.TrimSpace(t.Name), t.Prefix, hash, t.Created.Unix())
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		t.ID, _ = res.LastInsertId()
		return nil
	})
	return t, err
}

// TokenUser resolves a token. Its last use is recorded at most once a
// minute, so that scripts do not turn every read into a write.
func (db *DB) TokenUser(ctx context.Context, hash string, now time.Time) (cartera.APIToken, cartera.User, error) {
	row := db.queryRow(ctx, `SELECT `+sqlrow.TokenColumns+`, `+sqlrow.Prefixed("u.", sqlrow.UserColumns)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND u.disabled = 0`, hash)
	var t cartera.APIToken
	var created, last int64
	u, err := sqlrow.ScanUser(sqlrow.After(row, &t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &last))
	if errors.Is(err, sql.ErrNoRows) {
		return t, u, cartera.NewError(cartera.EUNAUTHORIZED, "auth.bad_token")
	}
	if err != nil {
		return t, u, err
	}
	t.Created = time.Unix(created, 0).UTC()
	if now.Unix()-last > 60 {
		_, _ = db.w.ExecContext(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, now.Unix(), t.ID)
		last = now.Unix()
	}
	t.LastUsed = time.Unix(last, 0).UTC()
	return t, u, nil
}

// Tokens lists a user's tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]cartera.APIToken, error) {
	var out []cartera.APIToken
	err := each(ctx, db.r, `SELECT `+sqlrow.TokenColumns+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created DESC, t.id DESC`,
		func(s sqlrow.Row) error {
			t, err := sqlrow.ScanToken(s)
			out = append(out, t)
			return err
		}, userID)
	return out, err
}

// DeleteToken revokes one of a user's tokens.
func (db *DB) DeleteToken(ctx context.Context, userID, id int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "token.not_found")
		}
		return nil
	})
}
