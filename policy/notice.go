package policy

// The notice section of a policy file: what the privacy notice says beyond
// the registers (cookies, profiling, security, how to exercise rights, the
// supervisory authority) and per-language overrides of any paragraph the
// notice package generates. docs/policy.md, "The privacy notice", describes
// the keys; docs/notice.md the notice they produce.

import (
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Notice is the notice section of a policy. Every field is optional: a
// policy without one still renders a complete notice from its registers.
type Notice struct {
	// Title replaces the default title ("Tietosuojaseloste").
	Title Text
	// Version and Published are the version and date of the notice the
	// organisation has published; the renderer's options win over them.
	Version   string
	Published time.Time
	// RightsContact says how and where to send a request about one's
	// rights (seed 002 §11: in writing, signed, to the registry office).
	RightsContact Text
	// IdentityVerification says how the requester's identity is verified
	// (seed 004 §9: strong electronic identification or an ID document).
	IdentityVerification Text
	// Security holds the organisation's own paragraphs on the principles of
	// protection; the notice adds what the software itself enforces.
	Security []Text
	// AutomatedDecisions is the statement on automated decision-making and
	// profiling (GDPR art. 22); without it the notice says there is none.
	AutomatedDecisions Text
	// Cookies, when set, adds the cookies section (seed 001).
	Cookies *Cookies
	// Authority replaces the default supervisory authority, the Office of
	// the Data Protection Ombudsman.
	Authority *Authority
	// ExtensionReasons gives the notice wording of extension reasons that
	// have no built-in wording (see ExtensionReasonPhrases).
	ExtensionReasons map[string]Text
	// Paragraphs overrides generated paragraphs, by paragraph id (see
	// NoticeParagraphs), in the languages given; the others stay generated.
	Paragraphs map[string]Text
	// ParagraphLines is the source line of each override.
	ParagraphLines map[string]int
	Line           int
}

// Cookies describes the cookies of the organisation's website.
type Cookies struct {
	Purposes     []Text // why cookies are used
	Data         []Text // what is collected through them
	ThirdParties []Text // third-party services, e.g. web analytics
}

// Authority is the supervisory authority's contact details.
type Authority struct {
	Name, Address, VisitingAddress Text
	Phone, Email, Web              string
}

// NoticeParagraphs returns the fixed paragraph ids a policy may override.
// Besides these, "retention.REGISTER" overrides the retention text of one
// register and "retention.REGISTER.PART" that of one rule. The retention
// section as a whole is not overridable: it is what the engine enforces.
func NoticeParagraphs() []string {
	return []string{
		"intro", "controller", "dpo", "registers", "purposes", "legal_basis",
		"subject_groups", "data_categories", "sources", "recipients", "transfers",
		"security", "automated_decisions", "cookies",
		"rights.access", "rights.rectification", "rights.erasure", "rights.restriction",
		"rights.notification", "rights.portability", "rights.objection",
		"rights.automated", "rights.consent", "rights.identity", "complaint",
	}
}

// ExtensionReasonPhrases are the extension reasons whose notice wording
// is built in; any other reason needs a text in notice.extension_reasons,
// or the notice could not say why a record is kept longer.
func ExtensionReasonPhrases() []string {
	return []string{"quality_project", "complaint", "legal_claim", "authority_request",
		"open_invoice", "debt_collection", "statutory_task", "training"}
}

var (
	noticeKeys    = []string{"title", "version", "published", "rights_contact", "identity_verification", "security", "automated_decisions", "cookies", "supervisory_authority", "extension_reasons", "paragraphs"}
	cookieKeys    = []string{"purposes", "data", "third_parties"}
	authorityKeys = []string{"name", "address", "visiting_address", "phone", "email", "web"}
)

// notice reads the notice section, if any, and checks what ties it to the
// registers: every override names a paragraph that exists, and every
// extension reason can be worded in the notice. It runs after the
// registers are read.
func (p *parser) notice(f fields, pol *Policy) {
	var n *Notice
	if v, ok := f.get("notice"); ok {
		n = p.noticeSection(v, pol)
	}
	pol.Notice = n
	known := ExtensionReasonPhrases()
	for _, r := range pol.Registers {
		for _, rule := range r.Retention {
			if rule.Extension == nil {
				continue
			}
			for _, reason := range rule.Extension.Reasons {
				if slices.Contains(known, reason) {
					continue
				}
				if n != nil && n.ExtensionReasons[reason] != nil {
					continue
				}
				p.addf(&yaml.Node{Line: rule.Extension.Line}, "register %s, part %s: extension reason %q has no wording for the notice; add it under notice.extension_reasons (built in: %s)",
					r.ID, rule.Part, reason, strings.Join(known, ", "))
			}
		}
	}
}

func (p *parser) noticeSection(n *yaml.Node, pol *Policy) *Notice {
	f := p.mapping("notice", n, "in notice", noticeKeys)
	if f == nil {
		return nil
	}
	nt := &Notice{Line: n.Line}
	if v, ok := f.get("title"); ok {
		nt.Title = p.text("notice.title", v)
	}
	nt.Version = p.str(f, "notice", "version")
	if v, ok := f.get("published"); ok {
		s := p.scalar("notice.published", v)
		if t, err := time.Parse(time.DateOnly, s); err != nil {
			p.addf(v, "notice.published: %q is not a date; write YYYY-MM-DD", s)
		} else {
			nt.Published = t
		}
	}
	if v, ok := f.get("rights_contact"); ok {
		nt.RightsContact = p.text("notice.rights_contact", v)
	}
	if v, ok := f.get("identity_verification"); ok {
		nt.IdentityVerification = p.text("notice.identity_verification", v)
	}
	if v, ok := f.get("security"); ok {
		nt.Security = p.texts("notice.security", v)
	}
	if v, ok := f.get("automated_decisions"); ok {
		nt.AutomatedDecisions = p.text("notice.automated_decisions", v)
	}
	if v, ok := f.get("cookies"); ok {
		if cf := p.mapping("notice.cookies", v, "in notice.cookies", cookieKeys); cf != nil {
			c := &Cookies{}
			if v, ok := cf.get("purposes"); ok {
				c.Purposes = p.texts("notice.cookies.purposes", v)
			}
			if v, ok := cf.get("data"); ok {
				c.Data = p.texts("notice.cookies.data", v)
			}
			if v, ok := cf.get("third_parties"); ok {
				c.ThirdParties = p.texts("notice.cookies.third_parties", v)
			}
			if len(c.Purposes) == 0 {
				p.addf(v, "notice.cookies.purposes: missing; say why the website uses cookies")
			}
			nt.Cookies = c
		}
	}
	if v, ok := f.get("supervisory_authority"); ok {
		if af := p.mapping("notice.supervisory_authority", v, "in notice.supervisory_authority", authorityKeys); af != nil {
			a := &Authority{}
			if v, ok := af.get("name"); ok {
				a.Name = p.text("notice.supervisory_authority.name", v)
			} else {
				p.addf(v, "notice.supervisory_authority.name: missing")
			}
			if v, ok := af.get("address"); ok {
				a.Address = p.text("notice.supervisory_authority.address", v)
			}
			if v, ok := af.get("visiting_address"); ok {
				a.VisitingAddress = p.text("notice.supervisory_authority.visiting_address", v)
			}
			a.Phone = p.str(af, "notice.supervisory_authority", "phone")
			a.Email = p.str(af, "notice.supervisory_authority", "email")
			a.Web = p.str(af, "notice.supervisory_authority", "web")
			if a.Email != "" && !plausibleEmail(a.Email) {
				p.addf(af["email"].val, "notice.supervisory_authority.email: %q is not an e-mail address", a.Email)
			}
			nt.Authority = a
		}
	}
	if v, ok := f.get("extension_reasons"); ok {
		ef := p.mappingWith("notice.extension_reasons", v, "in notice.extension_reasons", "a reason word (a–z, 0–9, _)",
			func(k string) bool { return idPattern.MatchString(k) }, "reason")
		nt.ExtensionReasons = map[string]Text{}
		for _, k := range sortedKeys(ef) {
			if v, ok := ef.get(k); ok {
				if t := p.text("notice.extension_reasons."+k, v); t != nil {
					nt.ExtensionReasons[k] = t
				}
			}
		}
	}
	if v, ok := f.get("paragraphs"); ok {
		nt.Paragraphs, nt.ParagraphLines = p.paragraphs(v, pol)
	}
	return nt
}

// paragraphs reads the overrides. An override may give any of the
// languages: a Swedish correction needs no Finnish copy of the generated
// Finnish text. A retention override must name a register and a part that
// has a rule, since a notice text about retention no rule enforces is the
// drift this whole design exists to prevent.
func (p *parser) paragraphs(n *yaml.Node, pol *Policy) (map[string]Text, map[string]int) {
	fixed := NoticeParagraphs()
	f := p.mappingWith("notice.paragraphs", n, "in notice.paragraphs", strings.Join(fixed, ", ")+", retention.REGISTER, retention.REGISTER.PART",
		func(k string) bool { return slices.Contains(fixed, k) || strings.HasPrefix(k, "retention.") }, "paragraph")
	out, lines := map[string]Text{}, map[string]int{}
	for _, k := range sortedKeys(f) {
		e := f[k]
		path := "notice.paragraphs." + k
		if reg, part, ok := strings.Cut(strings.TrimPrefix(k, "retention."), "."); strings.HasPrefix(k, "retention.") {
			r := pol.Register(reg)
			switch {
			case r == nil:
				p.addf(e.key, "%s: no register %q; a retention text must belong to a register's rule", path, reg)
				continue
			case ok:
				if _, has := r.Rule(Part(part)); !has {
					p.addf(e.key, "%s: register %q has no retention rule for part %q; a notice text without a rule would promise what nothing enforces", path, reg, part)
					continue
				}
			}
		}
		t := p.overrideText(path, e.val)
		if t != nil && strings.HasPrefix(k, "retention.") {
			p.placeholders(path, e.val, t, pol, k)
		}
		if t != nil {
			out[k], lines[k] = t, e.key.Line
		}
	}
	return out, lines
}

// placeholders checks that a retention override takes its periods from
// the rules: {keep} (and {cap} with an extension) in a part's text,
// {keep.PART} (and {cap.PART}) for every rule in a register's, or {keep}
// when all the register's rules keep alike.
func (p *parser) placeholders(path string, n *yaml.Node, t Text, pol *Policy, key string) {
	reg, part, one := strings.Cut(strings.TrimPrefix(key, "retention."), ".")
	r := pol.Register(reg)
	var need []string
	for _, rule := range r.Retention {
		switch {
		case one && string(rule.Part) == part:
			need = append(need, "{keep}")
			if rule.Extension != nil {
				need = append(need, "{cap}")
			}
		case !one:
			need = append(need, "{keep."+string(rule.Part)+"}")
			if rule.Extension != nil {
				need = append(need, "{cap."+string(rule.Part)+"}")
			}
		}
	}
	// A register whose rules all keep alike may say {keep} once.
	alike := !one && len(r.Retention) > 0
	for _, rule := range r.Retention {
		if rule.Keep != r.Retention[0].Keep || rule.Extension != nil {
			alike = false
		}
	}
	for _, lang := range Languages() {
		s, ok := t[lang]
		if !ok {
			continue
		}
		if alike && strings.Contains(s, "{keep}") {
			continue
		}
		for _, ph := range need {
			if !strings.Contains(s, ph) {
				p.addf(n, "%s.%s: write %s where the period goes, so that the text follows the rule (give the rest of the sentence around it)", path, lang, ph)
			}
		}
	}
}

// overrideText reads a text like text, but does not require Finnish.
func (p *parser) overrideText(path string, n *yaml.Node) Text {
	if n.Kind != yaml.MappingNode {
		return p.text(path, n)
	}
	f := p.mapping(path, n, "in a text", Languages())
	t := Text{}
	for _, lang := range Languages() {
		if v, ok := f.get(lang); ok {
			if s := p.scalar(path+"."+lang, v); s != "" {
				t[lang] = s
			}
		}
	}
	if len(t) == 0 {
		p.addf(n, "%s: empty; give the text in fi, sv or en", path)
		return nil
	}
	return t
}

func sortedKeys(f fields) []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return f[keys[i]].key.Line < f[keys[j]].key.Line })
	return keys
}

// Paragraph returns the override of paragraph id in lang, or "".
func (n *Notice) Paragraph(id, lang string) string {
	if n == nil {
		return ""
	}
	return n.Paragraphs[id][lang]
}
