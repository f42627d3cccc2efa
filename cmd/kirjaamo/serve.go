package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/examples"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/mailer"
	"github.com/kirjaamo/kirjaamo/metrics"
	"github.com/kirjaamo/kirjaamo/notice"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/postgres"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/web"
)

func serveCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", stderr)
	var c config
	c.storeFlags(fs)
	addr := fs.String("addr", env("KIRJAAMO_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT (env KIRJAAMO_ADDR)")
	policyFile := fs.String("policy", env("KIRJAAMO_POLICY", ""), "policy file (env KIRJAAMO_POLICY)")
	demo := fs.Bool("demo", false, "start on a fresh temporary data directory with the seed-002 example policy and synthetic records")
	demoSize := fs.Int("demo-subjects", 300, "number of synthetic subjects in --demo")
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations at start (false: refuse to start on a schema that is behind)")
	tlsCert := fs.String("tls-cert", env("KIRJAAMO_TLS_CERT", ""), "TLS certificate file (PEM); serve HTTPS directly (env KIRJAAMO_TLS_CERT)")
	tlsKey := fs.String("tls-key", env("KIRJAAMO_TLS_KEY", ""), "TLS private key file (PEM) (env KIRJAAMO_TLS_KEY)")
	smtpAddr := fs.String("smtp-addr", env("KIRJAAMO_SMTP_ADDR", ""), "SMTP relay HOST:PORT for chat transcripts customers order to their own e-mail; empty: that route answers 503 (env KIRJAAMO_SMTP_ADDR)")
	smtpFrom := fs.String("smtp-from", env("KIRJAAMO_SMTP_FROM", ""), "sender address of those e-mails, e.g. \"Asiakaspalvelu <noreply@example.fi>\" (env KIRJAAMO_SMTP_FROM)")
	smtpUser := fs.String("smtp-username", env("KIRJAAMO_SMTP_USERNAME", ""), "SMTP AUTH user; the password comes only from env KIRJAAMO_SMTP_PASSWORD (env KIRJAAMO_SMTP_USERNAME)")
	smtpTLS := fs.Bool("smtp-require-tls", env("KIRJAAMO_SMTP_REQUIRE_TLS", "true") != "false", "refuse to send unless the relay offers STARTTLS (env KIRJAAMO_SMTP_REQUIRE_TLS)")
	idleLockFlag := fs.String("idle-lock", env("KIRJAAMO_IDLE_LOCK", "10m"), "lock a web session not used for this long; the password opens it again (0: never) (env KIRJAAMO_IDLE_LOCK)")
	metricsAddr := fs.String("metrics-addr", env("KIRJAAMO_METRICS_ADDR", ""), "serve Prometheus /metrics on this separate address, e.g. 127.0.0.1:9464 (empty: off) (env KIRJAAMO_METRICS_ADDR)")
	sweepEvery := fs.Duration("sweep-every", time.Hour, "run the retention sweeper this often (0: never; run 'kirjaamo sweep' instead)")
	leaseEvery := fs.Duration("lease-every", 10*time.Second, "how often a server checks, or tries to take, the lease under which one server of many runs scheduled work; a dead holder's work moves to another server within about this long")
	trustedProxies := fs.String("trusted-proxies", env("KIRJAAMO_TRUSTED_PROXIES", ""), "addresses or CIDR ranges of the load balancers in front, comma-separated: the login rate limit then counts the client address they give in X-Forwarded-For (env KIRJAAMO_TRUSTED_PROXIES)")
	if err := parse(fs, args); err != nil {
		return 2
	}
	proxies, err := parsePrefixes(*trustedProxies)
	if err != nil {
		fmt.Fprintf(stderr, "kirjaamo serve: --trusted-proxies: %v\n", err)
		return 2
	}
	idleLock, err := time.ParseDuration(*idleLockFlag)
	if err != nil || idleLock < 0 {
		fmt.Fprintln(stderr, "kirjaamo serve: --idle-lock must be a duration such as 10m (0: never)")
		return 2
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var pol *policy.Policy
	if *demo {
		dir, err := os.MkdirTemp("", "kirjaamo-demo-")
		if err != nil {
			return fail(stderr, err)
		}
		c.data, c.databaseURL = dir, ""
		data, _ := examples.FS.ReadFile(examples.Demo)
		pol, err = policy.Parse("examples/"+examples.Demo, data)
		if err != nil {
			return fail(stderr, err)
		}
	} else {
		if *policyFile == "" {
			fmt.Fprintln(stderr, "kirjaamo serve: --policy FILE is required (or --demo)")
			return 2
		}
		if pol, err = policy.Load(*policyFile); err != nil {
			return fail(stderr, err)
		}
	}
	db, ring, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	svc := &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef, HashKey: ring.Derive("kirjaamo content hash")}
	api := khttp.New(svc, db, logger)
	api.ScanKey = ring.Derive("kirjaamo scan hash")
	dk, err := db.DataKeys(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	api.Blobs, api.Keys = c.blobs, dk
	api.TLS = *tlsCert != ""
	if *smtpAddr != "" {
		relay := &mailer.Relay{Addr: *smtpAddr, From: *smtpFrom, Username: *smtpUser, Password: os.Getenv("KIRJAAMO_SMTP_PASSWORD"), RequireTLS: *smtpTLS}
		if err := relay.Validate(); err != nil {
			return fail(stderr, err)
		}
		api.Mail = relay
	}
	api.TrustedProxies = proxies
	if db.Dialect().Name == "postgres" {
		api.Unavailable = postgres.Unavailable
	}
	api.Ready = func(ctx context.Context) error {
		pending, err := db.Pending(ctx)
		if err == nil && len(pending) > 0 {
			err = fmt.Errorf("%d migrations pending", len(pending))
		}
		return err
	}
	// The web interface at /, the API under /api/ (and /healthz, /privacy…).
	ui := web.New(svc, db, logger, ring.Derive("kirjaamo web session"))
	ui.API, ui.Sealer, ui.Blobs, ui.Keys = api, dk, c.blobs, dk
	ui.ScanKey, ui.TLS, ui.IdleTimeout = api.ScanKey, api.TLS, idleLock
	ui.ClientIP = api.ClientIP
	ui.AuditKey = ring.AuditKey()
	var mx *metrics.Metrics
	if *metricsAddr != "" {
		mx = metrics.New()
		api.Metrics = mx
		db.SetAuditObserver(mx.ObserveAuditWrite)
		mx.WatchRequests(db.RequestBacklog, time.Now, 5*time.Second)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		fmt.Fprintln(stderr, "kirjaamo serve: --tls-cert and --tls-key go together")
		return 2
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(stderr, err)
	}
	base := "http://" + ln.Addr().String()
	if api.TLS {
		base = "https://" + ln.Addr().String()
	}
	if *demo {
		if err := seedDemo(ctx, svc, db, *demoSize, base, stdout); err != nil {
			return fail(stderr, err)
		}
	}
	if err := startupWork(ctx, db, pol, logger); err != nil {
		return fail(stderr, err)
	}
	var tasks []task
	if *sweepEvery > 0 {
		tasks = append(tasks, sweepTask(svc, db, *sweepEvery, logger, mx))
	}
	if mx != nil {
		// A listener of its own, never the API's: metrics need no token,
		// so they must not be reachable wherever the API is.
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fail(stderr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", mx.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
		logger.Info("serving metrics", "addr", mln.Addr().String())
	}
	if *leaseEvery <= 0 {
		*leaseEvery = 10 * time.Second
	}
	go runScheduler(ctx, db, tasks, *leaseEvery, logger)
	logger.Info("serving", "addr", ln.Addr().String(), "database", db.Dialect().Name, "policy", pol.File)
	fmt.Fprintf(stdout, "Kirjaamo listening on %s\n", base)

	srv := ui.HTTPServer(*addr)
	errc := make(chan error, 1)
	go func() {
		if api.TLS {
			errc <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fail(stderr, err)
		}
	case <-ctx.Done():
		logger.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fail(stderr, err)
		}
	}
	return 0
}

// parsePrefixes reads a comma-separated list of addresses and CIDR ranges.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// startupWork is what every server does once at start, one server at a
// time: servers starting together on one database would otherwise race to
// publish the same notice version.
func startupWork(ctx context.Context, db *sqlstore.DB, pol *policy.Policy, logger *slog.Logger) error {
	lease, err := waitLease(ctx, db, "startup")
	if err != nil {
		return err
	}
	defer lease.Release()
	// A database restored from a backup must not bring back people erased
	// on request since: the ledger (kept outside the database) is replayed
	// at every start.
	if n, err := kirjaamo.ReplayErasures(ctx, db, time.Now().UTC()); err != nil {
		return err
	} else if n > 0 {
		logger.Info("erasure ledger replayed", "subjects", n)
	}
	// Publish the notice if the policy changed it, so /privacy serves dated
	// versions and the one a person saw can be shown later.
	if n, err := notice.Publish(ctx, db, pol, time.Now().UTC()); err != nil {
		return err
	} else if n > 0 {
		logger.Info("published a new privacy notice version", "documents", n)
	}
	return nil
}

func migrateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("migrate", stderr)
	var c config
	c.storeFlags(fs)
	if err := parse(fs, args); err != nil {
		return 2
	}
	c.skipMigrations = true
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	done, err := db.Migrate(ctx)
	for _, m := range done {
		fmt.Fprintf(stdout, "applied %s\n", m)
	}
	if err != nil {
		return fail(stderr, err)
	}
	if len(done) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
	}
	return 0
}
