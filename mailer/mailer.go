// Package mailer sends the few e-mails Kirjaamo sends itself — today a
// chat's transcript to the customer's own address (seed 002) — through an
// SMTP relay the organisation runs (net/smtp). It builds RFC 5322 messages
// in UTF-8 and never puts a recipient address in an error or a log line:
// relays echo addresses in their replies, so only the reply code is kept.
package mailer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// Relay is an SMTP relay (a submission or smarthost service).
type Relay struct {
	// Addr is HOST:PORT of the relay.
	Addr string
	// From is the envelope sender and From address, e.g. "Asiakaspalvelu
	// <noreply@example.fi>".
	From string
	// Username and Password, when set, authenticate with AUTH PLAIN, which
	// net/smtp only allows over TLS or to localhost.
	Username, Password string
	// RequireTLS refuses to send unless the relay offers STARTTLS. Off only
	// for a relay on the same host or a test.
	RequireTLS bool
	// Timeout bounds one delivery (default 30 s).
	Timeout time.Duration
	// TLSConfig overrides the STARTTLS configuration (tests).
	TLSConfig *tls.Config
}

// Validate checks the configuration.
func (r *Relay) Validate() error {
	if _, _, err := net.SplitHostPort(r.Addr); err != nil {
		return fmt.Errorf("smtp relay address %q is not HOST:PORT", r.Addr)
	}
	if _, err := mail.ParseAddress(r.From); err != nil {
		return errors.New("smtp sender (from) is not an e-mail address")
	}
	return nil
}

// Message is a plain-text e-mail.
type Message struct {
	To      string
	Subject string
	Text    string
	Date    time.Time
}

// Build returns msg as an RFC 5322 message from from: UTF-8 text/plain,
// quoted-printable, the subject encoded as RFC 2047 words when not ASCII.
func Build(from string, msg Message) ([]byte, error) {
	f, err := mail.ParseAddress(from)
	if err != nil {
		return nil, errors.New("mailer: sender is not an e-mail address")
	}
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return nil, errors.New("mailer: recipient is not an e-mail address")
	}
	id := make([]byte, 12)
	rand.Read(id)
	domain := f.Address[strings.LastIndexByte(f.Address, '@')+1:]
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", f.String())
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", msg.Subject))
	h("Date", msg.Date.Format(time.RFC1123Z))
	h("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(msg.Text, "\r\n", "\n"), "\n", "\r\n")))
	qp.Close()
	return b.Bytes(), nil
}

// Send delivers msg to the relay for the recipient to. Its errors name the
// step and the relay's reply code, never an address.
func (r *Relay) Send(ctx context.Context, to string, msg []byte) error {
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(r.Addr)
	if err != nil {
		return errors.New("mailer: relay address is not HOST:PORT")
	}
	from, err := mail.ParseAddress(r.From)
	if err != nil {
		return errors.New("mailer: sender is not an e-mail address")
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", r.Addr)
	if err != nil {
		return errors.New("mailer: the relay could not be reached")
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return step("greeting", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return step("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := r.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return step("STARTTLS", err)
		}
	} else if r.RequireTLS {
		return errors.New("mailer: the relay does not offer STARTTLS and TLS is required")
	}
	if r.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", r.Username, r.Password, host)); err != nil {
			return step("AUTH", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return step("MAIL FROM", err)
	}
	if err := c.Rcpt(to); err != nil {
		return step("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return step("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return step("DATA", err)
	}
	if err := w.Close(); err != nil {
		return step("end of DATA", err)
	}
	// The relay accepted the message at the end of DATA; a failed QUIT
	// does not undo that.
	c.Quit()
	return nil
}

// step keeps the relay's reply code and drops its text, which may quote
// the recipient's address.
func step(what string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Errorf("mailer: the relay refused %s (SMTP %d)", what, te.Code)
	}
	return fmt.Errorf("mailer: %s failed", what)
}
