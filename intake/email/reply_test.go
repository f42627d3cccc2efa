package email

import (
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/pii"
)

func verdictFor(t *testing.T, body string) Verdict {
	t.Helper()
	m, err := Parse(strings.NewReader(msg(with(), body)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return Check(m, pii.New())
}

// Seed 000 §3: "Mikäli asiakas lähettää sinulle tällaisen viestin, vastaa
// hänelle poistamalla lähetetyn viestin sisältö ja informoi häntä
// turvallisesta asioinnista." The reply names what was found, says it was
// removed and not stored, and points to the secure channel — in the
// customer's language and without quoting the message.
func TestReplyText(t *testing.T) {
	org := ReplyOrg{Name: "Esimerkkilän kunta, asiakaspalvelu", SecureChannelURL: "https://turvaposti.example.org", Phone: "09 123 4567"}
	code := verdictFor(t, "Tunnukseni on "+code1)
	health := verdictFor(t, "Minulla on diabetes.")
	both := verdictFor(t, "Tunnukseni on "+code1+" ja minulla on diabetes.")
	tests := []struct {
		name string
		lang string
		v    Verdict
		want []string
		not  []string
	}{
		{"FinnishIdentityCode", "fi", code, []string{"Hei,", "henkilötunnus.", "poistaneet", "emmekä ole tallentaneet", "turvaposti", org.SecureChannelURL, org.Phone, org.Name}, []string{"arkaluonteisia"}},
		{"FinnishHealth", "fi", health, []string{"arkaluonteisia henkilötietoja, kuten terveyteen"}, []string{"henkilötunnus"}},
		{"FinnishBoth", "fi-FI", both, []string{"henkilötunnus ja arkaluonteisia"}, nil},
		{"SwedishIdentityCode", "sv", code, []string{"Hej,", "personbeteckning", "inte sparat", "skyddad e-post", org.SecureChannelURL}, nil},
		{"SwedishBoth", "sv-FI", both, []string{"personbeteckning och känsliga personuppgifter, till exempel uppgifter om hälsa"}, nil},
		{"EnglishIdentityCode", "en", code, []string{"Hello,", "personal identity code", "not stored", "secure e-mail", org.SecureChannelURL}, nil},
		{"EnglishHealth", "en-GB", health, []string{"sensitive personal data, such as information about health"}, []string{"identity code"}},
		{"UnknownLanguageFallsBackToFinnish", "de", code, []string{"Hei,"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReplyText(tt.lang, tt.v, org)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
			for _, w := range append(tt.not, code1, "diabetes") {
				if strings.Contains(got, w) {
					t.Errorf("reply contains %q:\n%s", w, got)
				}
			}
		})
	}
	t.Run("AttachmentNamed", func(t *testing.T) {
		m, err := Parse(strings.NewReader(msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
			"Content-Type: text/plain\n\nLiitteenä.", "Content-Type: text/plain; name=a.txt\n\n"+code1))), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		got := ReplyText("fi", Check(m, nil), org)
		if !strings.Contains(got, "Viestisi liitteessä oli henkilötunnus") {
			t.Errorf("reply does not say the attachment held the code:\n%s", got)
		}
	})
	t.Run("NoSecureURLStillExplains", func(t *testing.T) {
		got := ReplyText("fi", code, ReplyOrg{})
		if !strings.Contains(got, "turvaposti") || !strings.Contains(got, "Asiakaspalvelu") || strings.Contains(got, "soittaa") {
			t.Errorf("reply without URL or phone:\n%s", got)
		}
	})
	t.Run("NothingSensitiveNoReply", func(t *testing.T) {
		eq(t, "reply", ReplyText("fi", verdictFor(t, "Soita 040 123 4567"), org), "")
	})
}

// The reply must not send the data back, not even in its subject.
func TestReplySubject(t *testing.T) {
	m, err := Parse(strings.NewReader(msg([]string{"Subject: Tunnus " + code1}, "x")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "SensitiveSubjectReplaced", ReplySubject("sv", Check(m, nil), m.Subject), "Svar på ditt meddelande")
	eq(t, "PlainSubjectKept", ReplySubject("fi", verdictFor(t, "Tunnus "+code1), "Kysymys laskusta"), "Re: Kysymys laskusta")
	eq(t, "NoDoubleRe", ReplySubject("fi", Verdict{}, "RE: Lasku"), "RE: Lasku")
}

func TestGuessLang(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"Finnish", "Hei, voisitteko kertoa mitä minun pitää tehdä, kun lasku ei ole vielä tullut? Kiitos", "fi"},
		{"Swedish", "Hej, jag har inte fått min faktura och vill veta hur det går. Tack!", "sv"},
		{"SwedishByÅ", "Räkningen från Åbo", "sv"},
		{"English", "Hello, I have not received my invoice. Could you please tell me what to do? Thanks", "en"},
		{"EmptyIsFinnish", "", "fi"},
		{"NumbersOnlyIsFinnish", "12345 67890", "fi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { eq(t, "lang", GuessLang(tt.text), tt.want) })
	}
}
