package cdr

import (
	"os"
	"strings"
	"testing"
)

func TestLoadMapping(t *testing.T) {
	t.Run("FinnishPBXExample", func(t *testing.T) {
		m := loadPBX(t)
		if m.Delimiter != ';' || m.Encoding != "windows-1252" || !m.Header || m.Location.String() != "Europe/Helsinki" {
			t.Errorf("got delimiter %q encoding %s header %v zone %s", m.Delimiter, m.Encoding, m.Header, m.Location)
		}
		if f := m.Fields[fDirection]; f == nil || f.Values["SIS"] != "inbound" || f.Column != "Suunta" {
			t.Errorf("got direction %+v", f)
		}
		if f := m.Fields[fNoticeMethod]; f.Values["LÄHTEVÄ"] != "outbound_announcement" {
			t.Errorf("got notice values %v", f.Values)
		}
		if f := m.Fields[fAgent]; f.Required {
			t.Error("agent: got required, want optional as the mapping says")
		}
	})
	t.Run("DocsExampleIsTheTestdata", func(t *testing.T) {
		// docs/cdr.md shows testdata/finnish-pbx.yaml; keep them the same.
		doc, err := os.ReadFile("../../docs/cdr.md")
		if err != nil {
			t.Skip("docs/cdr.md not found")
		}
		want, _ := os.ReadFile("testdata/finnish-pbx.yaml")
		if !strings.Contains(string(doc), string(want)) {
			t.Error("docs/cdr.md does not contain testdata/finnish-pbx.yaml verbatim")
		}
	})
	t.Run("DocsSampleExportImports", func(t *testing.T) {
		doc, err := os.ReadFile("../../docs/cdr.md")
		if err != nil {
			t.Skip("docs/cdr.md not found")
		}
		_, sample, ok := strings.Cut(string(doc), "```\nPuheluID;")
		sample, _, _ = strings.Cut(sample, "```")
		if !ok {
			t.Fatal("docs/cdr.md has no sample export")
		}
		got, rep, err := collect(t, toCP1252("PuheluID;"+sample), loadPBX(t), Options{})
		if err != nil || len(got) != 2 || got[1].Notice == nil || got[1].Direction != "outbound" {
			t.Errorf("got %d calls, %v, %v; want the two sample calls", len(got), rep.Problems, err)
		}
	})
	t.Run("MissingFile", func(t *testing.T) {
		_, err := LoadMapping("testdata/nope.yaml")
		if err == nil || !strings.HasPrefix(err.Error(), "testdata/nope.yaml: cannot read the mapping") {
			t.Errorf("got %v", err)
		}
	})
}

// TestMappingProblems: each rule of the mapping format, reported as FILE:LINE.
func TestMappingProblems(t *testing.T) {
	const fields = "fields:\n  caller_number: a\n  started_at: s\n  duration: d\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"OK", fields, ""},
		{"NotYAML", "fields: [\n", "not valid YAML: did not find expected node content"},
		{"Empty", "", "m.yaml:1: the mapping is empty"},
		{"UnknownTopKey", "delimeter: ;\n" + fields, "m.yaml:1: unknown key delimeter at the top level"},
		{"UnknownField", fields + "  callr: x\n", "m.yaml:5: unknown key callr under fields"},
		{"BadDelimiter", "delimiter: '|'\n" + fields, `m.yaml:1: delimiter: must be ",", ";" or tab`},
		{"BadEncoding", "encoding: utf-16\n" + fields, "m.yaml:1: encoding: must be utf-8, iso-8859-1 or windows-1252"},
		{"BadTimeZone", "time_zone: Helsinki\n" + fields, "m.yaml:1: time_zone: not a known IANA time zone"},
		{"HeaderNotBool", "header: kyllä\n" + fields, "m.yaml:1: header: must be true or false"},
		{"NoFields", "header: true\n", "m.yaml:1: fields: missing"},
		{"CallerNumberRequired", "fields:\n  started_at: s\n  duration: d\n", "m.yaml:2: fields: caller_number is required"},
		{"StartRequired", "fields:\n  caller_number: a\n  duration: d\n", "m.yaml:2: fields: started_at is required"},
		{"EndOrDurationRequired", "fields:\n  caller_number: a\n  started_at: s\n", "m.yaml:2: fields: name ended_at or duration"},
		{"ColumnNameWithoutHeader", "header: false\n" + fields, "m.yaml:3: caller_number: column: the file has no header row"},
		{"ColumnIndexZero", "fields:\n  caller_number: 0\n  started_at: s\n  duration: d\n", "m.yaml:2: caller_number: column: a column number must be 1–10000"},
		{"ColumnOrDefault", fields + "  agent: {required: false}\n", "m.yaml:5: agent: name a column, or give a default"},
		{"DefaultIsChecked", fields + "  service_number: {default: '12'}\n", "m.yaml:5: service_number: default: phone number must start with 0"},
		{"DefaultOK", fields + "  service_number: {default: '0295 000 000'}\n", ""},
		{"TimeFormatUnknown", fields + "  ended_at: {column: e, format: 'DD.MM.YYYY'}\n", "m.yaml:5: ended_at: format: must be finnish, iso8601"},
		{"TopTimeFormatUnknown", "time_format: suomalainen\n" + fields, "m.yaml:1: time_format: must be finnish"},
		{"DurationFormat", "fields:\n  caller_number: a\n  started_at: s\n  duration: {column: d, format: minutes}\n", "m.yaml:4: duration: format: must be seconds or hms"},
		{"DurationFromAnsweredNeedsAnswered", "fields:\n  caller_number: a\n  started_at: s\n  duration: {column: d, from: answered_at}\n", "m.yaml:4: duration: from: answered_at needs answered_at mapped"},
		{"DirectionValueTarget", fields + "  direction: {column: x, values: {IN: sisään}}\n", "m.yaml:5: direction: values: IN: must map to inbound or outbound"},
		{"NoticeValueTarget", fields + "  notice_method: {column: x, values: {A: alussa}}\n", "m.yaml:5: notice_method: values: A: must map to one of announcement_at_start"},
		{"NoticePartsNeedMethod", fields + "  notice_version: v\n", "m.yaml:5: notice_version: needs notice_method"},
		{"KeyNotAllowedForField", fields + "  agent: {column: x, format: hms}\n", "m.yaml:5: unknown key format under agent"},
		{"RepeatedKey", fields + "  caller_number: b\n", "m.yaml:5: under fields: key caller_number repeated (first at line 2)"},
		{"EmptySeparator", fields + "  ivr_path: {column: x, separator: ''}\n", "m.yaml:5: ivr_path: separator: must not be empty"},
		{"Alias", "x: &a s\n" + fields, "m.yaml:1: unknown key x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMapping("m.yaml", []byte(tc.yaml))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no problem", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("AllProblemsInLineOrder", func(t *testing.T) {
		_, err := ParseMapping("m.yaml", []byte("encoding: x\ndelimiter: x\nfields:\n  started_at: s\n"))
		ps, _ := err.(Problems)
		if len(ps) != 4 || ps[0].Line != 1 || ps[1].Line != 2 {
			t.Errorf("got %v, want four problems from line 1 on", err)
		}
	})
}
