package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

var _ kirjaamo.DocumentStore = (*DB)(nil)

const documentColumns = `id, kind, lang, format, version, digest, published_at`

func scanDocument(row scanner, withBody bool) (*kirjaamo.Document, error) {
	var d kirjaamo.Document
	var at int64
	dst := []any{&d.ID, &d.Kind, &d.Lang, &d.Format, &d.Version, &d.Digest, &at}
	if withBody {
		dst = append(dst, &d.Body)
	}
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	d.PublishedAt = fromMicros(at)
	return &d, nil
}

// PublishDocument stores a new version unless nothing changed.
func (db *DB) PublishDocument(ctx context.Context, d *kirjaamo.Document) (bool, error) {
	created := false
	err := db.write(ctx, func(t *tx) error {
		created = false
		// A notice is published when its text changed; an announcement
		// is identified by its version, whatever its text.
		var digest string
		err := sql.ErrNoRows
		if d.Kind == kirjaamo.DocNotice {
			err = t.queryRow(`SELECT digest FROM published_documents WHERE kind = ? AND lang = ? AND format = ? ORDER BY published_at DESC, id DESC LIMIT 1`,
				d.Kind, d.Lang, d.Format).Scan(&digest)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && digest == d.Digest {
			return nil
		}
		var other string
		err = t.queryRow(`SELECT digest FROM published_documents WHERE kind = ? AND lang = ? AND format = ? AND version = ?`, d.Kind, d.Lang, d.Format, d.Version).Scan(&other)
		switch {
		case err == nil && other == d.Digest:
			return nil
		case err == nil:
			return &kirjaamo.Error{Code: kirjaamo.ECONFLICT, Field: "version", Message: "version " + d.Version + " was already published with another text; give the new text a new version"}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := t.exec(`INSERT INTO published_documents (id, kind, lang, format, version, digest, published_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.Kind, d.Lang, d.Format, d.Version, d.Digest, micros(d.PublishedAt), d.Body); err != nil {
			return err
		}
		created = true
		return nil
	})
	return created, err
}

// DocumentAt returns the document in force at a time.
func (db *DB) DocumentAt(ctx context.Context, kind, lang, format string, at time.Time) (*kirjaamo.Document, error) {
	d, err := scanDocument(db.r.QueryRowContext(ctx, db.q(`SELECT `+documentColumns+`, body FROM published_documents
		WHERE kind = ? AND lang = ? AND format = ? AND published_at <= ? ORDER BY published_at DESC, id DESC LIMIT 1`), kind, lang, format, micros(at)), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "nothing of that kind was published by then")
	}
	return d, err
}

// DocumentVersion returns a document by version.
func (db *DB) DocumentVersion(ctx context.Context, kind, lang, format, version string) (*kirjaamo.Document, error) {
	d, err := scanDocument(db.r.QueryRowContext(ctx, db.q(`SELECT `+documentColumns+`, body FROM published_documents
		WHERE kind = ? AND lang = ? AND format = ? AND version = ?`), kind, lang, format, version), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kirjaamo.Errorf(kirjaamo.ENOTFOUND, "no such version")
	}
	return d, err
}

// Documents lists a kind's documents, newest first.
func (db *DB) Documents(ctx context.Context, kind string) ([]*kirjaamo.Document, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT `+documentColumns+` FROM published_documents WHERE kind = ? ORDER BY published_at DESC, id DESC LIMIT 1000`), kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kirjaamo.Document{}
	for rows.Next() {
		d, err := scanDocument(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
