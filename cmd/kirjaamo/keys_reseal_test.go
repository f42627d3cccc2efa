package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

// resealData fills a data directory with subjects sealed under data key 2
// and one sealed as before the keyring (version 1, data key 1), then
// rotates the master with the command, so data key 3 seals.
func resealData(t *testing.T, n int) (string, []*kirjaamo.Subject) {
	t.Helper()
	ctx := context.Background()
	data := t.TempDir()
	db, ring, err := (&config{data: data, migrate: true}).open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(8)
	var subjects []*kirjaamo.Subject
	for range n {
		s := g.Person()
		now := time.Now().UTC()
		s.ID, s.Register, s.CreatedAt, s.UpdatedAt, s.Version = kirjaamo.NewID(now), "customers", now, now, 1
		if err := db.CreateSubject(ctx, s, &kirjaamo.AuditEvent{Actor: "cli-test", Role: "agent", Action: kirjaamo.ActionCreate, Outcome: kirjaamo.OutcomeOK, Register: "customers", RequestID: "t"}); err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, s)
	}
	// The first subject as written before the keyring existed.
	dk, _ := db.DataKeys(ctx)
	aad := []byte("subjects/" + subjects[0].ID)
	var sealed []byte
	if err := db.Writer().QueryRow(`SELECT data FROM subjects WHERE id = ?`, subjects[0].ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	pt, err := dk.Open(aad, sealed)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(ring.LegacyKey())
	aead, _ := cipher.NewGCM(block)
	v1 := make([]byte, 1+aead.NonceSize())
	v1[0] = 1
	rand.Read(v1[1:])
	v1 = aead.Seal(v1, v1[1:], pt, aad)
	if _, err := db.Writer().Exec(`UPDATE subjects SET data = ? WHERE id = ?`, v1, subjects[0].ID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, out, errs := kirjaamoCmd(t, "", "keys", "rotate", "--data", data); code != 0 {
		t.Fatalf("keys rotate: exit %d %q %q", code, out, errs)
	}
	return data, subjects
}

func readsSubjects(t *testing.T, data string, subjects []*kirjaamo.Subject) *sqlstore.DB {
	t.Helper()
	db, _, err := (&config{data: data, migrate: true}).open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range subjects {
		got, err := db.Subject(context.Background(), s.ID, allowRead)
		if err != nil || got.IdentityCode != s.IdentityCode {
			t.Fatalf("subject %s: %v", s.ID, err)
		}
	}
	return db
}

// TestKeysReseal: `kirjaamo keys reseal --retire` moves every value to the
// sealing key and removes keys 1 and 2 from the keyring; `keys status`
// shows it; data reads after; a run stopped half-way is finished by the
// command; a second run does nothing.
func TestKeysReseal(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		crash bool
	}{{"ResealsRetiresAndReadsBack", false}, {"RerunFinishesInterruptedReseal", true}} {
		t.Run(tc.name, func(t *testing.T) {
			data, subjects := resealData(t, 7)
			code, out, errs := kirjaamoCmd(t, "", "keys", "status", "--data", data)
			if code != 0 || !strings.Contains(out, "DATA KEY") {
				t.Fatalf("keys status: exit %d %q %q", code, out, errs)
			}
			for _, want := range []string{"\n1 ", "\n2 ", "\n3 "} {
				if !strings.Contains(out, want) {
					t.Fatalf("keys status lacks data key %q:\n%s", strings.TrimSpace(want), out)
				}
			}
			want := "re-sealed 7 values"
			if tc.crash {
				db, _, err := (&config{data: data, migrate: true}).open(ctx)
				if err != nil {
					t.Fatal(err)
				}
				stop := errors.New("crash")
				res, err := db.Reseal(ctx, sqlstore.ResealOptions{Batch: 2, AfterBatch: func(int) error { return stop }}, nil)
				if !errors.Is(err, stop) || res.Total() != 2 {
					t.Fatalf("got %+v, %v; want the simulated crash after 2 values", res, err)
				}
				db.Close()
				readsSubjects(t, data, subjects).Close()
				want = "re-sealed 5 values"
			}
			code, out, errs = kirjaamoCmd(t, "", "keys", "reseal", "--retire", "--batch", "3", "--data", data)
			if code != 0 || !strings.Contains(out, want+" of data keys 1, 2 under data key 3") || !strings.Contains(out, "retired data keys 1, 2") {
				t.Fatalf("keys reseal: exit %d %q %q; want %q and keys 1, 2 retired", code, out, errs, want)
			}
			for _, s := range subjects {
				if strings.Contains(out+errs, s.LastName) || strings.Contains(out+errs, s.IdentityCode) {
					t.Fatal("the command printed personal data")
				}
			}
			code, out, errs = kirjaamoCmd(t, "", "keys", "status", "--data", data)
			if code != 0 || strings.Contains(out, "\n1 ") || strings.Contains(out, "\n2 ") || !strings.Contains(out, "subjects.data 7") {
				t.Fatalf("keys status after: exit %d %q %q; want only key 3, with all 7 subjects", code, out, errs)
			}
			db := readsSubjects(t, data, subjects)
			entries, _ := db.KeyringEntries(ctx)
			if len(entries) != 1 || entries[0].ID != 3 {
				t.Fatalf("keyring: %+v, want key 3 alone", entries)
			}
			evs, err := db.AuditEvents(ctx, kirjaamo.AuditFilter{Actor: resealActor}, &kirjaamo.AuditEvent{Actor: "cli-test", Role: "auditor", Action: kirjaamo.ActionRead, Outcome: kirjaamo.OutcomeOK})
			if err != nil || len(evs) != 1 || !strings.Contains(evs[0].Detail, "retired 1,2") {
				t.Fatalf("audit: %d events of the command, %v; want one", len(evs), err)
			}
			db.Close()
			code, out, errs = kirjaamoCmd(t, "", "keys", "reseal", "--retire", "--data", data)
			if code != 0 || !strings.Contains(out, "nothing to re-seal") {
				t.Fatalf("second run: exit %d %q %q; want nothing to do", code, out, errs)
			}
		})
	}
}

// TestKeysResealRefuses: the command fails with a clear message, and
// retires nothing, for the sealing key and for a key a value still needs.
func TestKeysResealRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		corrupt bool
		want    string
	}{
		{"ErrSealingKey", []string{"--key", "3"}, false, "data key 3 seals new values"},
		{"ErrNotAKeyID", []string{"--key", "x"}, false, "is not a data key id"},
		{"ErrRetireWhileReferenced", []string{"--key", "2", "--retire"}, true, "data key 2 still seals 1 values (subjects.data 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, _ := resealData(t, 3)
			if tc.corrupt {
				db, _, err := (&config{data: data, migrate: true}).open(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				var id string
				var sealed []byte
				db.Writer().QueryRow(`SELECT id, data FROM subjects WHERE substr(data, 1, 1) = x'02' LIMIT 1`).Scan(&id, &sealed)
				sealed[len(sealed)-1] ^= 1
				db.Writer().Exec(`UPDATE subjects SET data = ? WHERE id = ?`, sealed, id)
				db.Close()
			}
			code, out, errs := kirjaamoCmd(t, "", append([]string{"keys", "reseal", "--data", data}, tc.args...)...)
			if code == 0 || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d %q %q; want a failure saying %q", code, out, errs, tc.want)
			}
			db, _, err := (&config{data: data, migrate: true}).open(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if entries, _ := db.KeyringEntries(context.Background()); len(entries) != 3 {
				t.Fatalf("keyring: %d keys, want 3 (nothing retired)", len(entries))
			}
		})
	}
}
