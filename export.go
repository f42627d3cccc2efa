package kirjaamo

import (
	"context"
	"path"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
)

// ExportSchema names the version of data.json in an access export.
const ExportSchema = "https://kirjaamo.fi/schemas/export/v1"

// Export is the machine-readable content of an access or portability
// export (data.json). Other people's data in the records is minimised:
// staff ids are left out, and identifiers in free text that are not the
// subject's own are redacted.
type Export struct {
	Schema        string             `json:"$schema"`
	GeneratedAt   time.Time          `json:"generated_at"`
	Request       ExportRequest      `json:"request"`
	Subject       *Subject           `json:"subject"`
	Contacts      []ExportContact    `json:"contacts"`
	Mentions      []ExportContact    `json:"mentions"`
	Consents      []*Consent         `json:"consents"`
	Holds         []ExportHold       `json:"holds"`
	Disclosures   []ExportDisclosure `json:"disclosures"`
	Consultations []Consultation     `json:"consultations"`
}

// ExportRequest identifies the request an export answers.
type ExportRequest struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	ReceivedAt time.Time `json:"received_at"`
}

// ExportContact is a contact as the subject receives it.
type ExportContact struct {
	ID        string             `json:"id"`
	Kind      policy.ContactKind `json:"kind"`
	Register  string             `json:"register"`
	StartedAt *time.Time         `json:"started_at,omitempty"`
	EndedAt   *time.Time         `json:"ended_at,omitempty"`
	Direction string             `json:"direction,omitempty"`
	Title     string             `json:"title,omitempty"`
	Metadata  map[string]string  `json:"metadata,omitempty"`
	Content   *string            `json:"content,omitempty"`
	Messages  []ChatMessage      `json:"messages,omitempty"`
	Visitor   *Visitor           `json:"visitor,omitempty"`
	Recording string             `json:"recording_file,omitempty"` // the file in the ZIP
	// Attachments, stored or not; a stored one's file is in the ZIP.
	Attachments []ExportAttachment `json:"attachments,omitempty"`
	Retention   []PartRetention    `json:"retention"`
}

// ExportAttachment is an attachment as the subject receives it.
type ExportAttachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256,omitempty"`
	Redacted    bool   `json:"redacted,omitempty"`
	Note        string `json:"note,omitempty"`
	// File is the attachment's file in the ZIP; empty when it was not
	// stored or could not be included.
	File string `json:"file,omitempty"`
}

// exportAttachments turns a contact's attachments into their export form.
// Files are named by ids under the contact; the file name the sender gave
// stays in data.json (minimised like other free text), not in the ZIP path.
func exportAttachments(as []*Attachment, own map[SubjectKey]bool) []ExportAttachment {
	var out []ExportAttachment
	for _, a := range as {
		ea := ExportAttachment{ID: a.ID, Filename: minimiseOthers(a.Filename, own), ContentType: a.ContentType, Size: a.Size,
			SHA256: a.SHA256, Redacted: a.Redacted, Note: a.Note}
		if a.Stored {
			ea.File = "attachments/" + a.ContactID + "/" + a.ID + attachmentExt(a.Filename)
		}
		out = append(out, ea)
	}
	return out
}

// attachmentExt keeps a short, plain file extension so the file opens in
// the right program.
func attachmentExt(name string) string {
	ext := path.Ext(name)
	if len(ext) < 2 || len(ext) > 10 {
		return ""
	}
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return ext
}

// ExportHold tells the subject that and why data is kept.
type ExportHold struct {
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	Released  bool      `json:"released"`
}

// ExportDisclosure is a disclosure as the subject receives it.
type ExportDisclosure struct {
	Recipient  string    `json:"recipient"`
	LegalBasis string    `json:"legal_basis"`
	Categories []string  `json:"categories"`
	At         time.Time `json:"at"`
}

// Consultation is one look at the subject's data: when, why, by which role
// (CJEU C-579/21: dates and purposes of consultations are part of the
// answer to an access request; staff identities are not).
type Consultation struct {
	At       time.Time `json:"at"`
	Action   string    `json:"action"`
	Role     string    `json:"role"`
	Register string    `json:"register,omitempty"`
	Purpose  string    `json:"purpose,omitempty"`
}

// minimiseOthers redacts identifiers in text that are not the subject's.
func minimiseOthers(text string, own map[SubjectKey]bool) string {
	fs := scanner.Scan([]byte(text))
	if len(fs) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, f := range fs {
		if f.Type == pii.TypeSpecialCategory {
			continue
		}
		v := text[f.Start:f.End]
		if k, ok := mentionKey(f.Type, v); ok && own[k] {
			continue
		}
		b.WriteString(text[last:f.Start])
		b.WriteString("[" + string(f.Type) + "]")
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

func exportContact(c *Contact, own map[SubjectKey]bool) ExportContact {
	ec := ExportContact{ID: c.ID, Kind: c.Kind, Register: c.Register, StartedAt: c.StartedAt, EndedAt: c.EndedAt,
		Direction: c.Direction, Title: minimiseOthers(c.Title, own), Visitor: c.Visitor, Retention: c.Retention}
	if len(c.Metadata) > 0 {
		ec.Metadata = map[string]string{}
		for k, v := range c.Metadata {
			if k == "agent" || k == "extension" { // the agent's identity is not the subject's data
				continue
			}
			ec.Metadata[k] = v
		}
	}
	if c.Content != nil {
		t := minimiseOthers(*c.Content, own)
		ec.Content = &t
	}
	for _, m := range c.Messages {
		m.Text = minimiseOthers(m.Text, own)
		ec.Messages = append(ec.Messages, m)
	}
	if c.Recording != "" {
		ec.Recording = "recordings/" + c.ID
	}
	return ec
}

// BuildExport assembles the export of a verified access or portability
// request; every read is audited with the request as its purpose, and the
// export itself is audited as an export.
func (s *Service) BuildExport(ctx context.Context, requestID string) (*Export, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.Discover(ctx, requestID)
	if err != nil {
		return nil, err
	}
	req, err := s.Store.Request(ctx, requestID)
	if err != nil {
		return nil, err
	}
	if req.Type != "access" && req.Type != "portability" {
		return nil, Errorf(ECONFLICT, "only access and portability requests are answered with an export")
	}
	own := map[SubjectKey]bool{}
	for _, k := range d.Subject.Keys() {
		own[k] = true
	}
	x := &Export{Schema: ExportSchema, GeneratedAt: s.now(), Request: ExportRequest{req.ID, req.Type, req.ReceivedAt},
		Subject: d.Subject, Contacts: []ExportContact{}, Mentions: []ExportContact{}, Consents: d.Consents,
		Holds: []ExportHold{}, Disclosures: []ExportDisclosure{}, Consultations: []Consultation{}}
	byContact := map[string][]*Attachment{}
	for _, a := range d.Attachments {
		byContact[a.ContactID] = append(byContact[a.ContactID], a)
	}
	for _, c := range d.Contacts {
		ec := exportContact(c, own)
		ec.Attachments = exportAttachments(byContact[c.ID], own)
		x.Contacts = append(x.Contacts, ec)
	}
	for _, c := range d.Mentions {
		ec := exportContact(c, own)
		ec.Attachments = exportAttachments(byContact[c.ID], own)
		x.Mentions = append(x.Mentions, ec)
	}
	for _, h := range d.Holds {
		x.Holds = append(x.Holds, ExportHold{Reason: h.Reason, CreatedAt: h.CreatedAt, Released: h.ReleasedAt != nil})
	}
	ds, err := s.Store.Disclosures(ctx, d.Subject.ID)
	if err != nil {
		return nil, err
	}
	for _, dd := range ds {
		x.Disclosures = append(x.Disclosures, ExportDisclosure{dd.Recipient, dd.LegalBasis, dd.Categories, dd.At})
	}
	acc := *a
	acc.Purpose = "data-subject request " + req.ID
	evs, err := s.AuditEvents(WithAccess(ctx, &acc), AuditFilter{SubjectID: d.Subject.ID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.Outcome != OutcomeOK || e.Role == "system" {
			continue
		}
		x.Consultations = append(x.Consultations, Consultation{At: e.At, Action: e.Action, Role: e.Role, Register: e.Register, Purpose: e.Purpose})
	}
	var ids []string
	for _, c := range x.Contacts {
		ids = append(ids, c.ID)
	}
	if err := s.Store.AppendAudit(ctx, s.event(&acc, ActionExport, OutcomeOK, "requests", append([]string{req.ID}, ids...), []string{d.Subject.ID}, "access export")); err != nil {
		return nil, err
	}
	return x, nil
}
