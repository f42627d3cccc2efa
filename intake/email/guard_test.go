package email

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/pii"
)

// Seed 000 §3: "Erityisiä henkilötietoja tai muuten salassa pidettäviä tietoja
// ei saa lähettää organisaation ulkopuolelle suojaamattomalla
// sähköpostiyhteydellä vaan käyttää ns. turvapostia. Näin toimitaan myös
// henkilötunnusten kohdalla." The guard flags both wherever they are.
func TestGuard(t *testing.T) {
	mixed := func(parts ...string) string {
		return msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b", parts...))
	}
	tests := []struct {
		name          string
		raw           string
		sensitive     bool
		code, special bool
		where         []string // locations of sensitive findings
	}{
		{"IdentityCodeInBodyIsSensitive", msg(with(), "Henkilötunnukseni on "+code1+", lähettäkää päätös."),
			true, true, false, []string{"body"}},
		{"TemporaryIdentityCodeIsSensitive", msg(with(), "Väliaikainen tunnus "+hetu(1, 1, 2001, 999)),
			true, true, false, []string{"body"}},
		{"IdentityCodeInSubject", msg([]string{"From: a@example.com", "Subject: =?utf-8?q?Hetu_" + code2 + "?="}, "Katso otsikko."),
			true, true, false, []string{"subject"}},
		{"IdentityCodeInQuotedPrintableBody", msg(with("Content-Transfer-Encoding: quoted-printable", "Content-Type: text/plain; charset=utf-8"), "Tunnus: "+code1[:6]+"=\n"+code1[6:]+" =E4"),
			true, true, false, []string{"body"}},
		{"IdentityCodeInTextAttachment", mixed("Content-Type: text/plain\n\nLiitteenä tiedot.", "Content-Type: text/plain; name=tiedot.txt\nContent-Transfer-Encoding: base64\n\n"+b64("nimi;tunnus\nTesti;"+code1+"\n")),
			true, true, false, []string{"attachment 1"}},
		{"IdentityCodeInCSVSentAsOctetStream", mixed("Content-Type: text/plain\n\nLista liitteenä.", "Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=lista.csv\nContent-Transfer-Encoding: base64\n\n"+b64("nimi;tunnus\r\nTesti;"+code2+"\r\n")),
			true, true, false, []string{"attachment 1"}},
		{"IdentityCodeInAttachmentFileName", mixed("Content-Type: text/plain\n\nLiite.", "Content-Type: image/jpeg\nContent-Disposition: attachment; filename=\"passi_"+code2+".jpg\"\n\nxx"),
			true, true, false, []string{"attachment 1 file name"}},
		{"IdentityCodeInHTMLOnlyBody", msg(with("Content-Type: text/html"), "<p>Tunnus <b>"+code1+"</b></p>"),
			true, true, false, []string{"body"}},
		{"IdentityCodeInForwardedMessage", mixed("Content-Type: text/plain\n\nVälitän.", "Content-Type: message/rfc822\n\n"+msg([]string{"Subject: vanha"}, "Tunnus "+code2)),
			true, true, false, []string{"attachment 1"}},
		{"HealthDataIsSensitive", msg(with(), "Minulla on todettu masennus ja olen sairauslomalla."),
			true, false, true, []string{"body"}},
		{"SocialWelfareIsSensitive", msg(with(), "Haen toimeentulotukea tälle kuulle."),
			true, false, true, []string{"body"}},
		{"IdentityCodeAndHealthBothFlagged", msg(with(), "Tunnus "+code1+". Diagnoosi tuli eilen."),
			true, true, true, []string{"body"}},
		{"ContactDetailsAloneAreNotSensitive", msg(with(), "Soittakaa numeroon 040 123 4567 tai kirjoittakaa asiakas.0001@example.com."),
			false, false, false, nil},
		{"WrongCheckCharacterIsNotAnIdentityCode", msg(with(), "Numero "+code1[:10]+wrongCheck(code1)),
			false, false, false, nil},
		{"PlainQuestionIsNotSensitive", msg(with(), "Milloin lasku erääntyy?"),
			false, false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(tt.raw), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			v := Check(m, pii.New())
			eq(t, "Sensitive", v.Sensitive(), tt.sensitive)
			eq(t, "IdentityCode", v.IdentityCode(), tt.code)
			eq(t, "SpecialCategory", v.SpecialCategory(), tt.special)
			var where []string
			for _, f := range v.SensitiveFindings() {
				if l := f.Location.String(); len(where) == 0 || where[len(where)-1] != l {
					where = append(where, l)
				}
			}
			eq(t, "locations", strings.Join(where, ","), strings.Join(tt.where, ","))
		})
	}
}

func wrongCheck(code string) string {
	if code[10] == 'A' {
		return "B"
	}
	return "A"
}

func TestGuardUnscanned(t *testing.T) {
	raw := msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
		"Content-Type: text/plain\n\nLiitteenä.",
		"Content-Type: application/pdf; name=a.pdf\n\n%PDF",
		"Content-Type: text/plain; name=pitka.txt\n\n"+strings.Repeat("a", 200),
		"Content-Type: application/pkcs7-signature; name=smime.p7s\n\nMIAGCSqGSIb3"))
	m, err := Parse(strings.NewReader(raw), Limits{MaxTextBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	v := Check(m, nil)
	eq(t, "unscanned", len(v.Unscanned), 2)
	eq(t, "first", v.Unscanned[0].Location.String(), "attachment 1")
	eq(t, "second", v.Unscanned[1].Location.String(), "attachment 2")
}

// A verdict is returned to clients and stored with the contact: it names
// types and places, never values.
func TestVerdictCarriesNoValues(t *testing.T) {
	m, err := Parse(strings.NewReader(msg([]string{"Subject: " + code2}, "Tunnus "+code1+" ja puhelin 040 765 4321")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(Check(m, nil))
	for _, v := range []string{code1, code2, "765"} {
		if strings.Contains(string(b), v) {
			t.Errorf("verdict JSON quotes a value: %s", b)
		}
	}
}

func TestRedacted(t *testing.T) {
	raw := msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
		"Content-Type: text/plain\n\nTunnukseni on "+code1+".",
		"Content-Type: text/plain; name=\"hetu_"+code2+".txt\"\n\n"+code2))
	m, err := Parse(strings.NewReader(raw), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("RedactedByDefault", func(t *testing.T) {
		r := Redacted(m, nil)
		eq(t, "Body", r.Body, "Tunnukseni on [fi_personal_identity_code].")
		eq(t, "Filename", r.Filenames[0], "hetu_[fi_personal_identity_code].txt")
		eq(t, "Text", r.Texts[0], "[fi_personal_identity_code]")
	})
	t.Run("PolicyOperatorMask", func(t *testing.T) {
		red, err := pii.NewRedactor(nil, map[pii.Type]pii.Operator{pii.TypeIdentityCode: {Kind: pii.OperatorMask}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := Redacted(m, red)
		if strings.Contains(r.Body, code1) || !strings.Contains(r.Body, "*") {
			t.Errorf("Body = %q, want the code masked", r.Body)
		}
	})
}

// Seed 000 §3: identity codes and special categories go by secure mail, so a
// draft holding them may not be sent by ordinary e-mail.
func TestOutboundCheck(t *testing.T) {
	tests := []struct {
		name  string
		draft string
		ok    bool
	}{
		{"DraftWithIdentityCodeRefused", "Hei, tarkistimme tunnuksen " + code1 + ".", false},
		{"DraftWithTemporaryCodeRefused", "Väliaikainen tunnuksesi on " + hetu(30, 6, 1999, 950) + ".", false},
		{"DraftWithHealthDataRefused", "Sairauslomaasi koskeva päätös on liitteenä.", false},
		{"DraftWithSocialWelfareRefused", "Lastensuojelun ilmoitus on käsitelty.", false},
		{"PlainDraftAllowed", "Hei, laskusi eräpäivä on 15.12. Ystävällisin terveisin, asiakaspalvelu", true},
		{"DraftWithPhoneAllowed", "Soitamme sinulle numeroon 040 123 4567 huomenna.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, v := OutboundCheck(tt.draft, nil)
			eq(t, "ok", ok, tt.ok)
			if !ok && len(v.SensitiveFindings()) == 0 {
				t.Errorf("refused without naming a finding")
			}
			for _, f := range v.Findings {
				eq(t, "location", f.Location.Kind, InDraft)
			}
		})
	}
}
