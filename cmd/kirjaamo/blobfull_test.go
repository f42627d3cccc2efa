//go:build linux

package main

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The blob store's disk fills up under a running server: the upload that
// does not fit is answered 507 with the no_space code, and nothing of it
// remains — no recordings row, no blob, no temporary file — while earlier
// recordings and the rest of the API are untouched. The disk is a 1 MiB
// tmpfs mounted over the data directory's blobs/ (skipped where mounting is
// not allowed; blob's own tests cover the rules through a hook there).
func TestBlobStoreFullAnswers507AndLeavesNothingHalfWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	data := t.TempDir()
	blobs := filepath.Join(data, "blobs")
	if err := os.MkdirAll(blobs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", blobs, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v)", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(blobs, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", blobs, err)
		}
	})
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	pol, _ := filepath.Abs("../../examples/seed002-te-contact-centre.yaml")
	if code, _, errs := kirjaamoCmd(t, "a long enough password\n", "user", "add", "--data", data, "--username", "agent.one", "--role", "agent"); code != 0 {
		t.Fatal(errs)
	}
	_, tok, _ := kirjaamoCmd(t, "", "token", "create", "--data", data, "--username", "agent.one")
	token := strings.TrimSpace(tok)
	srv := startProc(t, bin, "a", "--data", data, "--policy", pol, "--sweep-every", "0")

	do := func(method, path, ctype string, body []byte, hdr map[string]string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.base()+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Purpose", "kuormitustesti")
		req.Header.Set("Content-Type", ctype)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	code, out := do("POST", "/api/v1/subjects", "application/json", []byte(`{"last_name":"Testinen","customer_number":"FULL-1"}`), nil)
	if code != 201 {
		t.Fatalf("create subject: %d %s", code, out)
	}
	var subj struct{ ID string }
	json.Unmarshal(out, &subj)
	started := time.Now().Add(-10 * time.Minute).UTC()
	newCall := func() string {
		body, _ := json.Marshal(map[string]any{"kind": "call", "subject_ids": []string{subj.ID}, "started_at": started,
			"recording_notice": map[string]any{"method": "announcement_at_start", "at": started, "announcement_version": "full-1"}})
		code, out := do("POST", "/api/v1/contacts", "application/json", body, nil)
		if code != 201 {
			t.Fatalf("create call: %d %s", code, out)
		}
		var c struct{ ID string }
		json.Unmarshal(out, &c)
		return c.ID
	}
	audio := make([]byte, 300<<10) // a few fit in 1 MiB with the fan-out directories
	rand.Read(audio)
	hdr := map[string]string{"X-Recording-Started-At": started.Add(time.Minute).Format(time.RFC3339)}

	stored, full := 0, false
	for range 10 {
		code, out := do("PUT", "/api/v1/contacts/"+newCall()+"/recording", "audio/wav", audio, hdr)
		if code == 201 {
			stored++
			continue
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(out, &e)
		if code != http.StatusInsufficientStorage || e.Error.Code != "no_space" || !strings.Contains(e.Error.Message, "nothing was stored") {
			t.Fatalf("upload on a full disk: got %d %s, want 507 no_space saying nothing was stored", code, out)
		}
		full = true
		break
	}
	if !full || stored == 0 {
		t.Fatalf("stored %d recordings and full=%v; want some stored, then 507", stored, full)
	}

	// Nothing half-written: as many blobs as rows, and no temporary file.
	var files, temps int
	filepath.WalkDir(blobs, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files++
			if strings.HasPrefix(d.Name(), ".tmp-") {
				temps++
			}
		}
		return nil
	})
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "kirjaamo.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.QueryRow("SELECT count(*) FROM recordings").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != stored || files != stored || temps != 0 {
		t.Fatalf("after the 507: %d recording rows, %d blob files (%d temporary); want %d, %d, 0", rows, files, temps, stored, stored)
	}
	// The rest of the API is untouched by the full disk.
	if code, out := do("POST", "/api/v1/contacts", "application/json", []byte(`{"kind":"call","subject_ids":["`+subj.ID+`"]}`), nil); code != 201 {
		t.Fatalf("contact write with the blob disk full: %d %s", code, out)
	}
	t.Logf("%d recordings stored, the next answered 507; %d rows, %d blobs, no temporary file", stored, rows, files)
}
