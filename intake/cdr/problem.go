package cdr

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a mapping file or with one row of a CSV
// file. Message never quotes a cell's value: a cell may hold a phone number.
type Problem struct {
	File    string
	Line    int // 1-based physical line; 0 when the problem has no line
	Message string
}

// String formats the problem as "FILE:LINE: message", the form editors and
// CI logs link to.
func (p Problem) String() string {
	if p.Line <= 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Problems is every problem found in a mapping file, in line order, so that
// one run shows everything to fix.
type Problems []Problem

// Error returns one problem per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
