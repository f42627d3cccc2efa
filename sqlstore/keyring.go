package sqlstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kirjaamo/kirjaamo/keys"
)

// The keyring (table data_keys) holds the data-encryption keys that seal
// personal data, each wrapped by the master key. It is created on first use
// with two keys: keys.LegacyKeyID, whose plaintext is the local master key
// that sealed every value written before the keyring existed, and a fresh
// random key that seals from then on. Several servers may create it at once:
// the inserts do nothing on conflict and every server then reads what won.

// DataKeys returns the loaded keyring, loading (and on first use creating)
// it. The HTTP server wraps recording data keys with it.
func (db *DB) DataKeys(ctx context.Context) (*keys.DataKeys, error) {
	db.dkMu.Lock()
	defer db.dkMu.Unlock()
	if db.dk != nil {
		return db.dk, nil
	}
	dk, err := db.loadDataKeys(ctx, db.keys.Masters())
	if err != nil {
		return nil, err
	}
	db.dk = dk
	return dk, nil
}

// reloadDataKeys reads the keyring again: another server added a key.
func (db *DB) reloadDataKeys(ctx context.Context) (*keys.DataKeys, error) {
	dk, err := db.loadDataKeys(ctx, db.keys.Masters())
	if err != nil {
		return nil, err
	}
	db.dkMu.Lock()
	db.dk = dk
	db.dkMu.Unlock()
	return dk, nil
}

func (db *DB) loadDataKeys(ctx context.Context, masters []keys.Master) (*keys.DataKeys, error) {
	entries, err := db.KeyringEntries(ctx)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		if err := db.createKeyring(ctx); err != nil {
			return nil, err
		}
		if entries, err = db.KeyringEntries(ctx); err != nil {
			return nil, err
		}
	}
	return keys.OpenDataKeys(ctx, masters, entries)
}

func (db *DB) createKeyring(ctx context.Context) error {
	m := db.keys.Master()
	legacy := db.keys.LegacyKey()
	if legacy == nil {
		legacy = newKey()
	}
	first, err := keys.WrapDataKey(ctx, m, keys.LegacyKeyID, legacy)
	if err != nil {
		return err
	}
	second, err := keys.WrapDataKey(ctx, m, keys.LegacyKeyID+1, newKey())
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		for _, w := range []keys.WrappedKey{first, second} {
			if err := t.insertKey(w); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *tx) insertKey(w keys.WrappedKey) error {
	_, err := t.exec(`INSERT INTO data_keys (id, wrapped, master_id, origin, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, int64(w.ID), w.Wrapped, w.MasterID, w.Origin, time.Now().UnixMicro())
	return err
}

// KeyringEntries lists the keyring as stored, by id.
func (db *DB) KeyringEntries(ctx context.Context) ([]keys.WrappedKey, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, wrapped, master_id, origin FROM data_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	defer rows.Close()
	var out []keys.WrappedKey
	for rows.Next() {
		var w keys.WrappedKey
		var id int64
		if err := rows.Scan(&id, &w.Wrapped, &w.MasterID, &w.Origin); err != nil {
			return nil, err
		}
		w.ID = uint32(id)
		out = append(out, w)
	}
	return out, rows.Err()
}

// RotateOptions tune RotateMaster.
type RotateOptions struct {
	// AfterRewrap, when set, is called after each re-wrapped entry has been
	// committed, with the number done so far; an error stops the rotation
	// there. Tests simulate a crash half-way with it.
	AfterRewrap func(done int) error
}

// RotateResult says what a rotation did.
type RotateResult struct {
	Rewrapped int    // entries moved to the new master by this run
	Entries   int    // entries in the keyring
	NewKeyID  uint32 // the data key added for the new master (0: a previous run added it)
}

// RotateMaster moves every keyring entry to master to, one entry per
// committed statement, and adds one new data key under it, which seals
// from then on (this server at once, other servers after they restart).
// Entries are opened with the ring's masters or to, whichever wrapped them,
// so an interrupted rotation leaves every entry readable by a server that
// has both masters, and running it again finishes it. It re-encrypts no
// sealed row and never changes the blind-index key.
func (db *DB) RotateMaster(ctx context.Context, to keys.Master, o RotateOptions) (RotateResult, error) {
	var res RotateResult
	masters := append(slices.Clone(db.keys.Masters()), to)
	entries, err := db.KeyringEntries(ctx)
	if err != nil {
		return res, err
	}
	if len(entries) == 0 {
		if _, err := db.DataKeys(ctx); err != nil {
			return res, err
		}
		if entries, err = db.KeyringEntries(ctx); err != nil {
			return res, err
		}
	}
	res.Entries = len(entries)
	hasNew := false
	var maxID uint32
	for _, w := range entries {
		maxID = max(maxID, w.ID)
		if w.Origin == to.ID() {
			hasNew = true
		}
		if w.MasterID == to.ID() {
			continue
		}
		nw, err := keys.RewrapDataKey(ctx, masters, to, w)
		if err != nil {
			return res, err
		}
		// Compare-and-swap on the wrapping master: a concurrent run that
		// moved this entry first is not overwritten with an equal result.
		err = db.write(ctx, func(t *tx) error {
			_, err := t.exec(`UPDATE data_keys SET wrapped = ?, master_id = ? WHERE id = ? AND master_id = ?`,
				nw.Wrapped, nw.MasterID, int64(w.ID), w.MasterID)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("keyring: re-wrap data key %d: %w", w.ID, err)
		}
		res.Rewrapped++
		if o.AfterRewrap != nil {
			if err := o.AfterRewrap(res.Rewrapped); err != nil {
				return res, err
			}
		}
	}
	if !hasNew {
		nw, err := keys.WrapDataKey(ctx, to, maxID+1, newKey())
		if err != nil {
			return res, err
		}
		if err := db.write(ctx, func(t *tx) error { return t.insertKey(nw) }); err != nil {
			return res, fmt.Errorf("keyring: add data key: %w", err)
		}
		res.NewKeyID = nw.ID
		res.Entries++
	}
	dk, err := db.loadDataKeys(ctx, masters)
	if err != nil {
		return res, err
	}
	db.dkMu.Lock()
	db.dk = dk
	db.dkMu.Unlock()
	return res, nil
}

// seal seals under the keyring's active data key.
func (db *DB) seal(ctx context.Context, aad, plaintext []byte) ([]byte, error) {
	dk, err := db.DataKeys(ctx)
	if err != nil {
		return nil, err
	}
	return dk.Seal(aad, plaintext), nil
}

// open opens a sealed value, reading the keyring again once if the value
// names a data key added since it was loaded.
func (db *DB) open(aad, sealed []byte) ([]byte, error) {
	ctx := context.Background()
	dk, err := db.DataKeys(ctx)
	if err != nil {
		return nil, err
	}
	b, err := dk.Open(aad, sealed)
	if errors.Is(err, keys.ErrUnknownKey) {
		if dk, err = db.reloadDataKeys(ctx); err != nil {
			return nil, err
		}
		b, err = dk.Open(aad, sealed)
	}
	return b, err
}

func newKey() []byte {
	k := make([]byte, 32)
	rand.Read(k) // never fails (crypto/rand)
	return k
}
