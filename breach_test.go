package kirjaamo_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// letterTexts reads the example letter texts (examples/breach-letter-texts.json).
func letterTexts(t *testing.T) *kirjaamo.LetterRequest {
	t.Helper()
	b, err := os.ReadFile("examples/breach-letter-texts.json")
	if err != nil {
		t.Fatal(err)
	}
	var req kirjaamo.LetterRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	return &req
}

// GDPR art. 34(2): the letter tells, in clear and plain language, the
// nature of the breach, the DPO's contact details, the likely consequences
// and the measures taken or proposed; seed 000 §5 is the incident register
// it comes from. One golden file per language; -update rewrites them.
func TestBreachLetter(t *testing.T) {
	pol, err := policy.Load("examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	req := letterTexts(t)
	i := &kirjaamo.Incident{ID: "01kmz3v5c8q7w2x9y4r6t1n0ab", DiscoveredAt: time.Date(2026, 11, 12, 14, 5, 0, 0, time.UTC),
		Categories: []string{"yhteystiedot"}, Risk: "high"}
	for _, tc := range []struct {
		name, lang string
		heads      []string // the art. 34(2) sections, in the person's language
	}{
		{"Finnish", "fi", []string{"Mitä tapahtui", "Mitä siitä voi seurata", "Mitä olemme tehneet", "Mitä voit itse tehdä", "Tietosuojavastaava: ", "tietosuojavaltuutetulle"}},
		{"Swedish", "sv", []string{"Vad hände", "Vad det kan leda till", "Vad vi har gjort", "Vad du själv kan göra", "Dataskyddsombud: ", "dataombudsmannen"}},
		{"English", "en", []string{"What happened", "What it may lead to", "What we have done", "What you can do", "Data protection officer: ", "Data Protection Ombudsman"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := req.Texts[tc.lang]
			got := kirjaamo.BreachLetter(i, &text, pol, tc.lang)
			for _, want := range append(tc.heads, pol.DPO.Email, pol.Controller.Name, i.ID, text.Nature, text.Consequences, text.Measures, text.Advice) {
				if !strings.Contains(got, want) {
					t.Errorf("the letter does not say %q", want)
				}
			}
			golden := filepath.Join("testdata", "breach-letter."+tc.lang+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("letter differs from %s (go test -run TestBreachLetter -update to accept):\n%s", golden, got)
			}
		})
	}
}
