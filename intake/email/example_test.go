package email_test

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kirjaamo/kirjaamo/intake/email"
)

// The identity code below is synthetic: individual number 912 is in the
// temporary range 900–999, so it is no one's permanent code.
func Example() {
	raw := "From: Asiakas <asiakas.0001@example.com>\r\n" +
		"Subject: =?iso-8859-1?q?P=E4=E4t=F6s?=\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTunnukseni on 150384-9126.\r\n" +
		"--b\r\nContent-Type: application/pdf; name=liite.pdf\r\n\r\n%PDF\r\n--b--\r\n"

	msg, err := email.ParseFunc(strings.NewReader(raw), email.Limits{}, func(a *email.Attachment, r io.Reader) error {
		_, err := io.Copy(io.Discard, r) // the core streams this into the encrypted blob store
		return err
	})
	if err != nil {
		panic(err)
	}
	v := email.Check(msg, nil)
	out, _ := json.Marshal(v.SensitiveFindings())
	fmt.Println(msg.Subject, v.Sensitive(), string(out))
	fmt.Println(email.Redacted(msg, nil).Body)
	fmt.Println(strings.SplitN(email.ReplyText(email.GuessLang(msg.Body), v, email.ReplyOrg{}), "\n", 4)[2])
	ok, _ := email.OutboundCheck("Päätöksesi on lähetetty turvapostilla.", nil)
	fmt.Println(ok)
	// Output:
	// Päätös true [{"location":{"kind":"body"},"type":"fi_personal_identity_code","validated":true,"count":1,"sensitive":true}]
	// Tunnukseni on [fi_personal_identity_code].
	// kiitos viestistäsi. Viestissäsi oli henkilötunnus. Tällaisia tietoja ei voi lähettää tavallisella sähköpostilla, koska viestejä ei ole salattu. Olemme poistaneet nämä tiedot viestistäsi emmekä ole tallentaneet niitä.
	// true
}
