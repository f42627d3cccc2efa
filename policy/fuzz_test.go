package policy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: whatever the input, Parse does not panic and returns either a
// policy or Problems, each with a line that is in the file (or 0 when the
// problem has none).
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(""))
	f.Add([]byte("version: 1\nregisters: &a [*a]\n"))
	f.Add([]byte("a: &x {b: *x}\n"))
	files, _ := filepath.Glob("../examples/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("f.yaml", data)
		if err == nil {
			if p == nil {
				t.Fatal("nil policy and nil error")
			}
			return
		}
		if p != nil {
			t.Fatal("policy returned with problems")
		}
		var probs Problems
		if !errors.As(err, &probs) || len(probs) == 0 {
			t.Fatalf("error %T %v, want non-empty Problems", err, err)
		}
		lines := 1
		for _, b := range data {
			if b == '\n' {
				lines++
			}
		}
		for _, pr := range probs {
			if pr.Line < 0 || pr.Line > lines+1 {
				t.Errorf("problem line %d outside the file's %d lines: %s", pr.Line, lines, pr)
			}
			if pr.File != "f.yaml" || pr.Message == "" {
				t.Errorf("bad problem %#v", pr)
			}
		}
	})
}
