package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/synth"
)

// Issue 9: a backup, then an erasure, then a restore of the backup: the
// restore replays the erasure ledger, so the person stays erased, and the
// audit chain verifies.
func TestBackupRestoreKeepsErasures(t *testing.T) {
	data := t.TempDir()
	pol, _ := filepath.Abs("../../examples/seed001-customer-register.yaml")
	ctx := context.Background()
	db, ring, err := (&config{data: data, migrate: true}).open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := policy.Load(pol)
	svc := &kirjaamo.Service{Store: db, Policy: p, BlindRef: ring.BlindRef}
	now := time.Now()
	mk := func(role policy.Role) context.Context {
		u := &kirjaamo.User{ID: kirjaamo.NewID(now), Username: "u-" + string(role), Role: role, CreatedAt: now}
		db.CreateUser(ctx, u)
		return kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: u, Purpose: "testi"})
	}
	agent, dpo := mk(policy.RoleAgent), mk(policy.RoleDPO)
	g := synth.New(31)
	erased, kept := g.Person(), g.Person()
	for _, s := range []*kirjaamo.Subject{erased, kept} {
		if err := svc.CreateSubject(agent, s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	backup := filepath.Join(t.TempDir(), "b1")
	if code, out, errs := kirjaamoCmd(t, "", "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatalf("backup: %q %q", out, errs)
	}
	db, ring, _ = (&config{data: data, migrate: true}).open(ctx)
	svc.Store = db
	req := &kirjaamo.Request{Type: "erasure", SubjectID: erased.ID, Channel: "letter"}
	svc.CreateRequest(dpo, req)
	svc.ChangeRequest(dpo, req.ID, &kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "signed_letter"}})
	if _, err := svc.Erase(dpo, req.ID, false, "fi"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errs := kirjaamoCmd(t, "", "restore", "--data", data, "--from", backup)
	if code != 0 || !strings.Contains(out, "1 subjects erased again") {
		t.Fatalf("restore: exit %d %q %q", code, out, errs)
	}
	db, _, _ = (&config{data: data, migrate: true}).open(ctx)
	defer db.Close()
	find := func(s *kirjaamo.Subject) int {
		found, _ := db.FindSubjects(ctx, []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyIdentityCode, Value: s.IdentityCode}}, 5,
			func([]*kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
				return &kirjaamo.AuditEvent{At: now, Actor: "t", Role: "t", Action: "search", Outcome: "ok"}, nil
			})
		return len(found)
	}
	if find(erased) != 0 || find(kept) != 1 {
		t.Fatalf("after restore: erased person found %d times, other %d; want 0 and 1", find(erased), find(kept))
	}
	if code, out, _ := kirjaamoCmd(t, "", "audit", "verify", "--data", data); code != 0 {
		t.Fatalf("audit verify: %s", out)
	}
}
