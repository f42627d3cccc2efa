package policy

// Helpers that walk yaml.v3 nodes, keeping every node's line for problems.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

type kv struct{ key, val *yaml.Node }

type fields map[string]kv

// get returns the value of key when it is present and not null.
func (f fields) get(key string) (*yaml.Node, bool) {
	e, ok := f[key]
	if !ok || isNull(e.val) {
		return nil, false
	}
	return e.val, true
}

// mapping checks that n is a mapping whose keys are all in allowed, and
// returns its entries; nil (with a problem) when n is not a mapping.
// where says where the keys are allowed, e.g. "in a register".
func (p *parser) mapping(path string, n *yaml.Node, where string, allowed []string) fields {
	return p.mappingWith(path, n, where, strings.Join(allowed, ", "), func(k string) bool { return slices.Contains(allowed, k) }, "key")
}

func (p *parser) mappingWith(path string, n *yaml.Node, where, allowed string, ok func(string) bool, noun string) fields {
	if n.Kind != yaml.MappingNode {
		if !isNull(n) {
			p.addf(n, "%s: expected a mapping, got %s", orTop(path), describe(n))
		}
		return nil
	}
	if !p.spend(n) {
		return nil
	}
	f := fields{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.addf(k, "%s: expected a plain key, got %s", orTop(path), describe(k))
			continue
		}
		name := k.Value
		kp := join(path, name)
		if name == "<<" {
			p.addf(k, "%s: merge keys (<<) are not supported in a policy file", orTop(path))
			continue
		}
		if prev, dup := f[name]; dup {
			p.addf(k, "%s: key repeated (first at line %d)", kp, prev.key.Line)
			continue
		}
		if !ok(name) {
			hint := ""
			if near := nearest(name, strings.Split(allowed, ", ")); near != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", near)
			}
			p.addf(k, "%s: unknown %s%s; allowed %s: %s", kp, noun, hint, where, allowed)
			continue
		}
		f[name] = kv{key: k, val: v}
	}
	return f
}

// list returns the items of a sequence; nil for null or an empty sequence,
// and nil with a problem for anything else.
func (p *parser) list(path string, n *yaml.Node) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.addf(n, "%s: expected a list, got %s", path, describe(n))
		return nil
	}
	if !p.spend(n) {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = resolve(c)
	}
	return out
}

// scalar returns the text of a scalar, trimmed; "" with a problem for a
// mapping or a list, "" without one for null.
func (p *parser) scalar(path string, n *yaml.Node) string {
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.addf(n, "%s: expected a single value, got %s", path, describe(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// str returns the scalar at key of f, or "".
func (p *parser) str(f fields, path, key string) string {
	v, ok := f.get(key)
	if !ok {
		return ""
	}
	return p.scalar(join(path, key), v)
}

func (p *parser) boolean(path string, n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		p.addf(n, "%s: expected true or false, got %s", path, describe(n))
		return false
	}
	b, _ := strconv.ParseBool(n.Value)
	return b
}

// text reads a Text: a plain string (Finnish) or {fi, sv, en}. Finnish is
// required: the notice is always published in Finnish.
func (p *parser) text(path string, n *yaml.Node) Text {
	switch {
	case isNull(n):
		p.addf(n, "%s: empty", path)
		return nil
	case n.Kind == yaml.ScalarNode:
		s := strings.TrimSpace(n.Value)
		if s == "" {
			p.addf(n, "%s: empty", path)
			return nil
		}
		return Text{"fi": s}
	case n.Kind == yaml.MappingNode:
		f := p.mapping(path, n, "in a text", Languages())
		t := Text{}
		for _, lang := range Languages() {
			if v, ok := f.get(lang); ok {
				if s := p.scalar(path+"."+lang, v); s != "" {
					t[lang] = s
				}
			}
		}
		if t["fi"] == "" {
			p.addf(n, "%s: Finnish text (fi) missing", path)
		}
		return t
	}
	p.addf(n, "%s: expected a text or a mapping {fi, sv, en}, got %s", path, describe(n))
	return nil
}

func (p *parser) texts(path string, n *yaml.Node) []Text {
	var out []Text
	for i, it := range p.list(path, n) {
		if t := p.text(fmt.Sprintf("%s[%d]", path, i), it); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// resolve follows aliases (*name) to the anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; i < 8 && n != nil && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the text %q", n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		case "!!null":
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func joinAny[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// nearest returns the word in words closest to s when it is a likely
// misspelling (at most two edits, and fewer than half the letters), or "".
func nearest(s string, words []string) string {
	best, bestDist := "", 3
	for _, w := range words {
		if d := editDistance(s, w); d < bestDist && d*2 < len(w) {
			best, bestDist = w, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes;
// inputs longer than 64 bytes are not compared (distance 99).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
