package policy

import (
	"strings"
	"testing"
)

// TestNoticeSection: the notice section's problems, each at its line.
// minimal (parse_test.go) has 23 lines; the notice section starts at 24.
func TestNoticeSection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		notice string
		want   []string
	}{
		{"Valid", `notice:
  title: {fi: Asiakaspalvelun tietosuojaseloste, en: Customer service privacy notice}
  version: "3"
  published: 2025-01-31
  rights_contact: Pyynnöt osoitetaan tietosuojavastaavalle.
  security: [Tunnukset ovat henkilökohtaisia.]
  automated_decisions: Ei automaattista päätöksentekoa.
  cookies: {purposes: [Sivuston kehittäminen], data: [IP-osoite]}
  supervisory_authority: {name: Tietosuojavaltuutetun toimisto, email: tietosuoja@om.fi}
  paragraphs:
    rights.access: {sv: Rätt till tillgång.}
    retention.calls.recording: "Tallenteita säilytetään {keep}."
    retention.customers: "Asiakastietoja säilytetään {keep.subject}."
`, nil},
		{"OverrideOfAPartWithNoRule", `notice:
  paragraphs:
    retention.calls.content: "Merkintöjä säilytetään {keep}."
`, []string{`p.yaml:26: notice.paragraphs.retention.calls.content: register "calls" has no retention rule for part "content"; a notice text without a rule would promise what nothing enforces`}},
		{"OverrideOfNoRegister", `notice:
  paragraphs:
    retention.chats: "Keskusteluja säilytetään {keep}."
`, []string{`p.yaml:26: notice.paragraphs.retention.chats: no register "chats"; a retention text must belong to a register's rule`}},
		{"OverrideMustTakeThePeriodFromTheRule", `notice:
  paragraphs:
    retention.calls.recording: {fi: "Tallenteita säilytetään 3 kuukautta.", en: "Recordings are kept for {keep}."}
`, []string{`p.yaml:26: notice.paragraphs.retention.calls.recording.fi: write {keep} where the period goes, so that the text follows the rule (give the rest of the sentence around it)`}},
		{"UnknownParagraph", `notice:
  paragraphs:
    rights.acess: Tarkastusoikeus.
`, []string{"p.yaml:26: notice.paragraphs.rights.acess: unknown paragraph (did you mean rights.access?)"}},
		{"BadDate", `notice:
  published: 31.1.2025
`, []string{`p.yaml:25: notice.published: "31.1.2025" is not a date; write YYYY-MM-DD`}},
		{"CookiesNeedAPurpose", `notice:
  cookies: {data: [IP-osoite]}
`, []string{"p.yaml:25: notice.cookies.purposes: missing; say why the website uses cookies"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(minimal+tc.notice))
			var got []string
			if err != nil {
				for _, p := range err.(Problems) {
					got = append(got, p.String())
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tc.want, "\n      "))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("problem %d:\n got: %s\nwant: %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// An extension reason the notice cannot word is an error until the policy
// gives its wording.
func TestExtensionReasonNeedsWording(t *testing.T) {
	src := edit(23, "      - {part: recording, keep: 3m, from: contact_end, extension: {reasons: [investigation], cap: 6m}}")
	_, err := Parse("p.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), `p.yaml:23: register calls, part recording: extension reason "investigation" has no wording for the notice`) {
		t.Fatalf("got %v, want the reason without wording reported at line 23", err)
	}
	p, err := Parse("p.yaml", []byte(src+"notice:\n  extension_reasons:\n    investigation: {fi: rikostutkinnan ajan, sv: under en brottsutredning, en: during a criminal investigation}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Notice.ExtensionReasons["investigation"].In("en"); got != "during a criminal investigation" {
		t.Fatalf("got %q", got)
	}
}
