package http_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/blob/s3"
	"github.com/kirjaamo/kirjaamo/blob/s3/s3test"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// TestRecordingsOnS3: the recording life cycle with the S3 store on a real
// server (KIRJAAMO_TEST_S3_URL): upload, playback with a range, only
// ciphertext in the bucket, and the object gone after the sweep destroyed
// its key.
func TestRecordingsOnS3(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		store := s3test.MustOpen(t, "recordings")
		e := newEnv(t, open, seed002)
		e.api.Blobs = store
		e.db.SetBlobs(store)
		subj := e.newPerson(policy.RoleAgent)
		audio := bytes.Repeat([]byte("SYNTHETIC-AUDIO-PATTERN-0123456789 "), 8000)
		call := e.newRecordedCall(subj.ID, audio)

		var key string
		store.List(t.Context(), "recordings", func(k string, _ int64) error { key = k; return nil })
		if key == "" {
			t.Fatal("no object in the bucket after the upload")
		}
		t.Run("StoredEncrypted", func(t *testing.T) {
			o, err := store.Open(t.Context(), key)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			raw, _ := io.ReadAll(io.NewSectionReader(o, 0, o.Size()))
			if len(raw) <= len(audio) || bytes.Contains(raw, []byte("SYNTHETIC-AUDIO-PATTERN")) {
				t.Fatalf("object of %d bytes holds the plaintext or is not the encrypted stream", len(raw))
			}
		})
		t.Run("PlaysAndSeeks", func(t *testing.T) {
			code, got := e.play(policy.RoleSupervisor, call.ID, "reklamaation käsittely", "")
			if code != 200 || !bytes.Equal(got, audio) {
				t.Fatalf("got %d and %d bytes, want 200 and the %d bytes uploaded", code, len(got), len(audio))
			}
			code, part := e.play(policy.RoleSupervisor, call.ID, "reklamaation käsittely", "bytes=100000-100099")
			if code != 206 || !bytes.Equal(part, audio[100000:100100]) {
				t.Fatalf("range: got %d %q", code, part)
			}
		})
		t.Run("SweepDeletesObject", func(t *testing.T) {
			later := &kirjaamo.Service{Store: e.db, Policy: e.api.Service.Policy, Now: func() time.Time { return time.Now().AddDate(0, 7, 0) }}
			if _, err := later.Sweep(context.Background(), false, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("Stat after the sweep: got %v, want ErrNotFound", err)
			}
		})
	})
}

// TestRecordingStoreUnavailable: an object store that cannot be reached is
// 503 with a message that says to retry, and the cause goes to the log.
func TestRecordingStoreUnavailable(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		down := httptest.NewServer(http.NotFoundHandler())
		down.Close() // a port nobody listens on
		store, err := s3.New(s3.Config{Endpoint: down.URL, Bucket: "kirjaamo", AccessKey: "AK", SecretKey: "SK", PathStyle: true})
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, open, seed002)
		e.api.Blobs = store
		subj := e.newPerson(policy.RoleAgent)
		notice := &kirjaamo.RecordingNotice{Method: kirjaamo.NoticeAtStart, At: time.Now().Add(-time.Minute).UTC(), AnnouncementVersion: "2026-1"}
		var c kirjaamo.Contact
		if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{subj.ID}, RecordingNotice: notice}, &c); code != 201 {
			t.Fatalf("create call: %d", code)
		}
		code, body := e.upload(policy.RoleAgent, c.ID, []byte("audio"), time.Now().UTC())
		if code != 503 || !bytes.Contains([]byte(body), []byte("try again later")) {
			t.Fatalf("got %d %s, want 503 asking to retry", code, body)
		}
		if !bytes.Contains(e.logs.Bytes(), []byte("blob store unavailable")) {
			t.Errorf("the cause was not logged")
		}
	})
}

// TestEmailAttachmentsOnS3: an e-mail attachment is stored in the bucket as
// ciphertext and downloads as sent.
func TestEmailAttachmentsOnS3(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		store := s3test.MustOpen(t, "attachments")
		e := newEnv(t, open, seed002)
		e.api.Blobs = store
		e.db.SetBlobs(store)
		pdf := []byte("%PDF-1.4 SYNTHETIC-PDF-PATTERN " + strings.Repeat("x", 200<<10))
		status, body, in := e.postEmail(policy.RoleAgent, mailWith("asiakas@example.com", "Liite", "Hei, liitteenä.\r\n",
			mailPart{"liite.pdf", "application/pdf", pdf}))
		if status != 201 || in.Contact == nil {
			t.Fatalf("ingest: got %d %s", status, body)
		}
		var list khttp.AttachmentList
		if got := e.do(policy.RoleAgent, "GET", "/api/v1/contacts/"+in.Contact.ID+"/attachments", nil, &list); got != 200 || len(list.Attachments) != 1 {
			t.Fatalf("list: got %d with %d attachments, want 200 with 1", got, len(list.Attachments))
		}
		got, content := e.get(policy.RoleAgent, "/api/v1/contacts/"+in.Contact.ID+"/attachments/"+list.Attachments[0].ID, "asiakkaan hakemus")
		if got != 200 || !bytes.Equal(content, pdf) {
			t.Fatalf("download: got %d and %d bytes, want 200 and the %d bytes sent", got, len(content), len(pdf))
		}
		objects := 0
		store.List(t.Context(), "attachments", func(key string, _ int64) error {
			objects++
			o, err := store.Open(t.Context(), key)
			if err != nil {
				return err
			}
			defer o.Close()
			raw, _ := io.ReadAll(io.NewSectionReader(o, 0, o.Size()))
			if bytes.Contains(raw, []byte("SYNTHETIC-PDF-PATTERN")) {
				t.Errorf("object %s holds the attachment's plaintext", key)
			}
			return nil
		})
		if objects != 1 {
			t.Errorf("got %d objects under attachments/, want 1", objects)
		}
	})
}
