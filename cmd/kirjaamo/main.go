// Command kirjaamo runs and administers Kirjaamo.
//
//	kirjaamo serve [--demo] --addr HOST:PORT --data DIR --policy FILE [--database-url postgres://…]
//	kirjaamo migrate        --data DIR [--database-url …]
//	kirjaamo user add       --username U --role R   (password on stdin)
//	kirjaamo token create   --username U [--ttl 720h]
//	kirjaamo audit verify
//	kirjaamo keys generate  --data DIR
//	kirjaamo keys rotate    --data DIR [--database-url …]
//	kirjaamo keys reseal    [--key ID …] [--batch N] [--retire] --data DIR [--database-url …]
//	kirjaamo keys status    --data DIR [--database-url …]
//	kirjaamo policy check   FILE…
//	kirjaamo policy diff    OLD NEW
//	kirjaamo notice         --policy FILE --lang fi|sv|en --format md|html [--version V --published YYYY-MM-DD]
//	kirjaamo ropa           --policy FILE --format csv|md [--lang fi|sv|en]
//	kirjaamo sweep          --policy FILE [--dry-run] [--batch N]
//	kirjaamo retention report [--days N] [--format table|json]
//	kirjaamo scan           [--redact [--mask]] [--jsonl] [FILE…]
//
// Settings can also come from KIRJAAMO_ADDR, KIRJAAMO_DATA, KIRJAAMO_POLICY
// and KIRJAAMO_DATABASE_URL; flags win.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: kirjaamo <command> [flags]

commands:
  serve          run the HTTP API (--demo: temporary data, example policy, synthetic records)
  migrate        apply database migrations
  user add       create a user (password read from stdin)
  token create   create an API token for a user (prints only the token)
  audit verify   verify the audit log's hash chain
  keys generate  create the key files in the data directory
  keys rotate    move the keyring to a new master key (re-wraps data keys; no row re-encrypted)
  keys reseal    re-encrypt the values of old data keys under the sealing one (--retire: then drop them)
  keys status    how many values each data key seals
  policy check   validate policy files
  policy diff    list the changes between two policies that alter the privacy notice
  notice         render the privacy notice (Markdown or HTML, fi/sv/en)
  ropa           write the record of processing activities (GDPR art. 30(1), CSV or Markdown)
  import calls   import a PBX call-detail CSV (all or nothing; --skip-bad)
  erasure replay erase again everyone in the erasure ledger (after restoring a backup)
  requests list|export  data-subject requests by deadline; write an access export ZIP
  incidents list|link|letters  the breach register; link affected subjects; art. 34 letters or an exemption
  backup         online backup of the embedded store (database, blobs, erasure ledger)
  restore        restore a backup and replay the erasure ledger
  sweep          delete every part whose retention has ended (--dry-run: count only)
  retention report  what will be deleted in the coming days, and what is held
  scan           find personal data in text (see kirjaamo scan -h)

Run 'kirjaamo <command> -h' for a command's flags.
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	two := func(sub string) bool { return len(rest) > 0 && rest[0] == sub }
	switch {
	case cmd == "serve":
		return serveCmd(rest, stdout, stderr)
	case cmd == "migrate":
		return migrateCmd(rest, stdout, stderr)
	case cmd == "user" && two("add"):
		return userAddCmd(rest[1:], stdin, stdout, stderr)
	case cmd == "token" && two("create"):
		return tokenCreateCmd(rest[1:], stdout, stderr)
	case cmd == "audit" && two("verify"):
		return auditVerifyCmd(rest[1:], stdout, stderr)
	case cmd == "keys" && two("generate"):
		return keysGenerateCmd(rest[1:], stdout, stderr)
	case cmd == "keys" && two("rotate"):
		return keysRotateCmd(rest[1:], stdout, stderr)
	case cmd == "keys" && two("reseal"):
		return keysResealCmd(rest[1:], stdout, stderr)
	case cmd == "keys" && two("status"):
		return keysStatusCmd(rest[1:], stdout, stderr)
	case cmd == "policy" && two("check"):
		return policyCheckCmd(rest[1:], stdout, stderr)
	case cmd == "policy" && two("diff"):
		return policyDiffCmd(rest[1:], stdout, stderr)
	case cmd == "notice":
		return noticeCmd(rest, stdout, stderr)
	case cmd == "ropa":
		return ropaCmd(rest, stdout, stderr)
	case cmd == "import" && two("calls"):
		return importCallsCmd(rest[1:], stdout, stderr)
	case cmd == "erasure" && two("replay"):
		return erasureReplayCmd(rest[1:], stdout, stderr)
	case cmd == "backup":
		return backupCmd(rest, stdout, stderr)
	case cmd == "restore":
		return restoreCmd(rest, stdout, stderr)
	case cmd == "requests":
		return requestsCmd(rest, stdout, stderr)
	case cmd == "incidents":
		return incidentsCmd(rest, stdout, stderr)
	case cmd == "sweep":
		return sweepCmd(rest, stdout, stderr)
	case cmd == "retention" && two("report"):
		return retentionReportCmd(rest[1:], stdout, stderr)
	case cmd == "scan":
		return scanCmd(rest, stdin, stdout, stderr)
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "kirjaamo: unknown command %q\n\n%s", cmd, usage)
	return 2
}
