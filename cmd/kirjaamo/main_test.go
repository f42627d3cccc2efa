package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

func kirjaamoCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// Every example policy passes; a broken copy fails with FILE:LINE: lines.
func TestPolicyCheck(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*.yaml")
	if len(examples) < 3 {
		t.Fatalf("found %d example policies, want the three seeds", len(examples))
	}
	for _, f := range examples {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if code, out, errs := kirjaamoCmd(t, "", "policy", "check", f); code != 0 {
				t.Fatalf("exit %d:\n%s%s", code, out, errs)
			}
		})
	}
	t.Run("BrokenCopyFailsWithFileLine", func(t *testing.T) {
		src, err := os.ReadFile("../../examples/seed002-te-contact-centre.yaml")
		if err != nil {
			t.Fatal(err)
		}
		broken := strings.Replace(string(src), "keep: 180d", "keep: 180 days", 1)
		broken = strings.Replace(broken, "records: contacts", "records: contcts", 1)
		path := filepath.Join(t.TempDir(), "broken.yaml")
		os.WriteFile(path, []byte(broken), 0o600)
		code, out, _ := kirjaamoCmd(t, "", "policy", "check", path)
		if code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		line := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `:[1-9][0-9]*: .+`)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) < 2 {
			t.Fatalf("got %d problems, want both reported:\n%s", len(lines), out)
		}
		for _, l := range lines {
			if !line.MatchString(l) {
				t.Fatalf("problem %q is not FILE:LINE: message", l)
			}
		}
	})
}

// Changing a byte of an audit event makes `kirjaamo audit verify` exit 1
// and name the event; an intact log exits 0.
func TestAuditVerifyCommand(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := kirjaamoCmd(t, "a long enough password\n", "user", "add", "--data", data, "--username", "agent.one", "--role", "agent"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	code, tok, errs := kirjaamoCmd(t, "", "token", "create", "--data", data, "--username", "agent.one")
	if code != 0 || !strings.HasPrefix(tok, "kjm_") || strings.Count(tok, "\n") != 1 {
		t.Fatalf("token create printed %q (%s), want only the token", tok, errs)
	}
	// Write a few audited records through the service.
	c := config{data: data, migrate: true}
	db, ring, err := c.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Load("../../examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := db.UserByUsername(context.Background(), "agent.one")
	svc := &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef}
	ctx := kirjaamo.WithAccess(context.Background(), &kirjaamo.Access{User: u, Purpose: "testi"})
	for range 3 {
		if err := svc.CreateSubject(ctx, &kirjaamo.Subject{LastName: "Mallila"}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	if code, out, errs := kirjaamoCmd(t, "", "audit", "verify", "--data", data); code != 0 || !strings.HasPrefix(out, "OK: 3 audit events") {
		t.Fatalf("intact log: exit %d %q %s", code, out, errs)
	}
	raw, err := sql.Open("sqlite", filepath.Join(data, "kirjaamo.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"DROP TRIGGER audit_events_no_update", "UPDATE audit_events SET role = 'dpo' WHERE seq = 2"} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	code, out, _ := kirjaamoCmd(t, "", "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(out, "event 2") {
		t.Fatalf("tampered log: exit %d %q, want 1 naming event 2", code, out)
	}
}

func TestUserAddRejectsBadInput(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		name, password, role, want string
	}{
		{"ShortPassword", "short\n", "agent", "password"},
		{"UnknownRole", "a long enough password\n", "janitor", "role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := kirjaamoCmd(t, tc.password, "user", "add", "--data", data, "--username", "someone", "--role", tc.role)
			if code != 1 || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d %q, want 1 naming %s", code, errs, tc.want)
			}
		})
	}
}
