package cdr

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kirjaamo/kirjaamo"
)

// Options tune an import.
type Options struct {
	BatchSize   int  // calls per fn call; default 1000
	SkipBad     bool // deliver the good rows and list the bad ones, in one pass
	MaxProblems int  // problems kept in the Report; default 100 (Bad counts them all)
	MaxRowBytes int  // a longer row (an unclosed quote?) stops the import; default 1 MiB
}

// Report says what an import or validation found.
type Report struct {
	Rows      int       // data rows read (the header is not a row)
	Good      int       // rows that converted
	Bad       int       // rows with a problem
	Delivered int       // calls handed to fn
	Problems  []Problem // the first MaxProblems bad rows, in file order
}

var (
	// ErrBadRows: an all-or-nothing import found bad rows and delivered
	// nothing. The Report lists them.
	ErrBadRows = errors.New("cdr: bad rows, nothing imported")
	// ErrNeedTwoPasses: an all-or-nothing import was given an io.Reader it
	// cannot rewind. Use ImportOpen, an io.ReadSeeker, or SkipBad.
	ErrNeedTwoPasses = errors.New("cdr: an all-or-nothing import reads the input twice: pass an io.ReadSeeker or use ImportOpen")
	// ErrChanged: the second pass of an all-or-nothing import read something
	// the first pass did not (the file changed in between). Calls may have
	// been delivered already: the caller's transaction must roll back.
	ErrChanged = errors.New("cdr: the input changed between the validating and the delivering pass")
)

// Validate reads r once and reports every bad row without delivering any.
func Validate(r io.Reader, name string, m *Mapping, opt Options) (Report, error) {
	return pass(r, name, m, opt, nil, false)
}

// Import reads a CDR file and calls fn with batches of calls. The batch
// slice is reused: fn must copy what it keeps beyond the call. An error from
// fn stops the import and is returned wrapped.
//
// By default the import is all-or-nothing: r must be an io.ReadSeeker; a
// first pass validates every row, and only when none is bad does a second
// pass (from the position r had on entry) deliver the batches. fn is never
// called when a row is bad; the error is then ErrBadRows and the Report
// lists the rows. With opt.SkipBad the good rows are delivered in one pass
// and the bad ones listed, and the error is nil.
//
// Errors that stop the reading itself (unreadable input, a header that lacks
// a mapped column) are Problems; the Report then covers what was read.
func Import(r io.Reader, name string, m *Mapping, fn func(batch []Call) error, opt Options) (Report, error) {
	if opt.SkipBad {
		return pass(r, name, m, opt, fn, false)
	}
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return Report{}, ErrNeedTwoPasses
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return Report{}, ErrNeedTwoPasses
	}
	i := 0
	return ImportOpen(func() (io.ReadCloser, error) {
		if i++; i > 1 {
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return nil, err
			}
		}
		return io.NopCloser(rs), nil
	}, name, m, fn, opt)
}

// ImportOpen is Import for a file the caller can open twice, which is what
// the CLI does: open is called once for the validating pass and once more
// for the delivering pass (once in all with SkipBad), and each reader is
// closed after its pass.
func ImportOpen(open func() (io.ReadCloser, error), name string, m *Mapping, fn func(batch []Call) error, opt Options) (Report, error) {
	run := func(fn func([]Call) error, second bool) (Report, error) {
		rc, err := open()
		if err != nil {
			return Report{}, Problems{{File: name, Message: fmt.Sprintf("cannot open: %v", err)}}
		}
		defer rc.Close()
		return pass(rc, name, m, opt, fn, second)
	}
	if opt.SkipBad {
		return run(fn, false)
	}
	first, err := run(nil, false)
	if err != nil {
		return first, err
	}
	if first.Bad > 0 {
		return first, fmt.Errorf("%w: %d of %d rows", ErrBadRows, first.Bad, first.Rows)
	}
	rep, err := run(fn, true)
	if err == nil && rep.Rows != first.Rows {
		err = ErrChanged
	}
	return rep, err
}

// pass reads the input once. With fn nil it only validates. second marks the
// delivering pass of an all-or-nothing import, which stops at the first bad
// row: the validating pass found none, so the file has changed.
func pass(r io.Reader, name string, m *Mapping, opt Options, fn func([]Call) error, second bool) (Report, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 1000
	}
	if opt.MaxProblems <= 0 {
		opt.MaxProblems = 100
	}
	if opt.MaxRowBytes <= 0 {
		opt.MaxRowBytes = 1 << 20
	}
	var rep Report
	guard := &rowGuard{r: decoder(r, m.Encoding), delim: byte(m.Delimiter), max: opt.MaxRowBytes, line: 1}
	cr := csv.NewReader(guard)
	cr.Comma = m.Delimiter
	cr.ReuseRecord = true
	cr.FieldsPerRecord = 0 // the first record (the header, if any) sets the width
	imp := &importer{name: name, m: m, cr: cr}
	if m.Header {
		rec, err := cr.Read()
		if err == io.EOF {
			return rep, Problems{{File: name, Line: 1, Message: "the file is empty; expected a header row"}}
		}
		if err != nil {
			return rep, Problems{imp.readProblem(rec, err)}
		}
		if err := imp.resolve(rec); err != nil {
			return rep, err
		}
	}
	var batch []Call
	if fn != nil {
		batch = make([]Call, 0, min(opt.BatchSize, 10000)) // grows if asked for more; a typo of 1e9 must not allocate up front
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := fn(batch); err != nil {
			return fmt.Errorf("cdr: %s: delivering the batch ending at line %d: %w", name, batch[len(batch)-1].Line, err)
		}
		rep.Delivered += len(batch)
		clear(batch) // drop references to the rows' strings before reuse
		batch = batch[:0]
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var prob *Problem
		var call Call
		switch {
		case err != nil && !isParseError(err):
			return rep, Problems{imp.readProblem(nil, err)}
		case err != nil:
			p := imp.readProblem(rec, err)
			prob = &p
		case imp.cols == nil:
			// No header: the first record sets the width the mapping is checked against.
			if err := imp.resolve(nil); err != nil {
				return rep, err
			}
			call, prob = imp.row(rec)
		default:
			call, prob = imp.row(rec)
		}
		rep.Rows++
		if prob != nil {
			rep.Bad++
			if len(rep.Problems) < opt.MaxProblems {
				rep.Problems = append(rep.Problems, *prob)
			}
			if second {
				return rep, fmt.Errorf("%w (%s)", ErrChanged, prob)
			}
			continue
		}
		rep.Good++
		if fn != nil {
			batch = append(batch, call)
			if len(batch) == opt.BatchSize {
				if err := flush(); err != nil {
					return rep, err
				}
			}
		}
	}
	if fn != nil {
		if err := flush(); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func isParseError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}

type importer struct {
	name  string
	m     *Mapping
	cr    *csv.Reader
	cols  []int // per call field: 0-based column, -1 for none (default only)
	width int
}

// readProblem turns a csv error into a row problem. The csv package's own
// messages name no values, only what is wrong.
func (imp *importer) readProblem(rec []string, err error) Problem {
	var long *errRowTooLong
	if errors.As(err, &long) {
		return Problem{File: imp.name, Line: long.line, Message: fmt.Sprintf("row is longer than %d bytes (an unclosed quote?); stopped reading", long.max)}
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return Problem{File: imp.name, Message: fmt.Sprintf("cannot read: %v", err)}
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return Problem{File: imp.name, Line: pe.StartLine, Message: fmt.Sprintf("row has %d columns, the first row has %d", len(rec), imp.cr.FieldsPerRecord)}
	}
	// The row's first line: an unclosed quote swallows the rest of the file,
	// and where it opened is what the user must fix.
	msg := "malformed CSV: " + pe.Err.Error()
	if pe.Line != pe.StartLine {
		msg += fmt.Sprintf(" (noticed at line %d)", pe.Line)
	}
	return Problem{File: imp.name, Line: pe.StartLine, Message: msg}
}

// resolve finds each mapped field's column in the header (header nil: the
// file has none and the width comes from the first record).
func (imp *importer) resolve(header []string) error {
	var probs Problems
	imp.cols = make([]int, numFields)
	if header != nil {
		imp.width = len(header)
	} else {
		imp.width = imp.cr.FieldsPerRecord
	}
	for i, f := range imp.m.Fields {
		imp.cols[i] = -1
		if f == nil {
			continue
		}
		switch {
		case f.Index > 0:
			if f.Index > imp.width {
				probs = append(probs, Problem{File: imp.name, Line: 1,
					Message: fmt.Sprintf("%s: the file has only %d columns (mapping %s:%d)", f.label(), imp.width, imp.m.File, f.Line)})
			}
			imp.cols[i] = f.Index - 1
		case f.Column != "":
			found := -1
			for j, h := range header {
				h = strings.TrimSpace(h)
				if j == 0 {
					h = strings.TrimPrefix(h, "\uFEFF")
				}
				if strings.EqualFold(h, f.Column) {
					if found >= 0 {
						probs = append(probs, Problem{File: imp.name, Line: 1,
							Message: fmt.Sprintf("the header names column %q twice (columns %d and %d); map %s by number", f.Column, found+1, j+1, f.Name)})
						break
					}
					found = j
				}
			}
			if found < 0 {
				probs = append(probs, Problem{File: imp.name, Line: 1,
					Message: fmt.Sprintf("the header has no column %q for %s (mapping %s:%d)", f.Column, f.Name, imp.m.File, f.Line)})
			}
			imp.cols[i] = found
		}
	}
	if len(probs) > 0 {
		return probs
	}
	return nil
}

// row converts one record. All of a row's problems become one Problem at
// the line of the first bad cell.
func (imp *importer) row(rec []string) (Call, *Problem) {
	var st rowState
	st.imp = imp
	st.c.Line, _ = imp.cr.FieldPos(0)
	for i, f := range imp.m.Fields {
		if f == nil {
			continue
		}
		col := imp.cols[i]
		raw := ""
		if col >= 0 {
			raw = strings.TrimSpace(rec[col])
			for _, e := range imp.m.EmptyValues {
				if strings.EqualFold(raw, e) {
					raw = ""
					break
				}
			}
		}
		if raw == "" {
			raw = f.Default
		}
		if raw == "" {
			if f.Required || i == fStartedAt {
				st.fail(col, f, "required but empty")
			}
			continue
		}
		if msg := convertCell(&st, i, f, raw, imp.m.Location); msg != "" {
			st.fail(col, f, msg)
		}
	}
	if len(st.msgs) == 0 {
		imp.crossCheck(&st)
	}
	if len(st.msgs) > 0 {
		return Call{}, &Problem{File: imp.name, Line: st.line, Message: strings.Join(st.msgs, "; ")}
	}
	return st.c, nil
}

// fail records a problem with the cell in column col (-1: no column, the
// problem is the row's).
func (st *rowState) fail(col int, f *Field, msg string) {
	if st.line == 0 {
		st.line = st.c.Line
		if col >= 0 {
			st.line, _ = st.imp.cr.FieldPos(col)
		}
	}
	label := "row"
	if f != nil {
		label = f.label()
	}
	st.msgs = append(st.msgs, label+": "+msg)
}

// failAt records a problem with call field i.
func (st *rowState) failAt(i int, msg string) {
	st.fail(st.imp.cols[i], st.imp.m.Fields[i], msg)
}

// crossCheck applies the rules between fields once each cell is valid.
func (imp *importer) crossCheck(st *rowState) {
	c := &st.c
	fs := &imp.m.Fields
	if c.EndedAt.IsZero() {
		switch {
		case !st.hasDur:
			if fs[fEndedAt] != nil {
				st.failAt(fEndedAt, "the call has no end: give ended_at or a duration")
			} else {
				st.failAt(fDuration, "the call has no end: give ended_at or a duration")
			}
			return
		case fs[fDuration].From == FieldAnsweredAt && c.AnsweredAt.IsZero():
			if st.dur != 0 {
				st.failAt(fDuration, "duration counts from answered_at, which is empty")
				return
			}
			c.EndedAt = c.StartedAt
		case fs[fDuration].From == FieldAnsweredAt:
			c.EndedAt = c.AnsweredAt.Add(st.dur)
		default:
			c.EndedAt = c.StartedAt.Add(st.dur)
		}
	}
	end := fEndedAt
	if fs[fEndedAt] == nil || st.endFromDuration {
		end = fDuration
	}
	if c.EndedAt.Before(c.StartedAt) {
		st.failAt(end, "the call ends before it starts (started_at)")
	}
	if !c.AnsweredAt.IsZero() {
		if c.AnsweredAt.Before(c.StartedAt) {
			st.failAt(fAnsweredAt, "answered before the call started (started_at)")
		} else if c.AnsweredAt.After(c.EndedAt) {
			st.failAt(fAnsweredAt, "answered after the call ended")
		}
	}
	if st.noticeMethod == "" {
		if !st.noticeAt.IsZero() || st.noticeVersion != "" {
			st.failAt(fNoticeMethod, "empty, but notice_at or notice_version is given")
		}
		return
	}
	n := &kirjaamo.RecordingNotice{Method: st.noticeMethod, At: st.noticeAt, AnnouncementVersion: st.noticeVersion}
	if err := n.Validate(); err != nil {
		i := fNoticeMethod
		switch kirjaamo.ErrorField(err) {
		case "at":
			i = fNoticeAt
		case "announcement_version":
			i = fNoticeVersion
		}
		if fs[i] == nil {
			i = fNoticeMethod
		}
		st.failAt(i, kirjaamo.ErrorMessage(err))
		return
	}
	c.Notice = n
}

// rowState is a row being converted: the Call plus what the cross-field
// rules need.
type rowState struct {
	imp             *importer
	msgs            []string
	line            int // of the first problem
	c               Call
	dur             time.Duration
	hasDur          bool
	endFromDuration bool
	noticeMethod    string
	noticeAt        time.Time
	noticeVersion   string
}

// maxText bounds free-text cells, as kirjaamo.Contact bounds metadata values.
const maxText = 1000

// convertCell converts one non-empty cell into st and returns "" or a
// message that does not quote the value.
func convertCell(st *rowState, i int, f *Field, raw string, loc *time.Location) string {
	c := &st.c
	if !utf8.ValidString(raw) {
		return "not valid UTF-8 (is the mapping's encoding right?)"
	}
	if len(raw) > maxText {
		return fmt.Sprintf("longer than %d bytes", maxText)
	}
	switch i {
	case fCallerNumber, fServiceNumber:
		n, err := kirjaamo.NormalizePhone(f.Name, raw)
		if err != nil {
			return kirjaamo.ErrorMessage(err)
		}
		if i == fCallerNumber {
			c.CallerNumber = n
		} else {
			c.ServiceNumber = n
		}
	case fExternalID:
		c.ExternalID = raw
	case fAgent:
		c.Agent = raw
	case fExtension:
		c.Extension = raw
	case fDirection:
		d, msg := mapValue(f, raw, []string{"inbound", "outbound"})
		if msg != "" {
			return msg
		}
		c.Direction = d
	case fNoticeMethod:
		d, msg := mapValue(f, raw, kirjaamo.NoticeMethods)
		if msg != "" {
			return msg
		}
		st.noticeMethod = d
	case fNoticeVersion:
		st.noticeVersion = raw
	case fIVRPath:
		parts := strings.Split(raw, f.Separator)
		steps := parts[:0]
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				steps = append(steps, p)
			}
		}
		c.IVRPath = steps
	case fStartedAt, fAnsweredAt, fEndedAt, fNoticeAt:
		t, err := f.parseTime(raw, loc)
		if err != nil {
			return fmt.Sprintf("not a time in the format %s", describeFormat(f.Format))
		}
		t = t.UTC()
		switch i {
		case fStartedAt:
			c.StartedAt = t
		case fAnsweredAt:
			c.AnsweredAt = t
		case fEndedAt:
			c.EndedAt = t
		case fNoticeAt:
			st.noticeAt = t
		}
	case fDuration:
		d, ok := parseDuration(raw, f.Format)
		if !ok {
			if f.Format == "hms" {
				return "not a duration of the form H:MM:SS, at most 7 days"
			}
			return "not a duration in whole seconds, at most 7 days"
		}
		st.dur, st.hasDur = d, true
		st.endFromDuration = c.EndedAt.IsZero()
	}
	return ""
}

// mapValue maps an export's value through the field's values table; without
// a table the value must already be one of allowed.
func mapValue(f *Field, raw string, allowed []string) (string, string) {
	if f.Values != nil {
		if v, ok := f.Values[strings.ToUpper(raw)]; ok {
			return v, ""
		}
		keys := make([]string, 0, len(f.Values))
		for k := range f.Values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return "", "not one of the mapped values " + strings.Join(keys, ", ")
	}
	for _, a := range allowed {
		if strings.EqualFold(raw, a) {
			return a, ""
		}
	}
	return "", "must be one of " + strings.Join(allowed, ", ") + " (or map the export's values with values:)"
}

func describeFormat(f string) string {
	switch f {
	case "finnish":
		return "finnish (D.M.YYYY H.MM.SS)"
	case "iso8601":
		return "iso8601 (YYYY-MM-DDTHH:MM:SS)"
	case "unix":
		return "unix (seconds since 1970)"
	case "unix_ms":
		return "unix_ms (milliseconds since 1970)"
	}
	return fmt.Sprintf("%q", f)
}
