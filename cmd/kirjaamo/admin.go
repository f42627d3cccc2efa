package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/pii/scancli"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

func userAddCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("user add", stderr)
	var c config
	c.storeFlags(fs)
	username := fs.String("username", "", "username (a–z, 0–9, . _ -)")
	role := fs.String("role", "", "role: agent, supervisor, dpo, admin or auditor")
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations first")
	if err := parse(fs, args); err != nil {
		return 2
	}
	// The password comes on stdin, never as a flag: flags show in process
	// listings and shell history.
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(stderr, err)
	}
	password := strings.TrimRight(line, "\r\n")
	hash, err := kirjaamo.HashPassword(password)
	if err != nil {
		return fail(stderr, err)
	}
	u := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: *username, Role: policy.Role(*role), PasswordHash: hash, CreatedAt: time.Now().UTC()}
	if err := u.Validate(); err != nil {
		return fail(stderr, err)
	}
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	if err := db.CreateUser(ctx, u); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "created user %s (%s), id %s\n", u.Username, u.Role, u.ID)
	return 0
}

func tokenCreateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("token create", stderr)
	var c config
	c.storeFlags(fs)
	username := fs.String("username", "", "the user the token acts as")
	ttl := fs.Duration("ttl", 0, "lifetime, e.g. 720h; 0 for a token that does not expire")
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations first")
	if err := parse(fs, args); err != nil {
		return 2
	}
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	u, err := db.UserByUsername(ctx, *username)
	if err != nil {
		return fail(stderr, err)
	}
	secret, tok := kirjaamo.NewToken(u.ID, time.Now().UTC(), *ttl)
	if err := db.CreateToken(ctx, tok); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintln(stdout, secret)
	return 0
}

func auditVerifyCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("audit verify", stderr)
	var c config
	c.storeFlags(fs)
	if err := parse(fs, args); err != nil {
		return 2
	}
	c.skipMigrations = true
	ctx := context.Background()
	db, ring, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	n, err := kirjaamo.VerifyAudit(ctx, db, ring.AuditKey())
	var ce *kirjaamo.ChainError
	if errors.As(err, &ce) {
		fmt.Fprintf(stdout, "FAIL: %v\n", ce)
		return 1
	} else if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "OK: %d audit events verified\n", n)
	return 0
}

func keysGenerateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("keys generate", stderr)
	var c config
	c.storeFlags(fs)
	if err := parse(fs, args); err != nil {
		return 2
	}
	dir := filepath.Join(c.data, "keys")
	if _, err := keys.Load(dir, false); err == nil {
		return fail(stderr, fmt.Errorf("keys already exist in %s; refusing to replace them (data sealed under them would be lost)", dir))
	}
	if _, err := keys.Load(dir, true); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "created keys in %s — back them up apart from the database\n", dir)
	return 0
}

// policyCheckCmd validates policy files: each problem on its own line as
// FILE:LINE: message, exit status 1 if any file has a problem.
func policyCheckCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("policy check", stderr)
	if err := parse(fs, args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: kirjaamo policy check FILE…")
		return 2
	}
	status := 0
	for _, file := range fs.Args() {
		_, err := policy.Load(file)
		var probs policy.Problems
		switch {
		case errors.As(err, &probs):
			for _, p := range probs {
				fmt.Fprintln(stdout, p.String())
			}
			status = 1
		case err != nil:
			fmt.Fprintf(stdout, "%s:0: %v\n", file, err)
			status = 1
		default:
			fmt.Fprintf(stdout, "%s: ok\n", file)
		}
	}
	return status
}

func scanCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return scancli.Main(args, stdin, stdout, stderr)
}

func erasureReplayCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("erasure replay", stderr)
	var c config
	c.storeFlags(fs)
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations first")
	if err := parse(fs, args); err != nil {
		return 2
	}
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	n, err := kirjaamo.ReplayErasures(ctx, db, time.Now().UTC())
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "erased %d subjects again from the erasure ledger\n", n)
	return 0
}

// keysRotateCmd moves the keyring to a new master key. The new key is
// KIRJAAMO_NEXT_MASTER_KEY, or <data>/keys/master.key.next (created here
// when missing). Every step can be repeated: a run that stopped anywhere is
// finished by running the command again.
func keysRotateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("keys rotate", stderr)
	var c config
	c.storeFlags(fs)
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations first")
	if err := parse(fs, args); err != nil {
		return 2
	}
	dir := filepath.Join(c.data, "keys")
	var next keys.Master
	switch {
	case keys.NextFromEnv():
		m, err := keys.LoadNext(dir)
		if err != nil {
			return fail(stderr, err)
		}
		next = m
	case keys.MasterFromEnv():
		return fail(stderr, errors.New("the master key comes from KIRJAAMO_MASTER_KEY: set the new one in KIRJAAMO_NEXT_MASTER_KEY (on every server first) and run again"))
	default:
		m, err := keys.CreateNext(dir)
		if err != nil {
			return fail(stderr, err)
		}
		next = m
	}
	ctx := context.Background()
	db, ring, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	if ring.Master().ID() == next.ID() {
		return fail(stderr, errors.New("the next master key is the current one; nothing to rotate"))
	}
	res, err := db.RotateMaster(ctx, next, sqlstore.RotateOptions{})
	if err != nil {
		return fail(stderr, fmt.Errorf("rotation stopped after re-wrapping %d data keys (everything stays readable with both master keys; run again to finish): %w", res.Rewrapped, err))
	}
	fmt.Fprintf(stdout, "re-wrapped %d of %d data keys under master %s", res.Rewrapped, res.Entries, next.ID())
	if res.NewKeyID != 0 {
		fmt.Fprintf(stdout, "; new data key %d seals from now on", res.NewKeyID)
	}
	fmt.Fprintln(stdout)
	if keys.NextFromEnv() || keys.MasterFromEnv() {
		fmt.Fprintln(stdout, "now set KIRJAAMO_MASTER_KEY to the new key and unset KIRJAAMO_NEXT_MASTER_KEY on every server, then restart them")
		return 0
	}
	retired, err := keys.Promote(dir)
	if err != nil {
		return fail(stderr, fmt.Errorf("the keyring is rotated but master.key.next could not replace master.key (run again): %w", err))
	}
	fmt.Fprintf(stdout, "master.key is the new key; the old one is in %s — keep it offline with the backups taken before now, then delete it here\n", retired)
	return 0
}
