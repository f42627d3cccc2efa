package cdr

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Helsinki must resolve even in a container without zoneinfo

	"gopkg.in/yaml.v3"

	"github.com/kirjaamo/kirjaamo"
)

// The call fields a mapping can name, in the order they are documented.
const (
	FieldExternalID    = "external_id"
	FieldCallerNumber  = "caller_number"
	FieldServiceNumber = "service_number"
	FieldAgent         = "agent"
	FieldExtension     = "extension"
	FieldDirection     = "direction"
	FieldStartedAt     = "started_at"
	FieldAnsweredAt    = "answered_at"
	FieldEndedAt       = "ended_at"
	FieldDuration      = "duration"
	FieldIVRPath       = "ivr_path"
	FieldNoticeMethod  = "notice_method"
	FieldNoticeAt      = "notice_at"
	FieldNoticeVersion = "notice_version"
)

// fieldNames is indexed by the f* constants below.
var fieldNames = []string{
	FieldExternalID, FieldCallerNumber, FieldServiceNumber, FieldAgent, FieldExtension,
	FieldDirection, FieldStartedAt, FieldAnsweredAt, FieldEndedAt, FieldDuration,
	FieldIVRPath, FieldNoticeMethod, FieldNoticeAt, FieldNoticeVersion,
}

const (
	fExternalID = iota
	fCallerNumber
	fServiceNumber
	fAgent
	fExtension
	fDirection
	fStartedAt
	fAnsweredAt
	fEndedAt
	fDuration
	fIVRPath
	fNoticeMethod
	fNoticeAt
	fNoticeVersion
	numFields
)

// requiredByDefault: a mapped field must have a value in every row unless
// the mapping says `required: false`. Answer time, agent, extension, IVR path
// and the notice are often empty for real reasons (unanswered call, no IVR,
// a register without recording), so they are optional unless said otherwise.
var requiredByDefault = [numFields]bool{
	fExternalID: true, fCallerNumber: true, fServiceNumber: true, fDirection: true,
	fStartedAt: true, fEndedAt: true, fDuration: true,
}

func isTimeField(i int) bool {
	return i == fStartedAt || i == fAnsweredAt || i == fEndedAt || i == fNoticeAt
}

// Mapping says how to read one PBX's CSV export. Build one with LoadMapping
// or ParseMapping; the zero value is not usable.
type Mapping struct {
	File      string         // the mapping file's name, for problems
	Delimiter rune           // ',', ';' or '\t'
	Header    bool           // the first record names the columns
	Encoding  string         // "utf-8", "iso-8859-1" or "windows-1252"
	Location  *time.Location // for times without an offset; default Europe/Helsinki
	// EmptyValues are cell values that mean "no value" (a hidden caller
	// number exported as "anonymous", a "-"), matched case-insensitively.
	EmptyValues []string
	Fields      [numFields]*Field
}

// Field maps one call field to a CSV column.
type Field struct {
	Name     string // the call field, e.g. "caller_number"
	Column   string // header name; "" when Index is used
	Index    int    // 1-based column number; 0 when Column is used
	Default  string // used when the cell is empty, or for every row when no column is named
	Required bool
	// Format: for times "finnish", "iso8601", "unix", "unix_ms" or a Go
	// layout; for duration "seconds" or "hms".
	Format    string
	Values    map[string]string // direction and notice_method: export value (upper-cased) → Kirjaamo value
	Separator string            // ivr_path: between the steps
	From      string            // duration: counts from started_at (default) or answered_at
	Line      int               // in the mapping file

	parseTime func(string, *time.Location) (time.Time, error)
}

// label names the field in row problems: the column as the export calls
// it, then the call field.
func (f *Field) label() string {
	if f.Column != "" {
		return fmt.Sprintf("column %q (%s)", f.Column, f.Name)
	}
	if f.Index > 0 {
		return fmt.Sprintf("column %d (%s)", f.Index, f.Name)
	}
	return f.Name
}

// LoadMapping reads and checks a mapping file. The error is a Problems
// listing every problem as FILE:LINE: message.
func LoadMapping(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Problems{{File: path, Message: fmt.Sprintf("cannot read the mapping: %v", err)}}
	}
	return ParseMapping(path, data)
}

const maxMappingBytes = 1 << 20

// ParseMapping parses a mapping from data; name is used in problems.
func ParseMapping(name string, data []byte) (*Mapping, error) {
	p := &mparser{file: name}
	if len(data) > maxMappingBytes {
		p.addf(0, "the mapping is larger than %d bytes", maxMappingBytes)
		return nil, p.probs
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err == io.EOF {
		p.addf(1, "the mapping is empty")
		return nil, p.probs
	} else if err != nil {
		p.addf(yamlErrLine(err), "not valid YAML: %s", yamlErrMsg(err))
		return nil, p.probs
	}
	m := &Mapping{File: name, Delimiter: ',', Header: true, Encoding: "utf-8"}
	if len(doc.Content) == 0 {
		p.addf(1, "the mapping is empty")
		return nil, p.probs
	}
	root := doc.Content[0]
	top := p.mapping(root, "at the top level", []string{"delimiter", "header", "encoding", "time_zone", "time_format", "empty_values", "fields"})
	if top == nil {
		if len(p.probs) == 0 {
			p.addf(root.Line, "the mapping must be a YAML mapping with a fields: key")
		}
		return nil, p.probs
	}
	if n, ok := top["delimiter"]; ok {
		switch s := p.scalar(n); s {
		case ",", ";":
			m.Delimiter = rune(s[0])
		case "tab", "\t", `\t`:
			m.Delimiter = '\t'
		default:
			p.addf(n.Line, "delimiter: must be \",\", \";\" or tab")
		}
	}
	if n, ok := top["header"]; ok {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			p.addf(n.Line, "header: must be true or false")
		} else {
			m.Header = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
		}
	}
	if n, ok := top["encoding"]; ok {
		switch e := strings.ToLower(p.scalar(n)); e {
		case "utf-8", "utf8":
			m.Encoding = "utf-8"
		case "iso-8859-1", "latin-1", "latin1", "iso8859-1":
			m.Encoding = "iso-8859-1"
		case "windows-1252", "cp1252":
			m.Encoding = "windows-1252"
		default:
			p.addf(n.Line, "encoding: must be utf-8, iso-8859-1 or windows-1252")
		}
	}
	m.Location = helsinki
	if n, ok := top["time_zone"]; ok {
		tz := p.scalar(n)
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "" || tz == "Local" {
			p.addf(n.Line, "time_zone: not a known IANA time zone such as Europe/Helsinki or UTC")
		} else {
			m.Location = loc
		}
	}
	if n, ok := top["empty_values"]; ok {
		if n.Kind != yaml.SequenceNode {
			p.addf(n.Line, "empty_values: must be a list, e.g. [anonymous, Salainen, \"-\"]")
		} else {
			for _, v := range n.Content {
				if s := strings.TrimSpace(p.scalar(v)); s != "" {
					m.EmptyValues = append(m.EmptyValues, s)
				}
			}
		}
	}
	timeFormat := "iso8601"
	if n, ok := top["time_format"]; ok {
		timeFormat = p.scalar(n)
		if _, err := timeParser(timeFormat); err != nil {
			p.addf(n.Line, "time_format: %v", err)
			timeFormat = "iso8601"
		}
	}
	fn, ok := top["fields"]
	if !ok {
		p.addf(root.Line, "fields: missing; name at least caller_number, started_at and ended_at or duration")
		return nil, p.probs
	}
	fields := p.mapping(fn, "under fields", fieldNames)
	for i, fname := range fieldNames {
		n, ok := fields[fname]
		if !ok {
			continue
		}
		if f := p.field(i, fname, n, m.Header, timeFormat); f != nil {
			m.Fields[i] = f
		}
	}
	if fields != nil {
		// A field named but wrong has its own problem; "required" is only
		// for fields not named at all.
		if _, ok := fields[FieldCallerNumber]; !ok {
			p.addf(fn.Line, "fields: caller_number is required")
		}
		if _, ok := fields[FieldStartedAt]; !ok {
			p.addf(fn.Line, "fields: started_at is required")
		}
		_, end := fields[FieldEndedAt]
		if _, dur := fields[FieldDuration]; !end && !dur {
			p.addf(fn.Line, "fields: name ended_at or duration (from which ended_at is computed)")
		}
		if d := m.Fields[fDuration]; d != nil && d.From == FieldAnsweredAt && m.Fields[fAnsweredAt] == nil {
			p.addf(d.Line, "duration: from: answered_at needs answered_at mapped")
		}
		if _, ok := fields[FieldNoticeMethod]; !ok {
			for _, k := range []string{FieldNoticeAt, FieldNoticeVersion} {
				if n, ok := fields[k]; ok {
					p.addf(n.Line, "%s: needs notice_method", k)
				}
			}
		}
	}
	if len(p.probs) > 0 {
		sort.SliceStable(p.probs, func(a, b int) bool { return p.probs[a].Line < p.probs[b].Line })
		return nil, p.probs
	}
	return m, nil
}

var helsinki = mustLoad("Europe/Helsinki")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is imported, so this is a build problem
	}
	return loc
}

// field parses one entry under fields:. The short form `agent: Agentti` (or
// `agent: 4`) names just the column.
func (p *mparser) field(i int, name string, n *yaml.Node, header bool, timeFormat string) *Field {
	f := &Field{Name: name, Line: n.Line, Required: requiredByDefault[i]}
	before := len(p.probs)
	var col *yaml.Node
	allowed := []string{"column", "required", "default"}
	switch {
	case isTimeField(i):
		allowed = append(allowed, "format")
		f.Format = timeFormat
	case i == fDuration:
		allowed = append(allowed, "format", "from")
		f.Format = "seconds"
		f.From = FieldStartedAt
	case i == fDirection || i == fNoticeMethod:
		allowed = append(allowed, "values")
	case i == fIVRPath:
		allowed = append(allowed, "separator")
		f.Separator = ">"
	}
	if n.Kind == yaml.ScalarNode {
		col = n
	} else {
		kv := p.mapping(n, "under "+name, allowed)
		if kv == nil {
			return nil
		}
		col = kv["column"]
		if v, ok := kv["required"]; ok {
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
				p.addf(v.Line, "%s: required: must be true or false", name)
			} else {
				f.Required = strings.EqualFold(v.Value, "true")
			}
		}
		if v, ok := kv["default"]; ok {
			f.Default = p.scalar(v)
		}
		if v, ok := kv["format"]; ok {
			f.Format = p.scalar(v)
		}
		if v, ok := kv["from"]; ok {
			f.From = p.scalar(v)
			if f.From != FieldStartedAt && f.From != FieldAnsweredAt {
				p.addf(v.Line, "%s: from: must be started_at or answered_at", name)
			}
		}
		if v, ok := kv["separator"]; ok {
			f.Separator = p.scalar(v)
			if f.Separator == "" {
				p.addf(v.Line, "%s: separator: must not be empty", name)
			}
		}
		if v, ok := kv["values"]; ok {
			f.Values = p.values(name, v, i)
		}
	}
	if col != nil {
		switch {
		case col.Kind != yaml.ScalarNode:
			p.addf(col.Line, "%s: column: must be a header name or a 1-based column number", name)
		case col.ShortTag() == "!!int":
			idx, err := strconv.Atoi(col.Value)
			if err != nil || idx < 1 || idx > 10000 {
				p.addf(col.Line, "%s: column: a column number must be 1–10000", name)
			}
			f.Index = idx
		case strings.TrimSpace(col.Value) == "":
			p.addf(col.Line, "%s: column: must not be empty", name)
		default:
			if !header {
				p.addf(col.Line, "%s: column: the file has no header row (header: false), so name the column by number", name)
			}
			f.Column = strings.TrimSpace(col.Value)
		}
	} else if f.Default == "" {
		p.addf(n.Line, "%s: name a column, or give a default", name)
	}
	switch {
	case isTimeField(i):
		pt, err := timeParser(f.Format)
		if err != nil {
			p.addf(n.Line, "%s: format: %v", name, err)
		}
		f.parseTime = pt
	case i == fDuration:
		if f.Format != "seconds" && f.Format != "hms" {
			p.addf(n.Line, "%s: format: must be seconds or hms (H:MM:SS)", name)
		}
	}
	if f.Default != "" && len(p.probs) == before {
		// A default is a value like any cell: check it now, not once per row.
		var st rowState
		if msg := convertCell(&st, i, f, f.Default, helsinki); msg != "" {
			p.addf(n.Line, "%s: default: %s", name, msg)
		}
	}
	if len(p.probs) > before {
		return nil
	}
	return f
}

func (p *mparser) values(name string, n *yaml.Node, i int) map[string]string {
	kv := p.mappingAny(n, name+": values")
	if kv == nil {
		return nil
	}
	out := map[string]string{}
	for _, k := range kv.keys {
		v := kv.m[k]
		to := p.scalar(v)
		switch {
		case i == fDirection && to != "inbound" && to != "outbound":
			p.addf(v.Line, "%s: values: %s: must map to inbound or outbound", name, k)
		case i == fNoticeMethod && !slices.Contains(kirjaamo.NoticeMethods, to):
			p.addf(v.Line, "%s: values: %s: must map to one of %s", name, k, strings.Join(kirjaamo.NoticeMethods, ", "))
		}
		out[strings.ToUpper(strings.TrimSpace(k))] = to
	}
	return out
}

type mparser struct {
	file  string
	probs Problems
}

func (p *mparser) addf(line int, format string, args ...any) {
	p.probs = append(p.probs, Problem{File: p.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// mapping returns the entries of a YAML mapping whose keys are all allowed.
func (p *mparser) mapping(n *yaml.Node, where string, allowed []string) map[string]*yaml.Node {
	kv := p.mappingAny(n, where)
	if kv == nil {
		return nil
	}
	for _, k := range kv.keys {
		if !slices.Contains(allowed, k) {
			p.addf(kv.line[k], "unknown key %s %s; allowed: %s", k, where, strings.Join(allowed, ", "))
			delete(kv.m, k)
		}
	}
	return kv.m
}

type entries struct {
	keys []string
	m    map[string]*yaml.Node
	line map[string]int
}

func (p *mparser) mappingAny(n *yaml.Node, where string) *entries {
	if n.Kind == yaml.AliasNode {
		p.addf(n.Line, "%s: aliases are not supported in a mapping file", where)
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.addf(n.Line, "%s: expected a mapping of keys to values", where)
		return nil
	}
	e := &entries{m: map[string]*yaml.Node{}, line: map[string]int{}}
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		if k.Kind != yaml.ScalarNode {
			p.addf(k.Line, "%s: expected a plain key", where)
			continue
		}
		if prev, dup := e.line[k.Value]; dup {
			p.addf(k.Line, "%s: key %s repeated (first at line %d)", where, k.Value, prev)
			continue
		}
		if v.Kind == yaml.AliasNode {
			p.addf(v.Line, "%s: aliases are not supported in a mapping file", k.Value)
			continue
		}
		e.keys = append(e.keys, k.Value)
		e.m[k.Value] = v
		e.line[k.Value] = k.Line
	}
	return e
}

func (p *mparser) scalar(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		p.addf(n.Line, "expected a single value, not a list or mapping")
		return ""
	}
	return n.Value
}

// yamlErrLine digs the line out of a yaml.v3 error ("yaml: line 3: …").
func yamlErrLine(err error) int {
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		j := i + 5
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if n, e := strconv.Atoi(s[j:k]); e == nil {
			return n
		}
	}
	return 1
}

func yamlErrMsg(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "line ") {
		s = s[i+2:]
	}
	return s
}
