package notice

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Diff lists every change from old to new that alters the published
// notice, one line each, e.g. "calls.recording: retention 6m → 12m
// (longer)". An empty list means the notice is unchanged.
//
// The lines explain; the verdict does not depend on them. Both policies
// are rendered in every language, and if the notices differ where no line
// says why, a line "notice: text changed (fi, sv, en)" is added — so a
// change the explanations do not know about still asks for a new version.
func Diff(old, new *policy.Policy) []string {
	d := &differ{}
	d.party("controller", old.Controller, new.Controller)
	d.party("dpo", old.DPO, new.DPO)
	for _, nr := range new.Registers {
		or := old.Register(nr.ID)
		if or == nil {
			d.add(nr.ID, "register added (%s)", quote(nr.Name))
			continue
		}
		d.register(or, nr)
	}
	for _, or := range old.Registers {
		if new.Register(or.ID) == nil {
			d.add(or.ID, "register removed (%s)", quote(or.Name))
		}
	}
	d.notice(old.Notice, new.Notice)

	var changed []string
	for _, lang := range Languages() {
		a, _ := Render(old, lang, "md", Options{Version: "x"})
		b, _ := Render(new, lang, "md", Options{Version: "x"})
		if !bytes.Equal(a, b) {
			changed = append(changed, lang)
		}
	}
	if len(changed) > 0 && len(d.lines) == 0 {
		d.add("notice", "text changed (%s)", strings.Join(changed, ", "))
	}
	return d.lines
}

type differ struct{ lines []string }

func (d *differ) add(path, format string, args ...any) {
	d.lines = append(d.lines, path+": "+fmt.Sprintf(format, args...))
}

// quote shows a text by its Finnish, shortened.
func quote(t policy.Text) string {
	s := t.In("fi")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func (d *differ) text(path string, a, b policy.Text) {
	if maps.Equal(a, b) {
		return
	}
	if a.In("fi") != b.In("fi") {
		switch {
		case len(a) == 0:
			d.add(path, "added %s", quote(b))
		case len(b) == 0:
			d.add(path, "removed")
		default:
			d.add(path, "%s → %s", quote(a), quote(b))
		}
		return
	}
	var langs []string
	for _, l := range policy.Languages() {
		if a[l] != b[l] {
			langs = append(langs, l)
		}
	}
	d.add(path, "text changed (%s)", strings.Join(langs, ", "))
}

func (d *differ) texts(path string, a, b []policy.Text) {
	has := func(ts []policy.Text, t policy.Text) bool {
		return slices.ContainsFunc(ts, func(x policy.Text) bool { return maps.Equal(x, t) })
	}
	for _, t := range b {
		if !has(a, t) {
			d.add(path, "added %s", quote(t))
		}
	}
	for _, t := range a {
		if !has(b, t) {
			d.add(path, "removed %s", quote(t))
		}
	}
}

func words_[T ~string](d *differ, path, what string, a, b []T) {
	for _, x := range b {
		if !slices.Contains(a, x) {
			d.add(path, "%s added %s", what, x)
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			d.add(path, "%s removed %s", what, x)
		}
	}
}

func (d *differ) str(path, a, b string) {
	if a != b {
		d.add(path, "%q → %q", a, b)
	}
}

func (d *differ) party(path string, a, b policy.Party) {
	d.str(path+".name", a.Name, b.Name)
	d.str(path+".business_id", a.BusinessID, b.BusinessID)
	d.str(path+".contact_person", a.ContactPerson, b.ContactPerson)
	d.str(path+".address", a.Address, b.Address)
	d.str(path+".visiting_address", a.VisitingAddress, b.VisitingAddress)
	d.str(path+".phone", a.Phone, b.Phone)
	d.str(path+".email", a.Email, b.Email)
}

func (d *differ) register(a, b *policy.Register) {
	id := b.ID
	d.text(id+".name", a.Name, b.Name)
	if a.Records != b.Records {
		d.add(id, "records %s → %s", a.Records, b.Records)
	}
	words_(d, id, "kind", a.Kinds, b.Kinds)
	d.texts(id+".purposes", a.Purposes, b.Purposes)
	words_(d, id, "legal basis", a.LegalBasis.GDPR, b.LegalBasis.GDPR)
	d.texts(id+".legal_basis.national", a.LegalBasis.National, b.LegalBasis.National)
	d.texts(id+".data_categories", a.DataCategories, b.DataCategories)
	d.texts(id+".subject_groups", a.SubjectGroups, b.SubjectGroups)
	d.texts(id+".sources", a.Sources, b.Sources)
	d.texts(id+".recipients", a.Recipients, b.Recipients)
	if a.Transfers.OutsideEEA != b.Transfers.OutsideEEA {
		d.add(id, "transfers outside the EU/EEA %s → %s", yesNo(a.Transfers.OutsideEEA), yesNo(b.Transfers.OutsideEEA))
	}
	d.text(id+".transfers.description", a.Transfers.Description, b.Transfers.Description)
	words_(d, id, "erasure exception", a.ErasureExceptions, b.ErasureExceptions)

	for _, nr := range b.Retention {
		path := id + "." + string(nr.Part)
		or, ok := a.Rule(nr.Part)
		if !ok {
			d.add(path, "retention added (%s from %s)", nr.Keep, nr.From)
			continue
		}
		if or.Keep != nr.Keep {
			d.add(path, "retention %s → %s (%s)", or.Keep, nr.Keep, compare(or.Keep, nr.Keep))
		}
		if or.From != nr.From {
			d.add(path, "retention runs from %s → %s", or.From, nr.From)
		}
		oe, ne := or.Extension, nr.Extension
		switch {
		case oe == nil && ne != nil:
			d.add(path, "extension added (cap %s: %s)", ne.Cap, strings.Join(ne.Reasons, ", "))
		case oe != nil && ne == nil:
			d.add(path, "extension removed (was cap %s)", oe.Cap)
		case oe != nil:
			if oe.Cap != ne.Cap {
				d.add(path, "extension cap %s → %s (%s)", oe.Cap, ne.Cap, compare(oe.Cap, ne.Cap))
			}
			words_(d, path, "extension reason", oe.Reasons, ne.Reasons)
		}
	}
	for _, or := range a.Retention {
		if _, ok := b.Rule(or.Part); !ok {
			d.add(id+"."+string(or.Part), "retention removed (was %s from %s)", or.Keep, or.From)
		}
	}
}

func compare(a, b policy.Duration) string {
	switch {
	case b.LongerThan(a):
		return "longer"
	case a.LongerThan(b):
		return "shorter"
	}
	return "changed"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (d *differ) notice(a, b *policy.Notice) {
	if a == nil {
		a = &policy.Notice{}
	}
	if b == nil {
		b = &policy.Notice{}
	}
	d.text("notice.title", a.Title, b.Title)
	d.text("notice.rights_contact", a.RightsContact, b.RightsContact)
	d.text("notice.identity_verification", a.IdentityVerification, b.IdentityVerification)
	d.texts("notice.security", a.Security, b.Security)
	d.text("notice.automated_decisions", a.AutomatedDecisions, b.AutomatedDecisions)
	switch ac, bc := a.Cookies, b.Cookies; {
	case ac == nil && bc != nil:
		d.add("notice.cookies", "cookies declared")
	case ac != nil && bc == nil:
		d.add("notice.cookies", "cookies removed")
	case ac != nil:
		d.texts("notice.cookies.purposes", ac.Purposes, bc.Purposes)
		d.texts("notice.cookies.data", ac.Data, bc.Data)
		d.texts("notice.cookies.third_parties", ac.ThirdParties, bc.ThirdParties)
	}
	if fmt.Sprint(a.Authority) != fmt.Sprint(b.Authority) {
		d.add("notice.supervisory_authority", "contact details changed")
	}
	for _, k := range sortedUnion(a.ExtensionReasons, b.ExtensionReasons) {
		d.text("notice.extension_reasons."+k, a.ExtensionReasons[k], b.ExtensionReasons[k])
	}
	for _, k := range sortedUnion(a.Paragraphs, b.Paragraphs) {
		d.text("notice.paragraphs."+k, a.Paragraphs[k], b.Paragraphs[k])
	}
}

func sortedUnion(a, b map[string]policy.Text) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
