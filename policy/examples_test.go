package policy

import (
	"path/filepath"
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
