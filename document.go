package kirjaamo

import (
	"context"
	"time"
)

// Kinds of published document.
const (
	DocNotice       = "notice"       // the privacy notice, per language and format
	DocAnnouncement = "announcement" // a recording announcement text (seed 003), referenced by its version from call notices
)

// Document is a published text kept for good: the privacy notice a person
// saw, or the announcement a caller heard, can be shown as it was at any
// time after. Documents are never changed, only superseded.
type Document struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Lang        string    `json:"lang"`
	Format      string    `json:"format"` // html, md or text
	Version     string    `json:"version"`
	Digest      string    `json:"digest"`
	PublishedAt time.Time `json:"published_at"`
	Body        []byte    `json:"-"`
}

// DocumentStore keeps published documents.
type DocumentStore interface {
	// PublishDocument stores d unless the newest document of its kind,
	// language and format has the same digest; it reports whether it did.
	// For announcements, a version may be published once per language:
	// ECONFLICT when the same version has another text.
	PublishDocument(ctx context.Context, d *Document) (bool, error)
	// DocumentAt returns the document of a kind, language and format in
	// force at at (the newest published at or before it). ENOTFOUND.
	DocumentAt(ctx context.Context, kind, lang, format string, at time.Time) (*Document, error)
	// DocumentVersion returns a document by its version. ENOTFOUND.
	DocumentVersion(ctx context.Context, kind, lang, format, version string) (*Document, error)
	// Documents lists the documents of a kind, newest first, without bodies.
	Documents(ctx context.Context, kind string) ([]*Document, error)
}
