package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/metrics"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// sweepOnce runs one sweep under the cluster-wide sweeper lock.
func sweepOnce(ctx context.Context, svc *kirjaamo.Service, db *sqlstore.DB, dryRun bool, batch int) (kirjaamo.SweepResult, bool, error) {
	release, ok, err := db.TryLock(ctx, "sweeper")
	if err != nil || !ok {
		return kirjaamo.SweepResult{}, false, err
	}
	defer release()
	res, err := svc.Sweep(ctx, dryRun, batch)
	return res, true, err
}

// sweepTask is the retention sweep as a scheduled task. The sweep also
// takes the sweeper lock, so a 'kirjaamo sweep' run by hand and the
// scheduled one never overlap.
func sweepTask(svc *kirjaamo.Service, db *sqlstore.DB, period time.Duration, logger *slog.Logger, m *metrics.Metrics) task {
	return task{name: "sweep", every: period, run: func(ctx context.Context) error {
		start := time.Now()
		res, ran, err := sweepOnce(ctx, svc, db, false, 0)
		if ran {
			m.SweepDone(err)
			for _, l := range res.Log {
				m.AddDeleted(l.Register, l.Part, l.Count)
			}
		}
		switch {
		case err != nil:
			return err
		case !ran:
			logger.Info("retention sweep skipped: another process is sweeping")
		default:
			logger.Info("retention sweep", "deleted", res.Deleted, "batches", res.Batches,
				"duration_ms", time.Since(start).Milliseconds())
		}
		return nil
	}}
}

func sweepCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sweep", stderr)
	var c config
	c.storeFlags(fs)
	policyFile := fs.String("policy", env("KIRJAAMO_POLICY", ""), "policy file (env KIRJAAMO_POLICY)")
	dryRun := fs.Bool("dry-run", false, "count what would be deleted, delete nothing")
	batch := fs.Int("batch", 0, "parts per transaction (0: the database's default, SQLite 250, PostgreSQL 2000)")
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations first")
	if err := parse(fs, args); err != nil {
		return 2
	}
	if *policyFile == "" {
		fmt.Fprintln(stderr, "kirjaamo sweep: --policy FILE is required")
		return 2
	}
	pol, err := policy.Load(*policyFile)
	if err != nil {
		return fail(stderr, err)
	}
	ctx := context.Background()
	db, ring, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	svc := &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef}
	res, ran, err := sweepOnce(ctx, svc, db, *dryRun, *batch)
	if err != nil {
		return fail(stderr, err)
	}
	if !ran {
		fmt.Fprintln(stdout, "another server is sweeping; nothing done")
		return 0
	}
	verb := "deleted"
	if *dryRun {
		verb = "would delete"
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGISTER\tPART\tRULE\tCOUNT\tDUE FROM\tDUE TO")
	for _, e := range res.Log {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", e.Register, e.Part, e.Rule, e.Count, e.FirstDueAt.Format(time.DateOnly), e.LastDueAt.Format(time.DateOnly))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%s %d parts in %d batches\n", verb, res.Deleted, res.Batches)
	return 0
}

func retentionReportCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("retention report", stderr)
	var c config
	c.storeFlags(fs)
	days := fs.Int("days", 30, "window in days")
	format := fs.String("format", "table", "table or json")
	if err := parse(fs, args); err != nil {
		return 2
	}
	if *format != "table" && *format != "json" {
		fmt.Fprintln(stderr, "kirjaamo retention report: --format must be table or json")
		return 2
	}
	c.skipMigrations = true
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	until := time.Now().UTC().AddDate(0, 0, *days)
	rows, err := db.Forecast(ctx, until)
	if err != nil {
		return fail(stderr, err)
	}
	holds, err := db.Holds(ctx, false)
	if err != nil {
		return fail(stderr, err)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{"until": until, "rows": rows, "holds": holds})
		return 0
	}
	fmt.Fprintf(stdout, "Retention forecast until %s\n\n", until.Format(time.DateOnly))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGISTER\tPART\tDUE\tHELD\tEXTENDED")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", r.Register, r.Part, r.Due, r.Held, r.Extended)
	}
	tw.Flush()
	if len(holds) > 0 {
		fmt.Fprintf(stdout, "\nActive legal holds\n")
		tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOLD\tON\tREASON\tOWNER\tREVIEW")
		for _, h := range holds {
			on := "subject " + h.SubjectID
			if h.RecordID != "" {
				on = "record " + h.RecordID
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, on, h.Reason, h.Owner, h.ReviewAt.Format(time.DateOnly))
		}
		tw.Flush()
	}
	return 0
}
