package http_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// newRecordedCall stores a call with a notice and uploads audio for it.
func (e *env) newRecordedCall(subjectID string, audio []byte) *kirjaamo.Contact {
	e.t.Helper()
	notice := &kirjaamo.RecordingNotice{Method: kirjaamo.NoticeAtStart, At: time.Now().Add(-time.Minute).UTC(), AnnouncementVersion: "2026-1"}
	var c kirjaamo.Contact
	if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{subjectID}, RecordingNotice: notice}, &c); code != 201 {
		e.t.Fatalf("create call: %d", code)
	}
	if code, body := e.upload(policy.RoleAgent, c.ID, audio, time.Now().UTC()); code != 201 {
		e.t.Fatalf("upload: %d %s", code, body)
	}
	return &c
}

func (e *env) upload(role policy.Role, contactID string, audio []byte, started time.Time) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest("PUT", e.srv.URL+"/api/v1/contacts/"+contactID+"/recording", bytes.NewReader(audio))
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	req.Header.Set("Content-Type", "audio/wav")
	req.Header.Set("X-Recording-Started-At", started.Format(time.RFC3339))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) play(role policy.Role, contactID, purpose, rangeHeader string) (int, []byte) {
	e.t.Helper()
	return e.get(role, "/api/v1/contacts/"+contactID+"/recording", purpose, "Range", rangeHeader)
}

// Seed 003: a call is recorded only after the caller was informed; only
// those whose tasks include recordings may listen; the recording is stored
// encrypted and destroyed with its key.
func TestRecordings(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		subj := e.newPerson(policy.RoleAgent)
		audio := bytes.Repeat([]byte("SYNTHETIC-AUDIO-PATTERN-0123456789 "), 8000) // ~280 KB, several chunks
		callStart := time.Now().Add(-10 * time.Minute).UTC()

		var call kirjaamo.Contact
		e.do(policy.RoleAgent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{subj.ID}, StartedAt: &callStart}, &call)

		t.Run("RefusedWithoutNotice", func(t *testing.T) {
			code, body := e.upload(policy.RoleAgent, call.ID, audio, callStart.Add(time.Minute))
			if code != 409 || !strings.Contains(body, "recording notice") || !strings.Contains(body, "seed 003") {
				t.Fatalf("got %d %s, want 409 naming the rule", code, body)
			}
		})
		notice := kirjaamo.RecordingNotice{Method: kirjaamo.NoticeIVRBranch, At: callStart.Add(30 * time.Second), AnnouncementVersion: "ivr-2026-02"}
		if code := e.do(policy.RoleAgent, "PUT", "/api/v1/contacts/"+call.ID+"/recording-notice", notice, nil); code != 200 {
			t.Fatalf("notice: %d", code)
		}
		t.Run("RefusedWhenRecordingStartsBeforeNotice", func(t *testing.T) {
			code, body := e.upload(policy.RoleAgent, call.ID, audio, callStart.Add(10*time.Second))
			if code != 409 || !strings.Contains(body, "before the caller was informed") {
				t.Fatalf("got %d %s, want 409", code, body)
			}
		})
		t.Run("AcceptedAfterNotice", func(t *testing.T) {
			code, body := e.upload(policy.RoleAgent, call.ID, audio, callStart.Add(time.Minute))
			if code != 201 {
				t.Fatalf("got %d %s", code, body)
			}
		})
		t.Run("StoredEncrypted", func(t *testing.T) {
			found := false
			filepath.Walk(e.blobDir, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					b, _ := os.ReadFile(p)
					found = found || bytes.Contains(b, []byte("SYNTHETIC-AUDIO-PATTERN"))
				}
				return nil
			})
			if found {
				t.Fatal("the blob store holds the recording's plaintext")
			}
		})
		t.Run("AgentWithoutRecordingPermissionGets403AndIsAudited", func(t *testing.T) {
			if code, _ := e.play(policy.RoleAgent, call.ID, "tarkistus", ""); code != 403 {
				t.Fatalf("got %d, want 403", code)
			}
			evs := e.auditFor(subj.ID)
			last := evs[len(evs)-1]
			if last.Outcome != kirjaamo.OutcomeDenied || last.Actor != e.users[policy.RoleAgent].ID || !strings.Contains(last.Detail, "recording") {
				t.Fatalf("got last event %+v, want the denied playback", last)
			}
		})
		t.Run("SupervisorNeedsPurpose", func(t *testing.T) {
			if code, _ := e.play(policy.RoleSupervisor, call.ID, "", ""); code != 400 {
				t.Fatalf("got %d, want 400 (require_purpose: recording)", code)
			}
		})
		t.Run("SupervisorPlaysAndSeeks", func(t *testing.T) {
			code, got := e.play(policy.RoleSupervisor, call.ID, "reklamaation käsittely", "")
			if code != 200 || !bytes.Equal(got, audio) {
				t.Fatalf("got %d and %d bytes, want 200 and the %d bytes uploaded", code, len(got), len(audio))
			}
			code, part := e.play(policy.RoleSupervisor, call.ID, "reklamaation käsittely", "bytes=100000-100099")
			if code != 206 || !bytes.Equal(part, audio[100000:100100]) {
				t.Fatalf("range: got %d %q", code, part)
			}
			evs := e.auditFor(subj.ID)
			if last := evs[len(evs)-1]; last.Purpose != "reklamaation käsittely" || last.Outcome != kirjaamo.OutcomeOK {
				t.Fatalf("playback not audited with its purpose: %+v", last)
			}
		})
		// Deleting the recording destroys its key first: a copy of the blob
		// directory taken before is unreadable, and the blob is gone.
		t.Run("DeletedRecordingIsUnrecoverable", func(t *testing.T) {
			var wrapped []byte
			// Ids are generated, never user input: safe to inline for both dialects.
			e.db.Writer().QueryRow("SELECT wrapped_key FROM recordings WHERE contact_id = '" + call.ID + "'").Scan(&wrapped)
			if len(wrapped) == 0 {
				t.Fatal("no wrapped key stored")
			}
			var files []string
			filepath.Walk(e.blobDir, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					files = append(files, p)
				}
				return nil
			})
			later := &kirjaamo.Service{Store: e.db, Policy: e.api.Service.Policy, Now: func() time.Time { return time.Now().AddDate(0, 7, 0) }}
			if _, err := later.Sweep(context.Background(), false, 0); err != nil {
				t.Fatal(err)
			}
			var n int
			e.db.Writer().QueryRow("SELECT COUNT(*) FROM recordings WHERE contact_id = '" + call.ID + "'").Scan(&n)
			if n != 0 {
				t.Fatal("the recording's wrapped key survived the sweep")
			}
			left := 0
			for _, f := range files {
				if _, err := os.Stat(f); err == nil {
					left++
				}
			}
			if left == len(files) {
				t.Fatal("no blob was deleted")
			}
			if code, _ := e.play(policy.RoleSupervisor, call.ID, "x", ""); code != 404 {
				t.Fatalf("playback after deletion: got %d, want 404", code)
			}
		})
	})
}
