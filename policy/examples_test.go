package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every example policy is a fixture for the rest of Kirjaamo: it must parse
// with no problems.
func TestExamplesParse(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("found %d example policies, want at least 3", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := Load(f); err != nil {
				t.Errorf("Load(%s):\n%v", f, err)
			}
		})
	}
}

// The example in docs/policy.md is a valid policy.
func TestDocExampleParses(t *testing.T) {
	doc, err := os.ReadFile("../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/policy.md has no ```yaml block")
	}
	if _, err := Parse("docs/policy.md", []byte(block)); err != nil {
		t.Errorf("the example in docs/policy.md:\n%v", err)
	}
}

// A broken copy of an example fails with FILE:LINE problems that point at
// the broken lines (issue 2 acceptance: "a broken copy fails with
// FILE:LINE: messages").
func TestBrokenExampleCopy(t *testing.T) {
	data, err := os.ReadFile("../examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	for _, c := range []struct{ old, new string }{
		{"        keep: 6m\n        from: contact_end\n        extension:", "        keep: 6 kk\n        from: contact_end\n        extension:"},
		{"    kinds: [chat]\n", "    kinds: [call]\n"},
		{"      cap: 12m\n", "      cap: 3m\n"},
		{"  - id: emails\n", "  - id: E-mails\n"},
	} {
		if strings.Count(src, c.old) != 1 {
			t.Fatalf("%q is not unique in the example", c.old)
		}
		src = strings.Replace(src, c.old, c.new, 1)
	}
	// lines returns the line numbers of every occurrence of s.
	lines := func(s string) (ns []int) {
		for i, l := range strings.Split(src, "\n") {
			if strings.Contains(l, s) {
				ns = append(ns, i+1)
			}
		}
		return ns
	}
	line := func(s string) int { return lines(s)[0] }
	want := []string{
		fmt.Sprintf(`seed002.yaml:%d: registers[1].retention[0].keep: bad duration "6 kk": write the number and unit together, e.g. 6m, 180d or 1y6m`, line("keep: 6 kk")),
		fmt.Sprintf(`seed002.yaml:%d: registers[2].kinds[0]: kind "call" already belongs to register "calls" (line %d); a kind is kept in one register`, lines("kinds: [call]")[1], lines("kinds: [call]")[0]),
		fmt.Sprintf(`seed002.yaml:%d: registers[3].id: "E-mails" is not a valid id: start with a lower-case letter a–z, then use only a–z, 0–9 and _ (at most 64)`, line("id: E-mails")),
	}
	_, err = Parse("seed002.yaml", []byte(src))
	if err == nil {
		t.Fatal("broken copy parsed without problems")
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("problems:\n got: %s\nwant: %s", got, strings.Join(want, "\n"))
	}
}
