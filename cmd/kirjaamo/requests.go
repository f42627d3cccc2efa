package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/export"
	"github.com/kirjaamo/kirjaamo/policy"
)

// requestsCmd is the DPO's routine from the command line:
//
//	kirjaamo requests list [--all]
//	kirjaamo requests export --as DPO --policy FILE [--lang fi] --out FILE.zip ID
func requestsCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: kirjaamo requests list|export …")
		return 2
	}
	sub, args := args[0], args[1:]
	fs := newFlags("requests "+sub, stderr)
	var c config
	c.storeFlags(fs)
	all := fs.Bool("all", false, "list decided and closed requests too")
	as := fs.String("as", "", "the DPO the export is made by (audited)")
	policyFile := fs.String("policy", env("KIRJAAMO_POLICY", ""), "policy file (env KIRJAAMO_POLICY)")
	lang := fs.String("lang", "fi", "report language: fi, sv or en")
	out := fs.String("out", "", "ZIP file to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	c.migrate = true
	db, ring, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	switch sub {
	case "list":
		rs, err := db.Requests(ctx, !*all)
		if err != nil {
			return fail(stderr, err)
		}
		now := time.Now()
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REQUEST\tTYPE\tSTATE\tRECEIVED\tDUE\t")
		for _, r := range rs {
			flag := ""
			if r.Overdue(now) {
				flag = "OVERDUE"
			} else if r.State != kirjaamo.StateDecided && r.State != kirjaamo.StateClosed && r.DueAt.Sub(now) < 7*24*time.Hour {
				flag = "due within a week"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Type, r.State, r.ReceivedAt.Format(time.DateOnly), r.DueAt.Format(time.DateOnly), flag)
		}
		tw.Flush()
		return 0
	case "export":
		if fs.NArg() != 1 || *as == "" || *out == "" || *policyFile == "" {
			fmt.Fprintln(stderr, "usage: kirjaamo requests export --as DPO --policy FILE --out FILE.zip [--lang fi] ID")
			return 2
		}
		pol, err := policy.Load(*policyFile)
		if err != nil {
			return fail(stderr, err)
		}
		u, err := db.UserByUsername(ctx, *as)
		if err != nil {
			return fail(stderr, err)
		}
		svc := &kirjaamo.Service{Store: db, Policy: pol, BlindRef: ring.BlindRef}
		actx := kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: u, RequestID: "cli-" + kirjaamo.NewID(time.Now())})
		dk, err := db.DataKeys(ctx)
		if err != nil {
			return fail(stderr, err)
		}
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fail(stderr, err)
		}
		if err := export.Write(actx, f, svc, c.blobs, dk, fs.Arg(0), *lang, nil); err != nil {
			f.Close()
			os.Remove(*out) // nothing half-written
			return fail(stderr, err)
		}
		if err := f.Close(); err != nil {
			os.Remove(*out)
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "wrote %s\n", *out)
		return 0
	}
	fmt.Fprintf(stderr, "kirjaamo requests: unknown subcommand %q\n", sub)
	return 2
}
