package email

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		check func(t *testing.T, m *Message)
	}{
		{"HeadersOfAPlainMessage", msg(with("Cc: \"Toinen, Henkilö\" <toinen.0002@example.com>, kolmas.0003@example.com"), "Hei, milloin lasku erääntyy?\n"),
			func(t *testing.T, m *Message) {
				eq(t, "From.Address", m.From.Address, "asiakas.0001@example.com")
				eq(t, "From.Name", m.From.Name, "Asiakas Esimerkki")
				eq(t, "To", len(m.To), 1)
				eq(t, "Cc", len(m.Cc), 2)
				eq(t, "Cc[0].Name", m.Cc[0].Name, "Toinen, Henkilö")
				eq(t, "Subject", m.Subject, "Kysymys laskusta")
				eq(t, "MessageID", m.MessageID, "test-0001@example.com")
				eq(t, "Date", m.Date.Equal(time.Date(2026, 11, 23, 7, 15, 0, 0, time.UTC)), true)
				eq(t, "Body", m.Body, "Hei, milloin lasku erääntyy?\r\n")
			}},
		{"SubjectRFC2047UTF8Base64", msg([]string{"From: a@example.com", "Subject: =?UTF-8?B?" + "SHl2w6TDpCBww6RpdsOkw6Qh" + "?="}, "x"),
			func(t *testing.T, m *Message) { eq(t, "Subject", m.Subject, "Hyvää päivää!") }},
		{"SubjectRFC2047ISO88591", msg([]string{"From: a@example.com", "Subject: =?ISO-8859-1?Q?Hyv=E4=E4_p=E4iv=E4=E4?= =?iso-8859-1?q?_=C5bo?="}, "x"),
			func(t *testing.T, m *Message) { eq(t, "Subject", m.Subject, "Hyvää päivää Åbo") }},
		{"SubjectLabelledLatin1ReadAsWindows1252", msg([]string{"From: a@example.com", "Subject: =?ISO-8859-1?Q?Hinta_5_=80_=96_maksettu?="}, "x"),
			func(t *testing.T, m *Message) { eq(t, "Subject", m.Subject, "Hinta 5 € – maksettu") }},
		{"SubjectISO885915EuroSign", msg([]string{"From: a@example.com", "Subject: =?iso-8859-15?Q?Lasku_100_=A4?="}, "x"),
			func(t *testing.T, m *Message) { eq(t, "Subject", m.Subject, "Lasku 100 €") }},
		{"SubjectWindows1252Quotes", msg([]string{"From: a@example.com", "Subject: =?windows-1252?Q?=93Lasku=94_=96_5_=80?="}, "x"),
			func(t *testing.T, m *Message) { eq(t, "Subject", m.Subject, "“Lasku” – 5 €") }},
		{"RawLatin1HeaderWithoutEncodedWords", msg([]string{"From: J\xe4rvinen <a@example.com>", "Subject: P\xe4\xe4t\xf6s"}, "x"),
			func(t *testing.T, m *Message) {
				eq(t, "Subject", m.Subject, "Päätös")
				eq(t, "From.Name", m.From.Name, "Järvinen")
			}},
		{"BrokenFromHeaderRecovered", msg([]string{"From: Asiakas <asiakas.0001@example.com", "Subject: x"}, "x"),
			func(t *testing.T, m *Message) {
				if m.From == nil || m.From.Address != "asiakas.0001@example.com" {
					t.Fatalf("From = %v, want asiakas.0001@example.com", m.From)
				}
				wantWarning(t, m, "From header")
			}},
		{"QuotedPrintableWindows1252Body", msg(with("Content-Type: text/plain; charset=windows-1252", "Content-Transfer-Encoding: quoted-printable"), "Hinta 5 =80 =96 p=E4iv=E4=\nss=E4"),
			func(t *testing.T, m *Message) { eq(t, "Body", m.Body, "Hinta 5 € – päivässä") }},
		{"QuotedPrintableTrailingBlanksDropped", msg(with("Content-Transfer-Encoding: quoted-printable"), "rivi  \t\ntoinen=20\nkolmas = x =4"),
			func(t *testing.T, m *Message) { eq(t, "Body", m.Body, "rivi\r\ntoinen \r\nkolmas = x =4") }},
		{"Base64UTF8Body", msg(with("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"), b64("Hyvää päivää, tässä hakemukseni.")),
			func(t *testing.T, m *Message) { eq(t, "Body", m.Body, "Hyvää päivää, tässä hakemukseni.") }},
		{"MissingCharsetLatin1Body", msg(with("Content-Type: text/plain"), "p\xe4iv\xe4\xe4"),
			func(t *testing.T, m *Message) { eq(t, "Body", m.Body, "päivää") }},
		{"MissingCharsetUTF8Body", msg(with(), "päivää"),
			func(t *testing.T, m *Message) { eq(t, "Body", m.Body, "päivää") }},
		{"BrokenBase64KeepsTheRest", msg(with("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"), "SHl2w6T!!DpCBww6Rp\n#dsOkw6Qh"),
			func(t *testing.T, m *Message) {
				eq(t, "Body", m.Body, "Hyvää päivää!")
				wantWarning(t, m, "broken base64")
			}},
		{"HTMLOnlyBodyBecomesText", msg(with("Content-Type: text/html; charset=utf-8"),
			"<html><head><title>T</title><style>p{color:red}</style></head><body><p>Hyv&auml;&auml; p&auml;iv&auml;&auml;</p><script>alert('x')</script><!-- piilo --><p>Rivi&nbsp;2 &amp; <b>lihava</b></p></body></html>"),
			func(t *testing.T, m *Message) {
				eq(t, "Body", m.Body, "Hyvää päivää\n\nRivi 2 & lihava")
				eq(t, "BodyFromHTML", m.BodyFromHTML, true)
			}},
		{"NestedAlternativeInMixedPrefersPlain", msg(with(`Content-Type: multipart/mixed; boundary="outer"`), multipartBody("outer",
			"Content-Type: multipart/alternative; boundary=\"inner\"\n\n"+multipartBody("inner",
				"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"+qp("Liitteenä hakemus, päivää."),
				"Content-Type: text/html; charset=utf-8\n\n<p>Liitteen&auml; hakemus</p>"),
			"Content-Type: text/plain; charset=iso-8859-1\nContent-Disposition: attachment; filename*=UTF-8''hakemus%C3%A4.txt\nContent-Transfer-Encoding: base64\n\n"+b64("Hakijan tunnus "+code1+"\n"),
			"Content-Type: application/pdf; name=\"=?UTF-8?Q?p=C3=A4=C3=A4t=C3=B6s.pdf?=\"\nContent-Transfer-Encoding: base64\n\n"+b64("%PDF-1.4 synthetic"),
		)),
			func(t *testing.T, m *Message) {
				eq(t, "Body", m.Body, "Liitteenä hakemus, päivää.")
				eq(t, "attachments", len(m.Attachments), 2)
				a := m.Attachments[0]
				eq(t, "Filename", a.Filename, "hakemusä.txt")
				eq(t, "ContentType", a.ContentType, "text/plain")
				eq(t, "Text", a.Text, "Hakijan tunnus "+code1+"\n")
				eq(t, "Size", a.Size, int64(len("Hakijan tunnus "+code1+"\n")))
				eq(t, "Scannable", a.Scannable, true)
				b := m.Attachments[1]
				eq(t, "Filename", b.Filename, "päätös.pdf")
				eq(t, "Number", b.Number, 2)
				eq(t, "Scannable", b.Scannable, false)
				eq(t, "Text", b.Text, "")
			}},
		{"OutlookRelatedInsideAlternative", msg(with(`Content-Type: multipart/alternative; boundary="alt"`), multipartBody("alt",
			"Content-Type: text/plain; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\nHyv=E4=E4 p=E4iv=E4=E4",
			"Content-Type: multipart/related; boundary=\"rel\"; type=\"text/html\"\n\n"+multipartBody("rel",
				"Content-Type: text/html; charset=\"iso-8859-1\"\n\n<p>Hyv&auml;&auml; p&auml;iv&auml;&auml; <img src=\"cid:logo@x\"></p>",
				"Content-Type: image/png; name=\"image001.png\"\nContent-ID: <logo@x>\nContent-Disposition: inline; filename=\"image001.png\"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo="))),
			func(t *testing.T, m *Message) {
				eq(t, "Body", m.Body, "Hyvää päivää")
				eq(t, "attachments", len(m.Attachments), 1)
				eq(t, "Inline", m.Attachments[0].Inline, true)
				eq(t, "ContentID", m.Attachments[0].ContentID, "logo@x")
				eq(t, "Size", m.Attachments[0].Size, int64(8))
			}},
		{"HTMLOnlyAlternativeUsesHTML", msg(with(`Content-Type: multipart/alternative; boundary=b`), multipartBody("b",
			"Content-Type: text/html; charset=utf-8\n\n<div>Vain&nbsp;HTML</div>")),
			func(t *testing.T, m *Message) { eq(t, "Body", m.Body, "Vain HTML") }},
		{"EmptyPlainAlternativeFallsBackToHTML", msg(with(`Content-Type: multipart/alternative; boundary=b`), multipartBody("b",
			"Content-Type: text/plain\n\n  ", "Content-Type: text/html\n\n<p>Sis&auml;lt&ouml;</p>")),
			func(t *testing.T, m *Message) { eq(t, "Body", m.Body, "Sisältö") }},
		{"AttachedMessageTextIsScanned", msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
			"Content-Type: text/plain\n\nEdelleenlähetän viestin.",
			"Content-Type: message/rfc822\n\n"+msg([]string{"From: x@example.com", "Subject: =?utf-8?q?Alkuper=C3=A4inen?=", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"}, qp("Tunnukseni on "+code2)),
		)),
			func(t *testing.T, m *Message) {
				eq(t, "Body", m.Body, "Edelleenlähetän viestin.")
				eq(t, "attachments", len(m.Attachments), 1)
				a := m.Attachments[0]
				eq(t, "ContentType", a.ContentType, "message/rfc822")
				eq(t, "Filename", a.Filename, "attachment-1.eml")
				if !strings.Contains(a.Text, "Alkuperäinen") || !strings.Contains(a.Text, code2) {
					t.Errorf("attached message text lacks its subject or body")
				}
			}},
		{"MissingFinalBoundaryKeepsParts", msg(with(`Content-Type: multipart/mixed; boundary=b`), "--b\nContent-Type: text/plain\n\nAlku tekstiä\n--b\nContent-Type: text/plain\n\nToinen osa ilman loppua"),
			func(t *testing.T, m *Message) {
				if !strings.Contains(m.Body, "Alku tekstiä") {
					t.Errorf("Body = %q, want the first part", m.Body)
				}
			}},
		{"MultipartWithoutBoundaryReadAsText", msg(with("Content-Type: multipart/mixed"), "Teksti ilman rajaa"),
			func(t *testing.T, m *Message) {
				eq(t, "Body", m.Body, "Teksti ilman rajaa")
				wantWarning(t, m, "without boundary")
			}},
		{"UTF16TextAttachment", msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
			"Content-Type: text/plain; name=muistio.txt\nContent-Transfer-Encoding: base64\n\n"+b64("\xff\xfeH\x00e\x00t\x00u\x00 \x00"+utf16le(code1)))),
			func(t *testing.T, m *Message) { eq(t, "Text", m.Attachments[0].Text, "Hetu "+code1) }},
		{"MboxFromLineSkipped", "From asiakas Mon Nov 23 09:15:00 2026\r\n" + msg([]string{"Subject: x"}, "y"),
			func(t *testing.T, m *Message) { eq(t, "Subject", m.Subject, "x") }},
		{"RFC2231FilenameInLatin1", msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
			"Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*=iso-8859-1''p%E4%E4t;\n filename*1*=%F6s.pdf\n\nxx")),
			func(t *testing.T, m *Message) { eq(t, "Filename", m.Attachments[0].Filename, "päätös.pdf") }},
		{"PathInFilenameStripped", msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
			"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"..\\\\..\\\\C:\\\\temp\\\\liite.bin\"\n\nxx")),
			func(t *testing.T, m *Message) { eq(t, "Filename", m.Attachments[0].Filename, "liite.bin") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(tt.raw), Limits{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, m)
		})
	}
}

func utf16le(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %#v, want %#v", what, got, want)
	}
}

func wantWarning(t *testing.T, m *Message, sub string) {
	t.Helper()
	for _, w := range m.Warnings {
		if strings.Contains(w, sub) {
			return
		}
	}
	t.Errorf("no warning containing %q in %q", sub, m.Warnings)
}

func TestParseLimits(t *testing.T) {
	nested := func(depth int) string {
		body := "Content-Type: text/plain\n\nsisin " + code1
		for i := depth; i > 0; i-- {
			b := "n" + string(rune('a'+i))
			body = "Content-Type: multipart/mixed; boundary=" + b + "\n\n" + multipartBody(b, body)
		}
		return "Subject: " + code1 + "\n" + body
	}
	manyParts := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "Content-Type: text/plain\n\nosa"
		}
		return msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b", parts...))
	}
	tests := []struct {
		name   string
		raw    string
		limits Limits
		want   error
	}{
		{"MessageSizeLimit", msg(with(), strings.Repeat("x", 2000)+code1), Limits{MaxMessageBytes: 1000}, ErrTooLarge},
		{"MessageSizeLimitExact", msg(with(), "x"), Limits{MaxMessageBytes: int64(len(msg(with(), "x")))}, nil},
		{"PartsLimit", manyParts(11), Limits{MaxParts: 10}, ErrTooManyParts},
		{"PartsLimitExact", manyParts(10), Limits{MaxParts: 10}, nil},
		{"DepthLimit", nested(4), Limits{MaxDepth: 3}, ErrTooDeep},
		{"DepthLimitExact", nested(3), Limits{MaxDepth: 3}, nil},
		{"HeaderLimit", msg([]string{"Subject: " + code1, "X-Long: " + strings.Repeat("y", 3000)}, "x"), Limits{MaxHeaderBytes: 1024}, ErrHeaderTooLarge},
		{"HeaderLimitOneLongLine", msg([]string{"X-Long: " + strings.Repeat("y", 100000) + code1}, "x"), Limits{MaxHeaderBytes: 1024}, ErrHeaderTooLarge},
		{"PartHeaderLimit", msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b", "Content-Type: text/plain\nX-Long: "+strings.Repeat("z", 3000)+"\n\nx")), Limits{MaxHeaderBytes: 1024}, ErrHeaderTooLarge},
		{"EmptyMessage", "", Limits{}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.raw), tt.limits)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			// No personal data in errors (STYLE.md 10).
			if err != nil && strings.Contains(err.Error(), code1) {
				t.Errorf("error quotes the message: %v", err)
			}
		})
	}
}

func TestParseFuncStreamsAttachments(t *testing.T) {
	content := strings.Repeat("synteettinen liite ", 1000)
	raw := msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
		"Content-Type: text/plain\n\nBody",
		"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=data.bin\nContent-Transfer-Encoding: base64\n\n"+b64(content)))

	t.Run("OK", func(t *testing.T) {
		var got bytes.Buffer
		var seen []string
		m, err := ParseFunc(strings.NewReader(raw), Limits{}, func(a *Attachment, r io.Reader) error {
			seen = append(seen, a.Filename)
			_, err := io.Copy(&got, r)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "handler calls", strings.Join(seen, ","), "data.bin")
		eq(t, "content length", got.Len(), len(content))
		eq(t, "content", got.String() == content, true)
		eq(t, "Size", m.Attachments[0].Size, int64(len(content)))
	})
	t.Run("UnreadContentIsDrainedAndCounted", func(t *testing.T) {
		m, err := ParseFunc(strings.NewReader(raw), Limits{}, func(a *Attachment, r io.Reader) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "Size", m.Attachments[0].Size, int64(len(content)))
	})
	t.Run("ErrAttachment", func(t *testing.T) {
		storeErr := errors.New("blob store down")
		_, err := ParseFunc(strings.NewReader(raw), Limits{}, func(a *Attachment, r io.Reader) error { return storeErr })
		if !errors.Is(err, ErrAttachment) || !errors.Is(err, storeErr) {
			t.Fatalf("got %v, want ErrAttachment wrapping the handler's error", err)
		}
	})
	t.Run("ErrTooLargeReachesTheHandler", func(t *testing.T) {
		var handlerErr error
		_, err := ParseFunc(strings.NewReader(raw), Limits{MaxMessageBytes: int64(len(raw) / 2)}, func(a *Attachment, r io.Reader) error {
			_, handlerErr = io.Copy(io.Discard, r)
			return handlerErr
		})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
		if handlerErr == nil {
			t.Errorf("handler read a cut attachment without an error; it would store a truncated blob")
		}
	})
}

// b64Stream produces an endless base64 body in 76-character lines.
type b64Stream struct{ n, max int64 }

func (s *b64Stream) Read(p []byte) (int, error) {
	const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n"
	if s.n >= s.max {
		return 0, io.EOF
	}
	n := 0
	for n+len(line) <= len(p) && s.n < s.max {
		n += copy(p[n:], line)
		s.n += int64(len(line))
	}
	if n == 0 {
		n = copy(p, line[:min(len(p), len(line))])
		s.n += int64(n)
	}
	return n, nil
}

// An attachment streams through ParseFunc: memory stays far below its size.
func TestParseFuncMemoryFlat(t *testing.T) {
	const size = 24 << 20
	r := io.MultiReader(
		strings.NewReader(msg(with(`Content-Type: multipart/mixed; boundary=b`), "--b\nContent-Type: text/plain\n\nBody\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n")),
		&b64Stream{max: size},
		strings.NewReader("\r\n--b--\r\n"))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var n int64
	_, err := ParseFunc(r, Limits{}, func(a *Attachment, c io.Reader) error {
		var err error
		n, err = io.Copy(io.Discard, c)
		return err
	})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if n < size/2 {
		t.Fatalf("handler got %d bytes, want about %d", n, size*3/4)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
		t.Errorf("allocated %d bytes for a %d-byte attachment, want well below", alloc, size)
	}
}
