package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The sample export of docs/cdr.md (synthetic numbers).
const cdrHeader = "PuheluID;Suunta;A-numero;B-numero;Jono;Agentti;Alanumero;Alkoi;Vastattu;Kesto;IVR-polku;Tiedote;Tiedote klo;Tiedoteversio;Huomautus\n"
const cdrGood = "C00000000;SIS;040 000 0001;0295 000 000;Asiakaspalvelu;Aanu Korkinen;2000;2.1.2026 08.00.00;2.1.2026 08.00.10;0:01:00;Päävalikko>Laskutus;IVR;2.1.2026 08.00.05;2026-01;\n" +
	"C00000003;ULOS;040 000 0002;0295 000 000;Asiakaspalvelu;Iira Mälanen;2003;2.1.2026 08.00.09;2.1.2026 08.00.22;0:04:03;;LÄHTEVÄ;2.1.2026 08.00.09;2026-01;\"Soitettu takaisin.\nAsia hoidettu.\"\n"
const cdrBad = "C00000004;SIS;not-a-number;0295 000 000;Asiakaspalvelu;Aanu Korkinen;2000;2.1.2026 09.00.00;2.1.2026 09.00.10;0:01:00;;IVR;2.1.2026 09.00.05;2026-01;\n"

func countCalls(t *testing.T, data string) int {
	t.Helper()
	db, _, err := (&config{data: data, skipMigrations: true}).open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	db.Writer().QueryRow("SELECT COUNT(*) FROM contacts WHERE kind = 'call'").Scan(&n)
	return n
}

// Issue 4: a file with one bad row imports nothing by default and names the
// line; --skip-bad imports the good rows.
func TestImportCalls(t *testing.T) {
	data := t.TempDir()
	pol, _ := filepath.Abs("../../examples/seed002-te-contact-centre.yaml")
	mapping, _ := filepath.Abs("../../intake/cdr/testdata/finnish-pbx.yaml")
	if code, _, errs := kirjaamoCmd(t, "a long enough password\n", "user", "add", "--data", data, "--username", "pbx.import", "--role", "agent"); code != 0 {
		t.Fatal(errs)
	}
	file := filepath.Join(t.TempDir(), "calls.csv")
	os.WriteFile(file, latin1(cdrHeader+cdrGood+cdrBad), 0o600) // the mapping's export is Windows-1252
	code, _, errs := kirjaamoCmd(t, "", "import", "calls", "--data", data, "--policy", pol, "--map", mapping, "--as", "pbx.import", file)
	if code != 1 || !strings.Contains(errs, file+":5: ") {
		t.Fatalf("exit %d, stderr %q; want 1 naming line 5", code, errs)
	}
	if n := countCalls(t, data); n != 0 {
		t.Fatalf("%d calls imported from a file with a bad row, want none", n)
	}
	code, out, errs := kirjaamoCmd(t, "", "import", "calls", "--data", data, "--policy", pol, "--map", mapping, "--as", "pbx.import", "--skip-bad", file)
	if code != 0 || !strings.Contains(out, "imported 2 calls") {
		t.Fatalf("--skip-bad: exit %d %q %q", code, out, errs)
	}
	if n := countCalls(t, data); n != 2 {
		t.Fatalf("got %d calls, want 2", n)
	}
}

// latin1 encodes text whose runes are all below 256, as a Finnish PBX
// export in Windows-1252 has them.
func latin1(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}
