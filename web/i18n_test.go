package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo/policy"
)

// TestCatalog: every message exists in Finnish, Swedish and English with
// the same format verbs, and every key the templates and the Go code use
// is in the catalog.
func TestCatalog(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	t.Run("EveryKeyInEveryLanguage", func(t *testing.T) {
		for key, m := range catalog {
			for _, lang := range Languages {
				if strings.TrimSpace(m.in(lang)) == "" {
					t.Errorf("%s has no %s text", key, lang)
				}
			}
			fi := strings.Join(verbs.FindAllString(m.FI, -1), " ")
			for _, other := range []string{m.SV, m.EN} {
				if got := strings.Join(verbs.FindAllString(other, -1), " "); got != fi {
					t.Errorf("%s: format verbs %q differ from the Finnish %q", key, got, fi)
				}
			}
		}
	})
	used := map[string]string{} // key → where
	tmplKey := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	fs.WalkDir(assets, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := assets.ReadFile(path)
		for _, m := range tmplKey.FindAllSubmatch(b, -1) {
			used[string(m[1])] = path
		}
		return nil
	})
	goKey := regexp.MustCompile(`(?:\bT\((?:p\.Lang|lang|[a-z.]+Lang), |\.T\(|Title(?:, [a-zA-Z.]+)? = |Nav: |Notice = p\.T\(|[kK]ey: )"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasPrefix(f, "i18n") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllSubmatch(b, -1) {
			if key := string(m[1]); !strings.HasSuffix(key, ".") { // a prefix of run-time keys
				used[key] = f
			}
		}
	}
	// Keys made at run time.
	for _, c := range ErrorCodes() {
		used["error."+c] = "ErrorCodes"
	}
	for _, r := range policy.Roles() {
		used["role."+string(r)] = "policy.Roles"
	}
	for _, k := range dynamicKeys() {
		used[k] = "dynamicKeys"
	}
	if len(used) < 20 {
		t.Fatalf("found only %d used keys: the scan is broken", len(used))
	}
	t.Run("EveryUsedKeyExists", func(t *testing.T) {
		for key, where := range used {
			if _, ok := catalog[key]; !ok {
				t.Errorf("%s uses %q, which is not in the catalog", where, key)
			}
		}
	})
}
