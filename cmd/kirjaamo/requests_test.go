package main

import (
	"archive/zip"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/synth"
)

// The DPO's routine from the command line: requests by deadline, overdue
// marked, and an access export written to a ZIP.
func TestRequestsListAndExport(t *testing.T) {
	data := t.TempDir()
	pol, _ := filepath.Abs("../../examples/seed002-te-contact-centre.yaml")
	if code, _, errs := kirjaamoCmd(t, "a long enough password\n", "user", "add", "--data", data, "--username", "dpo.one", "--role", "dpo"); code != 0 {
		t.Fatal(errs)
	}
	ctx := context.Background()
	db, ring, err := (&config{data: data, migrate: true}).open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := policy.Load(pol)
	svc := &kirjaamo.Service{Store: db, Policy: p, BlindRef: ring.BlindRef}
	u, _ := db.UserByUsername(ctx, "dpo.one")
	agent := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: "agent.one", Role: policy.RoleAgent, CreatedAt: time.Now()}
	db.CreateUser(ctx, agent)
	actx := kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: agent, Purpose: "testi"})
	dctx := kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: u, Purpose: "testi"})
	person := synth.New(8).Person()
	if err := svc.CreateSubject(actx, person); err != nil {
		t.Fatal(err)
	}
	old := &kirjaamo.Request{Type: "access", SubjectID: person.ID, Channel: "letter", ReceivedAt: time.Now().AddDate(0, -2, 0)}
	fresh := &kirjaamo.Request{Type: "access", SubjectID: person.ID, Channel: "web"}
	for _, r := range []*kirjaamo.Request{fresh, old} {
		if err := svc.CreateRequest(dctx, r); err != nil {
			t.Fatal(err)
		}
	}
	svc.ChangeRequest(dctx, fresh.ID, &kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "strong_electronic_identification"}})
	db.Close()

	code, out, errs := kirjaamoCmd(t, "", "requests", "list", "--data", data)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], old.ID) || !strings.Contains(lines[1], "OVERDUE") {
		t.Fatalf("list: exit %d %q %q; want the overdue request first and marked", code, out, errs)
	}
	zipFile := filepath.Join(t.TempDir(), "export.zip")
	if code, out, errs := kirjaamoCmd(t, "", "requests", "export", "--data", data, "--policy", pol, "--as", "dpo.one", "--out", zipFile, fresh.ID); code != 0 {
		t.Fatalf("export: exit %d %q %q", code, out, errs)
	}
	zr, err := zip.OpenReader(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["data.json"] || !names["report.html"] || !names["privacy-notice.html"] {
		t.Fatalf("export holds %v", names)
	}
	if code, _, _ := kirjaamoCmd(t, "", "requests", "export", "--data", data, "--policy", pol, "--as", "dpo.one", "--out", zipFile+"2", old.ID); code != 1 {
		t.Fatalf("export of an unverified request: exit %d, want 1", code)
	}
}
