package kirjaamo

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Contact is one customer-service contact: a call, a chat, an e-mail, a web
// contact request, a counselling workspace or a note. Its parts are kept
// apart because each has its own retention (seed 004: call history 2 years,
// the recording 3 months): Metadata (channel data such as numbers, agent,
// times), Content (transcript, body, note text) and, later, the recording.
type Contact struct {
	ID         string             `json:"id"`
	Kind       policy.ContactKind `json:"kind"`
	Register   string             `json:"register"`
	SubjectIDs []string           `json:"subject_ids"`
	Direction  string             `json:"direction,omitempty"` // inbound | outbound
	Title      string             `json:"title,omitempty"`
	StartedAt  *time.Time         `json:"started_at,omitempty"`
	EndedAt    *time.Time         `json:"ended_at,omitempty"`
	Metadata   map[string]string  `json:"metadata,omitempty"`
	Content    *string            `json:"content,omitempty"` // nil when absent or already deleted
	Recording  string             `json:"recording,omitempty"`
	// LastActivityAt is the customer's last activity (a counselling
	// workspace's last login); ClosedAt when staff closed the contact.
	LastActivityAt *time.Time `json:"last_activity_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	CreatedBy      string     `json:"created_by"`
	// Retention is each part's retention state, computed from the policy.
	Retention []PartRetention `json:"retention"`
	// Notice is the call's recording notice (seed 003), nil when none.
	Notice *RecordingNotice `json:"recording_notice,omitempty"`
	// Messages is a chat's transcript; kept with the content part.
	Messages []ChatMessage `json:"messages,omitempty"`
	// Visitor is a chat visitor's technical data, a part of its own.
	Visitor *Visitor `json:"visitor,omitempty"`
	// Consent, given with a new contact, is stored as its consent record.
	Consent *Consent `json:"consent,omitempty"`
	// Statistics, given with a new contact, is stored as an anonymous row of
	// the policy's statistics register (never linked back to the contact).
	Statistics *StatisticsRow `json:"-"`
	// StatisticsParts is that row's retention, computed by the service.
	StatisticsParts []PartRetention `json:"-"`
	// Flags say what the PII scanner found in the free text on the way in.
	Flags ContentFlags `json:"flags"`
	// Mentions are identifiers found in the free text, written to the
	// mentions index as blind indexes; never returned, never stored plain.
	Mentions []SubjectKey `json:"-"`
	// Attachments are stored with the contact in its transaction (e-mail
	// intake); a stored contact's are read with Service.Attachments.
	Attachments []*Attachment `json:"-"`
}

// Limits on a contact's fields. The content limit keeps one JSON request
// bounded; long material (recordings, attachments) goes to the blob store.
const (
	MaxContentBytes  = 1 << 20
	maxMetadataKeys  = 50
	maxMetadataValue = 1000
	maxContactLinks  = 20
)

// Validate checks a new contact. The register is filled in by the service
// from the policy; Validate checks only the contact's own shape.
func (c *Contact) Validate() error {
	if !policy.ValidKind(c.Kind) {
		return FieldError("kind", "kind must be one of call, chat, email, contact_request, counselling_workspace, note")
	}
	if len(c.SubjectIDs) > maxContactLinks {
		return FieldError("subject_ids", "a contact links at most %d subjects", maxContactLinks)
	}
	seen := map[string]bool{}
	for _, id := range c.SubjectIDs {
		if !ValidID(id) {
			return FieldError("subject_ids", "subject id is not valid")
		}
		if seen[id] {
			return FieldError("subject_ids", "subject id listed twice")
		}
		seen[id] = true
	}
	switch c.Direction {
	case "", "inbound", "outbound":
	default:
		return FieldError("direction", "direction must be inbound or outbound")
	}
	c.Title = strings.TrimSpace(c.Title)
	if len(c.Title) > 300 {
		return FieldError("title", "title is longer than 300 bytes")
	}
	if c.StartedAt != nil && c.EndedAt != nil && c.EndedAt.Before(*c.StartedAt) {
		return FieldError("ended_at", "ended_at is before started_at")
	}
	if len(c.Metadata) > maxMetadataKeys {
		return FieldError("metadata", "at most %d metadata keys", maxMetadataKeys)
	}
	for k, v := range c.Metadata {
		if k == "" || len(k) > 64 || len(v) > maxMetadataValue {
			return FieldError("metadata", "metadata keys are 1–64 bytes and values at most %d bytes", maxMetadataValue)
		}
	}
	if c.Content != nil {
		if len(*c.Content) > MaxContentBytes {
			return FieldError("content", "content is longer than %d bytes", MaxContentBytes)
		}
		if !utf8.ValidString(*c.Content) {
			return FieldError("content", "content is not valid UTF-8")
		}
	}
	return nil
}
