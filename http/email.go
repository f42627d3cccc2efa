package http

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/intake/email"
	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
)

// MaxEmailBytes bounds one raw e-mail message.
const MaxEmailBytes = 32 << 20

// EmailIntake answers POST /api/v1/emails.
type EmailIntake struct {
	Contact *kirjaamo.Contact `json:"contact"`
	Verdict email.Verdict     `json:"verdict"`
	// Reply, when the message held data that must not travel by ordinary
	// e-mail, is a ready answer in the customer's language that removes
	// the content and points to the secure channel (seed 000 §3).
	Reply *EmailReply `json:"reply,omitempty"`
	// Attachments says what was kept of each attachment: stored as sent,
	// stored as redacted text, or not stored and why.
	Attachments []*kirjaamo.Attachment `json:"attachments,omitempty"`
}

// EmailReply is a ready reply.
type EmailReply struct {
	Lang    string `json:"lang"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// OutboundCheckRequest is the body of POST /api/v1/emails/outbound-check.
type OutboundCheckRequest struct {
	Text string `json:"text"`
}

// OutboundCheckResult answers a draft that may be sent.
type OutboundCheckResult struct {
	OK      bool          `json:"ok"`
	Verdict email.Verdict `json:"verdict"`
}

func (s *Server) emailRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/emails", Summary: "Ingest a raw RFC 5322 e-mail: stored as an e-mail contact minimised by the register's rules, flagged, and a secure-channel reply returned when it held an identity code or special-category data; attachments stored encrypted (as sent, as redacted text, or not at all with the reason)",
			Status: 201, Response: EmailIntake{}, MaxBody: MaxEmailBytes, Handler: s.ingestEmail},
		{Method: "POST", Path: "/api/v1/emails/outbound-check", Summary: "May this draft go by ordinary e-mail? 422 naming the findings when it holds an identity code or special-category data",
			Request: OutboundCheckRequest{}, Response: OutboundCheckResult{}, Status: 200, Handler: s.outboundCheck},
	}
}

var emailScanner = pii.New()

// errNoBlobs stops an e-mail with attachments when no blob store is
// configured: accepting it without them would lose them silently.
var errNoBlobs = errors.New("no blob store is configured")

func (s *Server) ingestEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	// Every rule is checked before a byte is stored.
	target, err := s.Service.PrepareAttachments(ctx, policy.KindEmail)
	if err != nil {
		return err
	}
	// Attachments stream into the blob store while the message is parsed,
	// each under a fresh data key that only its row will keep. Nothing
	// half-written: unless the contact is stored, every blob written here
	// goes (and without its row its data key is already gone).
	var written []string
	sealed := map[int]blob.Sealed{}
	stored := false
	defer func() {
		if !stored {
			for _, k := range written {
				s.Blobs.Delete(context.WithoutCancel(ctx), k)
			}
		}
	}()
	put := func(src io.Reader) (blob.Sealed, error) {
		key := kirjaamo.AttachmentNamespace + "/" + kirjaamo.NewID(s.Now())
		written = append(written, key)
		return blob.PutSealed(ctx, s.Blobs, s.Keys, key, src)
	}
	var fn email.AttachmentFunc
	if target.KeepsAttachments {
		fn = func(a *email.Attachment, content io.Reader) error {
			if s.Blobs == nil || s.Keys == nil {
				return errNoBlobs
			}
			sl, err := put(content)
			sealed[a.Number] = sl
			return err
		}
	}
	msg, err := email.ParseFunc(r.Body, email.Limits{MaxMessageBytes: MaxEmailBytes}, fn)
	if err != nil {
		return emailError(err)
	}
	v := email.Check(msg, emailScanner)
	body := msg.Body
	meta := map[string]string{}
	if msg.From != nil {
		meta["from"] = msg.From.Address
	}
	if msg.MessageID != "" && len(msg.MessageID) <= 1000 {
		meta["message_id"] = msg.MessageID
	}
	if len(msg.Attachments) > 0 {
		meta["attachments"] = fmt.Sprint(len(msg.Attachments))
	}
	c := &kirjaamo.Contact{Kind: policy.KindEmail, Register: target.Register, Direction: "inbound", Title: msg.Subject, Content: &body, Metadata: meta}
	if !msg.Date.IsZero() {
		d := msg.Date.UTC()
		c.StartedAt = &d
	}
	// Findings anywhere in the message flag the contact.
	for _, f := range v.Findings {
		c.Flags.Merge(kirjaamo.ContentFlags{Found: []string{string(f.Type)}, SpecialCategory: f.Type == pii.TypeSpecialCategory})
	}
	// An e-mail from a known customer's address is linked to them, so a
	// data request finds it with everything else (seed 000 §2).
	if msg.From != nil {
		if id := s.Service.SenderSubject(ctx, msg.From.Address); id != "" {
			c.SubjectIDs = []string{id}
		}
	}
	atts, err := s.storeAttachments(ctx, target, msg, sealed, put)
	if err != nil {
		return err
	}
	if target.KeepsAttachments {
		c.Attachments = atts
	}
	if err := s.Service.CreateContact(ctx, c); err != nil {
		return err
	}
	stored = true
	out := EmailIntake{Contact: c, Verdict: v, Attachments: atts}
	if v.Sensitive() {
		lang := email.GuessLang(msg.Subject + " " + msg.Body)
		ctl := s.Service.Policy.Controller
		out.Reply = &EmailReply{Lang: lang, Subject: email.ReplySubject(lang, v, msg.Subject),
			Text: email.ReplyText(lang, v, email.ReplyOrg{Name: ctl.Name, Phone: ctl.Phone})}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// storeAttachments decides, by the register's rules, what is kept of each
// attachment (kirjaamo.Service.PlanAttachment) and makes the blob store
// agree: the original blob stays, or is replaced by the redacted text, or
// goes. Blobs that go were never given a row, so their keys are already
// lost; deleting them only frees the space.
func (s *Server) storeAttachments(ctx context.Context, target kirjaamo.AttachmentTarget, msg *email.Message, sealed map[int]blob.Sealed, put func(io.Reader) (blob.Sealed, error)) ([]*kirjaamo.Attachment, error) {
	var out []*kirjaamo.Attachment
	for _, a := range msg.Attachments {
		plan, err := s.Service.PlanAttachment(target.Register, kirjaamo.ReceivedAttachment{Number: a.Number, Filename: a.Filename, ContentType: a.ContentType,
			Size: a.Size, Text: a.Text, Scannable: a.Scannable, Truncated: a.TextTruncated})
		if err != nil {
			return nil, err
		}
		att := plan.Attachment
		att.ID = kirjaamo.NewID(s.Now())
		if !target.KeepsAttachments {
			att.Stored, att.Redacted = false, false
			att.Note = "not stored: register " + target.Register + " keeps no attachments (the policy has no retention rule for them)"
			out = append(out, att)
			continue
		}
		orig, ok := sealed[a.Number]
		if !ok {
			return nil, fmt.Errorf("attachment %d was parsed but not streamed to the blob store", a.Number)
		}
		sl := orig
		if !plan.Original {
			s.Blobs.Delete(ctx, orig.Key)
			sl = blob.Sealed{}
			if att.Redacted {
				if sl, err = put(strings.NewReader(plan.Text)); err != nil {
					if errors.Is(err, blob.ErrNoSpace) {
						return nil, kirjaamo.Errorf(kirjaamo.ENOSPACE, "the attachment store is full; nothing was stored")
					}
					return nil, err
				}
			}
		}
		if att.Stored {
			att.BlobKey, att.WrappedKey, att.Size, att.SHA256 = sl.Key, sl.WrappedKey, sl.Size, hex.EncodeToString(sl.SHA256[:])
		}
		out = append(out, att)
	}
	return out, nil
}

// emailError turns a parse failure into the client's error, naming the
// limit or defect and never quoting the message.
func emailError(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe), errors.Is(err, email.ErrTooLarge):
		return kirjaamo.Errorf(kirjaamo.ETOOLARGE, "an e-mail may be at most %d bytes", MaxEmailBytes)
	case errors.Is(err, errNoBlobs):
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "the message has attachments and no blob store is configured; nothing was stored")
	case errors.Is(err, blob.ErrNoSpace):
		return kirjaamo.Errorf(kirjaamo.ENOSPACE, "the attachment store is full; nothing was stored")
	}
	var ee *email.Error
	if errors.As(err, &ee) {
		return kirjaamo.Errorf(kirjaamo.EINVALID, "%s", ee.Error())
	}
	return kirjaamo.Errorf(kirjaamo.EINVALID, "the message could not be read as RFC 5322 e-mail")
}

func (s *Server) outboundCheck(w http.ResponseWriter, r *http.Request) error {
	var req OutboundCheckRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ok, v := email.OutboundCheck(req.Text, emailScanner)
	if !ok {
		return &kirjaamo.Error{Code: kirjaamo.EUNPROCESSABLE, Field: "text",
			Message: "the draft may not go by ordinary e-mail: it contains " + sensitiveKinds(v) + "; send it through the secure channel (seed 000 §3)"}
	}
	writeJSON(w, http.StatusOK, OutboundCheckResult{OK: true, Verdict: v})
	return nil
}

// sensitiveKinds names what makes a verdict sensitive, e.g.
// "fi_personal_identity_code, special_category (health)", without values.
func sensitiveKinds(v email.Verdict) string {
	var kinds []string
	for _, f := range v.SensitiveFindings() {
		k := string(f.Type)
		if f.Category != "" {
			k += " (" + f.Category + ")"
		}
		kinds = append(kinds, k)
	}
	return strings.Join(kinds, ", ")
}
