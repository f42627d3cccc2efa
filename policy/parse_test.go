package policy

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid policy: a subjects register and a calls
// register. The broken cases below are edits of single lines of it, so the
// line each problem must point at is the edited line.
const minimal = `version: 1
controller: {name: Esimerkki Oy}
dpo: {email: tietosuoja@esimerkki.fi}
registers:
  - id: customers
    name: Asiakkaat
    records: subjects
    purposes: [Asiakassuhteen hoitaminen]
    legal_basis: {gdpr: [6(1)(b)]}
    data_categories: [Nimi]
    retention:
      - {part: subject, keep: 10y, from: relationship_end}
  - id: calls
    name: Puhelut
    records: contacts
    kinds: [call]
    purposes: [Asiakaspalvelu]
    legal_basis: {gdpr: [6(1)(f)]}
    data_categories: [Puhelinnumero]
    access: {read: [agent], recording: [supervisor]}
    retention:
      - {part: metadata, keep: 2y, from: contact_end}
      - {part: recording, keep: 3m, from: contact_end}
`

// edit replaces line n (1-based) of minimal with text; an empty text
// deletes the line, a text with newlines inserts several.
func edit(n int, text string) string { return editLines(n, n, text) }

// editLines replaces lines from..to (1-based, inclusive) of minimal.
func editLines(from, to int, text string) string {
	lines := strings.Split(minimal, "\n")
	var out []string
	out = append(out, lines[:from-1]...)
	if text != "" {
		out = append(out, strings.Split(text, "\n")...)
	}
	out = append(out, lines[to:]...)
	return strings.Join(out, "\n")
}

// thirdRegister is appended to minimal to test rules across registers.
func withRegister(yaml string) string { return minimal + yaml }

func TestParseMinimalIsValid(t *testing.T) {
	p, err := Parse("p.yaml", []byte(minimal))
	if err != nil {
		t.Fatalf("Parse(minimal):\n%v", err)
	}
	if got := len(p.Registers); got != 2 {
		t.Fatalf("got %d registers, want 2", got)
	}
	if p.File != "p.yaml" {
		t.Errorf("File = %q, want p.yaml", p.File)
	}
}

func TestParseProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string // every problem, in order, as FILE:LINE: message
	}{
		// --- the document ---
		{"SyntaxErrorHasLine", edit(14, "    name: [Puhelut"), []string{
			"p.yaml:14: YAML syntax error: did not find expected ',' or ']'",
		}},
		{"ScannerErrorHasLine", edit(14, "    name: @Puhelut"), []string{
			"p.yaml:14: YAML syntax error: found character that cannot start any token",
		}},
		{"UnknownAliasHasLine", edit(17, "    purposes: *purposes"), []string{
			"p.yaml:17: YAML syntax error: alias *purposes refers to no anchor &purposes",
		}},
		{"EmptyFile", "", []string{
			"p.yaml: empty policy file; see docs/policy.md for the format",
		}},
		{"OneDocumentOnly", minimal + "---\nversion: 1\n", []string{
			"p.yaml:25: a second YAML document; a policy file holds one",
		}},
		{"TopLevelMustBeMapping", "- version: 1\n", []string{
			"p.yaml:1: top level: expected a mapping, got a list",
		}},
		{"UnknownTopLevelKeyNamed", edit(3, "dpo: {email: tietosuoja@esimerkki.fi}\nwebsite: {}"), []string{
			"p.yaml:4: website: unknown key; allowed at the top level: version, controller, dpo, registers, notice",
		}},
		{"RepeatedKey", edit(7, "    records: subjects\n    records: contacts"), []string{
			"p.yaml:8: registers[0].records: key repeated (first at line 7)",
		}},
		// --- version, controller, DPO ---
		{"VersionMissing", edit(1, ""), []string{
			"p.yaml:1: version: missing; write version: 1",
		}},
		{"VersionMustBe1", edit(1, "version: 2"), []string{
			"p.yaml:1: version: unsupported version 2; this Kirjaamo reads version 1",
		}},
		{"VersionIsANumber", edit(1, "version: one"), []string{
			`p.yaml:1: version: expected the number 1, got the text "one"`,
		}},
		{"ControllerMissing", edit(2, ""), []string{
			"p.yaml:1: controller: missing; name the controller (rekisterinpitäjä) and its contact details",
		}},
		{"ControllerNameRequired", edit(2, "controller: {email: asiakaspalvelu@esimerkki.fi}"), []string{
			"p.yaml:2: controller.name: missing",
		}},
		{"ControllerUnknownKey", edit(2, "controller: {name: Esimerkki Oy, www: esimerkki.fi}"), []string{
			"p.yaml:2: controller.www: unknown key; allowed in controller: name, business_id, address, visiting_address, email, phone, contact_person",
		}},
		{"BusinessIDCheckDigit", edit(2, "controller: {name: StaffPoint Oy, business_id: 2492090-2}"), []string{
			`p.yaml:2: controller.business_id: "2492090-2" is not a valid business ID: the check digit should be 1`,
		}},
		// Seeds 002 and 004 name the data protection officer (GDPR art. 13(1)(b)).
		{"DPOMissing", edit(3, ""), []string{
			"p.yaml:1: dpo: missing; name the data protection officer (tietosuojavastaava) and how to reach them",
		}},
		{"DPOReachable", edit(3, "dpo: {name: Tietosuojavastaava}"), []string{
			"p.yaml:3: dpo: give at least an email, phone or address so that data subjects can reach the DPO",
		}},
		{"DPOEmailLooksLikeOne", edit(3, "dpo: {email: tietosuoja}"), []string{
			`p.yaml:3: dpo.email: "tietosuoja" is not an e-mail address`,
		}},
		// --- registers ---
		{"RegistersMissing", strings.Join(strings.Split(minimal, "\n")[:3], "\n"), []string{
			"p.yaml:1: registers: missing; a policy needs at least one register",
		}},
		{"RegistersEmpty", strings.Join(strings.Split(minimal, "\n")[:3], "\n") + "\nregisters: []\n", []string{
			"p.yaml:4: registers: empty; a policy needs at least one register",
		}},
		{"RegisterIDUnique", edit(13, "  - id: customers"), []string{
			`p.yaml:13: registers[1].id: duplicate register id "customers" (first at line 5)`,
		}},
		{"RegisterIDIsLowerCaseWord", edit(13, "  - id: Calls"), []string{
			`p.yaml:13: registers[1].id: "Calls" is not a valid id: start with a lower-case letter a–z, then use only a–z, 0–9 and _ (at most 64)`,
		}},
		{"RegisterUnknownKeyNamed", edit(11, "    retension:"), []string{
			"p.yaml:5: registers[0].retention: missing; every register needs retention rules",
			"p.yaml:11: registers[0].retension: unknown key (did you mean retention?); allowed in a register: id, name, records, kinds, purposes, legal_basis, data_categories, subject_groups, sources, recipients, transfers, erasure_exceptions, access, require_purpose, recording_notice, retention, lifecycle, redaction",
		}},
		// Issue 2: names in Finnish, Swedish and English; the Finnish
		// notice is always published.
		{"NameNeedsFinnish", edit(14, "    name: {sv: Samtal, en: Calls}"), []string{
			"p.yaml:14: registers[1].name: Finnish text (fi) missing",
		}},
		{"NameUnknownLanguage", edit(14, "    name: {fi: Puhelut, de: Anrufe}"), []string{
			"p.yaml:14: registers[1].name.de: unknown key; allowed in a text: fi, sv, en",
		}},
		{"UnknownKeySuggestsNearest", edit(4, "register:"), []string{
			"p.yaml:1: registers: missing; a policy needs at least one register",
			"p.yaml:4: register: unknown key (did you mean registers?); allowed at the top level: version, controller, dpo, registers, notice",
		}},
		{"RecordsKnown", edit(15, "    records: calls"), []string{
			`p.yaml:15: registers[1].records: unknown value "calls" (allowed: subjects, contacts, statistics)`,
		}},
		{"RecordsIsOneValue", edit(7, "    records: [subjects]"), []string{
			`p.yaml:7: registers[0].records: expected a single value, got a list`,
		}},
		{"ExactlyOneSubjectsRegister/None", edit(7, "    records: statistics"), []string{
			"p.yaml:4: registers: no register has records: subjects; exactly one must hold the data subjects",
			"p.yaml:11: registers[0].retention: no rule for part statistics, which every record of a register with records: statistics has",
			`p.yaml:12: registers[0].retention[0].part: part "subject" does not belong in a register with records: statistics (allowed: statistics)`,
		}},
		{"ExactlyOneSubjectsRegister/Two", withRegister(`  - id: persons
    name: Henkilöt
    records: subjects
    purposes: [Asiakassuhteen hoitaminen]
    legal_basis: {gdpr: [6(1)(b)]}
    data_categories: [Nimi]
    retention: [{part: subject, keep: 1y, from: last_activity}]
`), []string{
			`p.yaml:26: registers[2].records: a second register with records: subjects (the first is "customers" at line 7); exactly one is allowed`,
		}},
		{"ContactsRegisterNeedsKinds", edit(16, "    kinds: []"), []string{
			"p.yaml:16: registers[1].kinds: a contacts register needs kinds (allowed: call, chat, email, contact_request, counselling_workspace, note)",
			"p.yaml:23: registers[1].retention[1].part: only calls have recordings, and this register has no kind call",
		}},
		{"KindKnown", edit(16, "    kinds: [call, sms]"), []string{
			`p.yaml:16: registers[1].kinds[1]: unknown kind "sms" (allowed: call, chat, email, contact_request, counselling_workspace, note)`,
		}},
		// Every contact must land in exactly one register, or its retention
		// would be ambiguous.
		{"KindInOneRegisterOnly", withRegister(`  - id: more_calls
    name: Lisää puheluita
    records: contacts
    kinds: [chat, call]
    purposes: [Asiakaspalvelu]
    legal_basis: {gdpr: [6(1)(f)]}
    data_categories: [Puhelinnumero]
    retention: [{part: metadata, keep: 1y, from: contact_end}]
`), []string{
			`p.yaml:27: registers[2].kinds[1]: kind "call" already belongs to register "calls" (line 16); a kind is kept in one register`,
		}},
		{"KindsOnlyInContactsRegister", edit(7, "    records: subjects\n    kinds: [note]"), []string{
			"p.yaml:8: registers[0].kinds: only a register with records: contacts has kinds",
		}},
		{"PurposesRequired", edit(17, "    purposes: []"), []string{
			"p.yaml:17: registers[1].purposes: empty; state at least one purpose",
		}},
		{"PurposesMissing", edit(17, ""), []string{
			"p.yaml:13: registers[1].purposes: missing; state at least one purpose",
		}},
		{"LegalBasisRequired", edit(18, ""), []string{
			"p.yaml:13: registers[1].legal_basis: missing; give the GDPR art. 6(1) point(s) (gdpr: [6(1)(b)])",
		}},
		{"LegalBasisNeedsGDPRPoint", edit(18, "    legal_basis: {national: [Laki sähköisen viestinnän palveluista]}"), []string{
			"p.yaml:18: registers[1].legal_basis.gdpr: missing; give at least one GDPR art. 6(1) point, e.g. 6(1)(b)",
		}},
		// Seeds 001, 002, 004: the basis is a point of GDPR art. 6(1).
		{"GDPRPointKnown", edit(18, "    legal_basis: {gdpr: [6(1)(g), 6.1.f]}"), []string{
			`p.yaml:18: registers[1].legal_basis.gdpr[0]: unknown GDPR point "6(1)(g)" (allowed: 6(1)(a), 6(1)(b), 6(1)(c), 6(1)(d), 6(1)(e), 6(1)(f))`,
			`p.yaml:18: registers[1].legal_basis.gdpr[1]: unknown GDPR point "6.1.f" (allowed: 6(1)(a), 6(1)(b), 6(1)(c), 6(1)(d), 6(1)(e), 6(1)(f))`,
		}},
		{"DataCategoriesRequired", edit(19, ""), []string{
			"p.yaml:13: registers[1].data_categories: missing; list the categories of personal data",
		}},
		// Seed 004 §7: possible processing outside the EU/EEA is described.
		{"TransfersOutsideEEANeedDescription", edit(19, "    data_categories: [Puhelinnumero]\n    transfers: {outside_eea: true}"), []string{
			"p.yaml:20: registers[1].transfers.description: missing; when data may leave the EU/EEA, say when and on what safeguards (GDPR art. 13(1)(f))",
		}},
		// Seeds 001 and 002: erasure exceptions are grounds Kirjaamo knows
		// (open invoices, debt collection, statutory tasks, …).
		{"ErasureExceptionKnown", edit(19, "    data_categories: [Puhelinnumero]\n    erasure_exceptions: [statutory_task, unpaid_fee]"), []string{
			`p.yaml:20: registers[1].erasure_exceptions[1]: unknown erasure exception "unpaid_fee" (allowed: statutory_task, open_invoice, debt_collection, legal_claim, contact_person, authority_request)`,
		}},
		// --- access ---
		{"RoleKnown", edit(20, "    access: {read: [agent, boss], recording: [supervisor]}"), []string{
			`p.yaml:20: registers[1].access.read[1]: unknown role "boss" (allowed: agent, supervisor, dpo, admin, auditor)`,
		}},
		{"ActionKnown", edit(20, "    access: {read: [agent], delete: [admin], recording: [supervisor]}"), []string{
			"p.yaml:20: registers[1].access.delete: unknown action; allowed in access: read, write, export, recording",
		}},
		{"RequirePurposeActionKnown", edit(20, "    access: {read: [agent], recording: [supervisor]}\n    require_purpose: [read, search]"), []string{
			`p.yaml:21: registers[1].require_purpose[1]: unknown action "search" (allowed: read, write, export, recording)`,
		}},
		// Seed 003: only designated roles handle recordings; the permission
		// means nothing where no recordings are kept.
		{"RecordingAccessNeedsRecordings", edit(23, ""), []string{
			"p.yaml:20: registers[1].access.recording: this register keeps no recordings (no retention rule for part recording)",
		}},
		{"RecordingNoticeIsBoolean", edit(20, "    access: {read: [agent], recording: [supervisor]}\n    recording_notice: yes"), []string{
			`p.yaml:21: registers[1].recording_notice: expected true or false, got the text "yes"`,
		}},
		// Seed 003: the recording announcement concerns calls.
		{"RecordingNoticeOnlyForCalls", edit(16, "    kinds: [chat]\n    recording_notice: true"), []string{
			"p.yaml:17: registers[1].recording_notice: only calls are recorded, and this register has no kind call",
			"p.yaml:24: registers[1].retention[1].part: only calls have recordings, and this register has no kind call",
		}},
		{"KindsIsAList", edit(16, "    kinds: call"), []string{
			`p.yaml:16: registers[1].kinds: expected a list, got the text "call"`,
			"p.yaml:16: registers[1].kinds: a contacts register needs kinds (allowed: call, chat, email, contact_request, counselling_workspace, note)",
			"p.yaml:23: registers[1].retention[1].part: only calls have recordings, and this register has no kind call",
		}},
		// --- retention ---
		{"RetentionRequired", editLines(20, 23, "    access: {read: [agent]}"), []string{
			"p.yaml:13: registers[1].retention: missing; every register needs retention rules",
		}},
		{"RetentionEmpty", editLines(20, 23, "    access: {read: [agent]}\n    retention: []"), []string{
			"p.yaml:21: registers[1].retention: empty; every register needs retention rules",
		}},
		{"PartKnown", edit(22, "      - {part: transcript, keep: 2y, from: contact_end}"), []string{
			"p.yaml:21: registers[1].retention: no rule for part metadata, which every record of a register with records: contacts has",
			`p.yaml:22: registers[1].retention[0].part: unknown part "transcript" (allowed: subject, metadata, content, recording, visitor_metadata, attachment, statistics)`,
		}},
		// Seed 004: retention is per part (call metadata 2 years, recordings
		// 3 months); a subject record has no content part.
		{"PartMeaningfulForRecords", edit(12, "      - {part: subject, keep: 10y, from: relationship_end}\n      - {part: content, keep: 10y, from: relationship_end}"), []string{
			`p.yaml:13: registers[0].retention[1].part: part "content" does not belong in a register with records: subjects (allowed: subject)`,
		}},
		// One part, one period: two rules for call metadata would contradict.
		{"PartOnce", edit(23, "      - {part: metadata, keep: 3m, from: contact_end}"), []string{
			"p.yaml:20: registers[1].access.recording: this register keeps no recordings (no retention rule for part recording)",
			`p.yaml:23: registers[1].retention[1].part: part "metadata" already has a rule (line 22)`,
		}},
		{"DurationValid", edit(23, "      - {part: recording, keep: 3 months, from: contact_end}"), []string{
			`p.yaml:23: registers[1].retention[1].keep: bad duration "3 months": write the number and unit together, e.g. 6m, 180d or 1y6m`,
		}},
		{"DurationNotZero", edit(23, "      - {part: recording, keep: 0d, from: contact_end}"), []string{
			`p.yaml:23: registers[1].retention[1].keep: zero duration "0d"; a rule keeps a part for some time`,
		}},
		{"KeepRequired", edit(23, "      - {part: recording, from: contact_end}"), []string{
			"p.yaml:23: registers[1].retention[1].keep: missing; a duration such as 180d, 6m or 10y",
		}},
		{"EventKnown", edit(23, "      - {part: recording, keep: 3m, from: hangup}"), []string{
			`p.yaml:23: registers[1].retention[1].from: unknown event "hangup" (allowed: created, contact_end, relationship_end, last_activity, closed)`,
		}},
		// Seed 001: a customer's period runs from the end of the relationship.
		{"ContactEndMeaninglessForSubjects", edit(12, "      - {part: subject, keep: 10y, from: contact_end}"), []string{
			"p.yaml:12: registers[0].retention[0].from: contact_end means nothing for a subject; use relationship_end, last_activity or created",
		}},
		// Seed 002: recordings 6 months, extendable to at most 12; a cap
		// that is not longer than keep would extend nothing.
		{"ExtensionCapLongerThanKeep", edit(23, "      - {part: recording, keep: 6m, from: contact_end, extension: {reasons: [complaint], cap: 180d}}"), []string{
			"p.yaml:23: registers[1].retention[1].extension.cap: cap 180d must be longer than keep 6m (the cap is counted from the same start, not added to keep)",
		}},
		{"ExtensionNeedsReasons", edit(23, "      - {part: recording, keep: 6m, from: contact_end, extension: {cap: 12m}}"), []string{
			"p.yaml:23: registers[1].retention[1].extension.reasons: missing; list the reasons a record may be kept longer (e.g. complaint)",
		}},
		{"ExtensionReasonIsAWord", edit(23, "      - {part: recording, keep: 6m, from: contact_end, extension: {reasons: [Reklamaatio], cap: 12m}}"), []string{
			`p.yaml:23: registers[1].retention[1].extension.reasons[0]: "Reklamaatio" is not a valid reason: use a word like complaint or quality_project (a–z, 0–9, _)`,
		}},
		{"ExtensionCapRequired", edit(23, "      - {part: recording, keep: 6m, from: contact_end, extension: {reasons: [complaint]}}"), []string{
			"p.yaml:23: registers[1].retention[1].extension.cap: missing; the longest retention with the extension, from the rule's start event",
		}},
		{"RuleUnknownKeyNamed", edit(23, "      - {part: recording, keep: 3m, from: contact_end, until: 2030}"), []string{
			"p.yaml:23: registers[1].retention[1].until: unknown key; allowed in a retention rule: part, keep, from, extension",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol, err := Parse("p.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded, want problems:\n%s", strings.Join(tc.want, "\n"))
			}
			if pol != nil {
				t.Errorf("Parse returned a policy with problems")
			}
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("error is %T, want Problems", err)
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tc.want, "\n      "))
			}
		})
	}
}

// A small file must not make the checker do unbounded work: aliases can
// expand a few lines into millions of entries ("billion laughs"), and a
// generated file can hold thousands of mistakes.
func TestParseBounded(t *testing.T) {
	texts := "[" + strings.Repeat("Nimi, ", 2000) + "]"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"AliasExpansionBounded",
			"version: 1\nregisters:\n  - {id: a, purposes: &t " + texts + "}\n" + strings.Repeat("  - {purposes: *t, data_categories: *t, sources: *t}\n", 1000),
			"p.yaml:3: the policy expands to more than 200000 entries (through aliases?); refusing it"},
		{"ProblemsCapped",
			"registers:\n" + strings.Repeat("  - {kinds: [x, y]}\n", 1000),
			"p.yaml: stopped after 500 problems; fix these first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse("p.yaml", []byte(tc.yaml))
			// The messages below prove the bound; the time guard only
			// catches a regression to unbounded work (it took ~40 s), with
			// room for a loaded CI machine.
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("Parse took %v", d)
			}
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("err = %v, want Problems", err)
			}
			if len(probs) > 501 {
				t.Errorf("%d problems, want at most 501", len(probs))
			}
			found := false
			for _, p := range probs {
				found = found || p.String() == tc.want
			}
			if !found {
				t.Errorf("no problem %q among %d", tc.want, len(probs))
			}
		})
	}
}

func TestLoadUnreadableFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yaml")
	want := "testdata/does-not-exist.yaml: cannot read policy file: no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("Load = %v, want %s", err, want)
	}
	var probs Problems
	if !errors.As(err, &probs) || probs[0].Line != 0 {
		t.Errorf("want Problems with line 0, got %#v", err)
	}
}

func TestLoadBrokenFixture(t *testing.T) {
	_, err := Load("testdata/broken.yaml")
	want := []string{
		"testdata/broken.yaml:3: controller.name: missing",
		`testdata/broken.yaml:9: registers[0].records: unknown value "subject" (allowed: subjects, contacts, statistics)`,
		"testdata/broken.yaml:14: registers[0].retention[0].keep: zero duration \"0y\"; a rule keeps a part for some time",
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("Load:\n got: %v\nwant: %s", err, strings.Join(want, "\n"))
	}
}
