package main

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/synth"
)

// copyDir copies a data directory (database, WAL, keys) as it lies on disk.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// state is what a sweep leaves: the remaining contacts and parts, and the
// total the deletion log accounts for.
func state(t *testing.T, data string) string {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(data, "kirjaamo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var lines []string
	for _, q := range []string{
		"SELECT id || ' ' || COALESCE(length(content), -1) || ' ' || COALESCE(recording, '') FROM contacts",
		"SELECT record_id || ' ' || part || ' ' || COALESCE(expires_at, 0) FROM retention_parts",
		"SELECT 'logged ' || register || ' ' || part || ' ' || SUM(count) FROM deletion_log GROUP BY register, part",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			lines = append(lines, s)
		}
		rows.Close()
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Kill the sweeper with SIGKILL mid-run: after a rerun the state is exactly
// as after an uninterrupted run, and the audit chain verifies.
func TestSweepKilledMidRunResumesToTheSameState(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	pol, _ := filepath.Abs("../../examples/seed002-te-contact-centre.yaml")
	data := t.TempDir()

	// Chats that ended in 2020 are long past their 180 days; calls that
	// ended an hour ago are not.
	c := config{data: data, migrate: true}
	db, ring, err := c.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := policy.Load(pol)
	u := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: "agent.one", Role: policy.RoleAgent, CreatedAt: time.Now()}
	db.CreateUser(context.Background(), u)
	svc := &kirjaamo.Service{Store: db, Policy: p, BlindRef: ring.BlindRef}
	ctx := kirjaamo.WithAccess(context.Background(), &kirjaamo.Access{User: u, Purpose: "testi"})
	g := synth.New(3)
	old := time.Date(2020, 3, 1, 10, 0, 0, 0, time.UTC)
	recent := time.Now().Add(-time.Hour)
	for i := range 6000 {
		kind, at := policy.KindChat, old.Add(time.Duration(i)*time.Minute)
		if i%5 == 0 {
			kind, at = policy.KindCall, recent
		}
		text := g.Sentence()
		if err := svc.CreateContact(ctx, &kirjaamo.Contact{Kind: kind, StartedAt: &at, EndedAt: &at, Content: &text}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	control := t.TempDir()
	copyDir(t, data, control)
	sweep := func(dir string) *exec.Cmd {
		return exec.Command(bin, "sweep", "--data", dir, "--policy", pol, "--batch", "50")
	}
	if out, err := sweep(control).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, out)
	}
	want := state(t, control)

	cmd := sweep(data)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	partial := state(t, data)
	if partial == want {
		t.Log("the sweep finished before the kill; the rerun below still checks idempotence")
	}
	if out, err := sweep(data).CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if got := state(t, data); got != want {
		t.Fatalf("state after kill and rerun differs from an uninterrupted sweep")
	}
	if strings.Count(want, "logged chats metadata 4800") != 1 {
		t.Fatalf("the deletion log does not account for the 4800 expired chats:\n%s", want[strings.Index(want, "logged"):])
	}
	for _, dir := range []string{data, control} {
		if code, out, errs := kirjaamoCmd(t, "", "audit", "verify", "--data", dir); code != 0 {
			t.Fatalf("audit verify: %s %s", out, errs)
		}
	}
}
