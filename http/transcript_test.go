package http_test

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/mailer"
	"github.com/kirjaamo/kirjaamo/mailer/smtptest"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

// newChat stores a chat with a chat consent (seed 004 needs one; seed 002
// ignores nothing by having it).
func (e *env) newChat(msgs ...kirjaamo.ChatMessage) *kirjaamo.Contact {
	e.t.Helper()
	now := time.Now().UTC()
	var c kirjaamo.Contact
	body := khttp.NewContact{Kind: policy.KindChat, StartedAt: &now, Messages: msgs,
		Consent: &kirjaamo.Consent{Purpose: "chat", TextVersion: "c-2026", Channel: "web", GivenAt: now}}
	if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", body, &c); code != 201 {
		e.t.Fatalf("create chat: %d", code)
	}
	return &c
}

// withRelay points the API at a test SMTP server on loopback.
func (e *env) withRelay() *smtptest.Server {
	srv := smtptest.New(e.t)
	e.api.Mail = &mailer.Relay{Addr: srv.Addr, From: "Asiakaspalvelu <noreply@example.fi>"}
	return srv
}

// receivedText decodes a delivered message's headers and text.
func receivedText(t *testing.T, r smtptest.Received) (mail.Header, string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	return m.Header, string(b)
}

// Seed 002: "the customer may, during the chat, order the conversation
// history to their own e-mail". It is an audited export; the address is
// used for the delivery only, and other people's identifiers are redacted
// as in an access export (seed 004's chats keep phones and e-mails, so the
// minimisation shows).
func TestTranscriptEmail(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed004)
		g := synth.New(21)
		own, otherPhone := g.Email(), g.Phone()
		now := time.Now().UTC()
		chat := e.newChat(
			kirjaamo.ChatMessage{Sender: "customer", At: now, Text: "Voitteko lähettää keskustelun osoitteeseen " + own + "?"},
			kirjaamo.ChatMessage{Sender: "agent", At: now, Text: "Kollegan numero on " + otherPhone + "."},
		)
		path := "/api/v1/contacts/" + chat.ID + "/transcript-email"
		t.Run("RefusedWithoutRelay", func(t *testing.T) {
			var errBody khttp.ErrorBody
			if code := e.do(policy.RoleAgent, "POST", path, khttp.TranscriptEmailRequest{To: own}, &errBody); code != 503 || !strings.Contains(errBody.Error.Message, "SMTP relay") {
				t.Fatalf("got %d %q, want 503 naming the relay", code, errBody.Error.Message)
			}
		})
		srv := e.withRelay()
		t.Run("BadAddressNamedNotQuoted", func(t *testing.T) {
			for _, to := range []string{"", "not an address", "Name <" + own + ">", own + "\r\nBcc: x@example.com"} {
				var errBody khttp.ErrorBody
				if code := e.do(policy.RoleAgent, "POST", path, khttp.TranscriptEmailRequest{To: to}, &errBody); code != 400 || errBody.Error.Field != "to" || (to != "" && strings.Contains(errBody.Error.Message, to)) {
					t.Fatalf("got %d %+v, want 400 naming the field", code, errBody.Error)
				}
			}
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("got %d messages sent, want 0", n)
			}
		})
		t.Run("SentWithOthersDataMinimised", func(t *testing.T) {
			var res khttp.TranscriptEmailResult
			if code := e.do(policy.RoleAgent, "POST", path, khttp.TranscriptEmailRequest{To: own, Lang: "fi"}, &res); code != 200 || !res.Sent || res.Messages != 2 {
				t.Fatalf("got %d %+v, want 200 sent 2 messages", code, res)
			}
			got := srv.Messages()
			if len(got) != 1 || got[0].To[0] != own {
				t.Fatalf("got %d deliveries, want 1 to the customer's address", len(got))
			}
			h, text := receivedText(t, got[0])
			if !strings.Contains(text, "Asiakas: Voitteko lähettää keskustelun osoitteeseen "+own) {
				t.Fatalf("the customer's own message is not in the transcript:\n%s", text)
			}
			if strings.Contains(text, otherPhone) || !strings.Contains(text, "[phone_number]") {
				t.Fatalf("another person's phone was not redacted:\n%s", text)
			}
			if h.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Fatalf("got Content-Type %q", h.Get("Content-Type"))
			}
		})
		t.Run("AuditedAsExportWithoutTheAddress", func(t *testing.T) {
			var evs khttp.AuditList
			e.do(policy.RoleAuditor, "GET", "/api/v1/audit?record_id="+chat.ID, nil, &evs)
			last := evs.Events[len(evs.Events)-1]
			if last.Action != kirjaamo.ActionExport || last.Outcome != kirjaamo.OutcomeOK || last.Purpose == "" || len(last.RecordIDs) != 1 || last.RecordIDs[0] != chat.ID {
				t.Fatalf("got last event %+v, want the export with purpose and contact id", last)
			}
			for _, ev := range evs.Events {
				if strings.Contains(ev.Detail+ev.Purpose, own) {
					t.Fatal("the address is in the audit log")
				}
			}
			if strings.Contains(e.logs.String(), own) {
				t.Fatal("the address is in the server log")
			}
			var c kirjaamo.Contact
			e.do(policy.RoleAgent, "GET", "/api/v1/contacts/"+chat.ID, nil, &c)
			for k, v := range c.Metadata {
				if strings.Contains(k+v, own) {
					t.Fatal("the address was stored with the chat")
				}
			}
		})
		t.Run("RoleWithoutReadRefusedAndNothingSent", func(t *testing.T) {
			before := len(srv.Messages())
			if code := e.do(policy.RoleAuditor, "POST", path, khttp.TranscriptEmailRequest{To: own}, nil); code != 403 {
				t.Fatalf("got %d, want 403", code)
			}
			if len(srv.Messages()) != before {
				t.Fatal("a refused role sent a transcript")
			}
		})
		t.Run("RelayRefusalIsAnErrorWithoutTheAddress", func(t *testing.T) {
			srv.Reject = "550 5.1.1 <" + own + ">: Recipient address rejected"
			defer func() { srv.Reject = "" }()
			var errBody khttp.ErrorBody
			if code := e.do(policy.RoleAgent, "POST", path, khttp.TranscriptEmailRequest{To: own}, &errBody); code != 503 || strings.Contains(errBody.Error.Message, own) {
				t.Fatalf("got %d %q, want 503 without the address", code, errBody.Error.Message)
			}
		})
	})
}

// Seed 000 §3 applies to Kirjaamo's own mail: seed 002's chats keep
// special-category words, so a transcript holding them is refused (422)
// and nothing is sent.
func TestTranscriptEmailOutboundGuard(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		srv := e.withRelay()
		chat := e.newChat(kirjaamo.ChatMessage{Sender: "customer", At: time.Now().UTC(), Text: "Minulla on diabetes ja kysyn sairauspäivärahasta."})
		var errBody khttp.ErrorBody
		code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts/"+chat.ID+"/transcript-email", khttp.TranscriptEmailRequest{To: synth.New(22).Email()}, &errBody)
		if code != 422 || !strings.Contains(errBody.Error.Message, "special_category") {
			t.Fatalf("got %d %q, want 422 naming special_category", code, errBody.Error.Message)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("got %d messages sent, want 0", n)
		}
	})
}
