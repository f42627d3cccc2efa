package bench_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// linkedSubjects is how many subjects the written contacts are spread over.
const linkedSubjects = 64

var contents = []string{
	"Asiakas kysyi laskun eräpäivästä.", "Asiakas pyysi soittopyyntöä huomiselle.",
	"Neuvottiin verkkoasioinnin käytössä.", "Ohjattiin oikeaan palveluun.",
}

// newCall is the contact every write benchmark stores: an inbound call
// linked to one subject, with start and end times, two metadata keys and a
// one-sentence content part — the same shape as kirjaload's write.
func newCall(subjectID string, i int) *kirjaamo.Contact {
	start := time.Now().Add(-3 * time.Minute).UTC()
	end := start.Add(2 * time.Minute)
	content := contents[i%len(contents)]
	return &kirjaamo.Contact{
		Kind: policy.KindCall, SubjectIDs: []string{subjectID}, Direction: "inbound", Title: "Puhelu",
		StartedAt: &start, EndedAt: &end, Metadata: map[string]string{"queue": "tyonhaku", "line": "asiakaspalvelu"},
		Content: &content,
	}
}

// runWrites runs write(i) as a Sequential and a Parallel16 sub-benchmark,
// reporting writes/s and latency percentiles besides ns/op.
func runWrites(b *testing.B, write func(i int) error) {
	b.Run("Sequential", func(b *testing.B) {
		var lat latencies
		d := make([]time.Duration, 0, 1024)
		i := 0
		for b.Loop() {
			t0 := time.Now()
			if err := write(i); err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(t0))
			i++
		}
		lat.add(d)
		lat.report(b)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	})
	b.Run("Parallel16", func(b *testing.B) {
		var lat latencies
		var n atomic.Int64
		b.SetParallelism(parallelism())
		b.RunParallel(func(pb *testing.PB) {
			d := make([]time.Duration, 0, 1024)
			for pb.Next() {
				t0 := time.Now()
				if err := write(int(n.Add(1))); err != nil {
					b.Error(err)
					return
				}
				d = append(d, time.Since(t0))
			}
			lat.add(d)
		})
		lat.report(b)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	})
}

// BenchmarkCreateContact: audited single-record contact writes through
// kirjaamo.Service, as the API handler makes them — policy check, audit
// event composition, sealing, the INSERTs and the hash-chained audit append
// in one transaction.
func BenchmarkCreateContact(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			ring := keys.Generate()
			e := newEnv(b, be.open(b, ring), ring)
			ids := e.subjects(b, linkedSubjects, 1)
			runWrites(b, func(i int) error {
				return e.svc.CreateContact(e.ctx, newCall(ids[i%len(ids)], i))
			})
		})
	}
}

// prepared is a contact ready for the store: what Service.CreateContact
// does before calling Store.CreateContact, without the policy check.
func (e *env) prepared(subjectID string, i int) (*kirjaamo.Contact, *kirjaamo.AuditEvent) {
	c := newCall(subjectID, i)
	now := time.Now().UTC()
	reg := e.pol.RegisterFor(c.Kind)
	c.ID, c.Register, c.CreatedAt, c.CreatedBy = kirjaamo.NewID(now), reg.ID, now, e.agent.ID
	ev := &kirjaamo.AuditEvent{At: now, Actor: e.agent.ID, Role: string(e.agent.Role), Action: kirjaamo.ActionCreate,
		Outcome: kirjaamo.OutcomeOK, Register: reg.ID, RecordIDs: []string{c.ID}, SubjectIDs: c.SubjectIDs,
		Purpose: "kuormitustesti", RequestID: "bench", Detail: "kind: " + string(c.Kind)}
	return c, ev
}

// BenchmarkCreateContactAuditOn is the audited half of the audit-on versus
// audit-off comparison: Store.CreateContact, the product's write, which
// seals the metadata and content parts, inserts the contact and its subject
// link and appends the hash-chained audit event (chain-head read — FOR
// UPDATE on PostgreSQL —, event row, per-subject index row, head update with
// its MAC) in one transaction.
func BenchmarkCreateContactAuditOn(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			ring := keys.Generate()
			e := newEnv(b, be.open(b, ring), ring)
			ids := e.subjects(b, linkedSubjects, 1)
			runWrites(b, func(i int) error {
				c, ev := e.prepared(ids[i%len(ids)], i)
				return e.db.CreateContact(e.ctx, c, ev)
			})
		})
	}
}

// BenchmarkCreateContactAuditOff is the other half. Audit cannot be turned
// off in the product, so this benchmark does by hand, through the store's
// own writer pool (sqlstore.DB.Writer) on the same kind of database, the
// contact part of Store.CreateContact: the same JSON encoding and AES-GCM
// sealing of the two parts, the same BEGIN (IMMEDIATE on SQLite), the same
// two INSERT statements (prepared once on SQLite as the store does; pgx's
// statement cache on PostgreSQL as the store does) and COMMIT — and no audit
// append. Two other things differ, and docs/benchmarks-core.md weighs them:
// Store.CreateContact also checks the linked subjects' legal holds and
// replaces the contact's retention rows (none here: the benchmark calls the store without the
// service's retention computation), and on SQLite it goes through the
// group-commit writer (one SAVEPOINT per write, one COMMIT per batch) while
// this path commits every write on its own. The first adds to the audited
// side's cost; the second helps it under concurrency.
func BenchmarkCreateContactAuditOff(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			ring := keys.Generate()
			e := newEnv(b, be.open(b, ring), ring)
			ids := e.subjects(b, linkedSubjects, 1)
			w := newRawWriter(b, e.db)
			dk, err := e.db.DataKeys(e.ctx)
			if err != nil {
				b.Fatal(err)
			}
			runWrites(b, func(i int) error {
				c, _ := e.prepared(ids[i%len(ids)], i)
				return w.createContact(e.ctx, dk, c)
			})
		})
	}
}

const (
	insertContact = `INSERT INTO contacts (id, kind, register, direction, started_at, ended_at, created_at, created_by, meta, content, recording, last_activity_at, closed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertLink = `INSERT INTO contact_subjects (subject_id, contact_id) VALUES (?, ?)`
)

// rawWriter writes contacts without an audit event.
type rawWriter struct {
	w                   *sql.DB
	dollar              bool
	contactStmt, linkSt *sql.Stmt // SQLite only
}

func newRawWriter(tb testing.TB, db *sqlstore.DB) *rawWriter {
	tb.Helper()
	rw := &rawWriter{w: db.Writer(), dollar: db.Dialect().Dollar}
	if db.Dialect().PrepareCached {
		var err error
		if rw.contactStmt, err = rw.w.Prepare(insertContact); err != nil {
			tb.Fatal(err)
		}
		if rw.linkSt, err = rw.w.Prepare(insertLink); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { rw.contactStmt.Close(); rw.linkSt.Close() })
	}
	return rw
}

// rebind turns ? placeholders into $n for PostgreSQL.
func rebind(q string) string {
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			sb.WriteString("$" + strconv.Itoa(n))
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func (rw *rawWriter) exec(ctx context.Context, tx *sql.Tx, st *sql.Stmt, q string, args ...any) error {
	var err error
	switch {
	case st != nil:
		_, err = tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	case rw.dollar:
		_, err = tx.ExecContext(ctx, rebind(q), args...)
	default:
		_, err = tx.ExecContext(ctx, q, args...)
	}
	return err
}

func (rw *rawWriter) createContact(ctx context.Context, dk *keys.DataKeys, c *kirjaamo.Contact) error {
	meta, err := json.Marshal(struct {
		Title    string            `json:"t,omitempty"`
		Metadata map[string]string `json:"m,omitempty"`
	}{c.Title, c.Metadata})
	if err != nil {
		return err
	}
	sealedMeta := dk.Seal([]byte("contacts/"+c.ID+"/meta"), meta)
	var sealedContent []byte
	if c.Content != nil {
		sealedContent = dk.Seal([]byte("contacts/"+c.ID+"/content"), []byte(*c.Content))
	}
	tx, err := rw.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := rw.exec(ctx, tx, rw.contactStmt, insertContact,
		c.ID, string(c.Kind), c.Register, c.Direction, c.StartedAt.UnixMicro(), c.EndedAt.UnixMicro(),
		c.CreatedAt.UnixMicro(), c.CreatedBy, sealedMeta, sealedContent, nil, nil, nil); err != nil {
		return err
	}
	for _, sid := range c.SubjectIDs {
		if err := rw.exec(ctx, tx, rw.linkSt, insertLink, sid, c.ID); err != nil {
			return err
		}
	}
	return tx.Commit()
}
