package mailer_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/mailer"
	"github.com/kirjaamo/kirjaamo/mailer/smtptest"
	"github.com/kirjaamo/kirjaamo/synth"
)

// TestRelay delivers over a real SMTP conversation on loopback
// (smtptest: no SMTP server package is available offline).
func TestRelay(t *testing.T) {
	to := synth.New(1).Email()
	msg := mailer.Message{To: to, Subject: "Keskusteluhistoria – Työllisyyspalvelut", Text: "Hei!\nÄäkköset säilyvät.\n.alkaa pisteellä\n", Date: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	t.Run("DeliveredAsUTF8RFC5322", func(t *testing.T) {
		srv := smtptest.New(t)
		relay := &mailer.Relay{Addr: srv.Addr, From: "Asiakaspalvelu <noreply@example.fi>"}
		raw, err := mailer.Build(relay.From, msg)
		if err != nil {
			t.Fatal(err)
		}
		if err := relay.Send(context.Background(), to, raw); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || got[0].From != "noreply@example.fi" || len(got[0].To) != 1 || got[0].To[0] != to {
			t.Fatalf("got %+v, want one message from the sender to the recipient", got)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
		if subject != msg.Subject || m.Header.Get("To") != "<"+to+">" || !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain; charset=utf-8") {
			t.Fatalf("got subject %q to %q type %q", subject, m.Header.Get("To"), m.Header.Get("Content-Type"))
		}
		if strings.ReplaceAll(string(body), "\r\n", "\n") != msg.Text {
			t.Fatalf("got body %q, want %q", body, msg.Text)
		}
		if _, err := m.Header.Date(); err != nil || m.Header.Get("Message-Id") == "" {
			t.Fatal("no Date or Message-ID")
		}
	})
	t.Run("RequireTLSRefusesRelayWithoutSTARTTLS", func(t *testing.T) {
		srv := smtptest.New(t)
		relay := &mailer.Relay{Addr: srv.Addr, From: "noreply@example.fi", RequireTLS: true}
		raw, _ := mailer.Build(relay.From, msg)
		if err := relay.Send(context.Background(), to, raw); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("got %v, want a refusal naming STARTTLS", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("got %d messages delivered, want 0", n)
		}
	})
	t.Run("RelayRefusalKeepsCodeNotAddress", func(t *testing.T) {
		srv := smtptest.New(t)
		srv.Reject = "550 5.1.1 <" + to + ">: Recipient address rejected"
		relay := &mailer.Relay{Addr: srv.Addr, From: "noreply@example.fi"}
		raw, _ := mailer.Build(relay.From, msg)
		err := relay.Send(context.Background(), to, raw)
		if err == nil || !strings.Contains(err.Error(), "550") || strings.Contains(err.Error(), to) {
			t.Fatalf("got %v, want the reply code without the address", err)
		}
	})
	t.Run("UnreachableRelay", func(t *testing.T) {
		relay := &mailer.Relay{Addr: "127.0.0.1:1", From: "noreply@example.fi", Timeout: 2 * time.Second}
		raw, _ := mailer.Build(relay.From, msg)
		if err := relay.Send(context.Background(), to, raw); err == nil {
			t.Fatal("got nil, want an error")
		}
	})
	t.Run("ValidateNamesTheSetting", func(t *testing.T) {
		for _, r := range []mailer.Relay{{Addr: "no-port", From: "a@example.fi"}, {Addr: "h:25", From: "not an address"}} {
			if err := r.Validate(); err == nil {
				t.Errorf("%+v: got nil, want an error", r)
			}
		}
	})
}
