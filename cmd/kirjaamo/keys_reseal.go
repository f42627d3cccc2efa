package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// resealActor is the audit actor of a reseal run: an operator at the
// command line, not a user of the service.
const resealActor = "cli:keys-reseal"

// keyIDs is a repeatable --key flag.
type keyIDs []uint32

func (k *keyIDs) String() string {
	s := make([]string, len(*k))
	for i, id := range *k {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ",")
}

func (k *keyIDs) Set(v string) error {
	for f := range strings.SplitSeq(v, ",") {
		id, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
		if err != nil || id == 0 {
			return fmt.Errorf("%q is not a data key id (1, 2, …)", f)
		}
		*k = append(*k, uint32(id))
	}
	return nil
}

// keysResealCmd re-encrypts, under the sealing data key, every value that
// older data keys sealed, so that they (and the original master key, which
// is data key 1) stop mattering; with --retire it then removes them from
// the keyring. It runs while servers run and may be repeated at will.
func keysResealCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("keys reseal", stderr)
	var c config
	c.storeFlags(fs)
	var ids keyIDs
	fs.Var(&ids, "key", "data key whose values to re-seal (repeatable, or 1,2); default every key but the sealing one")
	batch := fs.Int("batch", 500, "rows per transaction")
	retire := fs.Bool("retire", false, "remove the keys from the keyring once no value names them")
	fs.BoolVar(&c.migrate, "migrate", true, "apply pending migrations first")
	if err := parse(fs, args); err != nil {
		return 2
	}
	if *batch < 1 {
		return fail(stderr, &kirjaamo.Error{Code: kirjaamo.EINVALID, Field: "batch", Message: "--batch must be at least 1"})
	}
	ctx := context.Background()
	db, _, err := c.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	start := time.Now()
	ev := &kirjaamo.AuditEvent{At: time.Now().UTC(), Actor: resealActor, Role: "admin", Action: kirjaamo.ActionUpdate, Outcome: kirjaamo.OutcomeOK, RequestID: kirjaamo.NewID(time.Now())}
	res, err := db.Reseal(ctx, sqlstore.ResealOptions{Keys: ids, Batch: *batch, Retire: *retire}, ev)
	printReseal(stdout, res, time.Since(start))
	if err != nil {
		return fail(stderr, err)
	}
	if len(res.Retired) > 0 {
		fmt.Fprintf(stdout, "retired %s: they are gone from the keyring. Backups taken before now still hold them (with the master key of their time) and need them: keep those backups, and the master key that opens them, only as long as your backup policy says.\n", joinIDs32(res.Retired))
	} else if len(res.Keys) > 0 && !*retire {
		fmt.Fprintf(stdout, "to remove %s from the keyring: kirjaamo keys reseal --retire (after every server has been restarted since the rotation)\n", joinIDs32(res.Keys))
	}
	return 0
}

func printReseal(w io.Writer, r sqlstore.ResealResult, took time.Duration) {
	if r.SealingKey == 0 {
		return
	}
	if len(r.Missing) > 0 {
		verb := " is"
		if len(r.Missing) > 1 {
			verb = " are"
		}
		fmt.Fprintf(w, "%s%s not in the keyring (already retired)\n", joinIDs32(r.Missing), verb)
	}
	if len(r.Keys) == 0 {
		fmt.Fprintf(w, "nothing to re-seal: data key %d is the only one\n", r.SealingKey)
		return
	}
	fmt.Fprintf(w, "re-sealed %d values of %s under data key %d in %d batches (%s)\n",
		r.Total(), joinIDs32(r.Keys), r.SealingKey, r.Batches, took.Round(time.Millisecond))
	for _, col := range sqlstore.SealedColumns() {
		if n := r.Resealed[col]; n > 0 {
			fmt.Fprintf(w, "  %-24s %d\n", col, n)
		}
	}
	if r.Changed > 0 {
		fmt.Fprintf(w, "%d values were written by someone else meanwhile and kept as written; a server that still seals under an old key needs a restart; run again\n", r.Changed)
	}
	if len(r.Unreadable) > 0 {
		fmt.Fprintf(w, "values that did not open (left as they are): %s\n", strings.Join(r.Unreadable, " "))
	}
	for _, id := range r.Keys {
		if n := r.Left[id]; n > 0 {
			fmt.Fprintf(w, "left under data key %d: %d (%s)\n", id, n, r.Details[id])
		} else {
			fmt.Fprintf(w, "left under data key %d: 0\n", id)
		}
	}
}

// keysStatusCmd prints, per data key, its wrapping master and how many
// values it seals, by column. It reads ciphertext headers only.
func keysStatusCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("keys status", stderr)
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
	usage, err := db.KeyUsage(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATA KEY\tWRAPPED BY\tSEALS NEW\tVALUES\tVERSION 1\tBY COLUMN")
	for _, u := range usage {
		master, sealing := u.MasterID, "no"
		if !u.InKeyring {
			master = "NOT IN KEYRING"
		}
		if u.Sealing {
			sealing = "yes"
		}
		var cols []string
		for _, col := range sqlstore.SealedColumns() {
			if n := u.Values[col]; n > 0 {
				cols = append(cols, col+" "+strconv.Itoa(n))
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\n", u.ID, master, sealing, u.Total(), u.Version1, strings.Join(cols, ", "))
	}
	tw.Flush()
	for _, u := range usage {
		if !u.InKeyring && u.Total() > 0 {
			fmt.Fprintf(stdout, "data key %d is not in the keyring: its %d values cannot be opened (restore the keyring from a backup taken before it was retired)\n", u.ID, u.Total())
		}
	}
	return 0
}

// joinIDs32 names keys for a sentence: "data key 1", "data keys 1, 2".
func joinIDs32(ids []uint32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	if len(s) == 1 {
		return "data key " + s[0]
	}
	return "data keys " + strings.Join(s, ", ")
}
