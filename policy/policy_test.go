package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

func mustLoad(t *testing.T, path string) *Policy {
	t.Helper()
	p, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s):\n%v", path, err)
	}
	return p
}

func TestRoles(t *testing.T) {
	want := []Role{"agent", "supervisor", "dpo", "admin", "auditor"}
	if got := Roles(); !slices.Equal(got, want) {
		t.Errorf("Roles() = %v, want %v", got, want)
	}
	for _, r := range want {
		if !ValidRole(r) {
			t.Errorf("ValidRole(%q) = false", r)
		}
	}
	for _, r := range []Role{"", "root", "Agent"} {
		if ValidRole(r) {
			t.Errorf("ValidRole(%q) = true", r)
		}
	}
	for _, k := range []ContactKind{"", "sms", "Call"} {
		if ValidKind(k) {
			t.Errorf("ValidKind(%q) = true", k)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name string
		text Text
		lang string
		want string
	}{
		{"Asked", Text{"fi": "Puhelut", "sv": "Samtal", "en": "Calls"}, "sv", "Samtal"},
		{"FallsBackToFinnish", Text{"fi": "Puhelut", "en": "Calls"}, "sv", "Puhelut"},
		{"ThenEnglish", Text{"en": "Calls", "sv": "Samtal"}, "de", "Calls"},
		{"ThenAny", Text{"sv": "Samtal"}, "fi", "Samtal"},
		{"EmptyIsMissing", Text{"fi": "", "en": "Calls"}, "fi", "Calls"},
		{"Nil", nil, "fi", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.text.In(tc.lang); got != tc.want {
				t.Errorf("In(%q) = %q, want %q", tc.lang, got, tc.want)
			}
		})
	}
}

func TestCan(t *testing.T) {
	p := mustLoad(t, "../examples/seed002-te-contact-centre.yaml")
	for _, tc := range []struct {
		name     string
		role     Role
		register string
		action   Action
		want     bool
	}{
		{"AgentReadsCalls", RoleAgent, "calls", ActionRead, true},
		{"AgentWritesChats", RoleAgent, "chats", ActionWrite, true},
		// Seed 003: only designated roles handle recordings.
		{"AgentCannotPlayRecordings", RoleAgent, "calls", ActionRecording, false},
		{"SupervisorPlaysRecordings", RoleSupervisor, "calls", ActionRecording, true},
		// Seed 002 §11: the customer may listen to their recording; the DPO arranges it.
		{"DPOPlaysRecordings", RoleDPO, "calls", ActionRecording, true},
		{"AgentCannotExport", RoleAgent, "customers", ActionExport, false},
		{"DPOExportsSubjects", RoleDPO, "customers", ActionExport, true},
		{"DPOReadsSubjects", RoleDPO, "customers", ActionRead, true},
		{"DPODoesNotWrite", RoleDPO, "customers", ActionWrite, false},
		{"AdminHasNoData", RoleAdmin, "customers", ActionRead, false},
		{"AuditorHasNoData", RoleAuditor, "calls", ActionRead, false},
		{"AgentCannotReadStatistics", RoleAgent, "statistics", ActionRead, false},
		{"UnknownRegister", RoleDPO, "nope", ActionRead, false},
		{"UnknownRole", Role("root"), "customers", ActionRead, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Can(tc.role, tc.register, tc.action); got != tc.want {
				t.Errorf("Can(%s, %s, %s) = %v, want %v", tc.role, tc.register, tc.action, got, tc.want)
			}
		})
	}
	// The auditor and the admin touch no personal data in any example.
	for _, f := range []string{"../examples/seed001-customer-register.yaml", "../examples/seed002-te-contact-centre.yaml", "../examples/seed004-staffpoint.yaml"} {
		p := mustLoad(t, f)
		for _, r := range p.Registers {
			for _, a := range Actions() {
				for _, role := range []Role{RoleAdmin, RoleAuditor} {
					if r.Can(role, a) {
						t.Errorf("%s: %s may %s in %s, want no access to personal data", f, role, a, r.ID)
					}
				}
			}
		}
	}
}

func TestPurposeRequired(t *testing.T) {
	p := mustLoad(t, "../examples/seed002-te-contact-centre.yaml")
	for _, tc := range []struct {
		register string
		action   Action
		want     bool
	}{
		{"customers", ActionRead, true},
		{"customers", ActionExport, true},
		{"customers", ActionWrite, false},
		{"calls", ActionRecording, true},
		{"calls", ActionRead, false},
		{"chats", ActionExport, true},
	} {
		if got := p.Register(tc.register).PurposeRequired(tc.action); got != tc.want {
			t.Errorf("%s.PurposeRequired(%s) = %v, want %v", tc.register, tc.action, got, tc.want)
		}
	}
}

func TestRegisterFor(t *testing.T) {
	p := mustLoad(t, "../examples/seed002-te-contact-centre.yaml")
	for kind, want := range map[ContactKind]string{
		KindCall:           "calls",
		KindChat:           "chats",
		KindEmail:          "emails",
		KindContactRequest: "contact_requests",
		KindWorkspace:      "workspaces",
		KindNote:           "", // seed 002 keeps no separate notes
	} {
		got := ""
		if r := p.RegisterFor(kind); r != nil {
			got = r.ID
		}
		if got != want {
			t.Errorf("RegisterFor(%s) = %q, want %q", kind, got, want)
		}
	}
	if r := p.SubjectRegister(); r == nil || r.ID != "customers" {
		t.Errorf("SubjectRegister() = %v, want customers", r)
	}
	if r := p.Register("statistics"); r == nil || r.Records != RecordsStatistics {
		t.Errorf("Register(statistics) = %v, want the statistics register", r)
	}
	if p.Register("nope") != nil {
		t.Errorf("Register(nope) != nil")
	}
	if !p.Register("calls").Accepts(KindCall) || p.Register("calls").Accepts(KindChat) {
		t.Errorf("calls.Accepts: want call only")
	}
}

// The example policies state the seeds' retention periods exactly.
func TestExampleRetention(t *testing.T) {
	type rule struct {
		file, register string
		part           Part
		keep           string
		from           Event
		cap            string // "" when no extension
	}
	for _, tc := range []rule{
		// Seed 001: 10 years from the end of the customer relationship.
		{"seed001-customer-register", "customers", PartSubject, "10y", EventRelationshipEnd, ""},
		// Seed 002: recordings 6 months, up to 12 for complaints and quality projects.
		{"seed002-te-contact-centre", "calls", PartRecording, "6m", EventContactEnd, "12m"},
		{"seed002-te-contact-centre", "calls", PartMetadata, "12m", EventContactEnd, ""},
		// Seed 002: chats, e-mails and contact requests 180 days.
		{"seed002-te-contact-centre", "chats", PartContent, "180d", EventContactEnd, ""},
		{"seed002-te-contact-centre", "emails", PartContent, "180d", EventCreated, ""},
		{"seed002-te-contact-centre", "contact_requests", PartContent, "180d", EventCreated, ""},
		// Seed 002: a workspace is kept 3 (closed) + 12 (archived) months from the end of its active stage.
		{"seed002-te-contact-centre", "workspaces", PartContent, "15m", EventClosed, ""},
		// Seed 002: statistics 3 years.
		{"seed002-te-contact-centre", "statistics", PartStatistics, "3y", EventCreated, ""},
		// Seed 004: chats 180 days with visitor metadata; call history 2 years; recordings 3 months.
		{"seed004-staffpoint", "chats", PartContent, "180d", EventContactEnd, ""},
		{"seed004-staffpoint", "chats", PartVisitorMetadata, "180d", EventContactEnd, ""},
		{"seed004-staffpoint", "calls", PartMetadata, "2y", EventContactEnd, ""},
		{"seed004-staffpoint", "calls", PartRecording, "3m", EventContactEnd, ""},
	} {
		t.Run(tc.file+"/"+tc.register+"/"+string(tc.part), func(t *testing.T) {
			p := mustLoad(t, "../examples/"+tc.file+".yaml")
			r := p.Register(tc.register)
			if r == nil {
				t.Fatalf("no register %s", tc.register)
			}
			got, ok := r.Rule(tc.part)
			if !ok {
				t.Fatalf("no rule for %s", tc.part)
			}
			if got.Keep.String() != tc.keep || got.From != tc.from {
				t.Errorf("got %s from %s, want %s from %s", got.Keep, got.From, tc.keep, tc.from)
			}
			switch {
			case tc.cap == "" && got.Extension != nil:
				t.Errorf("got extension %+v, want none", got.Extension)
			case tc.cap != "" && (got.Extension == nil || got.Extension.Cap.String() != tc.cap):
				t.Errorf("got extension %+v, want cap %s", got.Extension, tc.cap)
			}
			if got.Line < 1 {
				t.Errorf("rule line = %d, want its line in the file", got.Line)
			}
		})
	}
	p := mustLoad(t, "../examples/seed002-te-contact-centre.yaml")
	rec, _ := p.Register("calls").Rule(PartRecording)
	for _, reason := range []string{"complaint", "quality_project"} {
		if !rec.Extension.Allows(reason) {
			t.Errorf("seed 002 recording extension does not allow %s", reason)
		}
	}
	if !p.Register("calls").RecordingNotice {
		t.Errorf("seed 002 calls: recording_notice = false, want true (seed 003)")
	}
	if _, ok := p.Register("chats").Rule(PartRecording); ok {
		t.Errorf("seed 002 chats have a recording rule")
	}
}

// Every register of every example has its name and texts in Finnish,
// Swedish and English: the notice is published in all three.
func TestExamplesTrilingual(t *testing.T) {
	for _, f := range []string{"seed001-customer-register", "seed002-te-contact-centre", "seed004-staffpoint"} {
		p := mustLoad(t, "../examples/"+f+".yaml")
		for _, r := range p.Registers {
			texts := map[string]Text{"name": r.Name, "transfers.description": r.Transfers.Description}
			for name, list := range map[string][]Text{
				"purposes": r.Purposes, "legal_basis.national": r.LegalBasis.National, "data_categories": r.DataCategories,
				"subject_groups": r.SubjectGroups, "sources": r.Sources, "recipients": r.Recipients,
			} {
				for i, tx := range list {
					texts[fmt.Sprintf("%s[%d]", name, i)] = tx
				}
			}
			for name, tx := range texts {
				if tx == nil {
					continue
				}
				for _, lang := range Languages() {
					if tx[lang] == "" {
						t.Errorf("%s: %s.%s has no %s text", f, r.ID, name, lang)
					}
				}
			}
		}
	}
}

// Issue 5: a seed-002 recording made on 31 August expires on the last day
// of February and can be extended to 31 August of the next year at most.
func TestRuleExpiresAtAndCapAt(t *testing.T) {
	p := mustLoad(t, "../examples/seed002-te-contact-centre.yaml")
	rec, _ := p.Register("calls").Rule(PartRecording)
	start := time.Date(2024, time.August, 31, 14, 5, 0, 0, time.UTC)
	if got, want := rec.ExpiresAt(start), time.Date(2025, time.February, 28, 14, 5, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ExpiresAt = %s, want %s", got, want)
	}
	if got, ok := rec.CapAt(start); !ok || !got.Equal(time.Date(2025, time.August, 31, 14, 5, 0, 0, time.UTC)) {
		t.Errorf("CapAt = %s, %v, want 2025-08-31", got, ok)
	}
	meta, _ := p.Register("calls").Rule(PartMetadata)
	if _, ok := meta.CapAt(start); ok {
		t.Errorf("metadata has a cap, want none")
	}
}

func TestDurationJSON(t *testing.T) {
	in := struct{ Keep Duration }{MustParseDuration("1y6m")}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"Keep":"1y6m"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var out struct{ Keep Duration }
	if err := json.Unmarshal([]byte(`{"Keep":"P2W"}`), &out); err != nil || out.Keep != (Duration{Days: 14}) {
		t.Errorf("Unmarshal P2W = %+v, %v", out.Keep, err)
	}
	if err := json.Unmarshal([]byte(`{"Keep":"six months"}`), &out); err == nil {
		t.Errorf("Unmarshal of a bad duration succeeded")
	}
}
