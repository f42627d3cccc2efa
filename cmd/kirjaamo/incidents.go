package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// incidentsCmd is the DPO's breach routine from the command line:
//
//	kirjaamo incidents list
//	kirjaamo incidents link --as DPO ID SUBJECT_ID…
//	kirjaamo incidents letters --as DPO --policy FILE --texts FILE.json [--out DIR] ID
//	kirjaamo incidents letters --as DPO --policy FILE --exempt GROUND --reason TEXT ID
func incidentsCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: kirjaamo incidents list|link|letters …")
		return 2
	}
	sub, args := args[0], args[1:]
	fs := newFlags("incidents "+sub, stderr)
	var c config
	c.storeFlags(fs)
	as := fs.String("as", "", "the DPO acting (audited)")
	policyFile := fs.String("policy", env("KIRJAAMO_POLICY", ""), "policy file (env KIRJAAMO_POLICY)")
	texts := fs.String("texts", "", "letter texts per language, JSON (see examples/breach-letter-texts.json)")
	out := fs.String("out", "", "directory to write the letters queued by this run to, one text file each")
	exempt := fs.String("exempt", "", "record an art. 34(3) exemption instead of letters: "+strings.Join(kirjaamo.ExemptionGrounds, ", "))
	reason := fs.String("reason", "", "why the exemption applies")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	c.migrate = true
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	if sub == "list" {
		is, err := db.Incidents(ctx)
		if err != nil {
			return fail(stderr, err)
		}
		now := time.Now()
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "INCIDENT\tRISK\tDISCOVERED\tNOTIFY BY\tAFFECTED\tPEOPLE TOLD\t")
		for _, i := range is {
			told := "-"
			switch {
			case i.SubjectsNotified != nil:
				told = i.SubjectsNotified.Format(time.DateOnly)
			case i.Exemption != nil:
				told = "exempt: " + i.Exemption.Ground
			}
			flag := ""
			if i.Overdue(now) {
				flag = "OVERDUE"
			} else if i.Closed {
				flag = "closed"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", i.ID, i.Risk, i.DiscoveredAt.Format(time.DateOnly), i.NotifyBy.Format("2006-01-02 15:04"), i.AffectedSubjects, told, flag)
		}
		tw.Flush()
		return 0
	}
	if sub != "link" && sub != "letters" {
		fmt.Fprintf(stderr, "kirjaamo incidents: unknown subcommand %q\n", sub)
		return 2
	}
	if *as == "" || *policyFile == "" || fs.NArg() < 1 {
		fmt.Fprintln(stderr, "usage: kirjaamo incidents link|letters --as DPO --policy FILE … ID")
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
	svc := &kirjaamo.Service{Store: db, Policy: pol}
	actx := kirjaamo.WithAccess(ctx, &kirjaamo.Access{User: u, RequestID: "cli-" + kirjaamo.NewID(time.Now())})
	switch sub {
	case "link":
		i, err := svc.LinkIncidentSubjects(actx, fs.Arg(0), fs.Args()[1:])
		if err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "incident %s: %d affected subjects\n", i.ID, i.AffectedSubjects)
		return 0
	case "letters":
		if fs.NArg() != 1 || (*texts == "") == (*exempt == "") {
			fmt.Fprintln(stderr, "usage: kirjaamo incidents letters --as DPO --policy FILE (--texts FILE.json [--out DIR] | --exempt GROUND --reason TEXT) ID")
			return 2
		}
		var req kirjaamo.LetterRequest
		if *exempt != "" {
			req.Exemption = &kirjaamo.BreachExemption{Ground: *exempt, Reason: *reason}
		} else {
			b, err := os.ReadFile(*texts)
			if err != nil {
				return fail(stderr, err)
			}
			if err := json.Unmarshal(b, &req); err != nil {
				return fail(stderr, fmt.Errorf("%s: %w", *texts, err))
			}
		}
		b, err := svc.WriteBreachLetters(actx, fs.Arg(0), &req)
		if err != nil {
			return fail(stderr, err)
		}
		if b.Exemption != nil {
			fmt.Fprintf(stdout, "incident %s: no letters; exemption under GDPR art. 34(3) recorded (%s)\n", b.IncidentID, b.Exemption.Ground)
			return 0
		}
		var langs []string
		for _, l := range policy.Languages() {
			if b.ByLang[l] > 0 {
				langs = append(langs, fmt.Sprintf("%s %d", l, b.ByLang[l]))
			}
		}
		fmt.Fprintf(stdout, "incident %s: %d letters queued (%s), %d skipped\n", b.IncidentID, len(b.Letters), strings.Join(langs, ", "), b.Skipped)
		if *out != "" && len(b.Letters) > 0 {
			if err := os.MkdirAll(*out, 0o700); err != nil {
				return fail(stderr, err)
			}
			for _, n := range b.Letters {
				// Named by the outbox id: the address is added when sending.
				name := filepath.Join(*out, n.ID+"."+n.Lang+".txt")
				if err := os.WriteFile(name, []byte(n.Text), 0o600); err != nil {
					return fail(stderr, err)
				}
			}
			fmt.Fprintf(stdout, "wrote %d letters to %s\n", len(b.Letters), *out)
		}
		return 0
	}
	fmt.Fprintf(stderr, "kirjaamo incidents: unknown subcommand %q\n", sub)
	return 2
}
