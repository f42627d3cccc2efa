package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/notice"
	"github.com/kirjaamo/kirjaamo/policy"
)

// noticeCmd renders the privacy notice of a policy to stdout.
func noticeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("notice", stderr)
	file := fs.String("policy", env("KIRJAAMO_POLICY", ""), "policy file (env KIRJAAMO_POLICY)")
	lang := fs.String("lang", "fi", "language: fi, sv or en")
	format := fs.String("format", "md", "md or html")
	version := fs.String("version", "", "notice version (default: the policy's notice.version)")
	published := fs.String("published", "", "publication date YYYY-MM-DD (default: the policy's notice.published, else today)")
	if err := parse(fs, args); err != nil {
		return 2
	}
	if bad := badChoice("lang", *lang, notice.Languages()) + badChoice("format", *format, notice.Formats()); bad != "" {
		fmt.Fprint(stderr, bad)
		return 2
	}
	opts := notice.Options{Version: *version}
	if *published != "" {
		t, err := time.Parse(time.DateOnly, *published)
		if err != nil {
			fmt.Fprintf(stderr, "kirjaamo notice: --published %q is not a date; write YYYY-MM-DD\n", *published)
			return 2
		}
		opts.Published = t
	}
	p, code := loadPolicy("notice", *file, stderr)
	if p == nil {
		return code
	}
	if opts.Published.IsZero() && (p.Notice == nil || p.Notice.Published.IsZero()) {
		y, m, d := time.Now().Date()
		opts.Published = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	out, err := notice.Render(p, *lang, *format, opts)
	if err != nil {
		return fail(stderr, err)
	}
	stdout.Write(out)
	return 0
}

// ropaCmd writes the record of processing activities (GDPR art. 30(1)).
func ropaCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("ropa", stderr)
	file := fs.String("policy", env("KIRJAAMO_POLICY", ""), "policy file (env KIRJAAMO_POLICY)")
	lang := fs.String("lang", "fi", "language: fi, sv or en")
	format := fs.String("format", "csv", "csv or md")
	if err := parse(fs, args); err != nil {
		return 2
	}
	if bad := badChoice("lang", *lang, notice.Languages()) + badChoice("format", *format, []string{"csv", "md"}); bad != "" {
		fmt.Fprint(stderr, bad)
		return 2
	}
	p, code := loadPolicy("ropa", *file, stderr)
	if p == nil {
		return code
	}
	out, err := notice.ROPA(p, *lang, *format)
	if err != nil {
		return fail(stderr, err)
	}
	stdout.Write(out)
	return 0
}

// policyDiffCmd lists the changes between two policies that alter the
// published notice. Exit status: 0 no change to the notice, 1 a new
// notice version is needed, 2 a policy could not be read.
func policyDiffCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("policy diff", stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: kirjaamo policy diff OLD NEW")
		return 2
	}
	old, code := loadPolicy("policy diff", fs.Arg(0), stderr)
	if old == nil {
		return code
	}
	new, code := loadPolicy("policy diff", fs.Arg(1), stderr)
	if new == nil {
		return code
	}
	lines := notice.Diff(old, new)
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	if len(lines) > 0 {
		fmt.Fprintln(stdout, "A new notice version is needed.")
		return 1
	}
	fmt.Fprintln(stdout, "No change to the published notice.")
	return 0
}

func badChoice(flag, v string, allowed []string) string {
	if slices.Contains(allowed, v) {
		return ""
	}
	return fmt.Sprintf("kirjaamo: --%s %q: use %s\n", flag, v, strings.Join(allowed, ", "))
}

// loadPolicy loads file, printing its problems (FILE:LINE: message) to
// stderr; nil and exit status 2 when it cannot be used.
func loadPolicy(cmd, file string, stderr io.Writer) (*policy.Policy, int) {
	if file == "" {
		fmt.Fprintf(stderr, "kirjaamo %s: --policy FILE is required\n", cmd)
		return nil, 2
	}
	p, err := policy.Load(file)
	var probs policy.Problems
	switch {
	case errors.As(err, &probs):
		for _, pr := range probs {
			fmt.Fprintln(stderr, pr.String())
		}
		return nil, 2
	case err != nil:
		fmt.Fprintf(stderr, "kirjaamo %s: %v\n", cmd, err)
		return nil, 2
	}
	return p, 0
}
