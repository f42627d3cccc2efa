package kirjaamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
	"github.com/kirjaamo/kirjaamo/synth"
)

// world is a service on a real store with a clock the test moves.
type world struct {
	t    *testing.T
	svc  *kirjaamo.Service
	db   *sqlstore.DB
	ring *keys.Ring
	now  time.Time
	gen  *synth.Gen
	as   map[policy.Role]context.Context
}

func newWorld(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB, policyFile string, start time.Time) *world {
	t.Helper()
	pol, err := policy.Load(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	ring := keys.Generate()
	w := &world{t: t, db: open(t, ring), ring: ring, now: start, gen: synth.New(7), as: map[policy.Role]context.Context{}}
	w.svc = &kirjaamo.Service{Store: w.db, Policy: pol, BlindRef: ring.BlindRef, Now: func() time.Time { return w.now }}
	for _, role := range policy.Roles() {
		u := &kirjaamo.User{ID: kirjaamo.NewID(start), Username: "u." + string(role), Role: role, CreatedAt: start}
		if err := w.db.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		w.as[role] = kirjaamo.WithAccess(context.Background(), &kirjaamo.Access{User: u, Purpose: "testi"})
	}
	return w
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func (w *world) sweepAt(t time.Time) {
	w.t.Helper()
	w.now = t
	if _, err := w.svc.Sweep(context.Background(), false, 100); err != nil {
		w.t.Fatal(err)
	}
}

// contact reads a contact as the DPO, or nil when it is gone.
func (w *world) contact(id string) *kirjaamo.Contact {
	w.t.Helper()
	c, err := w.svc.Contact(w.as[policy.RoleDPO], id)
	if kirjaamo.ErrorCode(err) == kirjaamo.ENOTFOUND {
		return nil
	} else if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) subjectExists(id string) bool {
	w.t.Helper()
	_, err := w.svc.Subject(w.as[policy.RoleDPO], id, false)
	if kirjaamo.ErrorCode(err) == kirjaamo.ENOTFOUND {
		return false
	} else if err != nil {
		w.t.Fatal(err)
	}
	return true
}

func (w *world) newCall(kind policy.ContactKind, start time.Time, withRecording bool, content bool) *kirjaamo.Contact {
	w.t.Helper()
	end := start.Add(10 * time.Minute)
	c := &kirjaamo.Contact{Kind: kind, StartedAt: &start, EndedAt: &end}
	if content {
		text := "Asiakas kysyi hakemuksesta."
		c.Content = &text
	}
	if kind == policy.KindCall {
		c.Notice = &kirjaamo.RecordingNotice{Method: kirjaamo.NoticeAtStart, At: start, AnnouncementVersion: "v1"}
	}
	w.now = end
	if err := w.svc.CreateContact(w.as[policy.RoleAgent], c); err != nil {
		w.t.Fatal(err)
	}
	if withRecording {
		// The row of a recording whose blob the upload already wrote; the
		// store's sweeper has no blob store here, the HTTP tests cover blobs.
		rec := &kirjaamo.Recording{ContactID: c.ID, BlobKey: "recordings/" + kirjaamo.NewID(start), WrappedKey: []byte{1},
			SHA256: "00", ContentType: "audio/wav", StartedAt: start.Add(time.Second)}
		if err := w.svc.AttachRecording(w.as[policy.RoleAgent], rec); err != nil {
			w.t.Fatal(err)
		}
		c.Recording = rec.BlobKey
	}
	return c
}

func eachBackend(t *testing.T, fn func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Open) })
	}
}

// Seed 001: customer data is kept 10 years from the end of the customer
// relationship; open invoices and debt collection prevent deletion.
func TestRetentionSeed001(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		w := newWorld(t, open, "examples/seed001-customer-register.yaml", day("2024-03-01"))
		agent := w.as[policy.RoleAgent]
		ended, active, invoiced := w.gen.Person(), w.gen.Person(), w.gen.Person()
		for _, s := range []*kirjaamo.Subject{ended, active, invoiced} {
			if err := w.svc.CreateSubject(agent, s); err != nil {
				t.Fatal(err)
			}
		}
		// The relationships of two customers end on 31 August 2026.
		end := day("2026-08-31")
		endp := &end
		for _, s := range []*kirjaamo.Subject{ended, invoiced} {
			if _, err := w.svc.UpdateSubject(agent, s.ID, &kirjaamo.SubjectPatch{RelationshipEndedAt: &endp}); err != nil {
				t.Fatal(err)
			}
		}
		hold := &kirjaamo.Hold{SubjectID: invoiced.ID, Reason: "open_invoice", Owner: "laskutus", ReviewAt: day("2036-12-31")}
		if err := w.svc.PlaceHold(w.as[policy.RoleDPO], hold); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name                            string
			at                              time.Time
			wantEnded, wantActive, wantHeld bool
		}{
			{"DayBeforeTenYears", day("2036-08-30"), true, true, true},
			{"DayAfterTenYears", day("2036-09-01"), false, true, true},
			{"FiftyYearsLaterRelationshipNotEnded", day("2076-01-01"), false, true, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w.sweepAt(tc.at)
				for _, c := range []struct {
					name string
					id   string
					want bool
				}{{"ended", ended.ID, tc.wantEnded}, {"active", active.ID, tc.wantActive}, {"held", invoiced.ID, tc.wantHeld}} {
					if got := w.subjectExists(c.id); got != c.want {
						t.Errorf("%s customer present = %v, want %v", c.name, got, c.want)
					}
				}
			})
		}
		t.Run("ReleasedHoldFallsBackUnderExpiry", func(t *testing.T) {
			if _, err := w.svc.ReleaseHold(w.as[policy.RoleDPO], hold.ID); err != nil {
				t.Fatal(err)
			}
			w.sweepAt(w.now.Add(time.Hour))
			if w.subjectExists(invoiced.ID) {
				t.Fatal("customer still present after the hold was released, 40 years past expiry")
			}
		})
		verifyNoPersonalData(t, w)
	})
}

// Seed 002: recordings 6 months, individual ones up to 12 for complaints
// and quality projects; chats, e-mails and contact requests 180 days.
func TestRetentionSeed002(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		w := newWorld(t, open, "examples/seed002-te-contact-centre.yaml", day("2026-08-31"))
		start := day("2026-08-31").Add(9 * time.Hour)
		plain := w.newCall(policy.KindCall, start, true, true)
		complaint := w.newCall(policy.KindCall, start, true, true)
		chat := w.newCall(policy.KindChat, start, false, true)

		// The supervisor keeps the complaint's recording for 12 months.
		sup := w.as[policy.RoleSupervisor]
		if _, err := w.svc.ExtendRetention(w.as[policy.RoleAgent], complaint.ID, &kirjaamo.Extension{Part: policy.PartRecording, Reason: "complaint", Until: day("2027-08-31")}); kirjaamo.ErrorCode(err) != kirjaamo.EFORBIDDEN {
			t.Fatalf("agent extended retention: %v", err)
		}
		_, err := w.svc.ExtendRetention(sup, complaint.ID, &kirjaamo.Extension{Part: policy.PartRecording, Reason: "complaint", Until: day("2027-09-02")})
		if kirjaamo.ErrorCode(err) != kirjaamo.ECONFLICT || !strings.Contains(kirjaamo.ErrorMessage(err), "12m") {
			t.Fatalf("extension past 12 months: got %v, want a conflict naming the 12m cap", err)
		}
		if _, err := w.svc.ExtendRetention(sup, complaint.ID, &kirjaamo.Extension{Part: policy.PartRecording, Reason: "boredom", Until: day("2027-06-01")}); kirjaamo.ErrorField(err) != "reason" {
			t.Fatalf("extension for an unlisted reason: got %v", err)
		}
		ext, err := w.svc.ExtendRetention(sup, complaint.ID, &kirjaamo.Extension{Part: policy.PartRecording, Reason: "complaint", Until: day("2027-08-31").Add(9*time.Hour + 10*time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if p := part(ext, policy.PartRecording); p.ExtensionReason != "complaint" || p.ExtendedUntil == nil {
			t.Fatalf("extension not visible on the record: %+v", p)
		}

		// 6 months from 31 August is the last day of February (calendar arithmetic).
		recordingDue := day("2027-02-28").Add(9*time.Hour + 10*time.Minute)
		for _, tc := range []struct {
			name                                        string
			at                                          time.Time
			plainRec, complaintRec, plainCall, chatGone bool
		}{
			{"DayBeforeChat180Days", day("2027-02-26"), true, true, true, false},
			{"DayBeforeSixMonths", recordingDue.Add(-24 * time.Hour), true, true, true, true},
			{"DayAfterSixMonths", recordingDue.Add(24 * time.Hour), false, true, true, true},
			{"DayBeforeTwelveMonths", day("2027-08-30"), false, true, true, true},
			{"DayAfterTwelveMonths", day("2027-09-01").Add(10 * time.Hour), false, false, false, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w.sweepAt(tc.at)
				p := w.contact(plain.ID)
				if got := p != nil && p.Recording != ""; got != tc.plainRec {
					t.Errorf("plain recording present = %v, want %v", got, tc.plainRec)
				}
				if got := p != nil; got != tc.plainCall {
					t.Errorf("plain call metadata present = %v, want %v", got, tc.plainCall)
				}
				c := w.contact(complaint.ID)
				if got := c != nil && c.Recording != ""; got != tc.complaintRec {
					t.Errorf("complaint recording present = %v, want %v", got, tc.complaintRec)
				}
				if got := w.contact(chat.ID) == nil; got != tc.chatGone {
					t.Errorf("chat gone = %v, want %v", got, tc.chatGone)
				}
			})
		}
		verifyNoPersonalData(t, w)
	})
}

// Chats 180 days, to the day.
func TestRetentionChat180Days(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		w := newWorld(t, open, "examples/seed002-te-contact-centre.yaml", day("2026-01-10"))
		chat := w.newCall(policy.KindChat, day("2026-01-10").Add(12*time.Hour), false, true)
		due := day("2026-01-10").Add(12*time.Hour+10*time.Minute).AddDate(0, 0, 180)
		w.sweepAt(due.Add(-24 * time.Hour))
		if w.contact(chat.ID) == nil {
			t.Fatal("chat gone the day before 180 days")
		}
		w.sweepAt(due.Add(24 * time.Hour))
		if w.contact(chat.ID) != nil {
			t.Fatal("chat present the day after 180 days")
		}
	})
}

// Seed 004: call history 2 years, recordings 3 months: the metadata
// survives its recording.
func TestRetentionSeed004CallMetadataOutlivesRecording(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		w := newWorld(t, open, "examples/seed004-staffpoint.yaml", day("2026-05-31"))
		call := w.newCall(policy.KindCall, day("2026-05-31").Add(8*time.Hour), true, false)
		end := day("2026-05-31").Add(8*time.Hour + 10*time.Minute)
		recDue := day("2026-08-31").Add(8*time.Hour + 10*time.Minute) // 31 May + 3 months
		for _, tc := range []struct {
			name      string
			at        time.Time
			call, rec bool
		}{
			{"DayBeforeThreeMonths", recDue.Add(-24 * time.Hour), true, true},
			{"DayAfterThreeMonths", recDue.Add(24 * time.Hour), true, false},
			{"DayBeforeTwoYears", end.AddDate(2, 0, -1), true, false},
			{"DayAfterTwoYears", end.AddDate(2, 0, 1), false, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w.sweepAt(tc.at)
				c := w.contact(call.ID)
				if (c != nil) != tc.call || (c != nil && c.Recording != "") != tc.rec {
					t.Fatalf("call present %v recording present %v; want %v %v", c != nil, c != nil && c.Recording != "", tc.call, tc.rec)
				}
			})
		}
		t.Run("ContentWithoutARuleIsNotStored", func(t *testing.T) {
			text := "muistiinpano"
			err := w.svc.CreateContact(w.as[policy.RoleAgent], &kirjaamo.Contact{Kind: policy.KindCall, Content: &text})
			if kirjaamo.ErrorField(err) != "content" {
				t.Fatalf("got %v, want content refused: the policy keeps no call content", err)
			}
		})
	})
}

func part(c *kirjaamo.Contact, p policy.Part) kirjaamo.PartRetention {
	for _, r := range c.Retention {
		if r.Part == p {
			return r
		}
	}
	return kirjaamo.PartRetention{}
}

// Nothing in the deletion log or the audit log contains a personal
// identifier (checked with the PII scanner), and the chain verifies.
func verifyNoPersonalData(t *testing.T, w *world) {
	t.Helper()
	ctx := w.as[policy.RoleAuditor]
	log, err := w.svc.DeletionLog(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 {
		t.Fatal("the sweeps wrote no deletion log")
	}
	var text strings.Builder
	for _, e := range log {
		text.WriteString(e.Register + " " + e.Part + " " + e.Rule + "\n")
	}
	events, err := w.svc.AuditEvents(ctx, kirjaamo.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		text.WriteString(e.Detail + " " + e.Purpose + "\n")
	}
	for _, f := range pii.New().Scan([]byte(text.String())) {
		if f.Type != pii.TypeSpecialCategory {
			t.Errorf("deletion or audit log holds a %s", f.Type)
		}
	}
	if _, err := kirjaamo.VerifyAudit(context.Background(), w.db, w.ring.AuditKey()); err != nil {
		t.Fatal(err)
	}
}

// stored reports whether a contact row exists, whoever may see it.
func (w *world) stored(id string) bool {
	w.t.Helper()
	_, err := w.db.Contact(context.Background(), id, func(*kirjaamo.Contact) (*kirjaamo.AuditEvent, error) {
		return &kirjaamo.AuditEvent{At: w.now, Actor: "test", Role: "test", Action: "read", Outcome: "ok"}, nil
	})
	if kirjaamo.ErrorCode(err) == kirjaamo.ENOTFOUND {
		return false
	} else if err != nil {
		w.t.Fatal(err)
	}
	return true
}

// Seed 002: a counselling workspace is active until 3 months without the
// customer logging in (or staff closing it), can be reactivated for 3
// months, is then archived for 12 months hidden from staff, then deleted.
func TestRetentionSeed002WorkspaceLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		start := day("2026-01-31").Add(10 * time.Hour)
		w := newWorld(t, open, "examples/seed002-te-contact-centre.yaml", start)
		subj := w.gen.Person()
		if err := w.svc.CreateSubject(w.as[policy.RoleAgent], subj); err != nil {
			t.Fatal(err)
		}
		text := "Ohjaussuunnitelma"
		ws := &kirjaamo.Contact{Kind: policy.KindWorkspace, SubjectIDs: []string{subj.ID}, Content: &text}
		if err := w.svc.CreateContact(w.as[policy.RoleAgent], ws); err != nil {
			t.Fatal(err)
		}
		agentSees := func() bool {
			_, err := w.svc.Contact(w.as[policy.RoleAgent], ws.ID)
			list, lerr := w.svc.SubjectContacts(w.as[policy.RoleAgent], subj.ID)
			if kirjaamo.ErrorCode(lerr) == kirjaamo.ENOTFOUND {
				return err == nil // the subject's own 18 months have passed; the workspace lives on
			} else if lerr != nil {
				t.Fatal(lerr)
			}
			if (err == nil) != (len(list) == 1) {
				t.Fatalf("read (%v) and timeline (%d) disagree", err, len(list))
			}
			return err == nil
		}
		login := func(at time.Time) error {
			w.now = at
			_, err := w.svc.UpdateContactEvents(w.as[policy.RoleAgent], ws.ID, &kirjaamo.ContactEvents{LastActivityAt: &at})
			return err
		}
		// The customer logs in on 31 January; no login for 3 months closes
		// it on 30 April (31 Jan + 3 months, end of month); a login on 15 June
		// (closed stage) reactivates it; 3 months without login closes it
		// on 15 September, it is archived on 15 December, deleted 15 December 2027.
		if err := login(start); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name            string
			at              time.Time
			stored, visible bool
		}{
			{"ActiveDayBeforeClosing", day("2026-04-29"), true, true},
			{"ClosedAfterThreeMonthsWithoutLogin", day("2026-05-02"), true, true},
		}
		for _, st := range steps {
			w.sweepAt(st.at)
			if w.stored(ws.ID) != st.stored || agentSees() != st.visible {
				t.Fatalf("%s: stored %v visible %v, want %v %v", st.name, w.stored(ws.ID), agentSees(), st.stored, st.visible)
			}
		}
		if err := login(day("2026-06-15").Add(10 * time.Hour)); err != nil {
			t.Fatalf("a login in the closed stage must reactivate: %v", err)
		}
		for _, st := range []struct {
			name            string
			at              time.Time
			stored, visible bool
		}{
			{"ReactivatedActive", day("2026-07-01"), true, true},
			{"ClosedAgain", day("2026-09-16"), true, true},
			{"ArchivedHiddenFromStaff", day("2026-12-16"), true, false},
			{"ArchivedDayBeforeDeletion", day("2027-12-14"), true, false},
			{"DeletedDayAfter", day("2027-12-16"), false, false},
		} {
			w.sweepAt(st.at)
			if got := w.stored(ws.ID); got != st.stored {
				t.Fatalf("%s: stored = %v, want %v", st.name, got, st.stored)
			}
			if st.stored {
				if got := agentSees(); got != st.visible {
					t.Fatalf("%s: agent sees = %v, want %v", st.name, got, st.visible)
				}
			}
			if st.name == "ArchivedHiddenFromStaff" {
				if err := login(day("2026-12-20")); kirjaamo.ErrorCode(err) != kirjaamo.ECONFLICT {
					t.Fatalf("an archived workspace was reactivated: %v", err)
				}
			}
		}
		verifyNoPersonalData(t, w)
	})
}

// Seed 004: chats are processed on a separate consent, always withdrawable;
// the visitor's technical data is a part of its own (180 days). A chat is
// not stored without the consent, and withdrawing it makes the chat due.
func TestSeed004ChatConsent(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		start := day("2026-06-01").Add(9 * time.Hour)
		w := newWorld(t, open, "examples/seed004-staffpoint.yaml", start)
		agent := w.as[policy.RoleAgent]
		end := start.Add(15 * time.Minute)
		msgs := []kirjaamo.ChatMessage{{Sender: "customer", At: start, Text: "Hei, kysyisin työvuoroista."}, {Sender: "agent", At: start.Add(time.Minute), Text: "Hei! Autan mielelläni."}}
		visitor := &kirjaamo.Visitor{SessionID: "s-1", Browser: "Firefox", DeviceType: "mobile", Referrer: "/tyonhakijat", Location: "Tampere"}

		err := w.svc.CreateContact(agent, &kirjaamo.Contact{Kind: policy.KindChat, StartedAt: &start, EndedAt: &end, Messages: msgs, Visitor: visitor})
		if kirjaamo.ErrorField(err) != "consent" {
			t.Fatalf("chat without consent: got %v, want it refused naming consent", err)
		}
		chat := &kirjaamo.Contact{Kind: policy.KindChat, StartedAt: &start, EndedAt: &end, Messages: msgs, Visitor: visitor,
			Consent: &kirjaamo.Consent{Purpose: "chat", TextVersion: "chat-consent-2026", Channel: "web", GivenAt: start}}
		if err := w.svc.CreateContact(agent, chat); err != nil {
			t.Fatal(err)
		}
		got := w.contact(chat.ID)
		if len(got.Messages) != 2 || got.Visitor == nil || got.Visitor.Location != "Tampere" {
			t.Fatalf("chat did not round-trip: %+v", got)
		}
		if p := part(got, policy.PartVisitorMetadata); p.ExpiresAt == nil || !p.ExpiresAt.Equal(end.AddDate(0, 0, 180)) {
			t.Fatalf("visitor metadata expiry %v, want 180 days from the end of the chat", p.ExpiresAt)
		}
		var consentID string
		w.db.Writer().QueryRow("SELECT id FROM consents WHERE contact_id = '" + chat.ID + "'").Scan(&consentID) // generated id: safe inline
		if consentID == "" {
			t.Fatal("the consent was not stored with the chat")
		}
		w.sweepAt(start.AddDate(0, 0, 30))
		if w.contact(chat.ID) == nil {
			t.Fatal("chat deleted before its 180 days without a withdrawal")
		}
		if _, err := w.svc.WithdrawConsent(agent, consentID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.WithdrawConsent(agent, consentID); kirjaamo.ErrorCode(err) != kirjaamo.ECONFLICT {
			t.Fatalf("second withdrawal: got %v, want ECONFLICT", err)
		}
		w.sweepAt(w.now.Add(time.Minute))
		if w.contact(chat.ID) != nil {
			t.Fatal("the chat survived the withdrawal of the consent it was kept on")
		}
		verifyNoPersonalData(t, w)
	})
}

// Seed 002: the customer's status, country and the contact's topic are kept
// as anonymous statistics for 3 years, linked to no one.
func TestSeed002StatisticsKeptThreeYearsAnonymously(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		start := day("2026-02-10").Add(13 * time.Hour)
		w := newWorld(t, open, "examples/seed002-te-contact-centre.yaml", start)
		agent := w.as[policy.RoleAgent]
		text := "Yrityksen perustaminen"
		req := &kirjaamo.Contact{Kind: policy.KindContactRequest, Content: &text,
			Statistics: &kirjaamo.StatisticsRow{Topic: "yrityksen perustaminen", Country: "fi", Status: "company"}}
		if err := w.svc.CreateContact(agent, req); err != nil {
			t.Fatal(err)
		}
		bad := &kirjaamo.Contact{Kind: policy.KindContactRequest, Statistics: &kirjaamo.StatisticsRow{Topic: "soita " + w.gen.Email()}}
		if err := w.svc.CreateContact(agent, bad); kirjaamo.ErrorField(err) != "statistics.topic" {
			t.Fatalf("statistics with personal data: got %v, want refused", err)
		}
		count := func() int {
			cs, err := w.svc.Statistics(w.as[policy.RoleSupervisor], day("2026-01-01"), day("2027-01-01"))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range cs {
				if c.Topic == "yrityksen perustaminen" && c.Country == "FI" && c.Status == "company" {
					n += c.Count
				}
			}
			return n
		}
		if count() != 1 {
			t.Fatal("the statistics row is not counted")
		}
		// The contact request itself goes after 180 days; the statistics stay.
		w.sweepAt(day("2026-09-01"))
		if w.contact(req.ID) != nil || count() != 1 {
			t.Fatalf("after 180 days: contact present %v, statistics %d; want gone and 1", w.contact(req.ID) != nil, count())
		}
		w.sweepAt(day("2029-02-09"))
		if count() != 1 {
			t.Fatal("statistics gone before 3 years")
		}
		w.sweepAt(day("2029-02-11"))
		if count() != 0 {
			t.Fatal("statistics kept past 3 years")
		}
	})
}
