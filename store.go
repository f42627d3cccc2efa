package kirjaamo

import (
	"context"
	"iter"
	"time"
)

// Authorize is called by a store inside the transaction of a read, with the
// record just loaded. It returns the audit event to write in that same
// transaction and, when access is not allowed, an error: the store then
// commits the event (a denied access is audited too) and returns the error.
type Authorize[T any] func(T) (*AuditEvent, error)

// Store is the persistence of Kirjaamo. There are two implementations,
// embedded SQLite (sqlite.Open) and PostgreSQL (postgres.Open), checked by
// one conformance suite (storetest). Every method that touches personal data
// takes the audit event it must write, or an Authorize that produces it, and
// writes it in the same transaction: there is no way to read or change
// personal data through a Store without leaving an audit event.
//
// Identity codes and all other personal fields are encrypted at rest; lookups
// use keyed blind indexes computed by the store.
type Store interface {
	// CreateSubject inserts s (already validated) and its lookup keys.
	// ECONFLICT when a unique identifier (identity code, business ID,
	// customer number) belongs to another subject.
	CreateSubject(ctx context.Context, s *Subject, ev *AuditEvent) error
	// Subject loads one subject. ENOTFOUND when there is none.
	Subject(ctx context.Context, id string, auth Authorize[*Subject]) (*Subject, error)
	// UpdateSubject loads the subject, calls update to change it in place
	// and produce the audit event, and stores the result with its new keys.
	// ENOTFOUND, ECONFLICT as for CreateSubject, or update's error.
	UpdateSubject(ctx context.Context, id string, update func(*Subject) (*AuditEvent, error)) (*Subject, error)
	// FindSubjects returns the subjects holding every one of keys (an
	// intersection), at most limit, through the blind indexes only.
	FindSubjects(ctx context.Context, keys []SubjectKey, limit int, auth Authorize[[]*Subject]) ([]*Subject, error)

	// CreateContact inserts c and its subject links. ENOTFOUND when a linked
	// subject does not exist.
	CreateContact(ctx context.Context, c *Contact, ev *AuditEvent) error
	// Contact loads one contact. ENOTFOUND when there is none.
	Contact(ctx context.Context, id string, auth Authorize[*Contact]) (*Contact, error)
	// SubjectContacts lists a subject's contacts in the given registers,
	// newest first. ENOTFOUND when the subject does not exist.
	SubjectContacts(ctx context.Context, subjectID string, registers []string, auth Authorize[[]*Contact]) ([]*Contact, error)

	// UpdateContact loads a contact, calls update to change its events and
	// retention in place and produce the audit event, and stores both.
	UpdateContact(ctx context.Context, id string, update func(*Contact) (*AuditEvent, error)) (*Contact, error)

	// FindMentions returns the contacts whose free text mentions any of
	// the keys (the mentions index: blind indexes only).
	FindMentions(ctx context.Context, keys []SubjectKey, auth Authorize[[]*Contact]) ([]*Contact, error)
	// CreateConsent stores a consent. ENOTFOUND when its record is missing.
	CreateConsent(ctx context.Context, c *Consent, ev *AuditEvent) error
	// WithdrawConsent marks a consent withdrawn at at; update may change the
	// retention of the consent's contact (nil when it is about a subject).
	// ENOTFOUND; ECONFLICT when already withdrawn.
	WithdrawConsent(ctx context.Context, id string, at time.Time, update func(*Consent, *Contact) (*AuditEvent, error)) (*Consent, error)
	// Consents lists the consents about a subject and its contacts.
	Consents(ctx context.Context, subjectID string, ev *AuditEvent) ([]*Consent, error)
	// Statistics counts anonymous statistics rows by register, topic,
	// country and status for days in [from, to).
	Statistics(ctx context.Context, from, to time.Time) ([]StatisticsCount, error)
	// Erase destroys the given parts as the sweeper would, writes the
	// erased identifiers' blind indexes to the erasure ledger, and the
	// audit event, in one transaction.
	Erase(ctx context.Context, parts []PartRef, ledger []SubjectKey, requestID string, at time.Time, ev *AuditEvent) error
	// ReplayErasures erases every subject (and its contacts that no hold
	// keeps) whose identifiers are in the erasure ledger; it returns how
	// many subjects it erased.
	ReplayErasures(ctx context.Context, now time.Time, ev *AuditEvent) (int, error)
	// SubjectRestricted reports whether a subject's processing is
	// restricted (no personal data). ENOTFOUND.
	SubjectRestricted(ctx context.Context, id string) (bool, error)
	// CreateOptOut records an opt-out change with its audit event.
	CreateOptOut(ctx context.Context, o *OptOut, ev *AuditEvent) error
	// OptOuts lists a subject's opt-out history, newest first.
	OptOuts(ctx context.Context, subjectID string) ([]*OptOut, error)
	// MarketingAudience lists subjects with an e-mail, no active
	// direct-marketing opt-out and no restriction, at most limit, with the
	// export's audit event.
	MarketingAudience(ctx context.Context, limit int, event func([]AudienceMember) *AuditEvent) ([]AudienceMember, error)
	// ContactInfo returns a contact's kind, register, notice and whether it
	// has a recording: no personal data, not audited. ENOTFOUND.
	ContactInfo(ctx context.Context, id string) (*ContactInfo, error)
	// AttachRecording stores a recording's row (with its wrapped data key)
	// for a contact whose blob is already written. update checks the contact
	// (notice rules, permissions), sets its Recording and Retention, and
	// returns the audit event. ECONFLICT when the contact has a recording.
	AttachRecording(ctx context.Context, rec *Recording, update func(*Contact) (*AuditEvent, error)) error
	// Recording loads a contact and its recording row for playback,
	// authorised and audited. ENOTFOUND when there is no recording.
	Recording(ctx context.Context, contactID string, auth Authorize[*Contact]) (*Recording, error)
	// Attachments loads a contact and lists its attachments (Contact.
	// Attachments are written by CreateContact), authorised and audited.
	// ENOTFOUND when the contact does not exist.
	Attachments(ctx context.Context, contactID string, auth Authorize[*Contact]) ([]*Attachment, error)
	// Attachment loads one stored attachment of a contact with its blob key
	// and wrapped data key, authorised and audited. ENOTFOUND when the
	// contact has no such attachment or it was not stored.
	Attachment(ctx context.Context, contactID, id string, auth Authorize[*Contact]) (*Attachment, error)

	// PlaceHold stores a legal hold; every part it covers is kept until the
	// hold is released. ENOTFOUND when the subject or record does not exist.
	PlaceHold(ctx context.Context, h *Hold, ev *AuditEvent) error
	// ReleaseHold releases a hold. ENOTFOUND, or ECONFLICT when released.
	ReleaseHold(ctx context.Context, id, by string, at time.Time, ev *AuditEvent) (*Hold, error)
	// Holds lists active holds, or all with all.
	Holds(ctx context.Context, all bool) ([]*Hold, error)
	// SubjectHolds lists the holds placed on one subject, released ones
	// included, through an index on the subject (discovery).
	SubjectHolds(ctx context.Context, subjectID string) ([]*Hold, error)
	// Sweep deletes every part due at now that no hold keeps, in batches,
	// writing the deletion log and one audit event (from event) per batch.
	Sweep(ctx context.Context, now time.Time, batch int, dryRun bool, event func([]DeletionLogEntry) *AuditEvent) (SweepResult, error)
	// Forecast counts what falls due before until, and what holds and
	// extensions keep, per register and part.
	Forecast(ctx context.Context, until time.Time) ([]ForecastRow, error)
	// DeletionLog lists the newest deletion-log entries.
	DeletionLog(ctx context.Context, limit int) ([]DeletionLogEntry, error)

	// AppendAudit writes an event on its own, for accesses refused before
	// any data was touched (an under-specified search, a missing purpose).
	AppendAudit(ctx context.Context, ev *AuditEvent) error
	// AuditEvents lists events matching f, oldest first, and records the
	// reading itself with ev in the same transaction.
	AuditEvents(ctx context.Context, f AuditFilter, ev *AuditEvent) ([]*AuditEvent, error)
	// AuditChain returns the stored head and an iterator over every event in
	// sequence order, for verification.
	AuditChain(ctx context.Context) (AuditHead, iter.Seq2[*AuditEvent, error], error)

	CreateUser(ctx context.Context, u *User) error                                   // ECONFLICT on a taken username
	UserByUsername(ctx context.Context, username string) (*User, error)              // ENOTFOUND
	CreateToken(ctx context.Context, t *Token) error                                 //
	UserByToken(ctx context.Context, tokenHash []byte, now time.Time) (*User, error) // EUNAUTHORIZED when unknown or expired
	// DeleteToken revokes a token (a web session's logout); deleting an
	// unknown token is not an error.
	DeleteToken(ctx context.Context, tokenHash []byte) error

	DocumentStore
	RequestStore
	DisclosureStore
	IncidentStore

	Ping(ctx context.Context) error
	Close() error
}

// AuditFilter selects audit events. Zero fields do not filter.
type AuditFilter struct {
	Actor     string
	Action    string
	Register  string
	SubjectID string
	RecordID  string
	Since     time.Time
	Until     time.Time
	AfterSeq  int64
	Limit     int
}
