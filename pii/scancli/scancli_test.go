package scancli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/pii/piitest"
)

func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestJSONL(t *testing.T) {
	hetu := piitest.HETUFor(1, 1, 90, '-', 123)
	t.Run("OneLinePerInputLineWithByteOffsets", func(t *testing.T) {
		// "ä" is two bytes: offsets count bytes of the UTF-8 text, not runes.
		in := `{"text":"Hetu ` + hetu + `"}` + "\n" +
			`{"text":"ä puh 040 123 4567","id":7}` + "\n" +
			`{"text":""}` + "\n" +
			`{"text":"tili FI21 1234 5600 0007 85"}`
		want := `{"findings":[{"type":"fi_personal_identity_code","start":5,"end":16,"validated":true}]}` + "\n" +
			`{"findings":[{"type":"phone_number","start":7,"end":19,"validated":false}]}` + "\n" +
			`{"findings":[]}` + "\n" +
			`{"findings":[{"type":"iban","start":5,"end":27,"validated":true}]}` + "\n"
		out, errs, code := run(t, in, "--jsonl")
		if out != want || code != 0 {
			t.Errorf("got status %d, stderr %q, output\n%s\nwant\n%s", code, errs, out, want)
		}
	})
	t.Run("EscapedUnicodeOffsetsAreUTF8Bytes", func(t *testing.T) {
		out, _, _ := run(t, `{"text":"\u00e4\u00e4 a@example.fi"}`+"\n", "--jsonl")
		want := `{"findings":[{"type":"email_address","start":5,"end":17,"validated":false}]}` + "\n"
		if out != want {
			t.Errorf("got %s want %s", out, want)
		}
	})
	t.Run("InvalidLineGivesErrorAndStatus1", func(t *testing.T) {
		in := "{not json\n" + `{"text":"x"}` + "\r\n" + `{"id":1}` + "\n"
		out, _, code := run(t, in, "--jsonl")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 || code != 1 {
			t.Fatalf("got status %d, %d lines: %q", code, len(lines), out)
		}
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(lines[0]), &e); err != nil || e.Error == "" {
			t.Errorf("line 1 = %s, want an error object", lines[0])
		}
		if lines[1] != `{"findings":[]}` {
			t.Errorf("line 2 = %s, want no findings", lines[1])
		}
		if !strings.Contains(lines[2], `"error"`) {
			t.Errorf("line 3 = %s, want an error for the missing text", lines[2])
		}
	})
	t.Run("ByteOrderMarkIgnored", func(t *testing.T) {
		out, _, code := run(t, "\xef\xbb\xbf"+`{"text":"a@example.fi"}`+"\n", "--jsonl")
		if code != 0 || out != `{"findings":[{"type":"email_address","start":0,"end":12,"validated":false}]}`+"\n" {
			t.Errorf("got %d %s", code, out)
		}
	})
	t.Run("LongLine", func(t *testing.T) {
		text := strings.Repeat("sana ", 500000) + "a@example.fi"
		b, _ := json.Marshal(map[string]string{"text": text})
		out, _, code := run(t, string(b), "--jsonl")
		if code != 0 || !strings.Contains(out, `"start":2500000`) {
			t.Errorf("status %d, output %.200s", code, out)
		}
	})
}

func TestScanLines(t *testing.T) {
	hetu := piitest.HETUFor(1, 1, 90, '-', 123)
	out, _, code := run(t, "Hetu "+hetu+", puh 040 123 4567\n")
	want := "-:5:fi_personal_identity_code:" + hetu[:7] + "***" + hetu[10:] + "\n" +
		"-:22:phone_number:040 *** **67\n"
	if out != want || code != 0 {
		t.Errorf("got %d %q, want %q", code, out, want)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("posti a@example.fi"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, "", file, filepath.Join(dir, "missing.txt"))
	if out != file+":6:email_address:a***@example.fi\n" || code != 1 {
		t.Errorf("got %d %q", code, out)
	}
}

func TestRedact(t *testing.T) {
	hetu := piitest.HETUFor(1, 1, 90, '-', 123)
	in := "Hetu " + hetu + ", puh 040 123 4567.\n"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"Redact", []string{"--redact"}, "Hetu [fi_personal_identity_code], puh [phone_number].\n"},
		{"Mask", []string{"--redact", "--mask"}, "Hetu " + hetu[:7] + "***" + hetu[10:] + ", puh 040 *** **67.\n"},
		{"FlagsAfterFile", []string{"-", "--redact"}, "Hetu [fi_personal_identity_code], puh [phone_number].\n"},
		{"OnlyPhones", []string{"--redact", "--types", "phone_number"}, "Hetu " + hetu + ", puh [phone_number].\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := run(t, in, tc.args...)
			if out != tc.want || code != 0 {
				t.Errorf("got %d %q (stderr %q), want %q", code, out, errs, tc.want)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--nope"}, {"--mask"}, {"--redact", "--jsonl"}, {"--types", "shoe_size"},
		{"--redact", "--operator", "hash"}, // hash needs a key
	} {
		if _, _, code := run(t, "", args...); code != 2 {
			t.Errorf("%v: status %d, want 2", args, code)
		}
	}
	if _, _, code := run(t, "", "-h"); code != 0 {
		t.Errorf("-h: status %d, want 0", code)
	}
}
