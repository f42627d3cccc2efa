package web_test

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/policy"
)

// attachmentText is the synthetic content of the e-mail's attachment.
const attachmentText = "Liitteenä hakemuksen perustelut."

// emailWithAttachment stores an e-mail linked to the subject with one
// stored text attachment and one that intake did not keep, as the e-mail
// intake leaves them.
func (e *env) emailWithAttachment(subjectID string) (*kirjaamo.Contact, *kirjaamo.Attachment) {
	e.t.Helper()
	ctx := kirjaamo.WithAccess(e.t.Context(), e.as(policy.RoleAgent, ""))
	sl, err := blob.PutSealed(ctx, e.blobs, e.dk, kirjaamo.AttachmentNamespace+"/"+kirjaamo.NewID(time.Now()), strings.NewReader(attachmentText))
	if err != nil {
		e.t.Fatal(err)
	}
	body := "Hakemus liitteenä."
	now := time.Now()
	stored := &kirjaamo.Attachment{ID: kirjaamo.NewID(now), Number: 1, Filename: "perustelut.txt", ContentType: "text/plain; charset=utf-8",
		Size: sl.Size, SHA256: hex.EncodeToString(sl.SHA256[:]), Stored: true, Scanned: true, BlobKey: sl.Key, WrappedKey: sl.WrappedKey}
	dropped := &kirjaamo.Attachment{ID: kirjaamo.NewID(now), Number: 2, Filename: "liite.pdf", ContentType: "application/pdf", Size: 2048,
		Note: "the file name held an identity code"}
	c := &kirjaamo.Contact{Kind: policy.KindEmail, SubjectIDs: []string{subjectID}, Title: "Hakemus", Content: &body,
		Attachments: []*kirjaamo.Attachment{stored, dropped}}
	if err := e.svc.CreateContact(ctx, c); err != nil {
		e.t.Fatal(err)
	}
	return c, stored
}

// Issue 4 (seed 000 §3): an e-mail's attachments are listed on its page,
// stored or not and why; opening one asks a purpose and is audited with it,
// and the file is sent as a sandboxed download, never rendered in the
// interface's origin.
func TestEmailAttachmentsOnContactPage(t *testing.T) {
	e := newEnv(t)
	subj := e.person()
	c, att := e.emailWithAttachment(subj.ID)
	agent := e.login(policy.RoleAgent)
	agent.post("/purpose", url.Values{"purpose": {"asiakkaan yhteydenotto"}, "next": {"/search"}})
	code, page := agent.get("/contacts/" + c.ID)
	if code != 200 {
		t.Fatalf("contact page: got %d", code)
	}
	for _, want := range []string{"perustelut.txt", "liite.pdf", `action="/contacts/` + c.ID + `/attachments/` + att.ID + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the contact page lacks %q", want)
		}
	}
	for _, tc := range []struct {
		name, purpose string
		wantCode      int
	}{
		{"WithoutPurposeRefused", "", 400},
		{"WithPurposeDownloadsAndIsAudited", "hakemuksen käsittely", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := agent.post("/contacts/"+c.ID+"/attachments/"+att.ID, url.Values{"purpose": {tc.purpose}})
			if code != tc.wantCode {
				t.Fatalf("got %d, want %d", code, tc.wantCode)
			}
			if tc.wantCode != 200 {
				return
			}
			if body != attachmentText {
				t.Fatal("the download is not the attachment's content")
			}
			audited := false
			for _, ev := range e.auditEvents(kirjaamo.ActionRead, subj.ID) {
				audited = audited || ev.Purpose == tc.purpose && strings.Contains(ev.Detail, att.ID)
			}
			if !audited {
				t.Fatal("no audit event of the download with its purpose")
			}
		})
	}
}
