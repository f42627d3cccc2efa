package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

// newServer starts an in-process API on a fresh SQLite store with the seed
// 002 policy and returns its URL and a token of a user with role.
func newServer(t *testing.T, role policy.Role) (url, token string, verify func() error) {
	t.Helper()
	urls, token, verify := newServers(t, role, 1)
	return urls[0], token, verify
}

// newServers starts n in-process APIs on one store and one blob store, as
// several servers share one database.
func newServers(t *testing.T, role policy.Role, n int) (urls []string, token string, verify func() error) {
	t.Helper()
	pol, err := policy.Load("../../examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ring := keys.Generate()
	st := storetest.OpenSQLite(t, ring)
	svc := &kirjaamo.Service{Store: st, Policy: pol, BlindRef: ring.BlindRef}
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dk, err := st.DataKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		api := khttp.New(svc, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		api.Blobs, api.Keys = blobs, dk
		srv := httptest.NewServer(api)
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	u := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: "load." + string(role), Role: role, CreatedAt: time.Now()}
	if err := st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	secret, tok := kirjaamo.NewToken(u.ID, time.Now(), 0)
	if err := st.CreateToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	return urls, secret, func() error {
		_, err := kirjaamo.VerifyAudit(t.Context(), st, ring.AuditKey())
		return err
	}
}

func TestRun(t *testing.T) {
	t.Run("MixedOK", func(t *testing.T) {
		url, token, verify := newServer(t, policy.RoleAgent)
		var out, errOut bytes.Buffer
		code := run(t.Context(), []string{"-url", url, "-token", token, "-clients", "4", "-subjects", "8",
			"-duration", "10s", "-requests", "200", "-mix", "write=40,read=30,search=15,subject=15", "-json"}, &out, &errOut)
		if code != 0 {
			t.Fatalf("got exit %d, want 0; stderr: %s; stdout: %s", code, errOut.String(), out.String())
		}
		var rep report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("-json output: %v", err)
		}
		if rep.Total.Count != 200 || rep.Total.Errors != 0 {
			t.Fatalf("got %d requests with %d errors, want 200 with 0", rep.Total.Count, rep.Total.Errors)
		}
		if len(rep.Ops) != 4 {
			t.Fatalf("got %d operations in the report, want 4", len(rep.Ops))
		}
		if err := verify(); err != nil {
			t.Fatalf("audit chain after the run: %v", err)
		}
	})
	t.Run("UploadsAcrossTwoServersOK", func(t *testing.T) {
		urls, token, verify := newServers(t, policy.RoleAgent, 2)
		var out, errOut bytes.Buffer
		code := run(t.Context(), []string{"-url", strings.Join(urls, ","), "-token", token, "-clients", "4", "-subjects", "8",
			"-duration", "10s", "-requests", "60", "-mix", "search=1,upload=1", "-upload-bytes", "40000", "-json"}, &out, &errOut)
		if code != 0 {
			t.Fatalf("got exit %d, want 0; stderr: %s; stdout: %s", code, errOut.String(), out.String())
		}
		var rep report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("-json output: %v", err)
		}
		byOp := map[string]*opReport{}
		for _, o := range rep.Ops {
			byOp[o.Op] = o
		}
		if u, w := byOp["upload"], byOp["write"]; u == nil || w == nil || u.Count == 0 || w.Count < u.Count {
			t.Fatalf("got ops %+v, want uploads, each after a timed write", rep.Ops)
		}
		if rep.Total.Errors != 0 {
			t.Fatalf("got %d errors, want 0: %+v", rep.Total.Errors, rep.Ops)
		}
		if err := verify(); err != nil {
			t.Fatalf("audit chain after the run: %v", err)
		}
	})
	t.Run("ErrFailuresExitOne", func(t *testing.T) {
		// An auditor may not write subjects: the set-up fails and the run
		// reports it with exit status 1.
		url, token, _ := newServer(t, policy.RoleAuditor)
		var out, errOut bytes.Buffer
		code := run(t.Context(), []string{"-url", url, "-token", token, "-clients", "2", "-duration", "1s", "-requests", "10"}, &out, &errOut)
		if code != 1 {
			t.Fatalf("got exit %d, want 1", code)
		}
		if !strings.Contains(errOut.String(), "403") {
			t.Fatalf("stderr does not name the status: %s", errOut.String())
		}
	})
	t.Run("ErrRequestsFailDuringRun", func(t *testing.T) {
		// Seed 002 requires a stated purpose to search the customer
		// register: without one every search fails with 400.
		url, token, _ := newServer(t, policy.RoleAgent)
		var out, errOut bytes.Buffer
		code := run(t.Context(), []string{"-url", url, "-token", token, "-clients", "2", "-subjects", "2", "-duration", "5s",
			"-requests", "20", "-mix", "search=1", "-purpose", ""}, &out, &errOut)
		if code != 1 {
			t.Fatalf("got exit %d, want 1; stdout: %s", code, out.String())
		}
		if !strings.Contains(out.String(), "search failed: POST /api/v1/subjects/search: 400") {
			t.Fatalf("report does not quote the first failures:\n%s", out.String())
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"-token", "x", "-mix", "delete=1"}, &out, &errOut); code != 2 {
			t.Fatalf("got exit %d, want 2", code)
		}
	})
}

func TestParseMix(t *testing.T) {
	m, err := parseMix("write=70, read=20,search=5,subject=5")
	if err != nil {
		t.Fatal(err)
	}
	if m["write"] != 70 || m["read"] != 20 || m["search"] != 5 || m["subject"] != 5 {
		t.Fatalf("got %v", m)
	}
	for _, bad := range []string{"", "write=0", "write=-1", "export=1", "write=x"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("parseMix(%q): got no error", bad)
		}
	}
}
