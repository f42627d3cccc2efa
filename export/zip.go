// Package export writes a data-subject access or portability export as a
// ZIP, streaming: data.json, the decrypted recordings and e-mail
// attachments, a readable report
// with the consultation log, and the privacy notice. The HTTP API and the
// command line both use it.
package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"html/template"
	"io"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/notice"
)

var reportText = map[string]map[string]string{
	"fi": {"title": "Sinusta tallennetut tiedot", "subject": "Perustiedot", "contacts": "Yhteydenotot", "mentions": "Muut asiakirjat, joissa tietosi mainitaan",
		"consents": "Suostumukset", "holds": "Säilytystä jatkavat syyt", "disclosures": "Luovutukset", "consultations": "Tietojesi käsittelykerrat (aika, tarkoitus, rooli)",
		"notice": "Käsittelyn tarkoitukset, tietoryhmät, vastaanottajat, säilytysajat, oikeutesi ja oikeus tehdä valitus tietosuojavaltuutetulle: katso tietosuojaseloste (privacy-notice.html)."},
	"sv": {"title": "Uppgifter som lagrats om dig", "subject": "Grunduppgifter", "contacts": "Kontakter", "mentions": "Andra handlingar där dina uppgifter nämns",
		"consents": "Samtycken", "holds": "Skäl till fortsatt lagring", "disclosures": "Utlämnanden", "consultations": "Behandlingar av dina uppgifter (tid, ändamål, roll)",
		"notice": "Ändamål, kategorier, mottagare, lagringstider, dina rättigheter och rätten att klaga hos dataombudsmannen: se dataskyddsbeskrivningen (privacy-notice.html)."},
	"en": {"title": "Data held about you", "subject": "Basic details", "contacts": "Contacts", "mentions": "Other records that mention your details",
		"consents": "Consents", "holds": "Reasons data is kept longer", "disclosures": "Disclosures", "consultations": "Consultations of your data (time, purpose, role)",
		"notice": "Purposes, categories, recipients, retention, your rights and the right to complain to the Data Protection Ombudsman: see the privacy notice (privacy-notice.html)."},
}

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2.1.2006 15.04") },
}).Parse(`<!doctype html><html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.T.title}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3rem;text-align:left;vertical-align:top}h2{margin-top:2rem}@media print{body{margin:0}}</style></head><body>
<h1>{{.T.title}}</h1><p>{{.X.GeneratedAt | date}} · {{.X.Request.ID}}</p><p>{{.T.notice}}</p>
<h2>{{.T.subject}}</h2><table>
{{with .X.Subject}}<tr><th>Nimi / Namn / Name</th><td>{{.FirstName}} {{.LastName}}{{.Name}}</td></tr>
{{if .IdentityCode}}<tr><th>Henkilötunnus</th><td>{{.IdentityCode}}</td></tr>{{end}}
{{if .BirthDate}}<tr><th>Syntymäaika</th><td>{{.BirthDate}}</td></tr>{{end}}
{{range .Emails}}<tr><th>E-mail</th><td>{{.}}</td></tr>{{end}}{{range .Phones}}<tr><th>Puhelin / Telefon / Phone</th><td>{{.}}</td></tr>{{end}}
{{with .Address}}<tr><th>Osoite / Adress / Address</th><td>{{.Street}}, {{.PostalCode}} {{.City}}</td></tr>{{end}}{{end}}</table>
<h2>{{.T.contacts}}</h2><table>{{range .X.Contacts}}<tr><td>{{if .StartedAt}}{{date .StartedAt}}{{end}}</td><td>{{.Register}} / {{.Kind}}</td><td>{{.Title}}{{with .Content}}<p>{{.}}</p>{{end}}{{range .Messages}}<p><b>{{.Sender}}</b>: {{.Text}}</p>{{end}}{{with .Recording}}<p>{{.}}</p>{{end}}{{range .Attachments}}<p>{{.Filename}}: {{with .File}}{{.}}{{else}}{{.Note}}{{end}}</p>{{end}}</td></tr>{{end}}</table>
{{if .X.Mentions}}<h2>{{.T.mentions}}</h2><table>{{range .X.Mentions}}<tr><td>{{.Register}} / {{.Kind}}</td><td>{{with .Content}}{{.}}{{end}}</td></tr>{{end}}</table>{{end}}
{{if .X.Consents}}<h2>{{.T.consents}}</h2><table>{{range .X.Consents}}<tr><td>{{.Purpose}}</td><td>{{date .GivenAt}}</td><td>{{with .WithdrawnAt}}{{date .}}{{end}}</td></tr>{{end}}</table>{{end}}
{{if .X.Holds}}<h2>{{.T.holds}}</h2><table>{{range .X.Holds}}<tr><td>{{.Reason}}</td><td>{{date .CreatedAt}}</td></tr>{{end}}</table>{{end}}
{{if .X.Disclosures}}<h2>{{.T.disclosures}}</h2><table>{{range .X.Disclosures}}<tr><td>{{date .At}}</td><td>{{.Recipient}}</td><td>{{.LegalBasis}}</td></tr>{{end}}</table>{{end}}
<h2>{{.T.consultations}}</h2><table>{{range .X.Consultations}}<tr><td>{{date .At}}</td><td>{{.Action}}</td><td>{{.Purpose}}</td><td>{{.Role}}</td></tr>{{end}}</table>
</body></html>`))

// Write builds the export of a request and streams it as a ZIP to w.
// Errors before the first byte (the request not verified, not an access or
// portability request) are returned with nothing written. Recordings are
// read through the service, so each playback is authorised and audited.
func Write(ctx context.Context, w io.Writer, svc *kirjaamo.Service, blobs blob.Store, keys blob.Sealer, requestID, lang string, started func(*kirjaamo.Export)) error {
	x, err := svc.BuildExport(ctx, requestID)
	if err != nil {
		return err
	}
	// Reading the recordings for the export is done for the request: that
	// is the purpose the audit log records.
	if a := kirjaamo.AccessFrom(ctx); a != nil && a.Purpose == "" {
		a.Purpose = "data-subject request " + x.Request.ID
	}
	if started != nil {
		started(x)
	}
	zw := zip.NewWriter(w)
	for i := range x.Contacts {
		c := &x.Contacts[i]
		if c.Recording == "" {
			continue
		}
		if !writeRecording(ctx, svc, blobs, keys, zw, c) {
			c.Recording = "" // not included: the data says so rather than pointing at a missing file
		}
	}
	for _, list := range [][]kirjaamo.ExportContact{x.Contacts, x.Mentions} {
		for i := range list {
			c := &list[i]
			for j := range c.Attachments {
				a := &c.Attachments[j]
				if a.File != "" && !writeAttachment(ctx, svc, blobs, keys, zw, c.ID, a) {
					a.File = ""
				}
			}
		}
	}
	f, err := zw.Create("data.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(x); err != nil {
		return err
	}
	if f, err = zw.Create("report.html"); err != nil {
		return err
	}
	if err := reportTmpl.Execute(f, map[string]any{"Lang": lang, "T": reportText[lang], "X": x}); err != nil {
		return err
	}
	page, err := notice.Render(svc.Policy, lang, "html", notice.Options{})
	if err != nil {
		return err
	}
	if f, err = zw.Create("privacy-notice.html"); err != nil {
		return err
	}
	if _, err := f.Write(page); err != nil {
		return err
	}
	return zw.Close()
}

func writeRecording(ctx context.Context, svc *kirjaamo.Service, blobs blob.Store, keys blob.Sealer, zw *zip.Writer, c *kirjaamo.ExportContact) bool {
	if blobs == nil || keys == nil {
		return false
	}
	rec, err := svc.PlayRecording(ctx, c.ID)
	if err != nil {
		return false
	}
	return writeSealed(ctx, blobs, keys, zw, &zip.FileHeader{Name: c.Recording, Method: zip.Store, Modified: rec.UploadedAt}, rec.BlobKey, rec.WrappedKey)
}

// writeAttachment adds a stored attachment, read through the service so
// the download is authorised and audited with the request as its purpose.
func writeAttachment(ctx context.Context, svc *kirjaamo.Service, blobs blob.Store, keys blob.Sealer, zw *zip.Writer, contactID string, a *kirjaamo.ExportAttachment) bool {
	if blobs == nil || keys == nil {
		return false
	}
	att, err := svc.OpenAttachment(ctx, contactID, a.ID)
	if err != nil {
		return false
	}
	return writeSealed(ctx, blobs, keys, zw, &zip.FileHeader{Name: a.File, Method: zip.Deflate, Modified: att.CreatedAt}, att.BlobKey, att.WrappedKey)
}

// writeSealed streams an encrypted blob, decrypted, into the ZIP.
func writeSealed(ctx context.Context, blobs blob.Store, keys blob.Sealer, zw *zip.Writer, fh *zip.FileHeader, key string, wrapped []byte) bool {
	rd, err := blob.OpenSealed(ctx, blobs, keys, key, wrapped)
	if err != nil {
		return false
	}
	defer rd.Close()
	f, err := zw.CreateHeader(fh)
	if err != nil {
		return false
	}
	_, err = io.Copy(f, rd)
	return err == nil
}
