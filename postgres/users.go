package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/internal/sqlrow"
	"github.com/jackc/pgx/v5"
)

func emailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CountUsers returns how many users exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return int(n), err
}

// CreateUser stores a new user.
func (db *DB) CreateUser(ctx context.Context, u cartera.User) (cartera.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	if u.Created.IsZero() {
		u.Created = db.now().UTC()
	}
	err := db.write(ctx, func(tx pgx.Tx) error {
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email_key = $1)`, emailKey(u.Email)).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return &cartera.Error{Code: cartera.ECONFLICT, Field: "email", Msg: cartera.M("user.email_taken", "value", u.Email)}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO users (email, email_key, name, role, lang, password_hash, created, disabled)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, strings.TrimSpace(u.Email), emailKey(u.Email), strings.TrimSpace(u.Name),
			string(u.Role), u.Lang, u.PasswordHash, u.Created.Unix(), u.Disabled).Scan(&u.ID); err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return nil
	})
	if err != nil {
		return u, err
	}
	return db.User(ctx, u.ID)
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id int64) (cartera.User, error) {
	u, err := sqlrow.ScanUser(db.pool.QueryRow(ctx, `SELECT `+sqlrow.UserColumns+` FROM users WHERE id = $1`, id))
	if noRows(err) {
		return u, cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	return u, err
}

// UserByEmail returns a user by e-mail, ignoring case.
func (db *DB) UserByEmail(ctx context.Context, email string) (cartera.User, error) {
	u, err := sqlrow.ScanUser(db.pool.QueryRow(ctx, `SELECT `+sqlrow.UserColumns+` FROM users WHERE email_key = $1`, emailKey(email)))
	if noRows(err) {
		return u, cartera.NewError(cartera.ENOTFOUND, "user.not_found")
	}
	return u, err
}

// Users lists every user by name.
func (db *DB) Users(ctx context.Context) ([]cartera.User, error) {
	var out []cartera.User
	err := eachRecord(ctx, db.pool, `SELECT `+sqlrow.UserColumns+` FROM users ORDER BY name, id`, sqlrow.ScanUser,
		func(u cartera.User) error { out = append(out, u); return nil })
	return out, err
}

// UpdateUser saves a user's changes if u.Version is the stored version.
// Disabling a user signs them out.
func (db *DB) UpdateUser(ctx context.Context, u cartera.User) (cartera.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	err := db.write(ctx, func(tx pgx.Tx) error {
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email_key = $1 AND id <> $2)`,
			emailKey(u.Email), u.ID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return &cartera.Error{Code: cartera.ECONFLICT, Field: "email", Msg: cartera.M("user.email_taken", "value", u.Email)}
		}
		tag, err := tx.Exec(ctx, `UPDATE users SET email = $1, email_key = $2, name = $3, role = $4, lang = $5,
			password_hash = $6, disabled = $7, version = version + 1 WHERE id = $8 AND version = $9`,
			strings.TrimSpace(u.Email), emailKey(u.Email), strings.TrimSpace(u.Name), string(u.Role), u.Lang,
			u.PasswordHash, u.Disabled, u.ID, u.Version)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, u.ID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return cartera.NewError(cartera.ENOTFOUND, "user.not_found")
			}
			return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", fmt.Sprint(u.ID), "version", u.Version, "current", int64(0))
		}
		if u.Disabled {
			_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID)
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
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_id, created, expires, csrf) VALUES ($1, $2, $3, $4, $5)`,
			s.ID, s.UserID, s.Created.Unix(), s.Expires.Unix(), s.CSRF)
		return err
	})
}

// Session returns a live session with its enabled user.
func (db *DB) Session(ctx context.Context, id string, now time.Time) (cartera.Session, cartera.User, error) {
	var s cartera.Session
	var created, expires int64
	row := db.pool.QueryRow(ctx, `SELECT s.id, s.user_id, s.created, s.expires, s.csrf, `+sqlrow.Prefixed("u.", sqlrow.UserColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = $1 AND s.expires > $2 AND NOT u.disabled`, id, now.Unix())
	u, err := sqlrow.ScanUser(sqlrow.After(row, &s.ID, &s.UserID, &created, &expires, &s.CSRF))
	if noRows(err) {
		return s, u, cartera.NewError(cartera.EUNAUTHORIZED, "auth.no_session")
	}
	s.Created, s.Expires = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
	return s, u, err
}

// DeleteSession ends one session, and sweeps expired ones.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1 OR expires < $2`, id, db.now().Unix())
		return err
	})
}

// DeleteSessions ends every session of a user.
func (db *DB) DeleteSessions(ctx context.Context, userID int64) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
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
	err := db.write(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, created) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, t.UserID, strings.TrimSpace(t.Name), t.Prefix, hash, t.Created.Unix()).Scan(&t.ID); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return nil
	})
	return t, err
}

// TokenUser resolves a token. Its last use is recorded at most once a
// minute, so that scripts do not turn every read into a write; that note
// is bookkeeping and does not count as a write in the generation.
func (db *DB) TokenUser(ctx context.Context, hash string, now time.Time) (cartera.APIToken, cartera.User, error) {
	row := db.pool.QueryRow(ctx, `SELECT `+sqlrow.TokenColumns+`, `+sqlrow.Prefixed("u.", sqlrow.UserColumns)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1 AND NOT u.disabled`, hash)
	var t cartera.APIToken
	var created, last int64
	u, err := sqlrow.ScanUser(sqlrow.After(row, &t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &last))
	if noRows(err) {
		return t, u, cartera.NewError(cartera.EUNAUTHORIZED, "auth.bad_token")
	}
	if err != nil {
		return t, u, err
	}
	t.Created = time.Unix(created, 0).UTC()
	if now.Unix()-last > 60 {
		_, _ = db.pool.Exec(ctx, `UPDATE api_tokens SET last_used = $1 WHERE id = $2`, now.Unix(), t.ID)
		last = now.Unix()
	}
	t.LastUsed = time.Unix(last, 0).UTC()
	return t, u, nil
}

// Tokens lists a user's tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]cartera.APIToken, error) {
	var out []cartera.APIToken
	err := each(ctx, db.pool, `SELECT `+sqlrow.TokenColumns+` FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.created DESC, t.id DESC`,
		func(s sqlrow.Row) error {
			t, err := sqlrow.ScanToken(s)
			out = append(out, t)
			return err
		}, userID)
	return out, err
}

// DeleteToken revokes one of a user's tokens.
func (db *DB) DeleteToken(ctx context.Context, userID, id int64) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return cartera.NewError(cartera.ENOTFOUND, "token.not_found")
		}
		return nil
	})
}
