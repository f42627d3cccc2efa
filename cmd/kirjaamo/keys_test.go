package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

func allowRead(*kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
	return &kirjaamo.AuditEvent{Actor: "cli-test", Role: "dpo", Action: kirjaamo.ActionRead, Outcome: kirjaamo.OutcomeOK, Register: "customers", RequestID: "t"}, nil
}

// TestKeysRotate: `kirjaamo keys rotate` on the embedded store replaces
// master.key, keeps index.key, retires the old master beside it, and the
// data written before reads after; an interrupted rotation is finished by
// running the command again.
func TestKeysRotate(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		crash bool
	}{{"RotatesAndReadsBack", false}, {"RerunFinishesInterruptedRotation", true}} {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			db, ring, err := (&config{data: data, migrate: true}).open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s := synth.New(5).Person()
			now := time.Now().UTC()
			s.ID, s.Register, s.CreatedAt, s.UpdatedAt, s.Version = kirjaamo.NewID(now), "customers", now, now, 1
			if err := db.CreateSubject(ctx, s, &kirjaamo.AuditEvent{Actor: "cli-test", Role: "agent", Action: kirjaamo.ActionCreate, Outcome: kirjaamo.OutcomeOK, Register: "customers", RequestID: "t"}); err != nil {
				t.Fatal(err)
			}
			oldMaster := ring.Master()
			if tc.crash {
				next, err := keys.CreateNext(filepath.Join(data, "keys"))
				if err != nil {
					t.Fatal(err)
				}
				stop := errors.New("crash")
				if _, err := db.RotateMaster(ctx, next, sqlstore.RotateOptions{AfterRewrap: func(int) error { return stop }}); !errors.Is(err, stop) {
					t.Fatalf("got %v, want the simulated crash", err)
				}
				db.Close()
				// A server started now has master.key and master.key.next: it reads.
				db, _, err = (&config{data: data, migrate: true}).open(ctx)
				if err != nil {
					t.Fatalf("open after the crash: %v", err)
				}
				if _, err := db.Subject(ctx, s.ID, allowRead); err != nil {
					t.Fatalf("read after the crash: %v", err)
				}
			}
			db.Close()
			index, _ := os.ReadFile(filepath.Join(data, "keys", "index.key"))

			code, out, errs := kirjaamoCmd(t, "", "keys", "rotate", "--data", data)
			if code != 0 || !strings.Contains(out, "master.key is the new key") {
				t.Fatalf("keys rotate: exit %d %q %q", code, out, errs)
			}
			if _, err := os.Stat(filepath.Join(data, "keys", "master.key.next")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("master.key.next still there: %v", err)
			}
			if got, _ := os.ReadFile(filepath.Join(data, "keys", "index.key")); !bytes.Equal(got, index) {
				t.Error("index.key changed; the blind-index key must stay")
			}
			retired, _ := filepath.Glob(filepath.Join(data, "keys", "*.retired"))
			if len(retired) != 1 {
				t.Fatalf("retired keys: got %v, want one", retired)
			}
			db, ring, err = (&config{data: data, migrate: true}).open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if ring.Master().ID() == oldMaster.ID() {
				t.Fatal("master.key did not change")
			}
			got, err := db.Subject(ctx, s.ID, allowRead)
			if err != nil || got.IdentityCode != s.IdentityCode {
				t.Fatalf("read after rotation: %v", err)
			}
			entries, _ := db.KeyringEntries(ctx)
			if _, err := keys.OpenDataKeys(ctx, []keys.Master{oldMaster}, entries); !errors.Is(err, keys.ErrNoMaster) {
				t.Errorf("old master alone: got %v, want keys.ErrNoMaster", err)
			}
		})
	}
}
