package email

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// Office documents — Word, Excel and PowerPoint since 2007 (OOXML) and
// OpenDocument — are ZIP archives of XML parts. Customers attach exactly
// these: a spreadsheet of names and identity codes, a letter in Word. Their
// text is read here so that the same scanner and redaction rules apply to
// them as to a text attachment (seed 000 §3: personal data that should not
// be stored is caught on the way in). Legacy binary formats (.doc, .xls),
// encrypted documents and PDF are not read; Check lists them as unscanned.

// officeTypes are the media types of the documents read as text.
var officeTypes = []string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
}

var officeExts = []string{".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}

func isOffice(mediaType, ext string) bool {
	return slices.Contains(officeTypes, mediaType) || slices.Contains(officeExts, ext)
}

// Bounds of reading one document, against archives built to exhaust
// memory or time (a part that inflates a thousandfold, ten thousand parts).
const (
	maxOfficeParts = 2000
	// officeInflate bounds the XML inflated from one document, as a
	// multiple of the text kept.
	officeInflate = 16
)

var errOffice = errors.New("not a readable office document")

// officeText returns the text of an OOXML or OpenDocument file: the
// character data of its XML parts, the document body first, a line break
// after each paragraph, cell and row, runs within a paragraph joined as
// they are (Word splits "131052-308T" into runs wherever an edit was made).
// Metadata parts (author, last editor) are read too: what is in the file is
// in the file. At most maxText bytes are returned; truncated says the text
// is longer or the document exceeded the inflation bound.
func officeText(raw []byte, maxText int) (text string, truncated bool, err error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return "", false, fmt.Errorf("%w: %v", errOffice, err)
	}
	if len(zr.File) > maxOfficeParts {
		return "", false, fmt.Errorf("%w: %d parts, more than %d", errOffice, len(zr.File), maxOfficeParts)
	}
	var parts []*zip.File
	for _, f := range zr.File {
		name := f.Name
		if !strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") || name == "[Content_Types].xml" {
			continue
		}
		parts = append(parts, f)
	}
	if len(parts) == 0 {
		return "", false, fmt.Errorf("%w: no XML parts", errOffice)
	}
	slices.SortStableFunc(parts, func(a, b *zip.File) int { return partRank(a.Name) - partRank(b.Name) })
	w := &boundedText{max: maxText}
	budget := int64(officeInflate) * int64(max(maxText, 1<<16))
	for _, f := range parts {
		if w.full() || budget <= 0 {
			truncated = true
			break
		}
		rc, err := f.Open()
		if err != nil {
			return "", false, fmt.Errorf("%w: %v", errOffice, err)
		}
		lr := &io.LimitedReader{R: rc, N: budget}
		err = xmlText(w, lr)
		rc.Close()
		if budget = lr.N; budget <= 0 {
			// The part was cut by the bound, whatever the decoder made
			// of its end.
			truncated = true
			break
		}
		if err != nil {
			return "", false, fmt.Errorf("%w: %s: %v", errOffice, path.Base(f.Name), err)
		}
		w.newline()
	}
	return w.String(), truncated || w.cut, nil
}

// partRank orders the parts of a document: the body, then the rest of the
// content, then everything else.
func partRank(name string) int {
	switch {
	case name == "word/document.xml", name == "content.xml", name == "xl/sharedStrings.xml":
		return 0
	case strings.HasPrefix(name, "xl/worksheets/"), strings.HasPrefix(name, "ppt/slides/"),
		strings.HasPrefix(name, "word/"), strings.HasPrefix(name, "ppt/notesSlides/"):
		return 1
	case strings.HasPrefix(name, "docProps/"), name == "meta.xml":
		return 2
	}
	return 3
}

// breakAfter are the elements (by local name, in the OOXML and ODF
// vocabularies) after which a line break keeps neighbouring text apart:
// paragraphs, headings, table cells and rows, spreadsheet cells and
// shared strings, list items.
var breakAfter = map[string]bool{
	"p": true, "h": true, "tc": true, "tr": true, "c": true, "row": true, "si": true,
	"table-cell": true, "table-row": true, "list-item": true, "note": true, "annotation": true,
	"creator": true, "lastModifiedBy": true, "initial-creator": true, "title": true, "subject": true, "description": true,
}

// spaceFor are empty elements that stand for white space in the text.
var spaceFor = map[string]string{
	"tab": " ", "br": "\n", "cr": "\n", "s": " ", "line-break": "\n", "softHyphen": "",
}

// xmlText writes the character data of one XML part to w.
func xmlText(w *boundedText, r io.Reader) error {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.Entity = xml.HTMLEntity
	for !w.full() {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			w.write(t)
		case xml.StartElement:
			if s, ok := spaceFor[t.Name.Local]; ok {
				w.writeString(s)
			}
		case xml.EndElement:
			if breakAfter[t.Name.Local] {
				w.newline()
			}
		}
	}
	return nil
}

// boundedText collects text up to max bytes, collapsing runs of blank
// lines, and remembers that it cut.
type boundedText struct {
	strings.Builder
	max int
	cut bool
}

func (w *boundedText) full() bool { return w.cut }

func (w *boundedText) write(p []byte) {
	if w.cut {
		return
	}
	if room := w.max - w.Len(); len(p) > room {
		n := max(room, 0)
		for n > 0 && !utf8.RuneStart(p[n]) {
			n-- // not inside a character
		}
		p, w.cut = p[:n], true
	}
	w.Builder.Write(p)
}

func (w *boundedText) writeString(s string) { w.write([]byte(s)) }

func (w *boundedText) newline() {
	if w.Len() == 0 || strings.HasSuffix(w.String(), "\n") {
		return
	}
	w.write([]byte{'\n'})
}
