package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/intake/cdr"
	"github.com/kirjaamo/kirjaamo/policy"
)

// importCallsCmd imports a PBX call-detail export: every bad row reported
// as FILE:LINE: message; nothing imported if any row is bad unless
// --skip-bad. The file is read twice (validate, then import), streaming, so
// memory stays flat in the file size.
func importCallsCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import calls", stderr)
	var c config
	c.storeFlags(fs)
	policyFile := fs.String("policy", env("KIRJAAMO_POLICY", ""), "policy file (env KIRJAAMO_POLICY)")
	mapping := fs.String("map", "", "column mapping (YAML; see docs/cdr.md)")
	skipBad := fs.Bool("skip-bad", false, "import the good rows and list the bad ones")
	as := fs.String("as", "", "the user the import is recorded as (an agent or supervisor; audited)")
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations first")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *mapping == "" || *policyFile == "" || *as == "" {
		fmt.Fprintln(stderr, "usage: kirjaamo import calls --policy FILE --map MAPPING --as USER [--skip-bad] FILE.csv")
		return 2
	}
	file := fs.Arg(0)
	pol, err := policy.Load(*policyFile)
	if err != nil {
		return fail(stderr, err)
	}
	m, err := cdr.LoadMapping(*mapping)
	if err != nil {
		return fail(stderr, err)
	}
	reg := pol.RegisterFor(policy.KindCall)
	if reg == nil {
		return fail(stderr, fmt.Errorf("the policy has no register for calls"))
	}
	ctx := context.Background()
	db, ring, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	u, err := db.UserByUsername(ctx, *as)
	if err != nil {
		return fail(stderr, err)
	}
	svc := &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef, HashKey: ring.Derive("kirjaamo content hash")}
	actx := kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: u, Purpose: "call-detail import", RequestID: "import-" + kirjaamo.NewID(time.Now())})
	start := time.Now()
	rep, err := cdr.ImportOpen(func() (io.ReadCloser, error) { return os.Open(file) }, file, m, func(batch []cdr.Call) error {
		for i := range batch {
			if err := svc.CreateContact(actx, batch[i].Contact(reg.ID)); err != nil {
				return fmt.Errorf("%s:%d: %w", file, batch[i].Line, err)
			}
		}
		return nil
	}, cdr.Options{SkipBad: *skipBad})
	for _, p := range rep.Problems {
		fmt.Fprintln(stderr, p.String())
	}
	if err != nil {
		fmt.Fprintf(stderr, "kirjaamo import calls: %v; %d rows read, %d bad, %d imported\n", err, rep.Rows, rep.Bad, rep.Delivered)
		return 1
	}
	fmt.Fprintf(stdout, "imported %d calls of %d rows (%d bad) in %s\n", rep.Delivered, rep.Rows, rep.Bad, time.Since(start).Round(time.Millisecond))
	return 0
}
