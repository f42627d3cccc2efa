package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// task is one piece of scheduled work: run every period by the one server
// that holds the scheduler lease.
type task struct {
	name  string
	every time.Duration
	run   func(ctx context.Context) error
}

// schedulerLease names the lease whose holder runs every scheduled task.
const schedulerLease = "scheduler"

// runScheduler runs tasks until ctx ends, on this server only while it holds
// the scheduler lease. Several servers on one PostgreSQL database each call
// it; one takes the lease and runs the tasks, the others try again every
// check. When the holder dies, the database ends its session and frees the
// lease, and another server takes it within about one check; a holder that
// finds its session gone (the database restarted) stops its tasks before
// it tries again, so two servers never run the tasks at once for longer
// than a check.
//
// A new holder runs each task at once and then every period: after a
// takeover a task may run earlier than its period, never twice at the same
// time. The tasks are idempotent (a sweep deletes what is due).
func runScheduler(ctx context.Context, db *sqlstore.DB, tasks []task, check time.Duration, logger *slog.Logger) {
	if len(tasks) == 0 {
		return
	}
	t := time.NewTicker(check)
	defer t.Stop()
	for {
		lease, ok, err := db.TryLease(ctx, schedulerLease)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("scheduled work: cannot reach the database to take the lease", "error", err.Error())
		case ok:
			logger.Info("scheduled work: lease taken; this server runs the scheduled tasks")
			lead(ctx, lease, tasks, t.C, logger)
			lease.Release()
			if ctx.Err() == nil {
				logger.Warn("scheduled work: lease lost; tasks stopped")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lead runs the tasks while lease holds: it checks the lease on every tick
// and returns, with every task stopped, when the lease is lost or ctx ends.
func lead(ctx context.Context, lease *sqlstore.Lease, tasks []task, tick <-chan time.Time, logger *slog.Logger) {
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, tk := range tasks {
		wg.Go(func() { every(lctx, tk, logger) })
	}
	defer wg.Wait()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
		err := lease.Check(cctx)
		ccancel()
		if err != nil {
			return
		}
	}
}

// every runs one task now and then every period until ctx ends.
func every(ctx context.Context, tk task, logger *slog.Logger) {
	t := time.NewTicker(tk.every)
	defer t.Stop()
	for {
		if err := tk.run(ctx); err != nil && ctx.Err() == nil {
			logger.Error("scheduled task failed", "task", tk.name, "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// waitLease takes the lease called name, waiting while another server
// holds it, for start-up work that must not run on two servers at once.
func waitLease(ctx context.Context, db *sqlstore.DB, name string) (*sqlstore.Lease, error) {
	for {
		l, ok, err := db.TryLease(ctx, name)
		if err != nil || ok {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
