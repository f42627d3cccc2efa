package http

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kirjaamo/kirjaamo"
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
		{Method: "POST", Path: "/api/v1/emails", Summary: "Ingest a raw RFC 5322 e-mail: stored as an e-mail contact minimised by the register's rules, flagged, and a secure-channel reply returned when it held an identity code or special-category data",
			Status: 201, Response: EmailIntake{}, MaxBody: MaxEmailBytes, Handler: s.ingestEmail},
		{Method: "POST", Path: "/api/v1/emails/outbound-check", Summary: "May this draft go by ordinary e-mail? 422 naming the findings when it holds an identity code or special-category data",
			Request: OutboundCheckRequest{}, Response: OutboundCheckResult{}, Status: 200, Handler: s.outboundCheck},
	}
}

var emailScanner = pii.New()

func (s *Server) ingestEmail(w http.ResponseWriter, r *http.Request) error {
	msg, err := email.Parse(r.Body, email.Limits{MaxMessageBytes: MaxEmailBytes})
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe), errors.Is(err, email.ErrTooLarge):
			return kirjaamo.Errorf(kirjaamo.ETOOLARGE, "an e-mail may be at most %d bytes", MaxEmailBytes)
		}
		var ee *email.Error
		if errors.As(err, &ee) {
			return kirjaamo.Errorf(kirjaamo.EINVALID, "%s", ee.Error())
		}
		return kirjaamo.Errorf(kirjaamo.EINVALID, "the message could not be read as RFC 5322 e-mail")
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
	c := &kirjaamo.Contact{Kind: policy.KindEmail, Direction: "inbound", Title: msg.Subject, Content: &body, Metadata: meta}
	if !msg.Date.IsZero() {
		d := msg.Date.UTC()
		c.StartedAt = &d
	}
	// Findings in attachments (not stored) still flag the contact.
	for _, f := range v.Findings {
		c.Flags.Merge(kirjaamo.ContentFlags{Found: []string{string(f.Type)}, SpecialCategory: f.Type == pii.TypeSpecialCategory})
	}
	if err := s.Service.CreateContact(r.Context(), c); err != nil {
		return err
	}
	out := EmailIntake{Contact: c, Verdict: v}
	if v.Sensitive() {
		lang := email.GuessLang(msg.Subject + " " + msg.Body)
		ctl := s.Service.Policy.Controller
		out.Reply = &EmailReply{Lang: lang, Subject: email.ReplySubject(lang, v, msg.Subject),
			Text: email.ReplyText(lang, v, email.ReplyOrg{Name: ctl.Name, Phone: ctl.Phone})}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) outboundCheck(w http.ResponseWriter, r *http.Request) error {
	var req OutboundCheckRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ok, v := email.OutboundCheck(req.Text, emailScanner)
	if !ok {
		var kinds []string
		for _, f := range v.SensitiveFindings() {
			k := string(f.Type)
			if f.Category != "" {
				k += " (" + f.Category + ")"
			}
			kinds = append(kinds, k)
		}
		return &kirjaamo.Error{Code: kirjaamo.EUNPROCESSABLE, Field: "text",
			Message: "the draft may not go by ordinary e-mail: it contains " + strings.Join(kinds, ", ") + "; send it through the secure channel (seed 000 §3)"}
	}
	writeJSON(w, http.StatusOK, OutboundCheckResult{OK: true, Verdict: v})
	return nil
}
