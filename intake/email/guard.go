package email

import (
	"fmt"
	"slices"

	"github.com/kirjaamo/kirjaamo/pii"
)

// LocationKind names where in a message a finding is.
type LocationKind string

const (
	InSubject        LocationKind = "subject"
	InBody           LocationKind = "body"
	InAttachment     LocationKind = "attachment"      // the attachment's text
	InAttachmentName LocationKind = "attachment_name" // the attachment's file name
	InDraft          LocationKind = "draft"           // an outbound draft
)

// Location is a place in a message. Attachment is the 1-based attachment
// number (Message.Attachments[Attachment-1]) for the attachment kinds and 0
// otherwise.
type Location struct {
	Kind       LocationKind `json:"kind"`
	Attachment int          `json:"attachment,omitempty"`
}

func (l Location) String() string {
	switch l.Kind {
	case InAttachment:
		return fmt.Sprintf("attachment %d", l.Attachment)
	case InAttachmentName:
		return fmt.Sprintf("attachment %d file name", l.Attachment)
	}
	return string(l.Kind)
}

// Finding is what the guard found at one location: how many findings of one
// type (and category) there are. It never carries the value or its offsets,
// so a Verdict can be logged, stored and returned to clients.
type Finding struct {
	Location  Location `json:"location"`
	Type      pii.Type `json:"type"`
	Category  string   `json:"category,omitempty"`
	Validated bool     `json:"validated,omitempty"`
	Count     int      `json:"count"`
	// Sensitive marks findings that must not travel by ordinary e-mail:
	// validated identity codes (temporary ones too) and special categories.
	Sensitive bool `json:"sensitive"`
}

// Unscanned is an attachment whose content the guard could not read.
type Unscanned struct {
	Location Location `json:"location"`
	Reason   string   `json:"reason"`
}

// Verdict is the guard's answer for one message or draft.
type Verdict struct {
	Findings  []Finding   `json:"findings"`
	Unscanned []Unscanned `json:"unscanned,omitempty"`
}

// Sensitive reports whether the message holds data that seed 000 §3 keeps
// out of unencrypted e-mail: a validated personal identity code (temporary
// codes included) or any special category of personal data.
func (v Verdict) Sensitive() bool {
	return slices.ContainsFunc(v.Findings, func(f Finding) bool { return f.Sensitive })
}

// IdentityCode reports whether a validated identity code was found.
func (v Verdict) IdentityCode() bool {
	return slices.ContainsFunc(v.Findings, func(f Finding) bool {
		return f.Sensitive && f.Type == pii.TypeIdentityCode
	})
}

// SpecialCategory reports whether special-category data was found.
func (v Verdict) SpecialCategory() bool {
	return slices.ContainsFunc(v.Findings, func(f Finding) bool { return f.Type == pii.TypeSpecialCategory })
}

// Categories lists the special categories found, sorted, each once.
func (v Verdict) Categories() []string {
	var out []string
	for _, f := range v.Findings {
		if f.Type == pii.TypeSpecialCategory && !slices.Contains(out, f.Category) {
			out = append(out, f.Category)
		}
	}
	slices.Sort(out)
	return out
}

// SensitiveFindings returns only the findings that make the verdict
// sensitive, e.g. for a 422 answer that names what blocks a draft.
func (v Verdict) SensitiveFindings() []Finding {
	var out []Finding
	for _, f := range v.Findings {
		if f.Sensitive {
			out = append(out, f)
		}
	}
	return out
}

// InAttachments reports whether a sensitive finding is in an attachment's
// content or file name.
func (v Verdict) InAttachments() bool {
	return slices.ContainsFunc(v.Findings, func(f Finding) bool {
		return f.Sensitive && (f.Location.Kind == InAttachment || f.Location.Kind == InAttachmentName)
	})
}

func sensitive(f pii.Finding) bool {
	return (f.Type == pii.TypeIdentityCode && f.Validated) || f.Type == pii.TypeSpecialCategory
}

// add scans text and appends its findings at loc, one per type, category and
// validation, in the order they first occur.
func (v *Verdict) add(s *pii.Scanner, loc Location, text string) {
	if text == "" {
		return
	}
	first := len(v.Findings)
	for _, f := range s.Scan([]byte(text)) {
		merged := false
		for i := first; i < len(v.Findings); i++ {
			g := &v.Findings[i]
			if g.Type == f.Type && g.Category == f.Category && g.Validated == f.Validated {
				g.Count++
				merged = true
				break
			}
		}
		if !merged {
			v.Findings = append(v.Findings, Finding{
				Location: loc, Type: f.Type, Category: f.Category, Validated: f.Validated,
				Count: 1, Sensitive: sensitive(f),
			})
		}
	}
}

// Check scans the subject, the body, and each attachment's file name and
// text with s (pii.New() when nil). Attachments whose content cannot be read
// as text, or whose text was cut at the limit, are listed as unscanned: the
// guard cannot vouch for them, and the caller decides (store encrypted and
// flag for a person to look at).
func Check(msg *Message, s *pii.Scanner) Verdict {
	if s == nil {
		s = pii.New()
	}
	v := Verdict{Findings: []Finding{}}
	v.add(s, Location{Kind: InSubject}, msg.Subject)
	v.add(s, Location{Kind: InBody}, msg.Body)
	for i, a := range msg.Attachments {
		n := i + 1
		v.add(s, Location{Kind: InAttachmentName, Attachment: n}, a.Filename)
		v.add(s, Location{Kind: InAttachment, Attachment: n}, a.Text)
		switch {
		case !a.Scannable && signature(a.ContentType):
			// A signature holds no customer content; listing it would only
			// teach people to ignore the list.
		case !a.Scannable && a.Unread != "":
			v.Unscanned = append(v.Unscanned, Unscanned{Location{InAttachment, n}, a.Unread})
		case !a.Scannable:
			v.Unscanned = append(v.Unscanned, Unscanned{Location{InAttachment, n}, "content type " + a.ContentType + " is not read as text"})
		case a.TextTruncated:
			v.Unscanned = append(v.Unscanned, Unscanned{Location{InAttachment, n}, "only the beginning of the text was scanned"})
		}
	}
	if msg.BodyTruncated {
		v.Unscanned = append(v.Unscanned, Unscanned{Location{Kind: InBody}, "only the beginning of the text was kept and scanned"})
	}
	return v
}

// Redaction is a message's text with findings replaced, for storage.
// Filenames and Texts are index-aligned with Message.Attachments.
type Redaction struct {
	Subject   string   `json:"subject"`
	Body      string   `json:"body"`
	Filenames []string `json:"filenames,omitempty"`
	Texts     []string `json:"texts,omitempty"`
}

// Redacted returns the subject, body, attachment file names and attachment
// texts with findings replaced by r. A nil r redacts every finding to its
// type, e.g. "[fi_personal_identity_code]", the default storage policy.
func Redacted(msg *Message, r *pii.Redactor) Redaction {
	if r == nil {
		r, _ = pii.NewRedactor(nil, nil, nil) // cannot fail: no key-needing operator
	}
	red := func(s string) string {
		if s == "" {
			return s
		}
		out, _ := r.Redact([]byte(s))
		return string(out)
	}
	out := Redaction{Subject: red(msg.Subject), Body: red(msg.Body)}
	for _, a := range msg.Attachments {
		out.Filenames = append(out.Filenames, red(a.Filename))
		out.Texts = append(out.Texts, red(a.Text))
	}
	return out
}

// OutboundCheck says whether draft may be sent by ordinary e-mail: only when
// it holds no validated identity code and no special-category data (seed 000
// §3: those go by secure mail). v lists every finding, with Sensitive set on
// the ones that block.
func OutboundCheck(draft string, s *pii.Scanner) (ok bool, v Verdict) {
	if s == nil {
		s = pii.New()
	}
	v = Verdict{Findings: []Finding{}}
	v.add(s, Location{Kind: InDraft}, draft)
	return !v.Sensitive(), v
}

func signature(mediaType string) bool {
	switch mediaType {
	case "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature":
		return true
	}
	return false
}
