package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/synth"
)

// Issue 6, seeds 001 and 002: an erasure where one contact is under an
// open-invoice hold erases everything else, keeps that contact, and the
// decision states the reason; after a database copy taken before the
// erasure is restored, `kirjaamo erasure replay` removes the person again.
func TestErasureWithHoldAndReplayAfterRestore(t *testing.T) {
	// Seed 004's registers without the statutory-task exception, so that
	// only the hold decides what is kept.
	src, err := os.ReadFile("../../examples/seed004-staffpoint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	polFile := filepath.Join(t.TempDir(), "policy.yaml")
	os.WriteFile(polFile, []byte(strings.ReplaceAll(string(src), "statutory_task", "open_invoice")), 0o600)
	pol, err := policy.Load(polFile)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	ctx := context.Background()
	c := config{data: data, migrate: true}
	db, ring, err := c.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	svc := &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef}
	now := time.Now().UTC()
	as := func(role policy.Role) context.Context {
		u := &kirjaamo.User{ID: kirjaamo.NewID(now), Username: "u-" + string(role), Role: role, CreatedAt: now}
		db.CreateUser(ctx, u)
		return kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: u, Purpose: "testi"})
	}
	agent, dpo := as(policy.RoleAgent), as(policy.RoleDPO)
	person := synth.New(77).Person()
	if err := svc.CreateSubject(agent, person); err != nil {
		t.Fatal(err)
	}
	var calls []*kirjaamo.Contact
	for range 3 {
		start := now.Add(-time.Hour)
		call := &kirjaamo.Contact{Kind: policy.KindCall, SubjectIDs: []string{person.ID}, StartedAt: &start, EndedAt: &now}
		if err := svc.CreateContact(agent, call); err != nil {
			t.Fatal(err)
		}
		calls = append(calls, call)
	}
	if err := svc.PlaceHold(dpo, &kirjaamo.Hold{RecordID: calls[1].ID, Reason: "open_invoice", Owner: "laskutus", ReviewAt: now.AddDate(0, 3, 0)}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "before.db")
	if _, err := db.Writer().Exec("VACUUM INTO '" + backup + "'"); err != nil {
		t.Fatal(err)
	}

	req := &kirjaamo.Request{Type: "erasure", SubjectID: person.ID, Channel: "signed letter"}
	if err := svc.CreateRequest(dpo, req); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Erase(dpo, req.ID, true, "fi"); kirjaamo.ErrorCode(err) != kirjaamo.ECONFLICT {
		t.Fatalf("erasure before identity verification: got %v", err)
	}
	if _, err := svc.ChangeRequest(dpo, req.ID, &kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "signed_letter"}}); err != nil {
		t.Fatal(err)
	}
	preview, err := svc.Erase(dpo, req.ID, true, "fi")
	if err != nil {
		t.Fatal(err)
	}
	if preview.Executed || preview.Kept != 1 {
		t.Fatalf("preview: %+v", preview)
	}
	d, err := svc.Erase(dpo, req.ID, false, "fi")
	if err != nil {
		t.Fatal(err)
	}
	if d.Kept != 1 || d.Erased == 0 || !strings.Contains(d.Text, "avoin lasku") || !strings.Contains(d.Text, "tietosuojavaltuutetulle") {
		t.Fatalf("decision: kept %d erased %d\n%s", d.Kept, d.Erased, d.Text)
	}
	if sv := kirjaamo.ErasureLetter(d, "sv"); !strings.Contains(sv, "dataombudsmannen") || !strings.Contains(sv, "obetald faktura") {
		t.Fatalf("Swedish decision letter: %s", sv)
	}
	exists := func(id string) bool {
		_, err := db.Contact(ctx, id, func(*kirjaamo.Contact) (*kirjaamo.AuditEvent, error) {
			return &kirjaamo.AuditEvent{At: now, Actor: "t", Role: "t", Action: "read", Outcome: "ok"}, nil
		})
		return err == nil
	}
	if exists(calls[0].ID) || !exists(calls[1].ID) || exists(calls[2].ID) {
		t.Fatalf("after erasure: calls present %v %v %v, want only the held one", exists(calls[0].ID), exists(calls[1].ID), exists(calls[2].ID))
	}
	found, _ := db.FindSubjects(ctx, []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyIdentityCode, Value: person.IdentityCode}}, 10,
		func([]*kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
			return &kirjaamo.AuditEvent{At: now, Actor: "t", Role: "t", Action: "search", Outcome: "ok"}, nil
		})
	if len(found) != 0 {
		t.Fatal("the subject survived the erasure")
	}
	db.Close()

	// Restore the backup taken before the erasure.
	dbFile := filepath.Join(data, "kirjaamo.db")
	for _, f := range []string{dbFile, dbFile + "-wal", dbFile + "-shm"} {
		os.Remove(f)
	}
	b, _ := os.ReadFile(backup)
	os.WriteFile(dbFile, b, 0o600)
	if code, out, errs := kirjaamoCmd(t, "", "erasure", "replay", "--data", data); code != 0 || !strings.Contains(out, "erased 1 subjects") {
		t.Fatalf("replay: exit %d %q %q", code, out, errs)
	}
	db, _, err = (&config{data: data, migrate: true}).open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found, _ = db.FindSubjects(ctx, []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyIdentityCode, Value: person.IdentityCode}}, 10,
		func([]*kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
			return &kirjaamo.AuditEvent{At: now, Actor: "t", Role: "t", Action: "search", Outcome: "ok"}, nil
		})
	if len(found) != 0 {
		t.Fatal("the restored backup brought the erased person back")
	}
	if exists(calls[0].ID) || !exists(calls[1].ID) {
		t.Fatal("replay did not erase the contacts again, or erased the held one")
	}
	if code, out, _ := kirjaamoCmd(t, "", "audit", "verify", "--data", data); code != 0 {
		t.Fatalf("audit verify after restore and replay: %s", out)
	}
}
