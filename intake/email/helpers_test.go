package email

import (
	"encoding/base64"
	"fmt"
	"mime/quotedprintable"
	"strings"
)

// hetu returns a synthetic personal identity code with a valid check
// character. Individual numbers are 900–999, the temporary range, as in
// synth.IdentityCode, so no code is a permanent code of a real person.
func hetu(day, month, year, ind int) string {
	if ind < 900 || ind > 999 {
		panic("test identity codes use individual numbers 900–999")
	}
	sign := byte('-')
	if year >= 2000 {
		sign = 'A'
	}
	n := day*10000000 + month*100000 + year%100*1000 + ind
	return fmt.Sprintf("%02d%02d%02d%c%03d%c", day, month, year%100, sign, ind, "0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31])
}

var (
	code1 = hetu(15, 3, 1984, 912)
	code2 = hetu(2, 11, 2003, 987)
)

// msg assembles a raw message from header lines and a body, with CRLF line
// ends as on the wire.
func msg(headers []string, body string) string {
	return strings.Join(headers, "\r\n") + "\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n")
}

var stdHeaders = []string{
	"From: Asiakas Esimerkki <asiakas.0001@example.com>",
	"To: asiakaspalvelu@example.org",
	"Date: Mon, 23 Nov 2026 09:15:00 +0200",
	"Message-ID: <test-0001@example.com>",
	"Subject: Kysymys laskusta",
	"MIME-Version: 1.0",
}

func with(extra ...string) []string {
	return append(append([]string(nil), stdHeaders...), extra...)
}

func b64(s string) string {
	e := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(e) > 76 {
		b.WriteString(e[:76] + "\n")
		e = e[76:]
	}
	return b.String() + e
}

func qp(s string) string {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// multipartBody joins parts (each "headers\n\nbody") with boundary.
func multipartBody(boundary string, parts ...string) string {
	var b strings.Builder
	b.WriteString("This is a multi-part message in MIME format.\n")
	for _, p := range parts {
		b.WriteString("--" + boundary + "\n" + p + "\n")
	}
	b.WriteString("--" + boundary + "--\n")
	return b.String()
}
