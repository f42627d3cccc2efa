package policy

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a policy file.
type Problem struct {
	File    string
	Line    int // 1-based; 0 when the problem has no line (e.g. the file cannot be read)
	Message string
}

// String formats the problem as "FILE:LINE: message" (or "FILE: message"
// without a line), the form editors and CI logs link to.
func (p Problem) String() string {
	if p.Line <= 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Problems is every problem found in a policy file, in line order. Parse
// reports them all, not only the first, so that one run of `kirjaamo policy
// check` shows everything to fix.
type Problems []Problem

// Error returns one problem per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
