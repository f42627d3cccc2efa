package http_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// Issue 6: an access export for a subject with calls, a recording, a chat
// and a transcript that only mentions their e-mail contains all of them,
// nothing about another subject, a data.json of the documented schema and
// the consultations of their data.
func TestAccessExport(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		subj := e.newPerson(policy.RoleAgent)
		other := e.newPerson(policy.RoleAgent)
		audio := bytes.Repeat([]byte("EXPORT-AUDIO "), 10000)
		recorded := e.newRecordedCall(subj.ID, audio)
		e.newCall(policy.RoleAgent, other.ID)
		msgs := []kirjaamo.ChatMessage{{Sender: "customer", At: time.Now(), Text: "Kysyn hakemuksestani."}}
		var chat kirjaamo.Contact
		if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindChat, SubjectIDs: []string{subj.ID}, Messages: msgs}, &chat); code != 201 {
			t.Fatalf("chat: %d", code)
		}
		text := "Vastaus lähetettiin osoitteeseen " + subj.Emails[0] + " ja kopio osoitteeseen " + other.Emails[0] + "."
		var mail kirjaamo.Contact
		e.do(policy.RoleAgent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindEmail, Content: &text}, &mail)
		// A supervisor listened to the recording: a consultation to report.
		e.play(policy.RoleSupervisor, recorded.ID, "reklamaatio", "")

		dpo := policy.RoleDPO
		var req kirjaamo.Request
		e.do(dpo, "POST", "/api/v1/requests", khttp.NewRequest{Type: "access", SubjectID: subj.ID, Channel: "web"}, &req)
		if code := e.do(dpo, "GET", "/api/v1/requests/"+req.ID+"/export", nil, nil); code != 409 {
			t.Fatalf("export before verification: got %d, want 409", code)
		}
		e.do(dpo, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "strong_electronic_identification"}}, nil)

		hreq, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/requests/"+req.ID+"/export?lang=fi", nil)
		hreq.Header.Set("Authorization", "Bearer "+e.tokens[dpo])
		resp, err := http.DefaultClient.Do(hreq)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("export: %d %s", resp.StatusCode, body)
		}
		files := unzip(t, body)
		var x kirjaamo.Export
		if err := json.Unmarshal(files["data.json"], &x); err != nil {
			t.Fatalf("data.json: %v", err)
		}
		if x.Schema != kirjaamo.ExportSchema || x.Subject == nil || x.Subject.IdentityCode != subj.IdentityCode {
			t.Fatalf("data.json lacks the schema or the subject")
		}
		ids := map[string]bool{}
		for _, c := range x.Contacts {
			ids[c.ID] = true
		}
		if !ids[recorded.ID] || !ids[chat.ID] || len(x.Mentions) != 1 || x.Mentions[0].ID != mail.ID {
			t.Fatalf("got contacts %v and %d mentions; want the call, the chat and the e-mail that mentions them", ids, len(x.Mentions))
		}
		if !bytes.Equal(files["recordings/"+recorded.ID], audio) {
			t.Fatal("the recording is not in the export, decrypted")
		}
		all := string(body)
		for _, f := range files {
			all += string(f)
		}
		for _, s := range []string{other.ID, other.Emails[0], other.IdentityCode, other.LastName} {
			if strings.Contains(all, s) {
				t.Fatal("the export holds another subject's data")
			}
		}
		if !strings.Contains(*x.Mentions[0].Content, subj.Emails[0]) {
			t.Fatal("the subject's own e-mail was removed from the mention")
		}
		found := false
		for _, c := range x.Consultations {
			found = found || (c.Purpose == "reklamaatio" && c.Role == "supervisor")
		}
		if !found || !strings.Contains(string(files["report.html"]), "reklamaatio") || len(files["privacy-notice.html"]) == 0 {
			t.Fatal("the consultations (CJEU C-579/21) or the notice are missing")
		}
	})
}
