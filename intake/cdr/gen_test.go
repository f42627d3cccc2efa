package cdr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/synth"
)

// The tests read synthetic exports in the format of testdata/finnish-pbx.yaml
// (the example in docs/cdr.md): every number and name comes from synth, so
// no test holds a real person's number.

const pbxHeader = "PuheluID;Suunta;A-numero;B-numero;Jono;Agentti;Alanumero;Alkoi;Vastattu;Kesto;IVR-polku;Tiedote;Tiedote klo;Tiedoteversio;Huomautus"

// Column positions in pbxHeader, for tests that break one cell.
const (
	cID = iota
	cDir
	cA
	cB
	cQueue
	cAgent
	cExt
	cStart
	cAnswer
	cDur
	cIVR
	cNotice
	cNoticeAt
	cNoticeVer
	cNote
)

var base = time.Date(2026, 1, 2, 8, 0, 0, 0, helsinki)

const finnishLayout = "2.1.2006 15.04.05"

// pool holds synthetic values drawn once, so that generating a million rows
// costs little next to importing them.
type pool struct {
	phones, agents []string
}

func newPool(seed uint64, n int) *pool {
	g := synth.New(seed)
	p := &pool{}
	for range n {
		p.phones = append(p.phones, g.Phone())
		p.agents = append(p.agents, g.FirstName()+" "+g.LastName())
	}
	return p
}

// cells returns row i's cells (UTF-8).
func (p *pool) cells(i int) []string {
	k := len(p.phones)
	start := base.Add(time.Duration(i) * 3 * time.Second)
	c := make([]string, cNote+1)
	c[cID] = fmt.Sprintf("C%08d", i)
	c[cDir] = "SIS"
	c[cA] = p.phones[i%k]
	c[cB] = "0295 000 000"
	c[cQueue] = "Asiakaspalvelu"
	c[cStart] = start.Format(finnishLayout)
	c[cDur] = fmt.Sprintf("%d:%02d:%02d", 0, 1+i%50, i%60)
	c[cIVR] = "Päävalikko>Laskutus"
	c[cNotice] = "IVR"
	c[cNoticeAt] = start.Add(5 * time.Second).Format(finnishLayout)
	c[cNoticeVer] = "2026-01"
	if i%10 != 9 { // every tenth call is not answered
		c[cAgent] = p.agents[(i*7)%k]
		c[cExt] = fmt.Sprintf("2%03d", i%1000)
		c[cAnswer] = start.Add(time.Duration(10+i%20) * time.Second).Format(finnishLayout)
	}
	if i%4 == 3 {
		c[cDir] = "ULOS"
		c[cNotice] = "LÄHTEVÄ"
		c[cIVR] = ""
		c[cNoticeAt] = c[cStart]
	}
	return c
}

// line joins cells as the PBX does: ';' and quotes only where needed.
func line(cells []string) string {
	var b strings.Builder
	for j, c := range cells {
		if j > 0 {
			b.WriteByte(';')
		}
		if strings.ContainsAny(c, ";\"\n\r") {
			b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
		} else {
			b.WriteString(c)
		}
	}
	b.WriteString("\r\n")
	return b.String()
}

// cp1252 encodes UTF-8 text as the PBX writes it (every rune used here is
// in Latin-1).
func toCP1252(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			panic("test text outside Latin-1")
		}
		out = append(out, byte(r))
	}
	return out
}

// export builds an n-row export; edit may change row i's cells.
func export(n int, edit func(i int, c []string) []string) []byte {
	p := newPool(1, 256)
	var b strings.Builder
	b.WriteString(line(strings.Split(pbxHeader, ";")))
	for i := range n {
		c := p.cells(i)
		if edit != nil {
			c = edit(i, c)
		}
		b.WriteString(line(c))
	}
	return toCP1252(b.String())
}

func loadPBX(tb testing.TB) *Mapping {
	tb.Helper()
	m, err := LoadMapping("testdata/finnish-pbx.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// genReader streams an n-row export without holding it, and rewinds for
// the second pass: the memory test and the benchmark read a million rows
// through it. It cycles through 4096 pre-encoded synthetic rows, so that
// what a benchmark measures is the import, not the generator.
type genReader struct {
	lines [][]byte
	n     int
	i     int // next row; -1 before the header
	buf   []byte
	pos   int64
}

var genLines = sync.OnceValue(func() [][]byte {
	p := newPool(1, 1024)
	out := make([][]byte, 4096)
	for i := range out {
		out[i] = toCP1252(line(p.cells(i)))
	}
	return out
})

func newGenReader(n int) *genReader { return &genReader{lines: genLines(), n: n, i: -1} }

func (g *genReader) Read(b []byte) (int, error) {
	k := 0
	for k < len(b) {
		if len(g.buf) == 0 {
			if g.i >= g.n {
				break
			}
			if g.i < 0 {
				g.buf = toCP1252(line(strings.Split(pbxHeader, ";")))
			} else {
				g.buf = g.lines[g.i%len(g.lines)]
			}
			g.i++
		}
		c := copy(b[k:], g.buf)
		g.buf = g.buf[c:]
		k += c
	}
	g.pos += int64(k)
	if k == 0 {
		return 0, io.EOF
	}
	return k, nil
}

func (g *genReader) Seek(off int64, whence int) (int64, error) {
	switch {
	case off == 0 && whence == io.SeekCurrent:
		return g.pos, nil
	case off == 0 && whence == io.SeekStart:
		g.i, g.buf, g.pos = -1, nil, 0
		return 0, nil
	}
	return 0, errors.New("genReader seeks only to the start")
}

var _ io.ReadSeeker = (*genReader)(nil)

// collect imports data and returns every delivered call.
func collect(tb testing.TB, data []byte, m *Mapping, opt Options) ([]Call, Report, error) {
	tb.Helper()
	var got []Call
	rep, err := Import(bytes.NewReader(data), "calls.csv", m, func(b []Call) error {
		got = append(got, b...)
		return nil
	}, opt)
	return got, rep, err
}
