package http

import (
	"net/http"
	"slices"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/intake/email"
	"github.com/kirjaamo/kirjaamo/mailer"
	"github.com/kirjaamo/kirjaamo/notice"
)

// TranscriptEmailRequest is the body of POST
// /api/v1/contacts/{id}/transcript-email.
type TranscriptEmailRequest struct {
	// To is the address the customer gave during the chat for their own
	// copy. It is used for this delivery only: never stored, logged or
	// written to the audit log.
	To string `json:"to"`
	// Lang is the language of the e-mail: fi (default), sv or en.
	Lang string `json:"lang,omitempty"`
}

// TranscriptEmailResult answers a delivered transcript.
type TranscriptEmailResult struct {
	Sent     bool `json:"sent"`
	Messages int  `json:"messages"`
}

func (s *Server) transcriptRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/contacts/{id}/transcript-email", Summary: "Send a chat's transcript to the customer's own e-mail, as the customer asked during the chat (seed 002): an audited export; other people's identifiers are redacted, the address is not stored; 422 when the transcript holds data that may not go by ordinary e-mail, 503 without an SMTP relay",
			Request: TranscriptEmailRequest{}, Response: TranscriptEmailResult{}, Status: 200, Handler: s.transcriptEmail},
	}
}

func (s *Server) transcriptEmail(w http.ResponseWriter, r *http.Request) error {
	if s.Mail == nil {
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "no SMTP relay is configured: start serve with --smtp-addr and --smtp-from (KIRJAAMO_SMTP_ADDR, KIRJAAMO_SMTP_FROM)")
	}
	var req TranscriptEmailRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	lang := req.Lang
	if lang == "" {
		lang = "fi"
	}
	if !slices.Contains(notice.Languages(), lang) {
		return kirjaamo.FieldError("lang", "lang must be fi, sv or en")
	}
	org := s.Service.Policy.Controller.Name
	var out TranscriptEmailResult
	err := s.Service.SendTranscript(r.Context(), r.PathValue("id"), req.To, func(t *kirjaamo.Transcript) error {
		text := t.Text(lang, org)
		// Seed 000 §3 holds for Kirjaamo's own mail too: no identity code
		// or special-category data by ordinary e-mail.
		if ok, v := email.OutboundCheck(text, emailScanner); !ok {
			return &kirjaamo.Error{Code: kirjaamo.EUNPROCESSABLE, Field: "id",
				Message: "the transcript may not go by ordinary e-mail: it contains " + sensitiveKinds(v) + "; offer the secure channel instead (seed 000 §3)"}
		}
		msg, err := mailer.Build(s.Mail.From, mailer.Message{To: req.To, Subject: t.Subject(lang, org), Text: text, Date: s.Now()})
		if err != nil {
			return err
		}
		if err := s.Mail.Send(r.Context(), req.To, msg); err != nil {
			// mailer errors carry the step and the reply code, no address.
			return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "the transcript was not sent: %s", err.Error())
		}
		out = TranscriptEmailResult{Sent: true, Messages: len(t.Messages)}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
