package email

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// officeFile builds an office document: a ZIP of the named parts.
func officeFile(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	wNS    = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	ctypes = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`
)

// docx is a Word document whose body is paragraphs of runs.
func docx(t testing.TB, paragraphs ...[]string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wNS + `><w:body>`)
	for _, runs := range paragraphs {
		b.WriteString("<w:p>")
		for _, r := range runs {
			b.WriteString(`<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + r + `</w:t></w:r>`)
		}
		b.WriteString("</w:p>")
	}
	b.WriteString("</w:body></w:document>")
	return officeFile(t, "[Content_Types].xml", ctypes, "_rels/.rels", `<Relationships/>`,
		"word/document.xml", b.String(),
		"docProps/core.xml", `<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>Laatija</dc:creator></cp:coreProperties>`)
}

// Seed 000 §3: an identity code must not be stored in customer-service
// records; customers attach it inside Word, Excel and OpenDocument files as
// often as in text. Each case is one kind of office document holding an
// identity code, which officeText must return intact in its text.
func TestOfficeTextFindsIdentifiersInEveryFormat(t *testing.T) {
	tests := []struct {
		name string
		doc  []byte
		want []string // in the text
		not  []string // must not run together
	}{
		{"WordRunsJoinedWithinAParagraph", docx(t, []string{"Henkilötunnukseni on ", code1[:7], code1[7:]}, []string{"Toinen kappale"}),
			[]string{"Henkilötunnukseni on " + code1, "Toinen kappale", "Laatija"}, []string{code1 + "Toinen"}},
		{"WordTabsAndBreaksAreSpace", officeFile(t, "word/document.xml", `<w:document `+wNS+`><w:body><w:p><w:r><w:t>Tunnus</w:t><w:tab/><w:t>`+code2+`</w:t><w:br/><w:t>loppu</w:t></w:r></w:p></w:body></w:document>`),
			[]string{"Tunnus " + code2 + "\nloppu"}, nil},
		{"ExcelSharedStringsAndNumbers", officeFile(t,
			"xl/sharedStrings.xml", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Nimi</t></si><si><t>`+code1+`</t></si><si><r><t>`+code2[:6]+`</t></r><r><t>`+code2[6:]+`</t></r></si></sst>`,
			"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>401234567</v></c></row></sheetData></worksheet>`),
			[]string{code1, code2, "401234567"}, []string{"Nimi" + code1, code1 + code2}},
		{"PowerPointSlides", officeFile(t, "ppt/slides/slide1.xml", `<p:sld xmlns:p="p" xmlns:a="a"><p:txBody><a:p><a:r><a:t>Asiakas `+code1+`</a:t></a:r></a:p></p:txBody></p:sld>`),
			[]string{"Asiakas " + code1}, nil},
		{"OpenDocumentText", officeFile(t, "mimetype", "application/vnd.oasis.opendocument.text",
			"content.xml", `<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:h>Otsikko</text:h><text:p>Tunnus<text:s/>`+code2+`</text:p><text:p>Muuta</text:p></office:text></office:body></office:document-content>`,
			"meta.xml", `<office:document-meta xmlns:office="o" xmlns:meta="m"><office:meta><meta:initial-creator>Laatija</meta:initial-creator></office:meta></office:document-meta>`),
			[]string{"Otsikko\nTunnus " + code2 + "\nMuuta", "Laatija"}, nil},
		{"OpenDocumentSpreadsheetCells", officeFile(t, "content.xml", `<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><table:table><table:table-row><table:table-cell><text:p>`+code1+`</text:p></table:table-cell><table:table-cell><text:p>`+code2+`</text:p></table:table-cell></table:table-row></table:table></office:document-content>`),
			[]string{code1, code2}, []string{code1 + code2}},
		{"EntitiesDecoded", officeFile(t, "word/document.xml", `<w:document `+wNS+`><w:body><w:p><w:r><w:t>A &amp; B &#x2013; `+code1+`</w:t></w:r></w:p></w:body></w:document>`),
			[]string{"A & B – " + code1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, cut, err := officeText(tt.doc, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if cut {
				t.Errorf("truncated, want whole")
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("text runs %q together:\n%s", n, text)
				}
			}
		})
	}
}

// A document is read within bounds whatever it holds: text beyond the
// limit is cut at a character and marked, a part that inflates without
// end stops at the inflation bound, and what is not an office document is
// an error, never a panic or a hang.
func TestOfficeTextBounds(t *testing.T) {
	long := strings.Repeat("Ä", 600) // 1,200 bytes
	t.Run("TextCutAtTheLimitOnACharacter", func(t *testing.T) {
		text, cut, err := officeText(docx(t, []string{long}), 1001)
		if err != nil || !cut {
			t.Fatalf("cut=%v err=%v, want cut", cut, err)
		}
		if len(text) > 1001 || !strings.HasPrefix(long, text) {
			t.Fatalf("got %d bytes, want a prefix of at most 1001 bytes on a character boundary", len(text))
		}
	})
	t.Run("InflationBounded", func(t *testing.T) {
		// 4 MiB of markup with no text; the bound at this limit is 1 MiB.
		bomb := `<w:document ` + wNS + `><w:body>` + strings.Repeat("<w:x/>", 4<<20/6) + `</w:body></w:document>`
		text, cut, err := officeText(officeFile(t, "word/document.xml", bomb, "word/footer1.xml", "<w:ftr><w:p><w:t>jälkeen</w:t></w:p></w:ftr>"), 1<<10)
		if err != nil || !cut {
			t.Fatalf("cut=%v err=%v, want cut without error", cut, err)
		}
		if strings.Contains(text, "jälkeen") {
			t.Fatalf("read past the inflation bound")
		}
	})
	t.Run("UnterminatedXMLReadAsFarAsItGoes", func(t *testing.T) {
		text, _, err := officeText(officeFile(t, "word/document.xml", "<w:document><w:p><w:t>Tunnus "+code1), 1<<20)
		if err != nil || !strings.Contains(text, code1) {
			t.Fatalf("err=%v, text has the code: %v; want the text before the cut scanned", err, strings.Contains(text, code1))
		}
	})
	for name, raw := range map[string][]byte{
		"NotAZip":      []byte("%PDF-1.4 synthetic"),
		"NoXMLParts":   officeFile(t, "media/image1.png", "\x89PNG"),
		"TruncatedZip": docx(t, []string{"teksti"})[:60],
	} {
		t.Run("Error"+name, func(t *testing.T) {
			if _, _, err := officeText(raw, 1<<20); err == nil {
				t.Fatalf("no error for %s", name)
			}
		})
	}
}

// An e-mail with a Word document attached: the parser reads its text (by
// media type, and by extension when the mailer says octet-stream), and the
// guard finds the identity code in it. A document too large to read or not
// readable is listed as unscanned with the reason.
func TestOfficeAttachmentIsScanned(t *testing.T) {
	doc := docx(t, []string{"Hakemus. Henkilötunnus ", code1})
	attach := func(ctype, name string, content []byte) string {
		return msg(with(`Content-Type: multipart/mixed; boundary=b`), multipartBody("b",
			"Content-Type: text/plain\n\nLiitteenä hakemus.",
			"Content-Type: "+ctype+"; name=\""+name+"\"\nContent-Disposition: attachment; filename=\""+name+"\"\nContent-Transfer-Encoding: base64\n\n"+
				strings.TrimSpace(wrap76(base64.StdEncoding.EncodeToString(content)))))
	}
	tests := []struct {
		name      string
		raw       string
		lim       Limits
		scannable bool
		identity  bool
		unscanned string
	}{
		{"ByMediaType", attach("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "hakemus.docx", doc), Limits{}, true, true, ""},
		{"ByExtension", attach("application/octet-stream", "hakemus.docx", doc), Limits{}, true, true, ""},
		{"TooLargeToRead", attach("application/octet-stream", "hakemus.docx", doc), Limits{MaxOfficeBytes: 100}, false, false, "larger than"},
		{"Damaged", attach("application/octet-stream", "hakemus.docx", doc[:len(doc)/2]), Limits{}, false, false, "could not be read"},
		{"LegacyWordNotRead", attach("application/msword", "hakemus.doc", []byte("\xd0\xcf\x11\xe0 synthetic")), Limits{}, false, false, "is not read as text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(tt.raw), tt.lim)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Attachments) != 1 {
				t.Fatalf("%d attachments, want 1", len(m.Attachments))
			}
			a := m.Attachments[0]
			if a.Scannable != tt.scannable {
				t.Fatalf("Scannable = %v, want %v (%s)", a.Scannable, tt.scannable, a.Unread)
			}
			if a.Size != int64(len(doc)) && tt.name == "ByMediaType" {
				t.Errorf("Size = %d, want %d", a.Size, len(doc))
			}
			v := Check(m, nil)
			if v.IdentityCode() != tt.identity {
				t.Errorf("identity code found = %v, want %v", v.IdentityCode(), tt.identity)
			}
			var reasons []string
			for _, u := range v.Unscanned {
				reasons = append(reasons, u.Reason)
			}
			if got := strings.Join(reasons, "; "); tt.unscanned == "" && got != "" || !strings.Contains(got, tt.unscanned) {
				t.Errorf("unscanned %q, want %q", got, tt.unscanned)
			}
		})
	}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	return b.String() + s
}

func FuzzOfficeText(f *testing.F) {
	f.Add(docx(f, []string{"Tunnus ", code1}))
	f.Add(officeFile(f, "content.xml", `<a><text:p>x</text:p></a>`, "xl/sharedStrings.xml", `<sst><si><t>y</t></si></sst>`))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		text, _, err := officeText(raw, 4096)
		if err == nil && len(text) > 4096 {
			t.Fatalf("text of %d bytes, limit 4096", len(text))
		}
	})
}
