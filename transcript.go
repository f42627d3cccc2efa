package kirjaamo

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
)

// Transcript is a chat's transcript as it leaves Kirjaamo for the
// customer's own e-mail (seed 002: "Asiakas voi keskustelun aikana itse
// omalla valinnallaan tilata keskusteluhistorian omaan sähköpostiinsa").
// Identifiers in it that are not the recipient's own are redacted, as in an
// access export; staff appear only by their role.
type Transcript struct {
	ContactID string
	StartedAt time.Time
	Messages  []ChatMessage
}

// transcriptLabels are the senders and texts of a transcript e-mail.
var transcriptLabels = map[string]map[string]string{
	"fi": {"customer": "Asiakas", "agent": "Asiakaspalvelija", "bot": "Botti", "subject": "Keskusteluhistoria", "intro": "Keskusteluhistoria, jonka tilasit keskustelun aikana",
		"footer": "Tämä viesti lähetettiin pyynnöstäsi. Sähköpostiosoitettasi ei tallennettu."},
	"sv": {"customer": "Kund", "agent": "Kundtjänst", "bot": "Bot", "subject": "Samtalshistorik", "intro": "Samtalshistoriken som du beställde under samtalet",
		"footer": "Meddelandet skickades på din begäran. Din e-postadress har inte sparats."},
	"en": {"customer": "Customer", "agent": "Customer service", "bot": "Bot", "subject": "Chat transcript", "intro": "The chat transcript you asked for during the conversation",
		"footer": "This message was sent at your request. Your e-mail address was not stored."},
}

var helsinki = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Helsinki"); err == nil {
		return loc
	}
	return time.UTC
}()

// Subject is the e-mail subject of the transcript in lang (fi, sv, en).
func (t *Transcript) Subject(lang, org string) string {
	l := transcriptLang(lang)
	if org == "" {
		return l["subject"]
	}
	return l["subject"] + " – " + org
}

// Text is the transcript as a plain-text e-mail body in lang, times in
// Finnish time.
func (t *Transcript) Text(lang, org string) string {
	l := transcriptLang(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "%s", l["intro"])
	if org != "" {
		fmt.Fprintf(&b, " (%s)", org)
	}
	fmt.Fprintf(&b, ", %s.\n\n", t.StartedAt.In(helsinki).Format("2.1.2006"))
	for _, m := range t.Messages {
		fmt.Fprintf(&b, "[%s] %s: %s\n", m.At.In(helsinki).Format("15.04"), l[m.Sender], m.Text)
	}
	fmt.Fprintf(&b, "\n%s\n", l["footer"])
	return b.String()
}

func transcriptLang(lang string) map[string]string {
	if l, ok := transcriptLabels[lang]; ok {
		return l
	}
	return transcriptLabels["fi"]
}

// ValidRecipient checks an address a customer gave for their own copy: one
// plain address, no display name, no header injection. The error never
// quotes it.
func ValidRecipient(addr string) (string, error) {
	if addr == "" || len(addr) > 254 || strings.ContainsAny(addr, "\r\n<>,;\"") {
		return "", FieldError("to", "give one e-mail address, without a name")
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(addr) || !strings.Contains(a.Address, "@") {
		return "", FieldError("to", "give one e-mail address, without a name")
	}
	return a.Address, nil
}

// SendTranscript sends a chat's transcript to the address the customer gave
// during the chat (seed 002), through send. It is an export: the chat is
// read by a role that may read its register (audited as a read), and once
// send succeeds an export event records the purpose, the contact and its
// subjects — never the address, which is not stored anywhere.
func (s *Service) SendTranscript(ctx context.Context, contactID, to string, send func(*Transcript) error) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	if to, err = ValidRecipient(to); err != nil {
		return err
	}
	if !ValidID(contactID) {
		return Errorf(ENOTFOUND, "contact not found")
	}
	acc := *a
	if acc.Purpose == "" {
		acc.Purpose = "transcript ordered by the customer during the chat (seed 002)"
	}
	c, err := s.Store.Contact(ctx, contactID, s.authorizeContact(&acc, policy.ActionRead, "chat transcript for the customer's own e-mail"))
	if err != nil {
		return err
	}
	if c.Kind != policy.KindChat || len(c.Messages) == 0 {
		return Errorf(ECONFLICT, "only a chat with messages has a transcript to send")
	}
	own := map[SubjectKey]bool{}
	if k, ok := mentionKey(pii.TypeEmail, to); ok {
		own[k] = true
	}
	t := &Transcript{ContactID: c.ID, StartedAt: *firstSet(c.StartedAt, &c.CreatedAt)}
	for _, m := range c.Messages {
		m.Text = minimiseOthers(m.Text, own)
		t.Messages = append(t.Messages, m)
	}
	if err := send(t); err != nil {
		return err
	}
	return s.Store.AppendAudit(ctx, s.event(&acc, ActionExport, OutcomeOK, c.Register, []string{c.ID}, c.SubjectIDs,
		"chat transcript sent to the customer's own e-mail (seed 002)"))
}
