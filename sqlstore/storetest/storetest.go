// Package storetest is the conformance suite every kirjaamo.Store backend
// must pass. Backends call Run from their own tests with a function that
// opens a fresh, migrated store; the same specifications then hold for
// SQLite and PostgreSQL alike.
package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/synth"
)

// Backend opens fresh stores for the suite.
type Backend struct {
	// Open returns a new, empty, migrated store using ring.
	Open func(t testing.TB, ring *keys.Ring) *sqlstore.DB
	// Stored returns every byte the backend holds for the store: the
	// database files for SQLite, every column of every row for PostgreSQL.
	Stored func(t testing.TB, db *sqlstore.DB) []byte
	// ExclusiveLock is true when TryLock excludes other holders
	// (PostgreSQL); on SQLite it always succeeds.
	ExclusiveLock bool
	// Tamper runs raw SQL against the audit log with its append-only
	// triggers out of the way, as an attacker with database access would.
	Tamper func(t testing.TB, db *sqlstore.DB, stmts ...string)
}

var ctx = context.Background()

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func ev(action string, subjects ...string) *kirjaamo.AuditEvent {
	return &kirjaamo.AuditEvent{At: t0, Actor: "u1", Role: "agent", Action: action, Outcome: kirjaamo.OutcomeOK,
		Register: "customers", SubjectIDs: subjects, RecordIDs: subjects, RequestID: "req"}
}

func allow[T any](action string) kirjaamo.Authorize[T] {
	return func(T) (*kirjaamo.AuditEvent, error) { return ev(action), nil }
}

func newSubject(t testing.TB, db *sqlstore.DB, g *synth.Gen) *kirjaamo.Subject {
	t.Helper()
	s := g.Person()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.ID, s.Register, s.CreatedAt, s.UpdatedAt, s.Version = kirjaamo.NewID(t0), "customers", t0, t0, 1
	if err := db.CreateSubject(ctx, s, ev(kirjaamo.ActionCreate, s.ID)); err != nil {
		t.Fatal(err)
	}
	return s
}

func newContact(t testing.TB, db *sqlstore.DB, register string, subjects ...string) *kirjaamo.Contact {
	t.Helper()
	content := "Asiakas kysyi laskusta."
	c := &kirjaamo.Contact{ID: kirjaamo.NewID(t0), Kind: policy.KindCall, Register: register, SubjectIDs: subjects,
		Direction: "inbound", StartedAt: &t0, Metadata: map[string]string{"service_number": "0295 000 000"},
		Content: &content, CreatedAt: t0, CreatedBy: "u1"}
	if err := db.CreateContact(ctx, c, ev(kirjaamo.ActionCreate, subjects...)); err != nil {
		t.Fatal(err)
	}
	return c
}

func verify(t testing.TB, db *sqlstore.DB, ring *keys.Ring) (int64, error) {
	t.Helper()
	return kirjaamo.VerifyAudit(ctx, db, ring.AuditKey())
}

// Run runs the suite.
func Run(t *testing.T, b Backend) {
	runKeyRotation(t, b)
	t.Run("SubjectRoundTrip", func(t *testing.T) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		s := newSubject(t, db, synth.New(1))
		got, err := db.Subject(ctx, s.ID, allow[*kirjaamo.Subject](kirjaamo.ActionRead))
		if err != nil {
			t.Fatal(err)
		}
		if got.IdentityCode != s.IdentityCode || got.LastName != s.LastName || got.Emails[0] != s.Emails[0] || *got.Address != *s.Address {
			t.Fatalf("got a different subject back")
		}
		if !got.CreatedAt.Equal(s.CreatedAt) || got.Version != 1 {
			t.Fatalf("got created %v version %d, want %v 1", got.CreatedAt, got.Version, s.CreatedAt)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		_, err := db.Subject(ctx, kirjaamo.NewID(t0), allow[*kirjaamo.Subject](kirjaamo.ActionRead))
		if kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
			t.Fatalf("subject: got %v, want ENOTFOUND", err)
		}
		_, err = db.Contact(ctx, kirjaamo.NewID(t0), allow[*kirjaamo.Contact](kirjaamo.ActionRead))
		if kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
			t.Fatalf("contact: got %v, want ENOTFOUND", err)
		}
	})

	// Principle 4: identity codes never sit in plain text at rest.
	t.Run("IdentityCodeNotStoredInPlainText", func(t *testing.T) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		g := synth.New(2)
		var secrets [][]byte
		for range 20 {
			s := newSubject(t, db, g)
			secrets = append(secrets, []byte(s.IdentityCode), []byte(s.IdentityCode[:6]+s.IdentityCode[7:]), []byte(s.Emails[0]), []byte(s.LastName))
		}
		raw := b.Stored(t, db)
		if len(raw) < 1000 {
			t.Fatalf("read only %d stored bytes; the check would prove nothing", len(raw))
		}
		for _, sec := range secrets {
			if bytes.Contains(raw, sec) {
				t.Fatalf("stored bytes contain a subject's personal data in plain text")
			}
		}
	})

	t.Run("ErrConflictDuplicateIdentityCode", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		s := newSubject(t, db, synth.New(3))
		dup := synth.New(4).Person()
		dup.IdentityCode = s.IdentityCode
		dup.Validate()
		dup.ID, dup.Register, dup.CreatedAt, dup.UpdatedAt = kirjaamo.NewID(t0), "customers", t0, t0
		err := db.CreateSubject(ctx, dup, ev(kirjaamo.ActionCreate, dup.ID))
		if kirjaamo.ErrorCode(err) != kirjaamo.ECONFLICT || kirjaamo.ErrorField(err) != kirjaamo.KeyIdentityCode {
			t.Fatalf("got %v, want ECONFLICT on identity_code", err)
		}
		if strings.Contains(err.Error(), s.IdentityCode) {
			t.Fatalf("error message quotes the identity code")
		}
		// Nothing half-written: the duplicate's row is not there.
		if _, err := db.Subject(ctx, dup.ID, allow[*kirjaamo.Subject]("read")); kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
			t.Fatalf("duplicate subject was partly written: %v", err)
		}
	})

	t.Run("FindSubjectsByBlindIndex", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		g := synth.New(5)
		s := newSubject(t, db, g)
		twin := g.Person() // same name and birth date, other identifiers
		twin.FirstName, twin.LastName, twin.IdentityCode, twin.BirthDate = s.FirstName, s.LastName, "", s.BirthDate
		twin.Validate()
		twin.ID, twin.Register, twin.CreatedAt, twin.UpdatedAt = kirjaamo.NewID(t0.Add(time.Second)), "customers", t0, t0
		if err := db.CreateSubject(ctx, twin, ev("create", twin.ID)); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			newSubject(t, db, g)
		}
		for _, tc := range []struct {
			name string
			keys []kirjaamo.SubjectKey
			want int
		}{
			{"IdentityCode", []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyIdentityCode, Value: s.IdentityCode}}, 1},
			{"Email", []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyEmail, Value: s.Emails[0]}}, 1},
			{"FullNameAndBirthDate", []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyFullName, Value: strings.ToLower(s.FirstName + " " + s.LastName)}, {Kind: kirjaamo.KeyBirthDate, Value: s.BirthDate}}, 2},
			{"FullNameAndAddressIntersect", []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyFullName, Value: strings.ToLower(s.FirstName + " " + s.LastName)}, {Kind: kirjaamo.KeyAddress, Value: strings.ToLower(s.Address.Street)}}, 1},
			{"NoMatch", []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyEmail, Value: "nobody@example.com"}}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.FindSubjects(ctx, tc.keys, 10, allow[[]*kirjaamo.Subject]("search"))
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != tc.want {
					t.Fatalf("got %d subjects, want %d", len(got), tc.want)
				}
				if tc.want > 0 && got[0].ID != s.ID {
					t.Fatalf("got subject %s first, want %s", got[0].ID, s.ID)
				}
			})
		}
	})

	t.Run("UpdateSubjectMovesKeys", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		g := synth.New(6)
		s := newSubject(t, db, g)
		old, fresh := s.Emails[0], g.Email()
		got, err := db.UpdateSubject(ctx, s.ID, func(s *kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
			s.Emails = []string{fresh}
			return ev("update", s.ID), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 {
			t.Fatalf("got version %d, want 2", got.Version)
		}
		for _, tc := range []struct {
			email string
			want  int
		}{{old, 0}, {fresh, 1}} {
			found, err := db.FindSubjects(ctx, []kirjaamo.SubjectKey{{Kind: kirjaamo.KeyEmail, Value: tc.email}}, 10, allow[[]*kirjaamo.Subject]("search"))
			if err != nil || len(found) != tc.want {
				t.Fatalf("search after update: got %d (%v), want %d", len(found), err, tc.want)
			}
		}
		// A failing update changes nothing.
		_, err = db.UpdateSubject(ctx, s.ID, func(s *kirjaamo.Subject) (*kirjaamo.AuditEvent, error) {
			s.Emails = []string{"changed@example.com"}
			return nil, kirjaamo.FieldError("emails", "refused")
		})
		if kirjaamo.ErrorField(err) != "emails" {
			t.Fatalf("got %v, want the update's error", err)
		}
		again, _ := db.Subject(ctx, s.ID, allow[*kirjaamo.Subject]("read"))
		if again.Emails[0] != fresh || again.Version != 2 {
			t.Fatalf("refused update was written")
		}
	})

	t.Run("ContactsLinkedToSubjects", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		g := synth.New(7)
		a, b2 := newSubject(t, db, g), newSubject(t, db, g)
		c1 := newContact(t, db, "calls", a.ID)
		c2 := newContact(t, db, "chats", a.ID, b2.ID)
		newContact(t, db, "calls", b2.ID)
		got, err := db.Contact(ctx, c2.ID, allow[*kirjaamo.Contact]("read"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.SubjectIDs) != 2 || *got.Content != *c2.Content || got.Metadata["service_number"] != "0295 000 000" {
			t.Fatalf("contact did not round-trip: %+v", got)
		}
		list, err := db.SubjectContacts(ctx, a.ID, []string{"calls", "chats"}, allow[[]*kirjaamo.Contact]("read"))
		if err != nil || len(list) != 2 {
			t.Fatalf("got %d contacts (%v), want 2", len(list), err)
		}
		list, err = db.SubjectContacts(ctx, a.ID, []string{"calls"}, allow[[]*kirjaamo.Contact]("read"))
		if err != nil || len(list) != 1 || list[0].ID != c1.ID {
			t.Fatalf("register filter: got %d contacts (%v), want only the call", len(list), err)
		}
		_, err = db.SubjectContacts(ctx, kirjaamo.NewID(t0), []string{"calls"}, allow[[]*kirjaamo.Contact]("read"))
		if kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
			t.Fatalf("unknown subject: got %v, want ENOTFOUND", err)
		}
	})

	// Issue 6 discovery lists everything held on a subject, holds included,
	// released ones too, through the subject's index.
	t.Run("SubjectHoldsIncludeReleased", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		g := synth.New(11)
		a, other := newSubject(t, db, g), newSubject(t, db, g)
		var ids []string
		for _, sid := range []string{a.ID, a.ID, other.ID} {
			h := &kirjaamo.Hold{ID: kirjaamo.NewID(t0), SubjectID: sid, Reason: "open_invoice", Owner: "laskutus",
				ReviewAt: t0.AddDate(1, 0, 0), CreatedAt: t0, CreatedBy: "u1"}
			if err := db.PlaceHold(ctx, h, ev(kirjaamo.ActionUpdate, sid)); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, h.ID)
		}
		if _, err := db.ReleaseHold(ctx, ids[0], "u1", t0.Add(time.Hour), ev(kirjaamo.ActionUpdate, a.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := db.SubjectHolds(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		released := 0
		for _, h := range got {
			if h.SubjectID != a.ID {
				t.Fatalf("another subject's hold listed")
			}
			if h.ReleasedAt != nil {
				released++
			}
		}
		if len(got) != 2 || released != 1 {
			t.Fatalf("got %d holds, %d released; want 2, 1", len(got), released)
		}
	})

	// A subject's consents are those given by the subject and those
	// recorded on contacts linked to the subject (a chat's consent to
	// recording), each once, newest first; nobody else's.
	t.Run("ConsentsOfSubjectAndItsContacts", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		g := synth.New(13)
		a, other := newSubject(t, db, g), newSubject(t, db, g)
		mine := newContact(t, db, "chats", a.ID)
		shared := newContact(t, db, "chats", a.ID, other.ID)
		theirs := newContact(t, db, "chats", other.ID)
		give := func(subjectID, contactID string, at time.Time) *kirjaamo.Consent {
			c := &kirjaamo.Consent{ID: kirjaamo.NewID(at), SubjectID: subjectID, ContactID: contactID, Purpose: "marketing",
				TextVersion: "m-2026", GivenAt: at, RecordedBy: "u1"}
			if err := db.CreateConsent(ctx, c, ev(kirjaamo.ActionCreate)); err != nil {
				t.Fatal(err)
			}
			return c
		}
		want := []string{
			give(a.ID, "", t0.Add(1*time.Hour)).ID,
			give("", mine.ID, t0.Add(2*time.Hour)).ID,
			give(a.ID, mine.ID, t0.Add(3*time.Hour)).ID, // both ways: listed once
			give("", shared.ID, t0.Add(4*time.Hour)).ID,
		}
		give(other.ID, "", t0.Add(5*time.Hour))
		give("", theirs.ID, t0.Add(6*time.Hour))
		got, err := db.Consents(ctx, a.ID, ev(kirjaamo.ActionRead, a.ID))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		slices.Reverse(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("got consents %v, want %v (newest first)", ids, want)
		}
	})

	// A hold on a subject keeps the subject's own parts and every part of
	// its linked contacts, each counted once, and nothing of anyone else.
	t.Run("SubjectHoldCountsEachPartOnce", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		g := synth.New(17)
		a, other := newSubject(t, db, g), newSubject(t, db, g)
		exp := t0.AddDate(0, 6, 0)
		contact := func(subjects ...string) *kirjaamo.Contact {
			content := "Asiakas kysyi laskusta."
			c := &kirjaamo.Contact{ID: kirjaamo.NewID(t0), Kind: policy.KindCall, Register: "calls", SubjectIDs: subjects,
				Direction: "inbound", StartedAt: &t0, Content: &content, CreatedAt: t0, CreatedBy: "u1",
				Retention: []kirjaamo.PartRetention{
					{Part: policy.PartMetadata, Start: &t0, ExpiresAt: &exp, Rule: "6m from contact_end"},
					{Part: policy.PartContent, Start: &t0, ExpiresAt: &exp, Rule: "6m from contact_end"},
				}}
			if err := db.CreateContact(ctx, c, ev(kirjaamo.ActionCreate, subjects...)); err != nil {
				t.Fatal(err)
			}
			return c
		}
		held, shared, theirs := contact(a.ID), contact(a.ID, other.ID), contact(other.ID)
		counts := func() map[string]int {
			out := map[string]int{}
			for _, c := range []*kirjaamo.Contact{held, shared, theirs} {
				got, err := db.Contact(ctx, c.ID, allow[*kirjaamo.Contact]("read"))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range got.Retention {
					out[c.ID] += p.Held
				}
			}
			return out
		}
		h := &kirjaamo.Hold{ID: kirjaamo.NewID(t0), SubjectID: a.ID, Reason: "open_invoice", Owner: "laskutus",
			ReviewAt: t0.AddDate(1, 0, 0), CreatedAt: t0, CreatedBy: "u1"}
		if err := db.PlaceHold(ctx, h, ev(kirjaamo.ActionUpdate, a.ID)); err != nil {
			t.Fatal(err)
		}
		if got := counts(); got[held.ID] != 2 || got[shared.ID] != 2 || got[theirs.ID] != 0 {
			t.Fatalf("held parts per contact after the hold: %v; want 2, 2, 0", got)
		}
		if _, err := db.ReleaseHold(ctx, h.ID, "u1", t0.Add(time.Hour), ev(kirjaamo.ActionUpdate, a.ID)); err != nil {
			t.Fatal(err)
		}
		if got := counts(); got[held.ID] != 0 || got[shared.ID] != 0 || got[theirs.ID] != 0 {
			t.Fatalf("held parts per contact after the release: %v; want none", got)
		}
	})

	t.Run("ErrNotFoundContactForMissingSubject", func(t *testing.T) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		c := &kirjaamo.Contact{ID: kirjaamo.NewID(t0), Kind: policy.KindNote, Register: "notes", SubjectIDs: []string{kirjaamo.NewID(t0)}, CreatedAt: t0}
		err := db.CreateContact(ctx, c, ev("create"))
		if kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND || kirjaamo.ErrorField(err) != "subject_ids" {
			t.Fatalf("got %v, want ENOTFOUND on subject_ids", err)
		}
		if _, err := db.Contact(ctx, c.ID, allow[*kirjaamo.Contact]("read")); kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
			t.Fatalf("half-written contact left behind: %v", err)
		}
		if n, err := verify(t, db, ring); err != nil || n != 0 {
			t.Fatalf("rolled-back write left %d audit events (%v)", n, err)
		}
	})

	// Every read leaves an audit event, a denied one too, in the same
	// transaction; a denied read returns no data.
	t.Run("DeniedReadIsAudited", func(t *testing.T) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		s := newSubject(t, db, synth.New(8))
		c := newContact(t, db, "recordings", s.ID)
		denied := errors.New("no")
		got, err := db.Contact(ctx, c.ID, func(*kirjaamo.Contact) (*kirjaamo.AuditEvent, error) {
			e := ev(kirjaamo.ActionRead, s.ID)
			e.Outcome = kirjaamo.OutcomeDenied
			return e, denied
		})
		if !errors.Is(err, denied) || got != nil {
			t.Fatalf("got %v, %v; want the denial and no contact", got, err)
		}
		events, err := db.AuditEvents(ctx, kirjaamo.AuditFilter{SubjectID: s.ID}, ev("read"))
		if err != nil {
			t.Fatal(err)
		}
		var outcomes []string
		for _, e := range events {
			outcomes = append(outcomes, e.Action+"/"+e.Outcome)
		}
		if want := "create/ok create/ok read/denied"; strings.Join(outcomes, " ") != want {
			t.Fatalf("got events %v for the subject, want %s", outcomes, want)
		}
	})

	t.Run("AuditFilters", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		g := synth.New(9)
		s1, s2 := newSubject(t, db, g), newSubject(t, db, g)
		c := newContact(t, db, "calls", s1.ID)
		for _, tc := range []struct {
			name string
			f    kirjaamo.AuditFilter
			want int
		}{
			{"All", kirjaamo.AuditFilter{}, 3},
			{"Subject", kirjaamo.AuditFilter{SubjectID: s1.ID}, 2},
			{"OtherSubject", kirjaamo.AuditFilter{SubjectID: s2.ID}, 1},
			{"Record", kirjaamo.AuditFilter{RecordID: s2.ID}, 1},
			{"Action", kirjaamo.AuditFilter{Action: "create", Limit: 2}, 2},
			{"AfterSeq", kirjaamo.AuditFilter{AfterSeq: 2, Action: "create"}, 1},
			{"Until", kirjaamo.AuditFilter{Until: t0}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.AuditEvents(ctx, tc.f, ev("read"))
				if err != nil {
					t.Fatal(err)
				}
				// The listing is itself audited after the query ran, so it
				// never appears in its own result.
				if len(got) != tc.want {
					t.Fatalf("got %d events, want %d", len(got), tc.want)
				}
			})
		}
		_ = c
	})

	t.Run("AuditChainVerifies", func(t *testing.T) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		g := synth.New(10)
		for range 5 {
			s := newSubject(t, db, g)
			newContact(t, db, "calls", s.ID)
		}
		if n, err := verify(t, db, ring); err != nil || n != 10 {
			t.Fatalf("got %d events verified, %v; want 10, nil", n, err)
		}
		if _, err := kirjaamo.VerifyAudit(ctx, db, keys.Generate().AuditKey()); err == nil {
			t.Fatal("chain verified under another key")
		}
	})

	// Changing any byte of any stored event, deleting one, or swapping two
	// makes verification fail and name the event.
	t.Run("AuditTamperingDetected", func(t *testing.T) {
		cases := []struct {
			name  string
			stmts []string
			seq   int64
		}{
			{"ActorChanged", []string{"UPDATE audit_events SET actor = 'u2' WHERE seq = 3"}, 3},
			{"PurposeChanged", []string{"UPDATE audit_events SET purpose = 'x' WHERE seq = 5"}, 5},
			{"TimeChanged", []string{"UPDATE audit_events SET at = at + 1 WHERE seq = 2"}, 2},
			{"SubjectRemoved", []string{"UPDATE audit_events SET subject_ids = '' WHERE seq = 4"}, 4},
			{"FirstDeleted", []string{"DELETE FROM audit_events WHERE seq = 1"}, 1},
			{"MiddleDeleted", []string{"DELETE FROM audit_events WHERE seq = 4"}, 4},
			{"LastDeleted", []string{"DELETE FROM audit_events WHERE seq = 6"}, 6},
			{"LastDeletedAndHeadRewound", []string{"DELETE FROM audit_events WHERE seq = 6",
				"UPDATE audit_head SET seq = 5, hash = (SELECT hash FROM audit_events WHERE seq = 5)"}, 5},
			{"TwoSwapped", []string{
				"UPDATE audit_events SET seq = 100 WHERE seq = 2", "UPDATE audit_events SET seq = 2 WHERE seq = 3",
				"UPDATE audit_events SET seq = 3 WHERE seq = 100"}, 2},
			{"HashReplaced", []string{"UPDATE audit_events SET hash = prev_hash WHERE seq = 3"}, 3},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ring := keys.Generate()
				db := b.Open(t, ring)
				g := synth.New(11)
				for range 3 {
					s := newSubject(t, db, g)
					newContact(t, db, "calls", s.ID)
				}
				if _, err := verify(t, db, ring); err != nil {
					t.Fatalf("untampered chain: %v", err)
				}
				b.Tamper(t, db, tc.stmts...)
				_, err := verify(t, db, ring)
				var ce *kirjaamo.ChainError
				if !errors.As(err, &ce) {
					t.Fatalf("got %v, want a chain error", err)
				}
				if ce.Seq != tc.seq {
					t.Fatalf("got chain error at event %d (%s), want event %d", ce.Seq, ce.Reason, tc.seq)
				}
			})
		}
	})

	t.Run("AuditLogIsAppendOnly", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		newSubject(t, db, synth.New(12))
		for _, stmt := range []string{"UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"} {
			if _, err := db.Writer().Exec(stmt); err == nil {
				t.Fatalf("%q succeeded on the audit log", stmt)
			}
		}
	})

	t.Run("UsersAndTokens", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		u := &kirjaamo.User{ID: kirjaamo.NewID(t0), Username: "agent.one", Role: policy.RoleAgent, CreatedAt: t0}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(ctx, &kirjaamo.User{ID: kirjaamo.NewID(t0), Username: "agent.one", Role: policy.RoleDPO, CreatedAt: t0}); kirjaamo.ErrorField(err) != "username" {
			t.Fatalf("duplicate username: got %v, want ECONFLICT on username", err)
		}
		secret, tok := kirjaamo.NewToken(u.ID, t0, time.Hour)
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name   string
			secret string
			at     time.Time
			want   string
		}{
			{"Valid", secret, t0.Add(time.Minute), ""},
			{"Expired", secret, t0.Add(2 * time.Hour), kirjaamo.EUNAUTHORIZED},
			{"Unknown", secret + "x", t0, kirjaamo.EUNAUTHORIZED},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.UserByToken(ctx, kirjaamo.HashToken(tc.secret), tc.at)
				if kirjaamo.ErrorCode(err) != tc.want {
					t.Fatalf("got %v, want code %q", err, tc.want)
				}
				if err == nil && got.ID != u.ID {
					t.Fatalf("got user %s, want %s", got.ID, u.ID)
				}
			})
		}
		t.Run("RevokedTokenIsRefused", func(t *testing.T) {
			if err := db.DeleteToken(ctx, kirjaamo.HashToken(secret)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UserByToken(ctx, kirjaamo.HashToken(secret), t0.Add(time.Minute)); kirjaamo.ErrorCode(err) != kirjaamo.EUNAUTHORIZED {
				t.Fatalf("got %v, want EUNAUTHORIZED after revocation", err)
			}
			if err := db.DeleteToken(ctx, kirjaamo.HashToken(secret)); err != nil {
				t.Fatalf("revoking twice: got %v, want nil", err)
			}
		})
	})

	// Concurrency is a correctness matter: 64 concurrent clients mixing
	// writes with audited reads must all succeed, and the chain must stay
	// one valid chain.
	t.Run("ConcurrentWritesAndAuditedReads", func(t *testing.T) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		seed := newSubject(t, db, synth.New(13))
		const clients, each = 64, 15
		var wg sync.WaitGroup
		errs := make(chan error, clients*each)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g := synth.New(uint64(100 + i))
				for j := range each {
					var err error
					switch j % 3 {
					case 0:
						s := g.Person()
						s.Validate()
						s.ID, s.Register, s.CreatedAt, s.UpdatedAt = kirjaamo.NewID(t0), "customers", t0, t0
						err = db.CreateSubject(ctx, s, ev("create", s.ID))
					case 1:
						content := g.Sentence()
						c := &kirjaamo.Contact{ID: kirjaamo.NewID(t0), Kind: policy.KindNote, Register: "notes", SubjectIDs: []string{seed.ID}, Content: &content, CreatedAt: t0}
						err = db.CreateContact(ctx, c, ev("create", seed.ID))
					case 2:
						_, err = db.Subject(ctx, seed.ID, allow[*kirjaamo.Subject]("read"))
					}
					if err != nil {
						errs <- fmt.Errorf("client %d op %d: %w", i, j, err)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n, err := verify(t, db, ring); err != nil || n != 1+clients*each {
			t.Fatalf("got %d events, %v; want %d, nil", n, err, 1+clients*each)
		}
	})

	// A write that fails among concurrent writes (committed together on
	// SQLite) is rolled back alone: its neighbours are stored, it is not,
	// and the audit chain holds exactly the successful writes.
	t.Run("ConcurrentFailuresRollBackAlone", func(t *testing.T) {
		ring := keys.Generate()
		db := b.Open(t, ring)
		taken := newSubject(t, db, synth.New(14))
		const n = 200
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := synth.New(uint64(1000 + i)).Person()
				if i%2 == 0 {
					s.IdentityCode = taken.IdentityCode // fails on the unique index
				}
				s.Validate()
				s.ID, s.Register, s.CreatedAt, s.UpdatedAt = kirjaamo.NewID(t0), "customers", t0, t0
				err := db.CreateSubject(ctx, s, ev("create", s.ID))
				mu.Lock()
				defer mu.Unlock()
				switch kirjaamo.ErrorCode(err) {
				case "":
					ok++
				case kirjaamo.ECONFLICT:
					conflicts++
				default:
					t.Errorf("write %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if ok != n/2 || conflicts != n/2 {
			t.Fatalf("got %d stored and %d conflicts, want %d each", ok, conflicts, n/2)
		}
		if got, err := verify(t, db, ring); err != nil || got != int64(1+n/2) {
			t.Fatalf("got %d audit events (%v), want %d: one per stored write", got, err, 1+n/2)
		}
	})

	// Only one process sweeps at a time on a shared database; the lock
	// passes on when its holder lets go (or dies: its session ends).
	t.Run("SweeperLockHasOneHolder", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		release, ok, err := db.TryLock(ctx, "sweeper")
		if err != nil || !ok {
			t.Fatalf("first TryLock: %v %v", ok, err)
		}
		release2, ok2, err := db.TryLock(ctx, "sweeper")
		if err != nil {
			t.Fatal(err)
		}
		if ok2 == b.ExclusiveLock {
			t.Fatalf("second TryLock while held: got %v, want %v", ok2, !b.ExclusiveLock)
		}
		if ok2 {
			release2()
		}
		release()
		release3, ok3, err := db.TryLock(ctx, "sweeper")
		if err != nil || !ok3 {
			t.Fatalf("TryLock after release: %v %v", ok3, err)
		}
		release3()
	})

	t.Run("MigrateIsIdempotent", func(t *testing.T) {
		db := b.Open(t, keys.Generate())
		done, err := db.Migrate(ctx)
		if err != nil || len(done) != 0 {
			t.Fatalf("second migrate applied %v, %v; want nothing", done, err)
		}
		if p, err := db.Pending(ctx); err != nil || len(p) != 0 {
			t.Fatalf("pending after migrate: %v, %v", p, err)
		}
	})
}

// RowBytes reads every column of every row of the store's tables through
// database/sql, for backends whose files cannot simply be read.
func RowBytes(t testing.TB, db *sql.DB, tables ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					out.Write(v)
				default:
					fmt.Fprint(&out, v)
				}
				out.WriteByte(0)
			}
		}
		rows.Close()
	}
	return out.Bytes()
}
