package kirjaamo

import (
	"context"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Attachment is a file that arrived with a contact (an e-mail's
// attachments, seed 000 §3). Its content lives encrypted in the blob store
// under its own data key, wrapped by the master key and kept only in its
// row, exactly like a recording. It is the contact's attachment part: kept
// for the register's attachment rule and destroyed with it (key first, then
// blob).
//
// An attachment whose content held data the register's redaction rules
// remove is stored as its redacted text when it is text, and not stored at
// all when it is binary (PlanAttachment says why); either way Note tells.
type Attachment struct {
	ID        string `json:"id"`
	ContactID string `json:"contact_id"`
	// Number is the position in the message, from 1.
	Number int `json:"number"`
	// Filename is minimised by the register's rules like any free text.
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	// Size and SHA256 are of the plaintext stored (of the redacted text
	// when Redacted); Size is what arrived when the file was not stored.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Stored bool   `json:"stored"`
	// Redacted: what is stored is the attachment's text with findings
	// replaced, not the file as sent.
	Redacted bool `json:"redacted,omitempty"`
	// Scanned: the whole content was read as text and checked (text,
	// attached messages, OOXML and OpenDocument files). Other binary files
	// (PDF, images, legacy office formats) are not; a person reviews them.
	Scanned   bool         `json:"scanned"`
	Note      string       `json:"note,omitempty"`
	Flags     ContentFlags `json:"flags"`
	CreatedAt time.Time    `json:"created_at"`

	BlobKey    string       `json:"-"`
	WrappedKey []byte       `json:"-"`
	Mentions   []SubjectKey `json:"-"` // identifiers its text mentions, for the mentions index
}

// AttachmentNamespace is the blob-store namespace of attachments.
const AttachmentNamespace = "attachments"

// ReceivedAttachment is an attachment as it arrived, with the text the
// e-mail parser read of it.
type ReceivedAttachment struct {
	Number      int
	Filename    string
	ContentType string
	Size        int64
	// Text is the decoded text of a text attachment (HTML converted, an
	// attached message flattened); Scannable says it holds the content,
	// Truncated that it holds only the beginning.
	Text      string
	Scannable bool
	Truncated bool
}

// AttachmentPlan is what to store of a received attachment.
type AttachmentPlan struct {
	// Attachment is the minimised row; its Stored, Redacted, Scanned, Note
	// and Flags are set. The caller fills ID, the blob fields, Size and
	// SHA256 of what it stored.
	Attachment *Attachment
	// Original: store the bytes as they arrived. Otherwise, when
	// Attachment.Redacted, store Text; else store nothing.
	Original bool
	Text     string
}

// PlanAttachment applies a register's redaction rules to a received
// attachment (seed 000 §2–§3: store only what is needed; an e-mail with an
// identity code or special-category data is stored without it). The
// decision, documented in docs/email.md:
//
//   - nothing the rules minimise in its name or text: stored as sent;
//   - text, fully read, with findings the rules minimise: stored as its
//     redacted text (text/plain, UTF-8, ".txt" added to the name);
//   - text read only in part (larger than the scan limit), or binary whose
//     file name held data the rules minimise: not stored, with the reason.
//     A binary file's content cannot be read or redacted, and a name such
//     as "<identity code>.pdf" says what is inside.
//
// The file name is minimised in every case.
func (s *Service) PlanAttachment(register string, in ReceivedAttachment) (AttachmentPlan, error) {
	reg := s.Policy.Register(register)
	if reg == nil {
		return AttachmentPlan{}, Errorf(EFORBIDDEN, "register %s is not in the policy", register)
	}
	a := &Attachment{Number: in.Number, ContentType: in.ContentType, Size: in.Size, Scanned: in.Scannable && !in.Truncated}
	name, flags, mentions, err := s.minimize(reg, in.Filename)
	if err != nil {
		return AttachmentPlan{}, err
	}
	a.Filename, a.Flags, a.Mentions = name, flags, mentions
	var text string
	if in.Scannable {
		var tf ContentFlags
		var tm []SubjectKey
		if text, tf, tm, err = s.minimize(reg, in.Text); err != nil {
			return AttachmentPlan{}, err
		}
		a.Flags.Merge(tf)
		a.Mentions = mergeKeys(a.Mentions, tm)
	}
	if len(a.Flags.Minimised) == 0 {
		a.Stored = true
		if in.Scannable && in.Truncated {
			a.Note = "only the beginning of the text was scanned"
		}
		return AttachmentPlan{Attachment: a, Original: true}, nil
	}
	found := strings.Join(a.Flags.Minimised, ", ")
	switch {
	case in.Scannable && !in.Truncated:
		a.Stored, a.Redacted = true, true
		a.ContentType = "text/plain; charset=utf-8"
		if !strings.EqualFold(path.Ext(a.Filename), ".txt") {
			a.Filename += ".txt"
		}
		a.Note = "stored as its text with " + found + " removed by the register's rules (seed 000 §3)"
		return AttachmentPlan{Attachment: a, Text: text}, nil
	case in.Scannable:
		a.Note = "not stored: its text held " + found + " and is longer than the scan limit, so it could not be redacted whole (seed 000 §3)"
	default:
		a.Note = "not stored: its file name held " + found + ", and its content (" + in.ContentType + ") cannot be read and redacted (seed 000 §3)"
	}
	return AttachmentPlan{Attachment: a}, nil
}

func mergeKeys(to, from []SubjectKey) []SubjectKey {
	for _, k := range from {
		if !slices.Contains(to, k) {
			to = append(to, k)
		}
	}
	return to
}

// AttachmentTarget is where a contact of a kind goes: its register, and
// whether that register keeps attachments (a retention rule for them).
type AttachmentTarget struct {
	Register         string
	KeepsAttachments bool
}

// PrepareAttachments checks, before any attachment byte is streamed, that
// the caller may write contacts of kind (a refusal is audited), and says
// where they go.
func (s *Service) PrepareAttachments(ctx context.Context, kind policy.ContactKind) (AttachmentTarget, error) {
	a, err := s.access(ctx)
	if err != nil {
		return AttachmentTarget{}, err
	}
	reg := s.Policy.RegisterFor(kind)
	if reg == nil {
		return AttachmentTarget{}, FieldError("kind", "the policy has no register for contacts of kind %s", kind)
	}
	if ev, err := s.check(a, reg, policy.ActionWrite, ActionCreate, nil, nil); err != nil {
		return AttachmentTarget{}, s.refuse(ctx, ev, err)
	}
	_, keeps := reg.Rule(policy.PartAttachment)
	return AttachmentTarget{Register: reg.ID, KeepsAttachments: keeps}, nil
}

// authorizeContact decides a read of one contact's part with action pa
// (read, recording): the register in the policy, the role's permission and
// stated purpose, and the lifecycle stage's visibility. Every outcome is
// audited with detail.
func (s *Service) authorizeContact(a *Access, pa policy.Action, detail string) Authorize[*Contact] {
	return func(c *Contact) (*AuditEvent, error) {
		reg := s.Policy.Register(c.Register)
		if reg == nil {
			return s.event(a, ActionRead, OutcomeDenied, c.Register, []string{c.ID}, c.SubjectIDs, detail),
				Errorf(EFORBIDDEN, "register %s is not in the policy", c.Register)
		}
		if ev, err := s.check(a, reg, pa, ActionRead, []string{c.ID}, c.SubjectIDs); err != nil {
			ev.Detail = detail
			return ev, err
		}
		if !c.visibleTo(reg, a.User.Role, s.now()) {
			return s.event(a, ActionRead, OutcomeDenied, reg.ID, []string{c.ID}, c.SubjectIDs, detail+"; hidden in its lifecycle stage"),
				Errorf(EFORBIDDEN, "in its current lifecycle stage this record is not visible to role %s", a.User.Role)
		}
		return s.event(a, ActionRead, OutcomeOK, reg.ID, []string{c.ID}, c.SubjectIDs, detail), nil
	}
}

// Attachments lists a contact's attachments (stored or not, with the
// reason) to a role that may read its register; audited.
func (s *Service) Attachments(ctx context.Context, contactID string) ([]*Attachment, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(contactID) {
		return nil, Errorf(ENOTFOUND, "contact not found")
	}
	return s.Store.Attachments(ctx, contactID, s.authorizeContact(a, policy.ActionRead, "attachments listed"))
}

// OpenAttachment authorises the download of one stored attachment: a role
// that may read the contact's register, with a stated purpose where the
// policy requires one. Every attempt is audited, refusals included.
// ENOTFOUND when there is no such attachment or it was not stored.
func (s *Service) OpenAttachment(ctx context.Context, contactID, attachmentID string) (*Attachment, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(contactID) || !ValidID(attachmentID) {
		return nil, Errorf(ENOTFOUND, "attachment not found")
	}
	return s.Store.Attachment(ctx, contactID, attachmentID, s.authorizeContact(a, policy.ActionRead, "attachment "+attachmentID+" downloaded"))
}
