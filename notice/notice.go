// Package notice renders the privacy notice (tietosuojaseloste) and the
// record of processing activities from the policy that Kirjaamo enforces,
// so that what the organisation promises and what the software does come
// from one file. Retention sentences are built from the same RetentionRule
// values the retention engine computes expiry with.
//
// The package is pure logic: it reads a *policy.Policy and returns bytes.
// docs/notice.md describes the notice it produces.
package notice

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Options are what the policy file does not know about a published notice.
// A zero field falls back to the policy's notice.version and
// notice.published; when both are empty the line is left out.
type Options struct {
	Version   string
	Published time.Time
}

// Formats returns the output formats of Render.
func Formats() []string { return []string{"md", "html"} }

// Render renders the privacy notice of p in lang ("fi", "sv", "en") as
// format ("md" or "html"). The same policy, language, format and options
// always give the same bytes, so Digest identifies a published version.
func Render(p *policy.Policy, lang, format string, opts Options) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("no policy")
	}
	w, err := wordsFor(lang)
	if err != nil {
		return nil, err
	}
	d := build(p, w, lang, opts)
	switch format {
	case "md":
		return d.markdown(), nil
	case "html":
		return d.html(), nil
	}
	return nil, fmt.Errorf("unknown format %q: use md or html", format)
}

// Digest identifies a rendered notice: "sha256:" and the hex digest of its
// bytes. Stored with the publication date, it lets Kirjaamo show later the
// exact notice a person saw (docs/notice.md, "Published versions").
func Digest(rendered []byte) string {
	sum := sha256.Sum256(rendered)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// The document: sections of blocks, rendered to Markdown or HTML.
type doc struct {
	lang, title string
	meta        string // "Julkaistu 25.11.2020 · Versio 3"
	intro       []block
	sections    []section
}

type section struct {
	id, heading string
	blocks      []block
}

type blockKind int

const (
	para  blockKind = iota
	list            // items
	lines           // items, one a line (an address)
	label           // a bold lead naming the registers that follow
	sub             // a third-level heading
)

type block struct {
	kind  blockKind
	text  string
	items []string
}

func p_(s string) block         { return block{kind: para, text: s} }
func ul(items []string) block   { return block{kind: list, items: items} }
func lbl(s string) block        { return block{kind: label, text: s} }
func h3(s string) block         { return block{kind: sub, text: s} }
func addr(items []string) block { return block{kind: lines, items: items} }
func paras(s string) (bs []block) {
	for _, part := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if part = strings.TrimSpace(part); part != "" {
			bs = append(bs, p_(strings.Join(strings.Fields(part), " ")))
		}
	}
	return bs
}

// builder carries what every section needs.
type builder struct {
	p    *policy.Policy
	n    *policy.Notice
	w    *words
	lang string
}

// override returns the policy's text for paragraph id in this language.
func (b *builder) override(id string) []block {
	if s := b.n.Paragraph(id, b.lang); s != "" {
		return paras(s)
	}
	return nil
}

func (b *builder) texts(ts []policy.Text) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.In(b.lang))
	}
	return out
}

func (b *builder) name(r *policy.Register) string { return r.Name.In(b.lang) }

// group is registers that say the same thing in a section.
type group struct {
	regs  []*policy.Register
	items []string
}

// grouped groups the registers by what items returns, keeping the
// policy's order; registers with nothing to say are left out. Seed 002
// states its purposes once for all its registers: when every register says
// the same, so does the notice.
func (b *builder) grouped(items func(*policy.Register) []string) []group {
	var gs []group
	for _, r := range b.p.Registers {
		it := items(r)
		if len(it) == 0 {
			continue
		}
		found := false
		for i := range gs {
			if slices.Equal(gs[i].items, it) {
				gs[i].regs = append(gs[i].regs, r)
				found = true
				break
			}
		}
		if !found {
			gs = append(gs, group{regs: []*policy.Register{r}, items: it})
		}
	}
	return gs
}

// names joins the names of the group's registers.
func (b *builder) names(regs []*policy.Register) string {
	ns := make([]string, len(regs))
	for i, r := range regs {
		ns[i] = b.name(r)
	}
	return joinList(ns, b.w.and)
}

// groupBlocks renders groups: without labels when all registers agree.
func (b *builder) groupBlocks(gs []group, render func(items []string) []block) []block {
	var out []block
	all := len(gs) == 1 && len(gs[0].regs) == len(b.p.Registers)
	for _, g := range gs {
		if !all {
			out = append(out, lbl(b.names(g.regs)))
		}
		out = append(out, render(g.items)...)
	}
	return out
}

func build(p *policy.Policy, w *words, lang string, opts Options) *doc {
	b := &builder{p: p, n: p.Notice, w: w, lang: lang}
	d := &doc{lang: lang}
	d.title = w.title + " – " + p.Controller.Name
	if p.Notice != nil && p.Notice.Title.In(lang) != "" {
		d.title = p.Notice.Title.In(lang)
	}
	version, published := opts.Version, opts.Published
	if p.Notice != nil {
		if version == "" {
			version = p.Notice.Version
		}
		if published.IsZero() {
			published = p.Notice.Published
		}
	}
	var meta []string
	if !published.IsZero() {
		meta = append(meta, w.publ+" "+w.date(published))
	}
	if version != "" {
		meta = append(meta, w.version+" "+version)
	}
	d.meta = strings.Join(meta, " · ")
	d.intro = b.or("intro", p_(w.intro))

	add := func(id, heading string, blocks []block) {
		if len(blocks) > 0 {
			d.sections = append(d.sections, section{id: id, heading: heading, blocks: blocks})
		}
	}
	add("controller", w.hController, b.or("controller", addr(b.party(p.Controller, true))))
	add("dpo", w.hDPO, b.or("dpo", addr(b.party(p.DPO, false))))
	regNames := make([]string, len(p.Registers))
	for i, r := range p.Registers {
		regNames[i] = b.name(r)
	}
	add("registers", w.hRegisters, b.or("registers", p_(w.registersLead), ul(regNames)))
	add("purposes", w.hPurposes, b.purposes())
	add("subject_groups", w.hGroups, b.listSection("subject_groups", func(r *policy.Register) []policy.Text { return r.SubjectGroups }, ""))
	add("data_categories", w.hCategories, b.listSection("data_categories", func(r *policy.Register) []policy.Text { return r.DataCategories }, ""))
	add("sources", w.hSources, b.listSection("sources", func(r *policy.Register) []policy.Text { return r.Sources }, w.noSources))
	add("recipients", w.hRecipients, b.recipients())
	add("transfers", w.hTransfers, b.transfers())
	add("retention", w.hRetention, b.retention())
	add("security", w.hSecurity, b.security())
	automated := p.Notice != nil && p.Notice.AutomatedDecisions.In(lang) != ""
	if automated {
		add("automated_decisions", w.hAutomated, b.or("automated_decisions", paras(p.Notice.AutomatedDecisions.In(lang))...))
	} else {
		add("automated_decisions", w.hAutomated, b.or("automated_decisions", p_(w.noAutomated)))
	}
	automatedNo := len(d.sections)
	if p.Notice != nil && p.Notice.Cookies != nil {
		add("cookies", w.hCookies, b.cookies())
	}
	add("rights", w.hRights, b.rights(automatedNo))
	add("complaint", w.hComplaint, b.complaint())
	return d
}

// or returns the override of id, or the generated blocks.
func (b *builder) or(id string, generated ...block) []block {
	if o := b.override(id); o != nil {
		return o
	}
	return generated
}

func (b *builder) party(pt policy.Party, controller bool) []string {
	w := b.w
	var out []string
	if pt.Name != "" {
		out = append(out, pt.Name)
	}
	if pt.BusinessID != "" {
		out = append(out, w.lBusinessID+": "+pt.BusinessID)
	}
	if pt.ContactPerson != "" && controller {
		out = append(out, w.lContactPerson+": "+pt.ContactPerson)
	}
	if pt.Address != "" {
		out = append(out, w.lAddress+": "+pt.Address)
	}
	if pt.VisitingAddress != "" {
		out = append(out, w.lVisiting+": "+pt.VisitingAddress)
	}
	if pt.Phone != "" {
		out = append(out, w.lPhone+": "+pt.Phone)
	}
	if pt.Email != "" {
		out = append(out, w.lEmail+": "+pt.Email)
	}
	return out
}

func (b *builder) purposes() []block {
	if o := b.override("purposes"); o != nil {
		return o
	}
	w := b.w
	out := []block{h3(w.hPurpose)}
	gs := b.grouped(func(r *policy.Register) []string { return b.texts(r.Purposes) })
	if len(gs) == 1 && len(gs[0].regs) == len(b.p.Registers) {
		out = append(out, p_(w.purposesLead))
	}
	out = append(out, b.groupBlocks(gs, func(items []string) []block { return []block{ul(items)} })...)

	out = append(out, h3(w.hBasis))
	if o := b.override("legal_basis"); o != nil {
		return append(out, o...)
	}
	out = append(out, p_(w.basisLead))
	// Group by the whole legal basis; the key joins the points and, after
	// a separator no text contains, the national laws.
	gs = b.grouped(func(r *policy.Register) []string {
		key := slices.Clone(r.LegalBasis.GDPR)
		slices.Sort(key) // a to f, as the article lists them
		key = append(key, "\x00")
		return append(key, b.texts(r.LegalBasis.National)...)
	})
	out = append(out, b.groupBlocks(gs, func(items []string) []block {
		i := slices.Index(items, "\x00")
		var points []string
		for _, pt := range items[:i] {
			points = append(points, w.basis[pt])
		}
		bs := []block{ul(points)}
		if laws := items[i+1:]; len(laws) > 0 {
			bs = append(bs, p_(w.nationalLead), ul(laws))
		}
		return bs
	})...)
	return out
}

// listSection is a section that lists texts per register.
func (b *builder) listSection(id string, get func(*policy.Register) []policy.Text, none string) []block {
	if o := b.override(id); o != nil {
		return o
	}
	gs := b.grouped(func(r *policy.Register) []string { return b.texts(get(r)) })
	if len(gs) == 0 {
		if none == "" {
			return nil
		}
		return []block{p_(none)}
	}
	return b.groupBlocks(gs, func(items []string) []block { return []block{ul(items)} })
}

func (b *builder) recipients() []block {
	if o := b.override("recipients"); o != nil {
		return o
	}
	gs := b.grouped(func(r *policy.Register) []string {
		if len(r.Recipients) == 0 {
			return []string{b.w.noRecipients}
		}
		return b.texts(r.Recipients)
	})
	return b.groupBlocks(gs, func(items []string) []block {
		if len(items) == 1 {
			return []block{p_(items[0])}
		}
		return []block{ul(items)}
	})
}

func (b *builder) transfers() []block {
	if o := b.override("transfers"); o != nil {
		return o
	}
	gs := b.grouped(func(r *policy.Register) []string {
		if s := r.Transfers.Description.In(b.lang); s != "" {
			return []string{s}
		}
		return []string{b.w.noTransfers}
	})
	return b.groupBlocks(gs, func(items []string) []block { return paras(items[0]) })
}

func (b *builder) retention() []block {
	var out []block
	many := len(b.p.Registers) > 1
	for _, r := range b.p.Registers {
		s := retentionSentences(b.w, b.n, r, b.lang)
		if len(s) == 0 {
			continue
		}
		if many {
			out = append(out, lbl(b.name(r)))
		}
		out = append(out, p_(strings.Join(s, " ")))
	}
	return append(out, p_(b.w.retentionEnd))
}

func (b *builder) security() []block {
	if o := b.override("security"); o != nil {
		return o
	}
	var out []block
	if b.n != nil {
		for _, t := range b.n.Security {
			out = append(out, paras(t.In(b.lang))...)
		}
	}
	return append(out, p_(b.w.security))
}

func (b *builder) cookies() []block {
	if o := b.override("cookies"); o != nil {
		return o
	}
	c, w := b.n.Cookies, b.w
	out := []block{p_(w.cookieIntro)}
	for _, t := range c.Purposes {
		out = append(out, paras(t.In(b.lang))...)
	}
	if len(c.Data) > 0 {
		out = append(out, p_(w.cookieDataLead), ul(b.texts(c.Data)))
	}
	for _, t := range c.ThirdParties {
		out = append(out, paras(t.In(b.lang))...)
	}
	return append(out, p_(w.cookieOptOut))
}

// basisOf lists the registers whose legal basis includes one of points.
func (b *builder) basisOf(points ...string) []*policy.Register {
	var out []*policy.Register
	for _, r := range b.p.Registers {
		for _, pt := range points {
			if slices.Contains(r.LegalBasis.GDPR, pt) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func (b *builder) rights(automatedSection int) []block {
	w := b.w
	var out []block
	if b.n != nil && b.n.RightsContact.In(b.lang) != "" {
		out = append(out, paras(b.n.RightsContact.In(b.lang))...)
	} else {
		out = append(out, p_(w.rightsLead))
	}
	out = append(out, p_(w.rightsTime))
	scope := func(regs []*policy.Register, format string) []block {
		if len(regs) == len(b.p.Registers) {
			return nil
		}
		return []block{p_(fmt.Sprintf(format, b.names(regs)))}
	}
	for _, rt := range w.rights {
		var body []block
		switch rt.when {
		case "portability":
			regs := b.basisOf("6(1)(a)", "6(1)(b)")
			if len(regs) == 0 {
				body = []block{p_(w.portNone)}
			} else {
				body = append([]block{p_(rt.text)}, scope(regs, w.portSome)...)
			}
		case "objection":
			regs := b.basisOf("6(1)(e)", "6(1)(f)")
			if len(regs) == 0 {
				body = []block{p_(w.objectNone)}
			} else {
				body = append([]block{p_(rt.text)}, scope(regs, w.rightsScope)...)
			}
		case "consent":
			regs := b.basisOf("6(1)(a)")
			if len(regs) == 0 {
				continue
			}
			body = append([]block{p_(rt.text)}, scope(regs, w.rightsScope)...)
		default:
			text := rt.text
			if strings.Contains(text, "%d") {
				text = fmt.Sprintf(text, automatedSection)
			}
			body = []block{p_(text)}
			if rt.id == "rights.erasure" {
				body = append(body, b.erasureExceptions()...)
			}
		}
		if o := b.override(rt.id); o != nil {
			body = o
		}
		out = append(out, h3(rt.heading))
		out = append(out, body...)
	}
	out = append(out, h3(w.hIdentity))
	switch {
	case b.override("rights.identity") != nil:
		out = append(out, b.override("rights.identity")...)
	case b.n != nil && b.n.IdentityVerification.In(b.lang) != "":
		out = append(out, paras(b.n.IdentityVerification.In(b.lang))...)
	default:
		out = append(out, p_(w.identity))
	}
	return out
}

// erasureExceptions says when erasure does not apply, per group of
// registers with the same exceptions (seed 001: open invoices and debt
// collection; seed 002: statutory tasks).
func (b *builder) erasureExceptions() []block {
	w := b.w
	gs := b.grouped(func(r *policy.Register) []string {
		var out []string
		for _, e := range policy.ErasureExceptions() {
			if slices.Contains(r.ErasureExceptions, e) {
				out = append(out, w.erasure[e])
			}
		}
		return out
	})
	var out []block
	for _, g := range gs {
		conds := joinList(g.items, w.or)
		if len(gs) == 1 && len(g.regs) == len(b.p.Registers) {
			out = append(out, p_(fmt.Sprintf(w.erasureIf, conds)))
		} else {
			out = append(out, p_(fmt.Sprintf(w.erasureFor, b.names(g.regs), conds)))
		}
	}
	return out
}

func (b *builder) complaint() []block {
	if o := b.override("complaint"); o != nil {
		return o
	}
	w := b.w
	a := w.authority
	if b.n != nil && b.n.Authority != nil {
		a = *b.n.Authority
	}
	var ls []string
	ls = append(ls, a.Name.In(b.lang))
	if s := a.Address.In(b.lang); s != "" {
		ls = append(ls, w.lAddress+": "+s)
	}
	if s := a.VisitingAddress.In(b.lang); s != "" {
		ls = append(ls, w.lVisiting+": "+s)
	}
	if a.Phone != "" {
		ls = append(ls, w.lPhone+": "+a.Phone)
	}
	if a.Email != "" {
		ls = append(ls, w.lEmail+": "+a.Email)
	}
	if a.Web != "" {
		ls = append(ls, w.lWeb+": "+a.Web)
	}
	return []block{p_(w.complaint), p_(w.complainEU), addr(ls)}
}
