package notice

import (
	"bytes"
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/policy"
)

// TestDiff edits the seed 002 example and checks the lines policy diff
// prints: every change that alters the published notice is listed, and a
// change that does not (an access right) lists nothing.
func TestDiff(t *testing.T) {
	src, err := os.ReadFile("../examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base, err := policy.Parse("old.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		old, new  string // a replacement in the source (first occurrence)
		want      []string
		wantEmpty bool
	}{
		{name: "RetentionLonger", old: "        keep: 6m\n        from: contact_end\n        extension:", new: "        keep: 9m\n        from: contact_end\n        extension:",
			want: []string{"calls.recording: retention 6m → 9m (longer)"}},
		{name: "RetentionShorter", old: "      - part: statistics\n        keep: 3y", new: "      - part: statistics\n        keep: 2y",
			want: []string{"statistics.statistics: retention 3y → 2y (shorter)"}},
		{name: "ExtensionCap", old: "cap: 12m", new: "cap: 18m",
			want: []string{"calls.recording: extension cap 12m → 18m (longer)"}},
		{name: "ExtensionReason", old: "reasons: [complaint, quality_project]", new: "reasons: [complaint, quality_project, legal_claim]",
			want: []string{"calls.recording: extension reason added legal_claim"}},
		{name: "NewPurpose", old: "    purposes:\n      - fi: Digitaalisen", new: "    purposes:\n      - Markkinointi\n      - fi: Digitaalisen",
			want: []string{`statistics.purposes: added "Markkinointi"`}},
		{name: "LegalBasis", old: "      gdpr: [6(1)(c)]\n", new: "      gdpr: [6(1)(c), 6(1)(a)]\n",
			want: []string{"statistics: legal basis added 6(1)(a)"}},
		{name: "Recipient", old: "      - fi: Euroopan komission tietovarasto\n", new: "      - fi: Euroopan komission tietovarasto ja tutkijat\n",
			want: []string{`statistics.recipients: added "Euroopan komission tietovarasto ja tutkijat"`, `statistics.recipients: removed "Euroopan komission tietovarasto"`}},
		{name: "Transfer", old: "      outside_eea: false\n      description:", new: "      outside_eea: true\n      description:",
			// The example shares one transfers block (&te_transfers) among
			// its registers: each register's notice changes.
			want: []string{"customers: transfers outside the EU/EEA no → yes", "calls: transfers", "chats: transfers", "emails: transfers", "contact_requests: transfers", "workspaces: transfers", "statistics: transfers"}},
		{name: "NoticeText", old: "    rights.access:\n      fi: Rekisteröidyllä", new: "    rights.access:\n      fi: Asiakkaalla",
			want: []string{"notice.paragraphs.rights.access: "}},
		{name: "NewRegister", old: "registers:\n", new: "registers:\n  - id: notes\n    name: Muistiinpanot\n    records: contacts\n    kinds: [note]\n    purposes: [Asiakaspalvelu]\n    legal_basis: {gdpr: [6(1)(e)]}\n    data_categories: [Muistiinpano]\n    retention: [{part: metadata, keep: 30d, from: created}]\n",
			want: []string{`notes: register added ("Muistiinpanot")`}},
		{name: "ControllerEmail", old: "email: kirjaamo.etela-savo@ely-keskus.fi", new: "email: kirjaamo@ely-keskus.fi",
			want: []string{`controller.email: "kirjaamo.etela-savo@ely-keskus.fi" → "kirjaamo@ely-keskus.fi"`}},
		{name: "AccessOnlyIsNoNoticeChange", old: "      read: [supervisor, dpo]\n", new: "      read: [dpo]\n", wantEmpty: true},
		{name: "VersionOnlyIsNoNoticeChange", old: `version: "2020-11"`, new: `version: "2020-12"`, wantEmpty: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !bytes.Contains(src, []byte(c.old)) {
				t.Fatalf("the example no longer contains %q", c.old)
			}
			edited := bytes.Replace(src, []byte(c.old), []byte(c.new), 1)
			np, err := policy.Parse("new.yaml", edited)
			if err != nil {
				t.Fatal(err)
			}
			got := Diff(base, np)
			if c.wantEmpty {
				if len(got) != 0 {
					t.Fatalf("got %q, want no change to the notice", got)
				}
				return
			}
			for _, w := range c.want {
				if !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, w) }) {
					t.Errorf("got %q, want a line %q", got, w)
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("got %d lines %q, want %d", len(got), got, len(c.want))
			}
		})
	}
	if got := Diff(base, base); len(got) != 0 {
		t.Errorf("a policy against itself: got %q", got)
	}
}

// The record of processing has one row per register with every art. 30(1)
// column, and its retention is the notice's.
func TestROPA(t *testing.T) {
	p := load(t, "seed002-te-contact-centre.yaml")
	out, err := ROPA(p, "fi", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("\ufeff")) {
		t.Error("CSV without a byte-order mark: Excel would garble ä and ö")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(p.Registers)+1 {
		t.Fatalf("got %d rows, want a header and one per register (%d)", len(rows), len(p.Registers))
	}
	cols := rows[0]
	col := func(name string) int { return slices.Index(cols, name) }
	for _, name := range []string{"Rekisterinpitäjä", "Tietosuojavastaava", "Käsittelyn tarkoitukset", "Rekisteröityjen ryhmät", "Henkilötietoryhmät", "Vastaanottajat", "Siirrot EU:n tai ETA:n ulkopuolelle", "Säilytysajat", "Suojaustoimet"} {
		if col(name) < 0 {
			t.Errorf("no column %q", name)
		}
	}
	calls := rows[2]
	if calls[0] != "calls" {
		t.Fatalf("row 2 is %q, want calls", calls[0])
	}
	if got := calls[col("Säilytysajat")]; !strings.Contains(got, "Puhelutallenteita säilytetään 6 kuukautta.") {
		t.Errorf("calls retention: got %q", got)
	}
	if got := calls[col("Säilytyssäännöt")]; !strings.Contains(got, "recording: 6m from contact_end, cap 12m (complaint, quality_project)") {
		t.Errorf("calls rules: got %q", got)
	}
	if got := calls[col("Suojaustoimet")]; !strings.Contains(got, "access recording: supervisor, dpo") {
		t.Errorf("calls security: got %q", got)
	}
	md, err := ROPA(p, "en", "md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(md), "\n| "); n != len(p.Registers)+2 {
		t.Errorf("Markdown table: got %d lines, want a header, a rule and %d rows", n, len(p.Registers))
	}
}
