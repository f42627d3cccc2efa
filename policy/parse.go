package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads the policy file at path and parses it. Any problem, including
// a file that cannot be read, is returned as Problems.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, Problems{{File: path, Message: "cannot read policy file: " + err.Error()}}
	}
	return Parse(path, data)
}

// Parse parses and validates a policy file; file names it in problems. It
// returns either a valid policy, or nil and Problems listing everything
// wrong, each with the line of the offending YAML node.
func Parse(file string, data []byte) (*Policy, error) {
	p := &parser{file: file}
	pol := p.document(data)
	if len(p.probs) > 0 {
		sort.SliceStable(p.probs, func(i, j int) bool { return p.probs[i].Line < p.probs[j].Line })
		if p.truncated {
			p.probs = append(p.probs, Problem{File: file, Message: fmt.Sprintf("stopped after %d problems; fix these first", maxProblems)})
		}
		return nil, p.probs
	}
	pol.File = file
	return pol, nil
}

// The keys allowed in each mapping. Later features add theirs here: an
// unknown key is an error, so that a misspelt "retension" never silently
// turns into "keep for ever".
var (
	topKeys       = []string{"version", "controller", "dpo", "registers", "notice"}
	partyKeys     = []string{"name", "business_id", "address", "visiting_address", "email", "phone", "contact_person"}
	registerKeys  = []string{"id", "name", "records", "kinds", "purposes", "legal_basis", "data_categories", "subject_groups", "sources", "recipients", "transfers", "erasure_exceptions", "access", "require_purpose", "recording_notice", "retention", "lifecycle", "redaction"}
	legalKeys     = []string{"gdpr", "national"}
	transferKeys  = []string{"outside_eea", "description"}
	ruleKeys      = []string{"part", "keep", "from", "extension"}
	extensionKeys = []string{"reasons", "cap"}
)

var (
	idPattern     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	businessIDPat = regexp.MustCompile(`^[0-9]{7}-[0-9]$`)
)

type parser struct {
	file  string
	probs Problems
	// work counts the list items and mapping entries walked. Aliases let
	// a small file expand into a huge tree ("billion laughs"); past
	// maxWork the parser reports one problem and stops.
	work      int
	stopped   bool
	truncated bool // more than maxProblems problems
}

const (
	maxWork     = 200_000 // the seed 002 example walks about 1,000
	maxProblems = 500
)

// spend adds the entries of n to the work done; false (with a problem, once)
// when the budget is exhausted.
func (p *parser) spend(n *yaml.Node) bool {
	if p.stopped {
		return false
	}
	p.work += len(n.Content) + 1
	if p.work > maxWork {
		p.addf(n, "the policy expands to more than %d entries (through aliases?); refusing it", maxWork)
		p.stopped = true
		return false
	}
	return true
}

func (p *parser) addf(n *yaml.Node, format string, args ...any) {
	if p.stopped {
		return
	}
	if len(p.probs) == maxProblems {
		p.truncated, p.stopped = true, true
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	p.probs = append(p.probs, Problem{File: p.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

var (
	syntaxLine = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)
	anchorName = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// parserErrors are the messages of yaml.v3's parser (not its scanner).
// yaml.v3 reports their line 0-based (it adds 1 only for scanner errors),
// and omits the line when it is the first; syntax corrects both.
var parserErrors = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"found undefined tag handle",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

func (p *parser) syntax(err error, data []byte) {
	msg := err.Error()
	line := 0
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if slices.Contains(parserErrors, msg) {
			line++
		}
	} else if m := anchorName.FindStringSubmatch(msg); m != nil {
		// The YAML library gives no line; the first use of the alias is it.
		line = lineOf(data, "*"+m[1])
		msg = fmt.Sprintf("alias *%s refers to no anchor &%s", m[1], m[1])
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
		if slices.Contains(parserErrors, msg) || strings.HasPrefix(msg, "found ") || strings.HasPrefix(msg, "did not find") || strings.HasPrefix(msg, "could not find") {
			line = 1 // the YAML library leaves out line 1
		}
	}
	p.probs = append(p.probs, Problem{File: p.file, Line: line, Message: "YAML syntax error: " + msg})
}

// lineOf returns the 1-based line of the first occurrence of s in data, or 0.
func lineOf(data []byte, s string) int {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

// decode reads the YAML documents; a panic inside the YAML library on
// hostile input becomes a problem rather than a crash of `policy check`.
func (p *parser) decode(data []byte) (root *yaml.Node) {
	defer func() {
		if r := recover(); r != nil {
			root = nil
			p.probs = append(p.probs, Problem{File: p.file, Message: fmt.Sprintf("YAML syntax error: %v", r)})
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.addf(nil, "empty policy file; see docs/policy.md for the format")
		} else {
			p.syntax(err, data)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		n := &extra
		if len(extra.Content) > 0 {
			n = extra.Content[0]
		}
		p.addf(n, "a second YAML document; a policy file holds one")
	} else if !errors.Is(err, io.EOF) {
		p.syntax(err, data)
	}
	if len(doc.Content) == 0 {
		p.addf(&doc, "empty policy file; see docs/policy.md for the format")
		return nil
	}
	return doc.Content[0]
}

func (p *parser) document(data []byte) *Policy {
	root := p.decode(data)
	if root == nil {
		return nil
	}
	root = resolve(root)
	if isNull(root) {
		p.addf(root, "empty policy file; see docs/policy.md for the format")
		return nil
	}
	f := p.mapping("", root, "at the top level", topKeys)
	if f == nil {
		return nil
	}
	pol := &Policy{}

	if v, ok := f.get("version"); !ok {
		p.addf(root, "version: missing; write version: 1")
	} else if v.ShortTag() != "!!int" {
		p.addf(v, "version: expected the number 1, got %s", describe(v))
	} else if v.Value != "1" {
		p.addf(v, "version: unsupported version %s; this Kirjaamo reads version 1", v.Value)
	} else {
		pol.Version = 1
	}

	if v, ok := f.get("controller"); !ok {
		p.addf(root, "controller: missing; name the controller (rekisterinpitäjä) and its contact details")
	} else {
		pol.Controller = p.party("controller", v)
		if pol.Controller.Name == "" && v.Kind == yaml.MappingNode {
			p.addf(f["controller"].key, "controller.name: missing")
		}
	}

	if v, ok := f.get("dpo"); !ok {
		p.addf(root, "dpo: missing; name the data protection officer (tietosuojavastaava) and how to reach them")
	} else {
		pol.DPO = p.party("dpo", v)
		if v.Kind == yaml.MappingNode && pol.DPO.Email == "" && pol.DPO.Phone == "" && pol.DPO.Address == "" {
			p.addf(f["dpo"].key, "dpo: give at least an email, phone or address so that data subjects can reach the DPO")
		}
	}

	if v, ok := f.get("registers"); !ok {
		p.addf(root, "registers: missing; a policy needs at least one register")
	} else {
		pol.Registers = p.registers(f["registers"].key, v)
	}
	p.notice(f, pol)
	return pol
}

// party reads the controller or the DPO.
func (p *parser) party(path string, n *yaml.Node) Party {
	f := p.mapping(path, n, "in "+path, partyKeys)
	var pt Party
	if f == nil {
		return pt
	}
	pt.Name = p.str(f, path, "name")
	pt.BusinessID = p.str(f, path, "business_id")
	pt.Address = p.str(f, path, "address")
	pt.Email = p.str(f, path, "email")
	pt.Phone = p.str(f, path, "phone")
	pt.ContactPerson = p.str(f, path, "contact_person")
	pt.VisitingAddress = p.str(f, path, "visiting_address")
	if pt.BusinessID != "" {
		if msg := checkBusinessID(pt.BusinessID); msg != "" {
			p.addf(f["business_id"].val, "%s.business_id: %s", path, msg)
		}
	}
	if pt.Email != "" && !plausibleEmail(pt.Email) {
		p.addf(f["email"].val, "%s.email: %q is not an e-mail address", path, pt.Email)
	}
	return pt
}

// checkBusinessID validates a Finnish business ID (Y-tunnus) with its check
// digit; it returns "" when the ID is valid.
func checkBusinessID(s string) string {
	if !businessIDPat.MatchString(s) {
		return fmt.Sprintf("%q is not a Finnish business ID (Y-tunnus), which is written 1234567-8", s)
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	check := 0
	switch r := sum % 11; r {
	case 0:
	case 1:
		return fmt.Sprintf("%q is not a valid business ID: no valid ID has these seven digits", s)
	default:
		check = 11 - r
	}
	if int(s[8]-'0') != check {
		return fmt.Sprintf("%q is not a valid business ID: the check digit should be %d", s, check)
	}
	return ""
}

func plausibleEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at == strings.LastIndexByte(s, '@') && at < len(s)-1 &&
		!strings.ContainsAny(s, " \t<>,") && strings.Contains(s[at+1:], ".")
}

func (p *parser) registers(key, n *yaml.Node) []*Register {
	items := p.list("registers", n)
	if len(items) == 0 {
		if n.Kind == yaml.SequenceNode {
			p.addf(key, "registers: empty; a policy needs at least one register")
		}
		return nil
	}
	c := &crossCheck{ids: map[string]int{}, kinds: map[ContactKind]claim{}}
	var regs []*Register
	for i, item := range items {
		if r := p.register(fmt.Sprintf("registers[%d]", i), item, c); r != nil {
			regs = append(regs, r)
		}
	}
	switch len(c.subjects) {
	case 0:
		if c.badRecords {
			break // the register with the broken records may be the subjects one
		}
		p.addf(key, "registers: no register has records: subjects; exactly one must hold the data subjects")
	case 1:
	default:
		first := c.subjects[0]
		for _, s := range c.subjects[1:] {
			p.addf(s.node, "%s.records: a second register with records: subjects (the first is %q at line %d); exactly one is allowed", s.path, first.id, first.node.Line)
		}
	}
	return regs
}

// crossCheck collects what must be unique across registers.
type crossCheck struct {
	ids        map[string]int        // register id → line
	badRecords bool                  // some register's records is missing or unknown
	kinds      map[ContactKind]claim // kind → the register that claimed it
	subjects   []claim               // the registers with records: subjects
}

type claim struct {
	id, path string
	node     *yaml.Node
}

func (p *parser) register(path string, n *yaml.Node, c *crossCheck) *Register {
	f := p.mapping(path, n, "in a register", registerKeys)
	if f == nil {
		return nil
	}
	r := &Register{Line: n.Line, Access: map[Action][]Role{}}

	// id
	if v, ok := f.get("id"); !ok {
		p.addf(n, "%s.id: missing", path)
	} else if r.ID = p.str(f, path, "id"); r.ID != "" {
		if !idPattern.MatchString(r.ID) || len(r.ID) > 64 {
			p.addf(v, "%s.id: %q is not a valid id: start with a lower-case letter a–z, then use only a–z, 0–9 and _ (at most 64)", path, r.ID)
		} else if line, dup := c.ids[r.ID]; dup {
			p.addf(v, "%s.id: duplicate register id %q (first at line %d)", path, r.ID, line)
		} else {
			c.ids[r.ID] = v.Line
		}
	} else if v.Kind == yaml.ScalarNode {
		p.addf(v, "%s.id: empty", path)
	}

	// name
	if v, ok := f.get("name"); !ok {
		p.addf(n, "%s.name: missing", path)
	} else {
		r.Name = p.text(path+".name", v)
	}

	// records
	recordsOK := false
	if v, ok := f.get("records"); !ok {
		p.addf(n, "%s.records: missing; one of %s", path, joinAny(RecordsTypes()))
		c.badRecords = true
	} else if s := p.str(f, path, "records"); s == "" && v.Kind != yaml.ScalarNode {
		c.badRecords = true // a list or mapping, reported by str
	} else {
		r.Records = Records(s)
		if !slices.Contains(RecordsTypes(), r.Records) {
			p.addf(v, "%s.records: unknown value %q (allowed: %s)", path, s, joinAny(RecordsTypes()))
			c.badRecords = true
		} else {
			recordsOK = true
			if r.Records == RecordsSubjects {
				c.subjects = append(c.subjects, claim{id: r.ID, path: path, node: v})
			}
		}
	}

	// kinds
	kindsNode, hasKinds := f.get("kinds")
	if hasKinds {
		items := p.list(path+".kinds", kindsNode)
		if recordsOK && r.Records != RecordsContacts && len(items) > 0 {
			p.addf(kindsNode, "%s.kinds: only a register with records: contacts has kinds", path)
		}
		for i, it := range items {
			ip := fmt.Sprintf("%s.kinds[%d]", path, i)
			s := p.scalar(ip, it)
			if s == "" {
				continue
			}
			k := ContactKind(s)
			switch {
			case !ValidKind(k):
				p.addf(it, "%s: unknown kind %q (allowed: %s)", ip, s, joinAny(Kinds()))
			case slices.Contains(r.Kinds, k):
				p.addf(it, "%s: kind %q listed twice", ip, s)
			default:
				r.Kinds = append(r.Kinds, k)
				if recordsOK && r.Records == RecordsContacts {
					if prev, taken := c.kinds[k]; taken {
						p.addf(it, "%s: kind %q already belongs to register %q (line %d); a kind is kept in one register", ip, s, prev.id, prev.node.Line)
					} else {
						c.kinds[k] = claim{id: r.ID, path: ip, node: it}
					}
				}
			}
		}
	}
	if recordsOK && r.Records == RecordsContacts && len(r.Kinds) == 0 {
		at := n
		if hasKinds {
			at = kindsNode
		}
		p.addf(at, "%s.kinds: a contacts register needs kinds (allowed: %s)", path, joinAny(Kinds()))
	}

	// purposes, legal basis, data categories: what the notice must state
	if v, ok := f.get("purposes"); !ok {
		p.addf(n, "%s.purposes: missing; state at least one purpose", path)
	} else if r.Purposes = p.texts(path+".purposes", v); len(r.Purposes) == 0 && v.Kind == yaml.SequenceNode {
		p.addf(v, "%s.purposes: empty; state at least one purpose", path)
	}
	if v, ok := f.get("legal_basis"); !ok {
		p.addf(n, "%s.legal_basis: missing; give the GDPR art. 6(1) point(s) (gdpr: [6(1)(b)])", path)
	} else {
		r.LegalBasis = p.legalBasis(path+".legal_basis", f["legal_basis"].key, v)
	}
	if v, ok := f.get("data_categories"); !ok {
		p.addf(n, "%s.data_categories: missing; list the categories of personal data", path)
	} else if r.DataCategories = p.texts(path+".data_categories", v); len(r.DataCategories) == 0 && v.Kind == yaml.SequenceNode {
		p.addf(v, "%s.data_categories: empty; list the categories of personal data", path)
	}
	if v, ok := f.get("subject_groups"); ok {
		r.SubjectGroups = p.texts(path+".subject_groups", v)
	}
	if v, ok := f.get("sources"); ok {
		r.Sources = p.texts(path+".sources", v)
	}
	if v, ok := f.get("recipients"); ok {
		r.Recipients = p.texts(path+".recipients", v)
	}
	if v, ok := f.get("transfers"); ok {
		r.Transfers = p.transfers(path+".transfers", f["transfers"].key, v)
	}

	// erasure exceptions
	if v, ok := f.get("erasure_exceptions"); ok {
		for i, it := range p.list(path+".erasure_exceptions", v) {
			ip := fmt.Sprintf("%s.erasure_exceptions[%d]", path, i)
			s := p.scalar(ip, it)
			switch {
			case s == "":
			case !slices.Contains(ErasureExceptions(), s):
				p.addf(it, "%s: unknown erasure exception %q (allowed: %s)", ip, s, strings.Join(ErasureExceptions(), ", "))
			case slices.Contains(r.ErasureExceptions, s):
				p.addf(it, "%s: %q listed twice", ip, s)
			default:
				r.ErasureExceptions = append(r.ErasureExceptions, s)
			}
		}
	}

	// access and purposes
	if v, ok := f.get("access"); ok {
		p.access(path+".access", v, r)
	}
	if v, ok := f.get("require_purpose"); ok {
		for i, it := range p.list(path+".require_purpose", v) {
			ip := fmt.Sprintf("%s.require_purpose[%d]", path, i)
			s := p.scalar(ip, it)
			switch a := Action(s); {
			case s == "":
			case !ValidAction(a):
				p.addf(it, "%s: unknown action %q (allowed: %s)", ip, s, joinAny(Actions()))
			case slices.Contains(r.RequirePurpose, a):
				p.addf(it, "%s: %q listed twice", ip, s)
			default:
				r.RequirePurpose = append(r.RequirePurpose, a)
			}
		}
	}
	if v, ok := f.get("recording_notice"); ok {
		r.RecordingNotice = p.boolean(path+".recording_notice", v)
		if r.RecordingNotice && recordsOK && !r.Accepts(KindCall) {
			p.addf(v, "%s.recording_notice: only calls are recorded, and this register has no kind call", path)
		}
	}

	// retention
	if v, ok := f.get("retention"); !ok {
		p.addf(n, "%s.retention: missing; every register needs retention rules", path)
	} else {
		p.retention(path, f["retention"].key, v, r, recordsOK)
	}
	if v, ok := f.get("lifecycle"); ok && recordsOK {
		p.lifecycle(path, f["lifecycle"].key, v, r)
	}
	if v, ok := f.get("redaction"); ok && recordsOK {
		p.redaction(path, v, r)
	}
	if len(r.Access[ActionRecording]) > 0 && recordsOK {
		if _, ok := r.Rule(PartRecording); !ok {
			p.addf(f["access"].val, "%s.access.recording: this register keeps no recordings (no retention rule for part recording)", path)
		}
	}
	return r
}

// legalBasis reads legal_basis; at is its key, where missing keys are
// reported (for a block mapping, n itself starts on the next line).
func (p *parser) legalBasis(path string, at, n *yaml.Node) LegalBasis {
	var lb LegalBasis
	f := p.mapping(path, n, "in legal_basis", legalKeys)
	if f == nil {
		if isNull(n) {
			p.addf(n, "%s: empty; give the GDPR art. 6(1) point(s) (gdpr: [6(1)(b)])", path)
		}
		return lb
	}
	if v, ok := f.get("gdpr"); !ok {
		p.addf(at, "%s.gdpr: missing; give at least one GDPR art. 6(1) point, e.g. 6(1)(b)", path)
	} else {
		items := p.list(path+".gdpr", v)
		if len(items) == 0 && v.Kind == yaml.SequenceNode {
			p.addf(v, "%s.gdpr: empty; give at least one GDPR art. 6(1) point, e.g. 6(1)(b)", path)
		}
		for i, it := range items {
			ip := fmt.Sprintf("%s.gdpr[%d]", path, i)
			s := p.scalar(ip, it)
			switch {
			case s == "":
			case !slices.Contains(GDPRPoints(), s):
				p.addf(it, "%s: unknown GDPR point %q (allowed: %s)", ip, s, strings.Join(GDPRPoints(), ", "))
			case slices.Contains(lb.GDPR, s):
				p.addf(it, "%s: %q listed twice", ip, s)
			default:
				lb.GDPR = append(lb.GDPR, s)
			}
		}
	}
	if v, ok := f.get("national"); ok {
		lb.National = p.texts(path+".national", v)
	}
	return lb
}

func (p *parser) transfers(path string, at, n *yaml.Node) Transfers {
	var t Transfers
	f := p.mapping(path, n, "in transfers", transferKeys)
	if f == nil {
		return t
	}
	if v, ok := f.get("outside_eea"); ok {
		t.OutsideEEA = p.boolean(path+".outside_eea", v)
	} else {
		p.addf(at, "%s.outside_eea: missing; true or false", path)
	}
	if v, ok := f.get("description"); ok {
		t.Description = p.text(path+".description", v)
	}
	if t.OutsideEEA && t.Description.In("fi") == "" {
		p.addf(at, "%s.description: missing; when data may leave the EU/EEA, say when and on what safeguards (GDPR art. 13(1)(f))", path)
	}
	return t
}

func (p *parser) access(path string, n *yaml.Node, r *Register) {
	f := p.mappingWith(path, n, "in access", joinAny(Actions()), func(k string) bool { return ValidAction(Action(k)) }, "action")
	if f == nil {
		return
	}
	for _, a := range Actions() {
		v, ok := f.get(string(a))
		if !ok {
			continue
		}
		ap := path + "." + string(a)
		roles := []Role{}
		for i, it := range p.list(ap, v) {
			ip := fmt.Sprintf("%s[%d]", ap, i)
			s := p.scalar(ip, it)
			switch role := Role(s); {
			case s == "":
			case !ValidRole(role):
				p.addf(it, "%s: unknown role %q (allowed: %s)", ip, s, joinAny(Roles()))
			case slices.Contains(roles, role):
				p.addf(it, "%s: role %q listed twice", ip, s)
			default:
				roles = append(roles, role)
			}
		}
		r.Access[a] = roles
	}
}

func (p *parser) retention(path string, key, n *yaml.Node, r *Register, recordsOK bool) {
	items := p.list(path+".retention", n)
	if len(items) == 0 {
		if n.Kind == yaml.SequenceNode {
			p.addf(key, "%s.retention: empty; every register needs retention rules", path)
		}
		return
	}
	seen := map[Part]int{}
	for i, it := range items {
		rp := fmt.Sprintf("%s.retention[%d]", path, i)
		f := p.mapping(rp, it, "in a retention rule", ruleKeys)
		if f == nil {
			continue
		}
		rule := RetentionRule{Line: it.Line}

		if v, has := f.get("part"); !has {
			p.addf(it, "%s.part: missing (one of %s)", rp, joinAny(PartsFor(r.Records)))
		} else if s := p.scalar(rp+".part", v); s != "" {
			rule.Part = Part(s)
			switch {
			case !slices.Contains(Parts(), rule.Part):
				p.addf(v, "%s.part: unknown part %q (allowed: %s)", rp, s, joinAny(Parts()))
			case recordsOK && !slices.Contains(PartsFor(r.Records), rule.Part):
				p.addf(v, "%s.part: part %q does not belong in a register with records: %s (allowed: %s)", rp, s, r.Records, joinAny(PartsFor(r.Records)))
			case rule.Part == PartRecording && recordsOK && !r.Accepts(KindCall):
				p.addf(v, "%s.part: only calls have recordings, and this register has no kind call", rp)
			}
			if line, dup := seen[rule.Part]; dup {
				p.addf(v, "%s.part: part %q already has a rule (line %d)", rp, s, line)
			} else {
				seen[rule.Part] = it.Line
			}
		}

		keepOK := false
		if v, has := f.get("keep"); !has {
			p.addf(it, "%s.keep: missing; a duration such as 180d, 6m or 10y", rp)
		} else {
			rule.Keep, keepOK = p.duration(rp+".keep", v)
		}

		if v, has := f.get("from"); !has {
			p.addf(it, "%s.from: missing (one of %s)", rp, joinAny(Events()))
		} else if s := p.scalar(rp+".from", v); s != "" {
			rule.From = Event(s)
			switch {
			case !slices.Contains(Events(), rule.From):
				p.addf(v, "%s.from: unknown event %q (allowed: %s)", rp, s, joinAny(Events()))
			case rule.From == EventContactEnd && recordsOK && r.Records == RecordsSubjects:
				p.addf(v, "%s.from: contact_end means nothing for a subject; use relationship_end, last_activity or created", rp)
			}
		}

		if v, has := f.get("extension"); has {
			rule.Extension = p.extension(rp+".extension", f["extension"].key, v, rule.Keep, keepOK)
		}
		r.Retention = append(r.Retention, rule)
	}
	if req, known := RequiredPart(r.Records); known && recordsOK {
		if _, has := seen[req]; !has {
			p.addf(key, "%s.retention: no rule for part %s, which every record of a register with records: %s has", path, req, r.Records)
		}
	}
}

func (p *parser) duration(path string, n *yaml.Node) (Duration, bool) {
	s := p.scalar(path, n)
	if s == "" {
		if n.Kind == yaml.ScalarNode {
			p.addf(n, "%s: empty; a duration such as 180d, 6m or 10y", path)
		}
		return Duration{}, false
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.addf(n, "%s: %v", path, err)
		return Duration{}, false
	}
	if d.IsZero() {
		p.addf(n, "%s: zero duration %q; a rule keeps a part for some time", path, s)
		return Duration{}, false
	}
	return d, true
}

func (p *parser) extension(path string, at, n *yaml.Node, keep Duration, keepOK bool) *Extension {
	f := p.mapping(path, n, "in an extension", extensionKeys)
	if f == nil {
		return nil
	}
	e := &Extension{Line: n.Line}
	if v, ok := f.get("reasons"); !ok {
		p.addf(at, "%s.reasons: missing; list the reasons a record may be kept longer (e.g. complaint)", path)
	} else {
		items := p.list(path+".reasons", v)
		if len(items) == 0 && v.Kind == yaml.SequenceNode {
			p.addf(v, "%s.reasons: empty; list the reasons a record may be kept longer (e.g. complaint)", path)
		}
		for i, it := range items {
			ip := fmt.Sprintf("%s.reasons[%d]", path, i)
			s := p.scalar(ip, it)
			switch {
			case s == "":
			case !idPattern.MatchString(s):
				p.addf(it, "%s: %q is not a valid reason: use a word like complaint or quality_project (a–z, 0–9, _)", ip, s)
			case slices.Contains(e.Reasons, s):
				p.addf(it, "%s: %q listed twice", ip, s)
			default:
				e.Reasons = append(e.Reasons, s)
			}
		}
	}
	if v, ok := f.get("cap"); !ok {
		p.addf(at, "%s.cap: missing; the longest retention with the extension, from the rule's start event", path)
	} else if d, ok := p.duration(path+".cap", v); ok {
		e.Cap = d
		if keepOK && !d.LongerThan(keep) {
			p.addf(v, "%s.cap: cap %s must be longer than keep %s (the cap is counted from the same start, not added to keep)", path, d, keep)
		}
	}
	return e
}
