package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// CreateUser inserts a user. ECONFLICT when the username is taken.
func (db *DB) CreateUser(ctx context.Context, u *kirjaamo.User) error {
	err := db.write(ctx, func(t *tx) error {
		_, err := t.exec(`INSERT INTO users (id, username, role, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?)`,
			u.ID, u.Username, string(u.Role), u.PasswordHash, micros(u.CreatedAt), boolInt(u.Disabled))
		return err
	})
	if kirjaamo.ErrorCode(err) == kirjaamo.ECONFLICT {
		return &kirjaamo.Error{Code: kirjaamo.ECONFLICT, Field: "username", Message: "username is taken"}
	}
	return err
}

func scanUser(row scanner) (*kirjaamo.User, error) {
	var u kirjaamo.User
	var role string
	var created int64
	var disabled int
	if err := row.Scan(&u.ID, &u.Username, &role, &u.PasswordHash, &created, &disabled); err != nil {
		return nil, err
	}
	u.Role, u.CreatedAt, u.Disabled = policy.Role(role), fromMicros(created), disabled != 0
	return &u, nil
}

// UserByUsername loads a user by name. ENOTFOUND when there is none.
func (db *DB) UserByUsername(ctx context.Context, username string) (*kirjaamo.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, db.q(`SELECT id, username, role, password_hash, created_at, disabled FROM users WHERE username = ?`), username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "user not found")
	}
	return u, err
}

// CreateToken stores a token's hash.
func (db *DB) CreateToken(ctx context.Context, tok *kirjaamo.Token) error {
	return db.write(ctx, func(t *tx) error {
		_, err := t.exec(`INSERT INTO tokens (id, user_id, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tok.ID, tok.UserID, tok.Hash, micros(tok.CreatedAt), nullMicros(tok.ExpiresAt))
		return err
	})
}

// DeleteToken revokes a token by its hash.
func (db *DB) DeleteToken(ctx context.Context, hash []byte) error {
	return db.write(ctx, func(t *tx) error {
		_, err := t.exec(`DELETE FROM tokens WHERE hash = ?`, hash)
		return err
	})
}

// UserByToken finds the active user owning a token.
func (db *DB) UserByToken(ctx context.Context, hash []byte, now time.Time) (*kirjaamo.User, error) {
	st, err := db.readStmt(ctx, `SELECT u.id, u.username, u.role, u.password_hash, u.created_at, u.disabled
		FROM tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled = 0`)
	if err != nil {
		return nil, err
	}
	u, err := scanUser(st.QueryRowContext(ctx, hash, micros(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.EUNAUTHORIZED, "invalid or expired token")
	}
	return u, err
}

// readStmt returns a statement prepared once on the read pool: the token
// lookup runs on every API request.
func (db *DB) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if s, ok := db.rstmts[query]; ok {
		return s, nil
	}
	s, err := db.r.PrepareContext(ctx, db.q(query))
	if err != nil {
		return nil, err
	}
	db.rstmts[query] = s
	return s, nil
}
