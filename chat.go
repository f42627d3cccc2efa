package kirjaamo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// ChatMessage is one message of a chat transcript.
type ChatMessage struct {
	Sender string    `json:"sender"` // customer, agent or bot
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
}

// Visitor is a chat visitor's technical data (seed 004): kept as its own
// part with its own retention.
type Visitor struct {
	SessionID  string `json:"session_id,omitempty"`
	Browser    string `json:"browser,omitempty"`
	DeviceType string `json:"device_type,omitempty"` // mobile, computer, tablet
	Referrer   string `json:"referrer,omitempty"`
	Location   string `json:"location,omitempty"` // approximate: a city
}

func validateChat(c *Contact) error {
	if len(c.Messages) > 0 && c.Kind != policy.KindChat {
		return FieldError("messages", "only chats have messages")
	}
	if len(c.Messages) > 5000 {
		return FieldError("messages", "at most 5000 messages")
	}
	total := 0
	for _, m := range c.Messages {
		switch m.Sender {
		case "customer", "agent", "bot":
		default:
			return FieldError("messages", "a message's sender is customer, agent or bot")
		}
		total += len(m.Text)
	}
	if total > MaxContentBytes {
		return FieldError("messages", "the transcript is longer than %d bytes", MaxContentBytes)
	}
	if v := c.Visitor; v != nil {
		if c.Kind != policy.KindChat {
			return FieldError("visitor", "only chats have visitor data")
		}
		for _, f := range []string{v.SessionID, v.Browser, v.DeviceType, v.Referrer, v.Location} {
			if len(f) > 500 {
				return FieldError("visitor", "visitor fields are at most 500 bytes")
			}
		}
	}
	return nil
}

// Consent purposes (seeds 000 §4, 003, 004).
var ConsentPurposes = []string{"chat", "recording", "photo", "marketing"}

// Consent is a person's consent for one purpose, as given and, perhaps,
// withdrawn. A consent is never edited, only withdrawn.
type Consent struct {
	ID          string     `json:"id"`
	SubjectID   string     `json:"subject_id,omitempty"`
	ContactID   string     `json:"contact_id,omitempty"`
	Purpose     string     `json:"purpose"`
	Channel     string     `json:"channel,omitempty"`
	TextVersion string     `json:"text_version"` // the consent text the person agreed to
	GivenAt     time.Time  `json:"given_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	RecordedBy  string     `json:"recorded_by"`
}

// Validate checks a new consent.
func (c *Consent) Validate() error {
	switch {
	case !slices.Contains(ConsentPurposes, c.Purpose):
		return FieldError("purpose", "purpose must be one of %s", strings.Join(ConsentPurposes, ", "))
	case c.TextVersion == "" || len(c.TextVersion) > 100:
		return FieldError("text_version", "name the version of the consent text the person agreed to")
	case c.GivenAt.IsZero():
		return FieldError("given_at", "when the consent was given is required")
	case c.SubjectID != "" && !ValidID(c.SubjectID), c.ContactID != "" && !ValidID(c.ContactID):
		return Errorf(ENOTFOUND, "the record the consent is about does not exist")
	case len(c.Channel) > 50:
		return FieldError("channel", "channel is at most 50 bytes")
	}
	return nil
}

// consentOnly reports whether a register's only legal basis is consent
// (GDPR art. 6(1)(a)): its contacts need a consent, and withdrawing it ends
// the retention of what was collected under it.
func consentOnly(reg *policy.Register) bool {
	return len(reg.LegalBasis.GDPR) == 1 && reg.LegalBasis.GDPR[0] == "6(1)(a)"
}

// WithdrawConsent records a withdrawal. Where the consent was the only
// basis of a contact's register, every part of that contact becomes due at
// once (unless a legal hold keeps it): processing on a withdrawn consent
// stops, and the next sweep deletes it.
func (s *Service) WithdrawConsent(ctx context.Context, id string) (*Consent, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role != policy.RoleAgent && a.User.Role != policy.RoleSupervisor && a.User.Role != policy.RoleDPO {
		return nil, Errorf(EFORBIDDEN, "role %s may not record consents", a.User.Role)
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "consent not found")
	}
	now := s.now()
	return s.Store.WithdrawConsent(ctx, id, now, func(con *Consent, c *Contact) (*AuditEvent, error) {
		subjects := []string(nil)
		if con.SubjectID != "" {
			subjects = []string{con.SubjectID}
		}
		if c != nil {
			reg := s.Policy.Register(c.Register)
			if reg != nil && consentOnly(reg) {
				for i := range c.Retention {
					p := &c.Retention[i]
					p.ExpiresAt, p.ExtendedUntil, p.ExtensionReason = &now, nil, ""
				}
			}
			subjects = append(subjects, c.SubjectIDs...)
		}
		return s.event(a, ActionUpdate, OutcomeOK, "consents", []string{con.ID, con.ContactID}, subjects, "consent withdrawn: "+con.Purpose), nil
	})
}

// RecordConsent stores a consent given for a subject or a contact.
func (s *Service) RecordConsent(ctx context.Context, c *Consent) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	if a.User.Role != policy.RoleAgent && a.User.Role != policy.RoleSupervisor && a.User.Role != policy.RoleDPO {
		return s.refuse(ctx, s.event(a, ActionCreate, OutcomeDenied, "consents", nil, nil, "consent"), Errorf(EFORBIDDEN, "role %s may not record consents", a.User.Role))
	}
	if (c.SubjectID == "") == (c.ContactID == "") {
		return FieldError("subject_id", "a consent is about exactly one of subject_id and contact_id")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now()
	c.ID, c.RecordedBy, c.WithdrawnAt, c.GivenAt = NewID(now), a.User.ID, nil, c.GivenAt.UTC()
	subjects := []string(nil)
	if c.SubjectID != "" {
		subjects = []string{c.SubjectID}
	}
	return s.Store.CreateConsent(ctx, c, s.event(a, ActionCreate, OutcomeOK, "consents", []string{c.ID, c.SubjectID + c.ContactID}, subjects, "consent: "+c.Purpose))
}

// Consents lists the consents about a subject and its contacts.
func (s *Service) Consents(ctx context.Context, subjectID string) ([]*Consent, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	reg := s.subjectRegister()
	if ev, err := s.check(a, reg, policy.ActionRead, ActionRead, nil, []string{subjectID}); err != nil {
		return nil, s.refuse(ctx, ev, err)
	}
	return s.Store.Consents(ctx, subjectID, s.event(a, ActionRead, OutcomeOK, "consents", nil, []string{subjectID}, "consents"))
}
