package cdr

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

func TestImport(t *testing.T) {
	m := loadPBX(t)
	data := export(40, nil)
	var sizes []int
	var got []Call
	rep, err := Import(bytes.NewReader(data), "calls.csv", m, func(b []Call) error {
		sizes = append(sizes, len(b))
		got = append(got, b...)
		return nil
	}, Options{BatchSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 40 || rep.Good != 40 || rep.Bad != 0 || rep.Delivered != 40 {
		t.Fatalf("got report %+v, want 40 rows all good and delivered", rep)
	}
	t.Run("BatchesOfBatchSize", func(t *testing.T) {
		if !slices.Equal(sizes, []int{16, 16, 8}) {
			t.Errorf("got batch sizes %v, want [16 16 8]", sizes)
		}
	})
	c := got[0]
	t.Run("PhonesInE164", func(t *testing.T) {
		if !strings.HasPrefix(c.CallerNumber, "+35840") || c.ServiceNumber != "+358295000000" {
			t.Errorf("got caller %q service %q, want +35840… and +358295000000", c.CallerNumber, c.ServiceNumber)
		}
	})
	t.Run("FinnishTimeInHelsinkiToUTC", func(t *testing.T) {
		want := time.Date(2026, 1, 2, 6, 0, 0, 0, time.UTC) // 08.00 EET
		if !c.StartedAt.Equal(want) || c.StartedAt.Location() != time.UTC {
			t.Errorf("got started_at %v, want %v", c.StartedAt, want)
		}
	})
	t.Run("DurationHMSGivesEnd", func(t *testing.T) {
		if d := c.EndedAt.Sub(c.StartedAt); d != time.Minute {
			t.Errorf("got duration %v, want 1m0s (0:01:00)", d)
		}
	})
	t.Run("DirectionMapped", func(t *testing.T) {
		if c.Direction != "inbound" || got[3].Direction != "outbound" {
			t.Errorf("got %q and %q, want inbound and outbound", c.Direction, got[3].Direction)
		}
	})
	t.Run("IVRPathSplit", func(t *testing.T) {
		if !slices.Equal(c.IVRPath, []string{"Päävalikko", "Laskutus"}) {
			t.Errorf("got %q, want [Päävalikko Laskutus]", c.IVRPath)
		}
	})
	t.Run("Windows1252Decoded", func(t *testing.T) {
		if c.Agent == "" || !strings.Contains(c.Agent, " ") {
			t.Errorf("got agent %q, want a decoded name", c.Agent)
		}
	})
	t.Run("NoticeRecorded", func(t *testing.T) {
		n := c.Notice
		if n == nil || n.Method != kirjaamo.NoticeIVRBranch || n.AnnouncementVersion != "2026-01" || !n.At.Equal(c.StartedAt.Add(5*time.Second)) {
			t.Errorf("got notice %+v, want ivr_branch 2026-01 five seconds in", n)
		}
	})
	t.Run("UnansweredCallHasNoAnswerTime", func(t *testing.T) {
		if !got[9].AnsweredAt.IsZero() || got[9].Agent != "" {
			t.Errorf("got answered %v agent %q, want none", got[9].AnsweredAt, got[9].Agent)
		}
	})
	t.Run("LineIsPhysicalLine", func(t *testing.T) {
		if got[0].Line != 2 || got[39].Line != 41 {
			t.Errorf("got lines %d and %d, want 2 and 41", got[0].Line, got[39].Line)
		}
	})
	t.Run("ContactValidates", func(t *testing.T) {
		ct := c.Contact("asiakaspalvelu")
		if err := ct.Validate(); err != nil {
			t.Fatal(err)
		}
		if ct.Metadata["caller_number"] != c.CallerNumber || ct.Metadata["external_id"] != "C00000000" {
			t.Errorf("got metadata %v", ct.Metadata)
		}
	})
}

// TestRowRules: one rule per case; each breaks one cell of a good row.
func TestRowRules(t *testing.T) {
	m := loadPBX(t)
	for _, tc := range []struct {
		name string
		edit func(c []string)
		want string // "" = the row is good; otherwise a part of the message
	}{
		{"OK", func(c []string) {}, ""},
		{"PhoneInternational00", func(c []string) { c[cA] = "0046 70 123 4567" }, ""},
		{"PhoneWithLetters", func(c []string) { c[cA] = "040-ABC" }, `column "A-numero" (caller_number): phone number may contain only`},
		{"PhoneTooShort", func(c []string) { c[cB] = "0295" }, `column "B-numero" (service_number): phone number has the wrong number of digits`},
		{"CallerRequired", func(c []string) { c[cA] = "" }, `column "A-numero" (caller_number): required but empty`},
		{"ExternalIDRequired", func(c []string) { c[cID] = " " }, `column "PuheluID" (external_id): required but empty`},
		{"AgentOptional", func(c []string) { c[cAgent] = "" }, ""},
		{"DirectionUnmapped", func(c []string) { c[cDir] = "SISÄÄN" }, `column "Suunta" (direction): not one of the mapped values SIS, ULOS`},
		{"DirectionCaseInsensitive", func(c []string) { c[cDir] = "sis" }, ""},
		{"StartNotATime", func(c []string) { c[cStart] = "2026-01-02 08:00" }, `column "Alkoi" (started_at): not a time in the format finnish`},
		{"StartDateDoesNotExist", func(c []string) { c[cStart] = "31.2.2026 08.00.00" }, `not a time`},
		{"SkippedSpringHourDoesNotExist", func(c []string) {
			c[cStart] = "29.3.2026 03.30.00"
			c[cAnswer] = ""
			c[cNoticeAt] = ""
			c[cNotice], c[cNoticeVer] = "", ""
		}, `column "Alkoi" (started_at): not a time`},
		{"FinnishTimeWithColons", func(c []string) { c[cStart] = "2.1.2026 8:00:00" }, ""},
		{"FinnishTimeWithoutSeconds", func(c []string) { c[cStart] = "02.01.2026 08.00" }, ""},
		{"DurationNotHMS", func(c []string) { c[cDur] = "75" }, `column "Kesto" (duration): not a duration of the form H:MM:SS`},
		{"DurationOverAWeek", func(c []string) { c[cDur] = "200:00:00" }, `at most 7 days`},
		{"AnsweredBeforeStart", func(c []string) { c[cAnswer] = "2.1.2026 07.59.00" }, `column "Vastattu" (answered_at): answered before the call started`},
		{"AnsweredAfterEnd", func(c []string) { c[cAnswer] = "2.1.2026 09.00.00" }, `answered after the call ended`},
		{"NoticeMethodUnknown", func(c []string) { c[cNotice] = "EI" }, `column "Tiedote" (notice_method): not one of the mapped values ALKU, IVR, LÄHTEVÄ, SOPIMUS`},
		{"NoticeNeedsVersion", func(c []string) { c[cNoticeVer] = "" }, `column "Tiedoteversio" (notice_version): name the version`},
		{"NoticeNeedsTime", func(c []string) { c[cNoticeAt] = "" }, `column "Tiedote klo" (notice_at): the time the caller was informed is required`},
		{"NoticeContractExemptNeedsNoVersion", func(c []string) { c[cNotice] = "SOPIMUS"; c[cNoticeVer] = "" }, ""},
		{"NoticePartsWithoutMethod", func(c []string) { c[cNotice] = "" }, `column "Tiedote" (notice_method): empty, but notice_at or notice_version is given`},
		{"NoNoticeAtAll", func(c []string) { c[cNotice], c[cNoticeAt], c[cNoticeVer] = "", "", "" }, ""},
		{"TextTooLong", func(c []string) { c[cAgent] = strings.Repeat("a", 1001) }, `column "Agentti" (agent): longer than 1000 bytes`},
		{"AllProblemsOfTheRowInOneMessage", func(c []string) { c[cA] = ""; c[cDir] = "X" }, `(caller_number): required but empty; column "Suunta"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := export(1, func(i int, c []string) []string { tc.edit(c); return c })
			got, rep, err := collect(t, data, m, Options{SkipBad: true})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if rep.Bad != 0 || len(got) != 1 {
					t.Fatalf("got problems %v, want the row to be good", rep.Problems)
				}
				return
			}
			if rep.Bad != 1 || len(got) != 0 {
				t.Fatalf("got %d bad and %d delivered, want the row bad", rep.Bad, len(got))
			}
			p := rep.Problems[0].String()
			if !strings.HasPrefix(p, "calls.csv:2: ") || !strings.Contains(p, tc.want) {
				t.Errorf("got %q, want calls.csv:2: …%s…", p, tc.want)
			}
		})
	}
}

// TestTimeFormats: each time format a mapping can name.
func TestTimeFormats(t *testing.T) {
	for _, tc := range []struct {
		name, format, start, end string
		want                     time.Time
	}{
		{"ISO8601WithOffset", "iso8601", "2026-07-01T10:00:00+03:00", "2026-07-01T10:05:00+03:00", time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC)},
		{"ISO8601Z", "iso8601", "2026-07-01T07:00:00.250Z", "2026-07-01T07:05:00Z", time.Date(2026, 7, 1, 7, 0, 0, 250e6, time.UTC)},
		{"ISO8601WithoutOffsetIsHelsinkiSummerTime", "iso8601", "2026-07-01 10:00:00", "2026-07-01 10:05:00", time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC)},
		{"UnixSeconds", "unix", "1782889200", "1782889500", time.Unix(1782889200, 0).UTC()},
		{"UnixMilliseconds", "unix_ms", "1782889200000", "1782889500000", time.Unix(1782889200, 0).UTC()},
		// 25.10.2026 03.30 happens twice in Helsinki (clocks go back at 04.00 EEST).
		{"RepeatedHourIsTheFirstInstantFinnish", "finnish", "25.10.2026 03.30.00", "25.10.2026 03.35.00", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"RepeatedHourIsTheFirstInstantISO", "iso8601", "2026-10-25T03:30:00", "2026-10-25T03:35:00", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"RepeatedHourIsTheFirstInstantLayout", "2006-01-02 15:04", "2026-10-25 03:30", "2026-10-25 03:35", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"AfterTheRepeatedHour", "finnish", "25.10.2026 04.30.00", "25.10.2026 04.35.00", time.Date(2026, 10, 25, 2, 30, 0, 0, time.UTC)},
		{"GoLayout", "02/01/2006 15:04", "01/07/2026 10:00", "01/07/2026 10:05", time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMapping("m.yaml", []byte("time_format: \""+tc.format+"\"\nfields:\n  caller_number: a\n  started_at: s\n  ended_at: e\n"))
			if err != nil {
				t.Fatal(err)
			}
			got, rep, err := collect(t, []byte("a,s,e\n040 000 0000,"+tc.start+","+tc.end+"\n"), m, Options{})
			if err != nil {
				t.Fatal(err, rep.Problems)
			}
			if !got[0].StartedAt.Equal(tc.want) || got[0].EndedAt.Sub(got[0].StartedAt) != 5*time.Minute-time.Duration(got[0].StartedAt.Nanosecond()) {
				t.Errorf("got %v – %v, want start %v and five minutes", got[0].StartedAt, got[0].EndedAt, tc.want)
			}
		})
	}
}

func TestDurationRules(t *testing.T) {
	for _, tc := range []struct {
		name, field, answered, dur string
		want                       time.Duration // from start to end; -1 = bad row
	}{
		{"SecondsFromStart", "{column: d}", "", "125", 125 * time.Second},
		{"DecimalSeconds", "{column: d}", "", "1.5", 1500 * time.Millisecond},
		{"FromAnswered", "{column: d, from: answered_at}", "2026-01-02T08:00:30", "60", 90 * time.Second},
		{"FromAnsweredUnansweredZero", "{column: d, from: answered_at}", "", "0", 0},
		{"FromAnsweredUnansweredNonZero", "{column: d, from: answered_at}", "", "10", -1},
		{"NegativeIsBad", "{column: d}", "", "-5", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMapping("m.yaml", []byte("fields:\n  caller_number: a\n  started_at: s\n  answered_at: an\n  duration: "+tc.field+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			got, rep, _ := collect(t, []byte("a,s,an,d\n040 000 0000,2026-01-02T08:00:00,"+tc.answered+","+tc.dur+"\n"), m, Options{SkipBad: true})
			if tc.want < 0 {
				if rep.Bad != 1 {
					t.Errorf("got %d bad rows, want 1", rep.Bad)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got problems %v, want a good row", rep.Problems)
			}
			if d := got[0].EndedAt.Sub(got[0].StartedAt); d != tc.want {
				t.Errorf("got %v, want %v", d, tc.want)
			}
		})
	}
}

func TestEndBeforeStart(t *testing.T) {
	m, err := ParseMapping("m.yaml", []byte("fields:\n  caller_number: a\n  started_at: s\n  ended_at: e\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, rep, err := collect(t, []byte("a,s,e\n040 000 0000,2026-01-02T08:00:00,2026-01-02T07:59:59\n"), m, Options{})
	if !errors.Is(err, ErrBadRows) || len(rep.Problems) != 1 {
		t.Fatalf("got %v %v, want ErrBadRows and one problem", err, rep.Problems)
	}
	if want := `calls.csv:2: column "e" (ended_at): the call ends before it starts`; !strings.HasPrefix(rep.Problems[0].String(), want) {
		t.Errorf("got %q, want %q", rep.Problems[0], want)
	}
}

// TestAllOrNothing: one bad row in a thousand and nothing is delivered; the
// problem names the line.
func TestAllOrNothing(t *testing.T) {
	m := loadPBX(t)
	data := export(1000, func(i int, c []string) []string {
		if i == 499 {
			c[cA] = "040 12X 4567"
		}
		return c
	})
	calls := 0
	rep, err := Import(bytes.NewReader(data), "calls.csv", m, func(b []Call) error { calls++; return nil }, Options{BatchSize: 10})
	if !errors.Is(err, ErrBadRows) {
		t.Fatalf("got error %v, want ErrBadRows", err)
	}
	if calls != 0 || rep.Delivered != 0 {
		t.Errorf("fn called %d times, want never", calls)
	}
	if rep.Rows != 1000 || rep.Bad != 1 || len(rep.Problems) != 1 || rep.Problems[0].Line != 501 {
		t.Errorf("got %+v, want 1000 rows and one problem on line 501", rep)
	}
	t.Run("MessageDoesNotQuoteTheValue", func(t *testing.T) {
		if s := rep.Problems[0].String(); strings.Contains(s, "12X") || strings.Contains(s, "4567") {
			t.Errorf("problem %q quotes the cell", s)
		}
	})
	t.Run("SkipBadDeliversTheRest", func(t *testing.T) {
		got, rep, err := collect(t, data, m, Options{SkipBad: true})
		if err != nil || len(got) != 999 || rep.Bad != 1 || rep.Problems[0].Line != 501 {
			t.Errorf("got %d calls, report %+v, error %v; want 999 and line 501", len(got), rep, err)
		}
	})
	t.Run("ValidateDeliversNothing", func(t *testing.T) {
		rep, err := Validate(bytes.NewReader(data), "calls.csv", m, Options{})
		if err != nil || rep.Bad != 1 || rep.Good != 999 {
			t.Errorf("got %+v %v", rep, err)
		}
	})
	t.Run("ImportOpenOpensTwice", func(t *testing.T) {
		good := export(30, nil)
		opened, n := 0, 0
		rep, err := ImportOpen(func() (io.ReadCloser, error) {
			opened++
			return io.NopCloser(bytes.NewReader(good)), nil
		}, "calls.csv", m, func(b []Call) error { n += len(b); return nil }, Options{})
		if err != nil || opened != 2 || n != 30 || rep.Delivered != 30 {
			t.Errorf("got opened %d, delivered %d, error %v; want 2, 30, nil", opened, n, err)
		}
	})
	t.Run("NotSeekableNeedsTwoPasses", func(t *testing.T) {
		_, err := Import(io.MultiReader(bytes.NewReader(data)), "calls.csv", m, func([]Call) error { return nil }, Options{})
		if !errors.Is(err, ErrNeedTwoPasses) {
			t.Errorf("got %v, want ErrNeedTwoPasses", err)
		}
	})
	t.Run("ChangedBetweenPasses", func(t *testing.T) {
		good := export(30, nil)
		opened := 0
		_, err := ImportOpen(func() (io.ReadCloser, error) {
			opened++
			if opened == 2 {
				return io.NopCloser(bytes.NewReader(data)), nil
			}
			return io.NopCloser(bytes.NewReader(good)), nil
		}, "calls.csv", m, func(b []Call) error { return nil }, Options{})
		if !errors.Is(err, ErrChanged) {
			t.Errorf("got %v, want ErrChanged", err)
		}
	})
	t.Run("FnErrorStops", func(t *testing.T) {
		boom := errors.New("store down")
		_, err := Import(bytes.NewReader(export(30, nil)), "calls.csv", m, func(b []Call) error { return boom }, Options{BatchSize: 10})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "line 11") {
			t.Errorf("got %v, want the store's error naming line 11", err)
		}
	})
	t.Run("MaxProblems", func(t *testing.T) {
		bad := export(50, func(i int, c []string) []string { c[cA] = ""; return c })
		rep, _ := Validate(bytes.NewReader(bad), "calls.csv", m, Options{MaxProblems: 5})
		if rep.Bad != 50 || len(rep.Problems) != 5 {
			t.Errorf("got %d bad, %d listed; want 50 and 5", rep.Bad, len(rep.Problems))
		}
	})
}

// TestMultiLineFieldLines: a quoted note spanning lines must not shift the
// line numbers of later rows.
func TestMultiLineFieldLines(t *testing.T) {
	m := loadPBX(t)
	data := export(5, func(i int, c []string) []string {
		switch i {
		case 1:
			c[cNote] = "Asiakas soitti uudelleen.\nSiirretty laskutukseen.\n\"Kiireellinen\""
		case 2:
			c[cA] = "" // row 3 starts on line 2+1+3 = 6
		case 3:
			c[cNote] = "yksi\r\nkaksi"
			c[cDur] = "x" // the duration comes after the note: physical line 8
		}
		return c
	})
	got, rep, err := collect(t, data, m, Options{SkipBad: true})
	if err != nil {
		t.Fatal(err)
	}
	lines := []int{}
	for _, p := range rep.Problems {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int{6, 7}) {
		t.Errorf("got problem lines %v, want [6 7] (%v)", lines, rep.Problems)
	}
	if len(got) != 3 || got[1].Line != 3 || got[2].Line != 9 {
		t.Errorf("got %d calls, lines %d and %d; want 3 calls, lines 3 and 9", len(got), got[1].Line, got[2].Line)
	}
}

func TestEncodings(t *testing.T) {
	const body = "Käsittelijä,a,s,e\nÄijä Öljynen,040 000 0000,2026-01-02T08:00:00,2026-01-02T08:01:00\n"
	const mapping = "encoding: %s\nfields:\n  agent: Käsittelijä\n  caller_number: a\n  started_at: s\n  ended_at: e\n"
	for _, tc := range []struct {
		name, encoding string
		data           []byte
		want           string
	}{
		{"ISO8859-1", "iso-8859-1", toCP1252(body), "Äijä Öljynen"},
		{"Windows1252Euro", "windows-1252", append(toCP1252(strings.ReplaceAll(body, "Äijä Öljynen", "Äijä")), []byte{}...), "Äijä"},
		{"UTF8", "utf-8", []byte(body), "Äijä Öljynen"},
		{"UTF8WithBOM", "utf-8", append([]byte("\uFEFF"), body...), "Äijä Öljynen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMapping("m.yaml", []byte(strings.Replace(mapping, "%s", tc.encoding, 1)))
			if err != nil {
				t.Fatal(err)
			}
			got, rep, err := collect(t, tc.data, m, Options{})
			if err != nil {
				t.Fatal(err, rep.Problems)
			}
			if got[0].Agent != tc.want {
				t.Errorf("got %q, want %q", got[0].Agent, tc.want)
			}
		})
	}
	t.Run("Windows1252SpecialRange", func(t *testing.T) {
		// 0x80 is € in Windows-1252 and a C1 control in ISO-8859-1.
		in := []byte("x\x80\x9f\xe4")
		out, _ := io.ReadAll(decoder(bytes.NewReader(in), "windows-1252"))
		if string(out) != "x€Ÿä" {
			t.Errorf("got %q, want x€Ÿä", out)
		}
		out, _ = io.ReadAll(decoder(bytes.NewReader(in), "iso-8859-1"))
		if string(out) != "x\u0080\u009fä" {
			t.Errorf("got %q", out)
		}
	})
	t.Run("Latin1ReadAsUTF8IsReported", func(t *testing.T) {
		m, _ := ParseMapping("m.yaml", []byte(strings.Replace(mapping, "%s", "utf-8", 1)))
		_, err := Validate(bytes.NewReader(toCP1252(body)), "calls.csv", m, Options{})
		// The header itself does not match in the wrong encoding.
		if err == nil || !strings.Contains(err.Error(), `calls.csv:1: the header has no column "Käsittelijä"`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("SmallReadsSplitRunes", func(t *testing.T) {
		d := decoder(bytes.NewReader(toCP1252(body)), "iso-8859-1")
		var out []byte
		b := make([]byte, 1)
		for {
			n, err := d.Read(b)
			out = append(out, b[:n]...)
			if err != nil {
				break
			}
		}
		if string(out) != body {
			t.Errorf("got %q, want %q", out, body)
		}
	})
}

func TestFileProblems(t *testing.T) {
	m := loadPBX(t)
	for _, tc := range []struct {
		name string
		data []byte
		want string // in the error or the first problem
	}{
		{"EmptyFile", nil, "calls.csv:1: the file is empty"},
		{"HeaderLacksColumn", toCP1252(strings.Replace(pbxHeader, "Kesto", "Aika", 1) + "\n"), `calls.csv:1: the header has no column "Kesto" for duration (mapping testdata/finnish-pbx.yaml:20)`},
		{"RowWithExtraColumn", export(3, func(i int, c []string) []string {
			if i == 1 {
				c = append(c, "ylimääräinen")
			}
			return c
		}), "calls.csv:3: row has 16 columns, the first row has 15"},
		{"BareQuote", append(export(1, nil), `C1;SIS;0"40;x`+"\n"...), `calls.csv:3: malformed CSV: bare " in non-quoted-field`},
		{"UnterminatedQuote", append(export(1, nil), `C1;SIS;"040`+"\n\n"...), `calls.csv:3: malformed CSV: extraneous or missing " in quoted-field (noticed at line 4)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Validate(bytes.NewReader(tc.data), "calls.csv", m, Options{})
			got := ""
			if err != nil {
				got = err.Error()
			} else if len(rep.Problems) > 0 {
				got = rep.Problems[0].String()
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNoHeader(t *testing.T) {
	m, err := ParseMapping("m.yaml", []byte("header: false\ndelimiter: tab\nfields:\n  caller_number: 2\n  started_at: {column: 1, format: unix}\n  duration: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, rep, err := collect(t, []byte("1782889200\t040 000 0000\t60\n1782889300\t040 000 0001\t61\n"), m, Options{})
	if err != nil || len(got) != 2 || got[1].Line != 2 {
		t.Fatalf("got %v %v %v", got, rep, err)
	}
	t.Run("ColumnBeyondWidth", func(t *testing.T) {
		m, _ := ParseMapping("m.yaml", []byte("header: false\nfields:\n  caller_number: 9\n  started_at: 1\n  duration: 2\n"))
		_, err := Validate(strings.NewReader("a,b\n"), "calls.csv", m, Options{})
		if err == nil || !strings.Contains(err.Error(), "calls.csv:1: column 9 (caller_number): the file has only 2 columns") {
			t.Errorf("got %v", err)
		}
	})
}

// TestUnclosedQuoteStopsEarly: an unclosed quote would make the CSV reader
// gather the rest of the file into one row; the import stops at the row's
// size limit instead, naming where the row starts.
func TestUnclosedQuoteStopsEarly(t *testing.T) {
	m := loadPBX(t)
	data := export(2000, func(i int, c []string) []string {
		if i == 1 {
			c[cNote] = "x"
		}
		return c
	})
	// Open a quote in row 2's note that never closes.
	data = bytes.Replace(data, []byte(";x\r\n"), []byte(";\"x\r\n"), 1)
	rep, err := Validate(bytes.NewReader(data), "calls.csv", m, Options{MaxRowBytes: 64 << 10})
	if err == nil || !strings.HasPrefix(err.Error(), "calls.csv:3: row is longer than 65536 bytes (an unclosed quote?)") {
		t.Fatalf("got %v, want the row at line 3 too long", err)
	}
	if rep.Rows != 1 {
		t.Errorf("got %d rows read before stopping, want 1", rep.Rows)
	}
	t.Run("QuotedNewlinesAndEscapedQuotesAreNotLong", func(t *testing.T) {
		data := export(50, func(i int, c []string) []string {
			c[cNote] = strings.Repeat("\"rivi\";\n", 20)
			return c
		})
		rep, err := Validate(bytes.NewReader(data), "calls.csv", m, Options{MaxRowBytes: 1024})
		if err != nil || rep.Good != 50 {
			t.Errorf("got %v, %+v", err, rep)
		}
	})
}

// TestEmptyValues: a PBX writes a hidden caller number as a word; listed in
// empty_values it is an empty cell, which caller_number may then allow.
func TestEmptyValues(t *testing.T) {
	const body = "a,s,d\nSalainen,2026-01-02T08:00:00,5\n-,2026-01-02T08:00:00,5\nanonymous,2026-01-02T08:00:00,5\n"
	for _, tc := range []struct {
		name, mapping string
		bad           int
	}{
		{"HiddenNumberIsBadByDefault", "fields:\n  caller_number: a\n  started_at: s\n  duration: d\n", 3},
		{"ListedAndOptional", "empty_values: [salainen, ANONYMOUS, \"-\"]\nfields:\n  caller_number: {column: a, required: false}\n  started_at: s\n  duration: d\n", 0},
		{"ListedButRequired", "empty_values: [Salainen]\nfields:\n  caller_number: a\n  started_at: s\n  duration: d\n", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMapping("m.yaml", []byte(tc.mapping))
			if err != nil {
				t.Fatal(err)
			}
			got, rep, _ := collect(t, []byte(body), m, Options{SkipBad: true})
			if rep.Bad != tc.bad {
				t.Errorf("got %d bad rows (%v), want %d", rep.Bad, rep.Problems, tc.bad)
			}
			for _, c := range got {
				if c.CallerNumber != "" {
					t.Errorf("line %d: got a caller number, want none", c.Line)
				}
			}
		})
	}
}
