package http_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

// mailPart is an attachment of a test e-mail.
type mailPart struct {
	name, ctype string
	data        []byte
}

// mailWith builds a multipart/mixed RFC 5322 message with a text body and
// base64 attachments.
func mailWith(from, subject, body string, parts ...mailPart) string {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fmt.Fprintf(&b, "From: Asiakas <%s>\r\nTo: palvelu@example.com\r\nSubject: %s\r\nDate: Mon, 23 Nov 2026 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=%s\r\n\r\n", from, subject, mw.Boundary())
	w, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}})
	io.WriteString(w, body)
	for _, p := range parts {
		w, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {p.ctype}, "Content-Transfer-Encoding": {"base64"},
			"Content-Disposition": {`attachment; filename="` + p.name + `"`}})
		enc := base64.NewEncoder(base64.StdEncoding, w)
		enc.Write(p.data)
		enc.Close()
	}
	mw.Close()
	return b.String()
}

// postEmail sends a raw message as role and returns the status, the raw
// answer and the decoded intake.
func (e *env) postEmail(role policy.Role, raw string) (int, []byte, khttp.EmailIntake) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/emails", strings.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	req.Header.Set("Content-Type", "message/rfc822")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var in khttp.EmailIntake
	json.Unmarshal(b, &in)
	return resp.StatusCode, b, in
}

// blobFiles lists the files under the blob directory's attachments.
func (e *env) blobFiles() []string {
	var files []string
	filepath.Walk(e.blobDir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.Contains(p, kirjaamo.AttachmentNamespace) {
			files = append(files, p)
		}
		return nil
	})
	return files
}

func (e *env) countRows(query string) int {
	e.t.Helper()
	var n int
	if err := e.db.Writer().QueryRow(query).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// Issue 4 over the HTTP API on every backend: e-mail attachments are
// stored encrypted as blobs, each under its own data key, minimised as the
// register's policy says (seed 000 §3), listed and downloaded with an
// audited read, found by discovery and included in the access export
// (seed 000 §2: one system answers "what do you store about me"), and
// destroyed with their contact, key first.
func TestEmailAttachmentsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		g := synth.New(11)
		subj := e.newPerson(policy.RoleAgent)
		code := g.IdentityCode(g.BirthDate())
		plain := []byte("Hakemus koskee työttömyysturvaa.\n")
		csv := []byte("nimi;tunnus\nHakija;" + code + "\n")
		pdf := []byte("%PDF-1.4 SYNTHETIC-PDF-PATTERN " + strings.Repeat("x", 5000))
		raw := mailWith(g.Email(), "Hakemus", "Hei, liitteenä hakemus. Vastaukset osoitteeseen "+subj.Emails[0]+".\r\n",
			mailPart{"hakemus.txt", "text/plain; charset=utf-8", plain},
			mailPart{"tiedot.csv", "text/csv", csv},
			mailPart{"liite.pdf", "application/pdf", pdf},
			mailPart{code + ".pdf", "application/pdf", pdf},
		)
		status, body, in := e.postEmail(policy.RoleAgent, raw)
		if status != 201 || in.Contact == nil {
			t.Fatalf("ingest: got %d %s", status, body)
		}
		if bytes.Contains(body, []byte(code)) {
			t.Fatal("the answer holds the identity code")
		}
		cid := in.Contact.ID
		var list khttp.AttachmentList
		if got := e.do(policy.RoleAgent, "GET", "/api/v1/contacts/"+cid+"/attachments", nil, &list); got != 200 || len(list.Attachments) != 4 {
			t.Fatalf("list: got %d with %d attachments, want 200 with 4", got, len(list.Attachments))
		}
		byNumber := map[int]*kirjaamo.Attachment{}
		for _, a := range list.Attachments {
			byNumber[a.Number] = a
		}
		sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

		// The rule each attachment checks, from seed 000 §3 and the policy's
		// default redaction (identity codes and special categories redacted).
		rules := []struct {
			name     string
			number   int
			stored   bool
			redacted bool
			check    func(t *testing.T, a *kirjaamo.Attachment, content []byte)
		}{
			{"TextWithoutFindingsStoredAsSent", 1, true, false, func(t *testing.T, a *kirjaamo.Attachment, content []byte) {
				if !bytes.Equal(content, plain) || a.SHA256 != sum(plain) || !a.Scanned {
					t.Fatalf("got %q sha %s scanned %v, want the file as sent", content, a.SHA256, a.Scanned)
				}
			}},
			{"TextWithIdentityCodeStoredRedacted", 2, true, true, func(t *testing.T, a *kirjaamo.Attachment, content []byte) {
				if bytes.Contains(content, []byte(code)) || !bytes.Contains(content, []byte("[fi_personal_identity_code]")) {
					t.Fatalf("got %q, want the text with the identity code redacted", content)
				}
				if a.Filename != "tiedot.csv.txt" || !strings.HasPrefix(a.ContentType, "text/plain") || a.SHA256 != sum(content) {
					t.Fatalf("got %q %q, want tiedot.csv.txt as text/plain with the redacted text's sha", a.Filename, a.ContentType)
				}
			}},
			{"BinaryStoredEncryptedAsSent", 3, true, false, func(t *testing.T, a *kirjaamo.Attachment, content []byte) {
				if !bytes.Equal(content, pdf) || a.Scanned {
					t.Fatalf("got %d bytes scanned %v, want the %d bytes as sent, unscanned", len(content), a.Scanned, len(pdf))
				}
				for _, f := range e.blobFiles() {
					b, _ := os.ReadFile(f)
					if bytes.Contains(b, []byte("SYNTHETIC-PDF-PATTERN")) {
						t.Fatal("the blob store holds the attachment's plaintext")
					}
				}
			}},
			{"BinaryNamedWithIdentityCodeNotStored", 4, false, false, func(t *testing.T, a *kirjaamo.Attachment, content []byte) {
				if strings.Contains(a.Filename, code) || !strings.Contains(a.Note, "not stored") {
					t.Fatalf("got name %q note %q, want the code redacted and the reason", a.Filename, a.Note)
				}
			}},
		}
		for _, r := range rules {
			t.Run(r.name, func(t *testing.T) {
				a := byNumber[r.number]
				if a == nil {
					t.Fatalf("attachment %d missing", r.number)
				}
				if a.Stored != r.stored || a.Redacted != r.redacted {
					t.Fatalf("got stored %v redacted %v, want %v %v", a.Stored, a.Redacted, r.stored, r.redacted)
				}
				got, content := e.get(policy.RoleAgent, "/api/v1/contacts/"+cid+"/attachments/"+a.ID, "asiakkaan hakemus")
				switch {
				case r.stored && got != 200:
					t.Fatalf("download: got %d, want 200", got)
				case !r.stored && got != 404:
					t.Fatalf("download of an attachment not stored: got %d, want 404", got)
				}
				r.check(t, a, content)
			})
		}
		t.Run("DownloadAuditedWithPurpose", func(t *testing.T) {
			var evs khttp.AuditList
			e.do(policy.RoleAuditor, "GET", "/api/v1/audit?record_id="+cid, nil, &evs)
			last := evs.Events[len(evs.Events)-1]
			if last.Purpose != "asiakkaan hakemus" || last.Action != kirjaamo.ActionRead || !strings.Contains(last.Detail, "attachment") {
				t.Fatalf("got last event %+v, want the download with its purpose", last)
			}
		})
		t.Run("RoleWithoutReadGets403AndIsAudited", func(t *testing.T) {
			if got, _ := e.get(policy.RoleAuditor, "/api/v1/contacts/"+cid+"/attachments/"+byNumber[1].ID, "tarkastus"); got != 403 {
				t.Fatalf("got %d, want 403", got)
			}
			var evs khttp.AuditList
			e.do(policy.RoleAuditor, "GET", "/api/v1/audit?record_id="+cid, nil, &evs)
			if last := evs.Events[len(evs.Events)-1]; last.Outcome != kirjaamo.OutcomeDenied || last.Actor != e.users[policy.RoleAuditor].ID {
				t.Fatalf("got last event %+v, want the denied download", last)
			}
		})
		// Seed 000 §2: the customer may ask what is stored; the e-mail
		// mentions the subject's address, so discovery finds it and its
		// attachments, and the export carries the stored files decrypted.
		t.Run("DiscoveryAndExportIncludeAttachments", func(t *testing.T) {
			var req kirjaamo.Request
			e.do(policy.RoleDPO, "POST", "/api/v1/requests", khttp.NewRequest{Type: "access", SubjectID: subj.ID, Channel: "web"}, &req)
			e.do(policy.RoleDPO, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "strong_electronic_identification"}}, nil)
			var d kirjaamo.Discovery
			if got := e.do(policy.RoleDPO, "GET", "/api/v1/requests/"+req.ID+"/discovery", nil, &d); got != 200 || len(d.Attachments) != 4 {
				t.Fatalf("discovery: got %d with %d attachments, want 200 with 4", got, len(d.Attachments))
			}
			got, zbody := e.get(policy.RoleDPO, "/api/v1/requests/"+req.ID+"/export?lang=en", "")
			if got != 200 {
				t.Fatalf("export: got %d", got)
			}
			files := unzip(t, zbody)
			var x kirjaamo.Export
			json.Unmarshal(files["data.json"], &x)
			if len(x.Mentions) != 1 || len(x.Mentions[0].Attachments) != 4 {
				t.Fatalf("data.json: %d mentions, want 1 with 4 attachments", len(x.Mentions))
			}
			included := 0
			for _, a := range x.Mentions[0].Attachments {
				if a.File == "" {
					continue
				}
				included++
				if sum(files[a.File]) != a.SHA256 {
					t.Errorf("%s: the file in the ZIP does not match its sha256", a.File)
				}
			}
			if included != 3 || !bytes.Equal(files[x.Mentions[0].Attachments[2].File], pdf) {
				t.Fatalf("got %d files, want the 3 stored attachments decrypted", included)
			}
		})
		// Principle 2: deletion is real. The sweep destroys the wrapped keys
		// with the rows, then the blobs.
		t.Run("SweepDestroysKeysThenBlobs", func(t *testing.T) {
			before := e.blobFiles()
			if len(before) != 3 {
				t.Fatalf("got %d attachment blobs, want 3 (one per stored attachment)", len(before))
			}
			later := &kirjaamo.Service{Store: e.db, Policy: e.api.Service.Policy, Now: func() time.Time { return time.Now().AddDate(0, 7, 0) }}
			if _, err := later.Sweep(context.Background(), false, 0); err != nil {
				t.Fatal(err)
			}
			if n := e.countRows("SELECT COUNT(*) FROM attachments"); n != 0 {
				t.Fatalf("got %d attachment rows after the sweep, want 0", n)
			}
			if left := e.blobFiles(); len(left) != 0 {
				t.Fatalf("got %d attachment blobs after the sweep, want 0", len(left))
			}
		})
	})
}

// failingBlobs fails every Put after the first n with ErrNoSpace, having
// consumed part of the stream, like a disk filling up mid-message.
type failingBlobs struct {
	blob.Store
	n atomic.Int32
}

func (f *failingBlobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if f.n.Add(-1) < 0 {
		io.CopyN(io.Discard, r, 10)
		return 0, blob.ErrNoSpace
	}
	return f.Store.Put(ctx, key, r)
}

// Principle 7: nothing half-written. An e-mail whose second attachment
// cannot be stored is refused whole: no contact, no attachment row, no blob.
// A role that may not write the register is refused before any byte is
// stored.
func TestEmailAttachmentsNothingHalfWritten(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		g := synth.New(12)
		raw := mailWith(g.Email(), "Liitteet", "Hei, kaksi liitettä.\r\n",
			mailPart{"a.pdf", "application/pdf", []byte("%PDF-1.4 first")},
			mailPart{"b.pdf", "application/pdf", []byte("%PDF-1.4 second")})
		tests := []struct {
			name  string
			role  policy.Role
			blobs func() blob.Store
			want  int
		}{
			{"BlobStoreFullMidMessage", policy.RoleAgent, func() blob.Store { f := &failingBlobs{Store: e.blobs}; f.n.Store(1); return f }, 507},
			{"RoleWithoutWriteRefusedBeforeStoring", policy.RoleAuditor, func() blob.Store { return e.blobs }, 403},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.api.Blobs = tt.blobs()
				defer func() { e.api.Blobs = e.blobs }()
				if got, body, _ := e.postEmail(tt.role, raw); got != tt.want {
					t.Fatalf("got %d %s, want %d", got, body, tt.want)
				}
				if n := e.countRows("SELECT COUNT(*) FROM attachments"); n != 0 {
					t.Fatalf("got %d attachment rows, want 0", n)
				}
				if n := e.countRows("SELECT COUNT(*) FROM contacts"); n != 0 {
					t.Fatalf("got %d contacts, want 0", n)
				}
				if files := e.blobFiles(); len(files) != 0 {
					t.Fatalf("got %d blobs left, want 0", len(files))
				}
			})
		}
	})
}

// seed002Variant writes seed 002's policy with the replacements made, for
// rules the example does not exercise.
func seed002Variant(t *testing.T, oldnew ...string) string {
	t.Helper()
	src, err := os.ReadFile(seed002)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(oldnew...).Replace(string(src))
	if text == string(src) {
		t.Fatal("the variant changes nothing")
	}
	f := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// Storage limitation (seed 000 §2, principle 1): a register whose policy
// has no retention rule for attachments keeps none. The e-mail is stored,
// the answer lists the attachment as not stored and why, and no row or
// blob is left.
func TestEmailAttachmentsWithoutRetentionRuleNotKept(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002Variant(t, "      - part: attachment\n        keep: 180d\n        from: created\n", ""))
		g := synth.New(13)
		status, body, in := e.postEmail(policy.RoleAgent, mailWith(g.Email(), "Liite", "Hei.\r\n", mailPart{"a.pdf", "application/pdf", []byte("%PDF-1.4")}))
		if status != 201 || len(in.Attachments) != 1 || in.Attachments[0].Stored || !strings.Contains(in.Attachments[0].Note, "keeps no attachments") {
			t.Fatalf("got %d %s, want 201 listing the attachment as not kept", status, body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM attachments"); n != 0 {
			t.Fatalf("got %d attachment rows, want 0", n)
		}
		if files := e.blobFiles(); len(files) != 0 {
			t.Fatalf("got %d blobs, want 0", len(files))
		}
	})
}

// GDPR art. 17 (seed 001): an executed erasure destroys a linked e-mail's
// attachments like its recordings — the row with the wrapped key in the
// erasure's transaction, then the blob. Seed 002's registers name the
// statutory-task exception, so the variant drops it.
func TestEmailAttachmentsErased(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002Variant(t, "statutory_task", "open_invoice"))
		subj := e.newPerson(policy.RoleAgent)
		ctx := kirjaamo.WithAccess(context.Background(), &kirjaamo.Access{User: e.users[policy.RoleAgent]})
		sl, err := blob.PutSealed(ctx, e.blobs, e.api.Keys, kirjaamo.AttachmentNamespace+"/"+kirjaamo.NewID(time.Now()), strings.NewReader("%PDF-1.4 synthetic"))
		if err != nil {
			t.Fatal(err)
		}
		body := "Hakemus liitteenä."
		c := &kirjaamo.Contact{Kind: policy.KindEmail, SubjectIDs: []string{subj.ID}, Content: &body, Attachments: []*kirjaamo.Attachment{{
			ID: kirjaamo.NewID(time.Now()), Number: 1, Filename: "hakemus.pdf", ContentType: "application/pdf", Size: sl.Size,
			SHA256: hex.EncodeToString(sl.SHA256[:]), Stored: true, BlobKey: sl.Key, WrappedKey: sl.WrappedKey}}}
		if err := e.api.Service.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		var req kirjaamo.Request
		e.do(policy.RoleDPO, "POST", "/api/v1/requests", khttp.NewRequest{Type: "erasure", SubjectID: subj.ID, Channel: "letter"}, &req)
		e.do(policy.RoleDPO, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "signed_letter"}}, nil)
		var d kirjaamo.ErasureDecision
		if code := e.do(policy.RoleDPO, "POST", "/api/v1/requests/"+req.ID+"/erasure", khttp.ErasureRequest{}, &d); code != 200 {
			t.Fatalf("erasure: got %d", code)
		}
		erased := false
		for _, it := range d.Items {
			erased = erased || (it.RecordID == c.ID && it.Part == policy.PartAttachment && it.Erased)
		}
		if !erased {
			t.Fatalf("the decision does not erase the attachment part: %+v", d.Items)
		}
		if n := e.countRows("SELECT COUNT(*) FROM attachments"); n != 0 {
			t.Fatalf("got %d attachment rows after the erasure, want 0", n)
		}
		if _, err := e.blobs.Stat(ctx, sl.Key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("the blob survived the erasure: %v", err)
		}
	})
}

// Issue 4 §6 (seed 000 §2): identifiers in an attachment's text go into the
// mentions index like the body's, so a request about a person finds an
// e-mail that names them only in an attachment.
func TestAttachmentTextMentionsIndexed(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		subj := e.newPerson(policy.RoleAgent)
		g := synth.New(14)
		_, body, in := e.postEmail(policy.RoleAgent, mailWith(g.Email(), "Liite", "Hei, tiedot liitteessä.\r\n",
			mailPart{"yhteystiedot.txt", "text/plain; charset=utf-8", []byte("Yhteyshenkilö: " + subj.Emails[0] + "\n")}))
		if in.Contact == nil {
			t.Fatalf("ingest: %s", body)
		}
		var found khttp.ContactList
		if code := e.do(policy.RoleDPO, "POST", "/api/v1/mentions/search", kirjaamo.SubjectQuery{Email: subj.Emails[0]}, &found); code != 200 || len(found.Contacts) != 1 || found.Contacts[0].ID != in.Contact.ID {
			t.Fatalf("got %d with %d contacts, want the e-mail found through its attachment", code, len(found.Contacts))
		}
	})
}

// wordFile is a minimal Word document (OOXML) with one paragraph of runs.
func wordFile(t *testing.T, runs ...string) []byte {
	t.Helper()
	var body strings.Builder
	for _, r := range runs {
		body.WriteString(`<w:r><w:t xml:space="preserve">` + r + `</w:t></w:r>`)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml": `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>` +
			body.String() + `</w:p></w:body></w:document>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Seed 000 §3 for office documents: a Word file whose text holds an
// identity code (split over runs, as Word writes it) is stored as its
// redacted text, never as sent; one without findings is stored as sent,
// marked scanned.
func TestEmailOfficeAttachmentScannedAndRedacted(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		g := synth.New(29)
		code := g.IdentityCode(g.BirthDate())
		withCode := wordFile(t, "Hakijan henkilötunnus ", code[:6], code[6:], ".")
		clean := wordFile(t, "Hakemus koskee työttömyysturvaa.")
		const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		status, body, in := e.postEmail(policy.RoleAgent, mailWith(g.Email(), "Hakemus", "Liitteenä hakemus.\r\n",
			mailPart{"hakemus.docx", docxType, withCode},
			mailPart{"selvitys.docx", "application/octet-stream", clean}))
		if status != 201 || in.Contact == nil {
			t.Fatalf("ingest: got %d %s", status, body)
		}
		var list khttp.AttachmentList
		if got := e.do(policy.RoleAgent, "GET", "/api/v1/contacts/"+in.Contact.ID+"/attachments", nil, &list); got != 200 || len(list.Attachments) != 2 {
			t.Fatalf("list: got %d with %d attachments, want 200 with 2", got, len(list.Attachments))
		}
		for _, a := range list.Attachments {
			got, content := e.get(policy.RoleAgent, "/api/v1/contacts/"+in.Contact.ID+"/attachments/"+a.ID, "asiakkaan hakemus")
			if got != 200 || !a.Stored || !a.Scanned {
				t.Fatalf("attachment %d: download %d, stored %v, scanned %v; want 200, stored, scanned", a.Number, got, a.Stored, a.Scanned)
			}
			switch a.Number {
			case 1:
				if !a.Redacted || a.Filename != "hakemus.docx.txt" || bytes.Contains(content, []byte(code)) ||
					!bytes.Contains(content, []byte("[fi_personal_identity_code]")) {
					t.Fatalf("document with a code: got %q redacted %v, want its text with the code redacted", a.Filename, a.Redacted)
				}
			case 2:
				if a.Redacted || !bytes.Equal(content, clean) {
					t.Fatalf("document without findings: redacted %v, %d bytes; want the file as sent", a.Redacted, len(content))
				}
			}
		}
	})
}
