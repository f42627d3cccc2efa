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
