package email

import (
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/pii"
)

// A typical customer e-mail: alternative plain/HTML body of a few
// paragraphs and a small text attachment, parsed and checked.
func BenchmarkParseAndCheck(b *testing.B) {
	text := strings.Repeat("Hei, kysyisin laskustani ja maksuaikataulusta. Tunnukseni on "+code1+". Kiitos!\n", 20)
	raw := msg(with(`Content-Type: multipart/mixed; boundary=m`), multipartBody("m",
		"Content-Type: multipart/alternative; boundary=a\n\n"+multipartBody("a",
			"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"+qp(text),
			"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"+b64("<p>"+text+"</p>")),
		"Content-Type: text/plain; name=liite.txt\nContent-Transfer-Encoding: base64\n\n"+b64(text)))
	s := pii.New()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(strings.NewReader(raw), Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if !Check(m, s).Sensitive() {
			b.Fatal("not sensitive")
		}
	}
}
