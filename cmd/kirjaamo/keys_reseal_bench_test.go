package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
	"github.com/kirjaamo/kirjaamo/synth"
)

// BenchmarkKeysReseal times `kirjaamo keys reseal --retire` after a
// rotation, on a store of KIRJAAMO_RESEAL_BENCH="SUBJECTS,CONTACTS" rows
// (default 1000,10000) sealed under data key 2; each contact has a sealed
// metadata and content part. With KIRJAAMO_RESEAL_BENCH_POSTGRES=1 it runs
// on PostgreSQL (KIRJAAMO_TEST_POSTGRES_URL, a schema of its own). Run it
// with -benchtime=1x: a reseal is one-off, each iteration fills a new store.
func BenchmarkKeysReseal(b *testing.B) {
	subjects, contacts := 1000, 10000
	if v := os.Getenv("KIRJAAMO_RESEAL_BENCH"); v != "" {
		s, c, _ := strings.Cut(v, ",")
		subjects, _ = strconv.Atoi(s)
		contacts, _ = strconv.Atoi(c)
	}
	batch := "500"
	if v := os.Getenv("KIRJAAMO_RESEAL_BENCH_BATCH"); v != "" {
		batch = v
	}
	for b.Loop() {
		b.StopTimer()
		data := b.TempDir()
		args := []string{"--data", data}
		if os.Getenv("KIRJAAMO_RESEAL_BENCH_POSTGRES") == "1" {
			args = append(args, "--database-url", storetest.SchemaURL(b))
			if code, out, errs := benchCmd("keys", "generate", "--data", data); code != 0 {
				b.Fatalf("keys generate: %s %s", out, errs)
			}
		}
		c := &config{data: data, migrate: true}
		if len(args) > 2 {
			c.databaseURL = args[3]
		}
		db, _, err := c.open(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := fillSealed(db, subjects, contacts); err != nil {
			b.Fatal(err)
		}
		b.Logf("filled %d subjects and %d contacts in %s", subjects, contacts, time.Since(start).Round(time.Millisecond))
		db.Close()
		if code, out, errs := benchCmd(append([]string{"keys", "rotate"}, args...)...); code != 0 {
			b.Fatalf("keys rotate: %s %s", out, errs)
		}
		b.StartTimer()
		start = time.Now()
		code, out, errs := benchCmd(append([]string{"keys", "reseal", "--retire", "--batch", batch}, args...)...)
		took := time.Since(start)
		b.StopTimer()
		if code != 0 {
			b.Fatalf("keys reseal: %s %s", out, errs)
		}
		b.Logf("keys reseal --retire --batch %s: %s\n%s", batch, took.Round(time.Millisecond), out)
		values := subjects + 2*contacts
		b.ReportMetric(took.Seconds(), "s/reseal")
		b.ReportMetric(float64(values)/took.Seconds(), "values/s")
		start = time.Now()
		if code, out, errs := benchCmd(append([]string{"keys", "status"}, args...)...); code != 0 || !strings.Contains(out, fmt.Sprintf("subjects.data %d", subjects)) {
			b.Fatalf("keys status: %s %s", out, errs)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/status")
		b.StartTimer()
	}
}

func benchCmd(args ...string) (int, string, string) {
	var out, errs strings.Builder
	code := run(args, strings.NewReader(""), &out, &errs)
	return code, out.String(), errs.String()
}

// fillSealed inserts rows sealed by the store's keyring as the service
// would seal them (same columns and bindings), in multi-row statements.
func fillSealed(db *sqlstore.DB, subjects, contacts int) error {
	ctx := context.Background()
	dk, err := db.DataKeys(ctx)
	if err != nil {
		return err
	}
	g := synth.New(42)
	now := time.Now().UnixMicro()
	insert := func(table, cols string, n, per int, row func(i int) []any) error {
		const rows = 200
		tx, err := db.Writer().Begin()
		if err != nil {
			return err
		}
		for i := 0; i < n; i += rows {
			k := min(rows, n-i)
			var ph []string
			var args []any
			for j := range k {
				p := make([]string, per)
				for x := range p {
					p[x] = "?"
				}
				ph = append(ph, "("+strings.Join(p, ", ")+")")
				args = append(args, row(i+j)...)
			}
			q := `INSERT INTO ` + table + ` (` + cols + `) VALUES ` + strings.Join(ph, ", ")
			if db.Dialect().Dollar {
				n := 0
				var sb strings.Builder
				for _, r := range q {
					if r == '?' {
						n++
						sb.WriteString("$" + strconv.Itoa(n))
						continue
					}
					sb.WriteRune(r)
				}
				q = sb.String()
			}
			if _, err := tx.Exec(q, args...); err != nil {
				tx.Rollback()
				return err
			}
			if (i/rows)%50 == 49 {
				if err := tx.Commit(); err != nil {
					return err
				}
				if tx, err = db.Writer().Begin(); err != nil {
					return err
				}
			}
		}
		return tx.Commit()
	}
	err = insert("subjects", "id, kind, register, data, created_at, updated_at", subjects, 6, func(i int) []any {
		p := g.Person()
		id := fmt.Sprintf("s%09d", i)
		b, _ := json.Marshal(map[string]any{"fn": p.FirstName, "ln": p.LastName, "ic": p.IdentityCode, "em": p.Emails, "ph": p.Phones, "ad": p.Address})
		return []any{id, "person", "customers", dk.Seal([]byte("subjects/"+id), b), now, now}
	})
	if err != nil {
		return err
	}
	return insert("contacts", "id, kind, register, created_at, created_by, meta, content", contacts, 7, func(i int) []any {
		id := fmt.Sprintf("c%09d", i)
		meta, _ := json.Marshal(map[string]any{"m": map[string]string{"service_number": "0295 000 000"}, "f": map[string]any{}})
		return []any{id, "call", "calls", now, "u1", dk.Seal([]byte("contacts/"+id+"/meta"), meta),
			dk.Seal([]byte("contacts/"+id+"/content"), []byte(g.Sentence()+" "+g.Sentence()))}
	})
}
