package kirjaamo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Disclosure records personal data given to a third party (seed 000 §3):
// an authority such as Kela or the police, a debt-collection agency. Before
// disclosing by phone, the caller's right to the data is verified, e.g. by
// calling back the authority's official number.
type Disclosure struct {
	ID           string    `json:"id"`
	SubjectID    string    `json:"subject_id"`
	Recipient    string    `json:"recipient"`
	LegalBasis   string    `json:"legal_basis"`
	Categories   []string  `json:"categories"`
	Verification string    `json:"verification"` // how the recipient's right was verified
	At           time.Time `json:"at"`
	By           string    `json:"by"`
}

// Recipient verification methods (seed 000 §3).
var RecipientVerifications = []string{"callback_official_number", "written_request", "secure_channel", "in_person_credentials"}

// Notification is a message in the outbox: a recipient to be told of a
// rectification (GDPR art. 19; seed 001: "notified to the source and the
// recipients"), or an incident notice. It names the change by field, never
// by value.
type Notification struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"` // rectification, or breach (an art. 34 letter)
	SubjectID string `json:"subject_id"`
	// IncidentID and Lang belong to a breach letter.
	IncidentID string     `json:"incident_id,omitempty"`
	Lang       string     `json:"lang,omitempty"`
	Recipient  string     `json:"recipient"`
	Text       string     `json:"text"`
	CreatedAt  time.Time  `json:"created_at"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
}

// Incident is a personal-data breach (seed 000 §5; GDPR arts. 33–34): the
// supervisory authority must be notified within 72 hours of discovery.
type Incident struct {
	ID                string     `json:"id"`
	DiscoveredAt      time.Time  `json:"discovered_at"`
	NotifyBy          time.Time  `json:"notify_by"`
	Description       string     `json:"description"`
	Categories        []string   `json:"categories,omitempty"`
	AffectedSubjects  int        `json:"affected_subjects"`
	Risk              string     `json:"risk"` // none, risk, high (high: the subjects are told too, art. 34)
	AuthorityNotified *time.Time `json:"authority_notified_at,omitempty"`
	SubjectsNotified  *time.Time `json:"subjects_notified_at,omitempty"`
	// Exemption records that the affected people are not written to, and
	// why (art. 34(3)).
	Exemption  *BreachExemption `json:"exemption,omitempty"`
	ReportedBy string           `json:"reported_by"`
	Closed     bool             `json:"closed"`
}

// Overdue reports whether the authority has not been notified in 72 hours
// where the risk requires it.
func (i *Incident) Overdue(now time.Time) bool {
	return i.Risk != "none" && i.AuthorityNotified == nil && now.After(i.NotifyBy)
}

// DisclosureStore keeps disclosures, notifications and incidents.
type DisclosureStore interface {
	CreateDisclosure(ctx context.Context, d *Disclosure, ev *AuditEvent) error
	Disclosures(ctx context.Context, subjectID string) ([]*Disclosure, error)
	CreateNotifications(ctx context.Context, ns []*Notification) error
	Notifications(ctx context.Context, pending bool) ([]*Notification, error)
	SaveIncident(ctx context.Context, i *Incident, ev *AuditEvent) error
	Incident(ctx context.Context, id string) (*Incident, error)
	Incidents(ctx context.Context) ([]*Incident, error)
}

// RecordDisclosure logs a disclosure of a subject's data to a third party.
func (s *Service) RecordDisclosure(ctx context.Context, d *Disclosure) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	if a.User.Role != policy.RoleDPO && a.User.Role != policy.RoleSupervisor {
		return s.refuse(ctx, s.event(a, ActionExport, OutcomeDenied, "disclosures", nil, []string{d.SubjectID}, "disclosure"),
			Errorf(EFORBIDDEN, "disclosures are recorded by a supervisor or the data protection officer"))
	}
	switch {
	case !ValidID(d.SubjectID):
		return &Error{Code: ENOTFOUND, Field: "subject_id", Message: "subject not found"}
	case strings.TrimSpace(d.Recipient) == "" || len(d.Recipient) > 200:
		return FieldError("recipient", "name the recipient (at most 200 bytes)")
	case strings.TrimSpace(d.LegalBasis) == "" || len(d.LegalBasis) > 300:
		return FieldError("legal_basis", "state the legal basis of the disclosure (at most 300 bytes)")
	case len(d.Categories) == 0:
		return FieldError("categories", "list the categories of data disclosed")
	case !slices.Contains(RecipientVerifications, d.Verification):
		return FieldError("verification", "verification must be one of %s (seed 000 §3: call back the official number when in doubt)", strings.Join(RecipientVerifications, ", "))
	}
	now := s.now()
	d.ID, d.By = NewID(now), a.User.ID
	if d.At.IsZero() {
		d.At = now
	}
	d.At = d.At.UTC()
	return s.Store.CreateDisclosure(ctx, d, s.event(a, ActionExport, OutcomeOK, "disclosures", []string{d.ID}, []string{d.SubjectID}, "disclosed to a third party: "+strings.Join(d.Categories, ",")))
}

// Disclosures lists a subject's disclosures (the DPO, supervisors, auditors).
func (s *Service) Disclosures(ctx context.Context, subjectID string) ([]*Disclosure, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role == policy.RoleAgent || a.User.Role == policy.RoleAdmin {
		return nil, Errorf(EFORBIDDEN, "role %s may not read the disclosure log", a.User.Role)
	}
	return s.Store.Disclosures(ctx, subjectID)
}

// notifyRectification queues an art. 19 notification to every recipient the
// subject's data was disclosed to, naming the changed fields.
func (s *Service) notifyRectification(ctx context.Context, subjectID string, fields []string) error {
	ds, err := s.Store.Disclosures(ctx, subjectID)
	if err != nil || len(ds) == 0 {
		return err
	}
	now := s.now()
	seen := map[string]bool{}
	var ns []*Notification
	for _, d := range ds {
		if seen[d.Recipient] {
			continue
		}
		seen[d.Recipient] = true
		ns = append(ns, &Notification{ID: NewID(now), Kind: "rectification", SubjectID: subjectID, Recipient: d.Recipient, CreatedAt: now,
			Text: "Data we disclosed to you on " + d.At.Format(time.DateOnly) + " has been rectified (GDPR art. 19): " + strings.Join(fields, ", ") + "."})
	}
	return s.Store.CreateNotifications(ctx, ns)
}

// Notifications lists the outbox for the DPO.
func (s *Service) Notifications(ctx context.Context, pending bool) ([]*Notification, error) {
	if _, err := s.requireDPO(ctx); err != nil {
		return nil, err
	}
	return s.Store.Notifications(ctx, pending)
}

// ReportIncident registers a breach at once (seed 000 §5: report at once);
// anyone on staff may report, the 72-hour clock runs from discovery.
func (s *Service) ReportIncident(ctx context.Context, i *Incident) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(i.Description) == "" || len(i.Description) > 5000:
		return FieldError("description", "describe what happened (no personal data; at most 5000 bytes)")
	case i.Risk == "":
		i.Risk = "risk"
	case !slices.Contains([]string{"none", "risk", "high"}, i.Risk):
		return FieldError("risk", "risk must be none, risk or high")
	case i.AffectedSubjects < 0:
		return FieldError("affected_subjects", "affected_subjects cannot be negative")
	}
	if len(scanner.Scan([]byte(i.Description))) > 0 {
		return FieldError("description", "describe the incident without personal data; link the affected records instead")
	}
	now := s.now()
	if i.DiscoveredAt.IsZero() {
		i.DiscoveredAt = now
	}
	i.DiscoveredAt = i.DiscoveredAt.UTC()
	i.ID, i.ReportedBy, i.NotifyBy = NewID(now), a.User.ID, i.DiscoveredAt.Add(72*time.Hour)
	i.AuthorityNotified, i.SubjectsNotified, i.Exemption, i.Closed = nil, nil, nil, false
	return s.Store.SaveIncident(ctx, i, s.event(a, ActionCreate, OutcomeOK, "incidents", []string{i.ID}, nil, "incident reported"))
}

// IncidentChange records notifications and closing (DPO).
type IncidentChange struct {
	AuthorityNotifiedAt *time.Time `json:"authority_notified_at,omitempty"`
	SubjectsNotifiedAt  *time.Time `json:"subjects_notified_at,omitempty"`
	Risk                string     `json:"risk,omitempty"`
	Close               bool       `json:"close,omitempty"`
}

// ChangeIncident updates an incident.
func (s *Service) ChangeIncident(ctx context.Context, id string, ch *IncidentChange) (*Incident, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "incident not found")
	}
	i, err := s.Store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	if ch.Risk != "" {
		if !slices.Contains([]string{"none", "risk", "high"}, ch.Risk) {
			return nil, FieldError("risk", "risk must be none, risk or high")
		}
		i.Risk = ch.Risk
	}
	if ch.AuthorityNotifiedAt != nil {
		t := ch.AuthorityNotifiedAt.UTC()
		i.AuthorityNotified = &t
	}
	if ch.SubjectsNotifiedAt != nil {
		t := ch.SubjectsNotifiedAt.UTC()
		i.SubjectsNotified = &t
	}
	if ch.Close {
		if i.Risk != "none" && i.AuthorityNotified == nil {
			return nil, Errorf(ECONFLICT, "an incident with a risk is closed only after the supervisory authority was notified (GDPR art. 33)")
		}
		if i.Risk == "high" && i.SubjectsNotified == nil && i.Exemption == nil {
			return nil, Errorf(ECONFLICT, "a high-risk incident is closed only after the affected people were told, or an exemption under art. 34(3) was recorded (GDPR art. 34)")
		}
		i.Closed = true
	}
	return i, s.Store.SaveIncident(ctx, i, s.event(a, ActionUpdate, OutcomeOK, "incidents", []string{i.ID}, nil, "incident updated"))
}

// Incident returns one incident of the register, for the data protection
// officer and auditors (as Incidents).
func (s *Service) Incident(ctx context.Context, id string) (*Incident, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role != policy.RoleDPO && a.User.Role != policy.RoleAuditor {
		return nil, Errorf(EFORBIDDEN, "the incident register is for the data protection officer and auditors")
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "incident not found")
	}
	return s.Store.Incident(ctx, id)
}

// Incidents lists incidents, open ones by their 72-hour deadline.
func (s *Service) Incidents(ctx context.Context) ([]*Incident, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role != policy.RoleDPO && a.User.Role != policy.RoleAuditor {
		return nil, Errorf(EFORBIDDEN, "the incident register is for the data protection officer and auditors")
	}
	return s.Store.Incidents(ctx)
}
