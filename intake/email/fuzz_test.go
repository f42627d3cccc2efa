package email

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that no input panics Parse, that every error is an
// *Error of a known kind, and that the limits hold on what comes back.
func FuzzParse(f *testing.F) {
	seeds := []string{
		msg(with(), "Hei"),
		msg(with("Content-Type: text/plain; charset=iso-8859-15", "Content-Transfer-Encoding: quoted-printable"), "p=E4iv=A4=\n=ZZ="),
		msg(with("Content-Transfer-Encoding: base64"), "SGV!sbG8=\nQ"),
		msg(with("Content-Type: text/html"), "<p>a<script>b</p><!-- c"),
		msg(with(`Content-Type: multipart/mixed; boundary="b"`), multipartBody("b",
			"Content-Type: multipart/alternative; boundary=c\n\n"+multipartBody("c", "Content-Type: text/plain\n\nx", "Content-Type: text/html\n\n<b>y</b>"),
			"Content-Type: message/rfc822\n\n"+msg([]string{"Subject: =?utf-8?b?w6Q=?="}, "z"),
			"Content-Type: text/plain; name=a.txt\nContent-Transfer-Encoding: base64\n\n"+b64(code1))),
		msg(with(`Content-Type: multipart/mixed; boundary=b`), "--b\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"),
		"Subject: =?unknown?q?=E4?=\r\nFrom: <<@>>\r\n\r\n",
		"\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	lim := Limits{MaxMessageBytes: 1 << 16, MaxParts: 8, MaxDepth: 4, MaxHeaderBytes: 2048, MaxTextBytes: 1024}
	kinds := []error{ErrTooLarge, ErrTooManyParts, ErrTooDeep, ErrHeaderTooLarge, ErrMalformed, ErrRead, ErrAttachment}
	f.Fuzz(func(t *testing.T, data []byte) {
		var streamed int64
		m, err := ParseFunc(bytes.NewReader(data), lim, func(a *Attachment, r io.Reader) error {
			n, err := io.Copy(io.Discard, r)
			streamed += n
			return err
		})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !slices.ContainsFunc(kinds, func(k error) bool { return errors.Is(err, k) }) {
				t.Fatalf("error %T %v is not an *Error of a known kind", err, err)
			}
			if int64(len(data)) > lim.MaxMessageBytes && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrHeaderTooLarge) {
				// Size is checked as bytes arrive; another limit may trip first.
				if !errors.Is(err, ErrTooManyParts) && !errors.Is(err, ErrTooDeep) && !errors.Is(err, ErrMalformed) {
					t.Fatalf("oversized input gave %v", err)
				}
			}
			return
		}
		if int64(len(data)) > lim.MaxMessageBytes {
			t.Fatalf("accepted %d bytes over a limit of %d", len(data), lim.MaxMessageBytes)
		}
		if len(m.Attachments) > lim.MaxParts {
			t.Fatalf("%d attachments over a parts limit of %d", len(m.Attachments), lim.MaxParts)
		}
		if len(m.Body) > lim.MaxTextBytes {
			t.Fatalf("body %d bytes over a text limit of %d", len(m.Body), lim.MaxTextBytes)
		}
		for _, s := range []string{m.Subject, m.Body} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in the parsed text")
			}
		}
		var total int64
		for i, a := range m.Attachments {
			if a.Number != i+1 || len(a.Text) > lim.MaxTextBytes || !utf8.ValidString(a.Text) || len(a.Filename) > 255 || strings.ContainsAny(a.Filename, "/\x00") {
				t.Fatalf("attachment %d breaks an invariant", i+1)
			}
			total += a.Size
		}
		if total != streamed {
			t.Fatalf("sizes sum to %d, handler got %d", total, streamed)
		}
		_ = Check(m, nil)
		_ = Redacted(m, nil)
	})
}
