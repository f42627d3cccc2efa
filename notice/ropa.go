package notice

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"

	"github.com/kirjaamo/kirjaamo/policy"
)

// ROPA renders the record of processing activities (GDPR art. 30(1)) of p:
// one row per register with the controller and DPO, purposes and legal
// basis, categories of data subjects and of data, recipients, transfers,
// retention per part (the notice's own sentences, and the rules as the
// engine reads them) and security measures. format is "csv" (UTF-8 with a
// byte-order mark, so that Excel opens the Finnish letters right) or "md".
func ROPA(p *policy.Policy, lang, format string) ([]byte, error) {
	w, err := wordsFor(lang)
	if err != nil {
		return nil, err
	}
	b := &builder{p: p, n: p.Notice, w: w, lang: lang}
	cols := ropaColumns[lang]
	var rows [][][]string // row → cell → lines
	for _, r := range p.Registers {
		rows = append(rows, b.ropaRow(r))
	}
	switch format {
	case "csv":
		var out bytes.Buffer
		out.WriteString("\ufeff")
		cw := csv.NewWriter(&out)
		cw.Write(cols)
		for _, row := range rows {
			rec := make([]string, len(row))
			for i, cell := range row {
				rec[i] = strings.Join(cell, "\n")
			}
			cw.Write(rec)
		}
		cw.Flush()
		return out.Bytes(), cw.Error()
	case "md":
		var out bytes.Buffer
		fmt.Fprintf(&out, "# %s\n\n", ropaTitle[lang])
		fmt.Fprintf(&out, "%s\n\n", mdEscape(strings.Join(b.party(p.Controller, true), " · ")))
		fmt.Fprintf(&out, "| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat(" --- |", len(cols)))
		for _, row := range rows {
			cells := make([]string, len(row))
			for i, cell := range row {
				esc := make([]string, len(cell))
				for j, l := range cell {
					esc[j] = strings.ReplaceAll(mdEscapeInline(l), "|", `\|`)
				}
				cells[i] = strings.Join(esc, "<br>")
			}
			fmt.Fprintf(&out, "| %s |\n", strings.Join(cells, " | "))
		}
		return out.Bytes(), nil
	}
	return nil, fmt.Errorf("unknown format %q: use csv or md", format)
}

var ropaTitle = map[string]string{
	"fi": "Seloste käsittelytoimista (EU:n yleisen tietosuoja-asetuksen 30 artiklan 1 kohta)",
	"sv": "Register över behandling (artikel 30.1 i EU:s allmänna dataskyddsförordning)",
	"en": "Record of processing activities (Article 30(1) GDPR)",
}

var ropaColumns = map[string][]string{
	"fi": {"Tunnus", "Rekisteri", "Rekisterinpitäjä", "Tietosuojavastaava", "Käsittelyn tarkoitukset", "Oikeusperuste", "Rekisteröityjen ryhmät", "Henkilötietoryhmät", "Tietolähteet", "Vastaanottajat", "Siirrot EU:n tai ETA:n ulkopuolelle", "Säilytysajat", "Säilytyssäännöt", "Poiston esteet", "Suojaustoimet"},
	"sv": {"ID", "Register", "Personuppgiftsansvarig", "Dataskyddsombud", "Ändamål", "Rättslig grund", "Kategorier av registrerade", "Kategorier av personuppgifter", "Uppgiftskällor", "Mottagare", "Överföringar utanför EU eller EES", "Lagringstider", "Lagringsregler", "Hinder för radering", "Skyddsåtgärder"},
	"en": {"ID", "Register", "Controller", "Data protection officer", "Purposes", "Legal basis", "Categories of data subjects", "Categories of personal data", "Sources", "Recipients", "Transfers outside the EU or EEA", "Retention", "Retention rules", "Erasure exceptions", "Security measures"},
}

func (b *builder) ropaRow(r *policy.Register) [][]string {
	w := b.w
	var basis []string
	points := slices.Clone(r.LegalBasis.GDPR)
	slices.Sort(points)
	for _, pt := range points {
		label, _, _ := strings.Cut(w.basis[pt], ":")
		basis = append(basis, pt+" "+strings.ToLower(label))
	}
	basis = append(basis, b.texts(r.LegalBasis.National)...)

	recipients := b.texts(r.Recipients)
	if len(recipients) == 0 {
		recipients = []string{w.noRecipients}
	}
	transfer := r.Transfers.Description.In(b.lang)
	if transfer == "" {
		transfer = w.noTransfers
	}
	var rules []string
	for _, rule := range r.Retention {
		s := fmt.Sprintf("%s: %s from %s", rule.Part, rule.Keep, rule.From)
		if e := rule.Extension; e != nil {
			s += fmt.Sprintf(", cap %s (%s)", e.Cap, strings.Join(e.Reasons, ", "))
		}
		rules = append(rules, s)
	}
	var erasure []string
	for _, e := range policy.ErasureExceptions() {
		if slices.Contains(r.ErasureExceptions, e) {
			erasure = append(erasure, w.erasure[e])
		}
	}
	var security []string
	if b.n != nil {
		security = append(security, b.texts(b.n.Security)...)
	}
	security = append(security, w.security)
	for _, a := range policy.Actions() {
		if roles, ok := r.Access[a]; ok && len(roles) > 0 {
			security = append(security, fmt.Sprintf("access %s: %s", a, joinRoles(roles)))
		}
	}
	if len(r.RequirePurpose) > 0 {
		security = append(security, "purpose required: "+joinRoles(r.RequirePurpose))
	}
	return [][]string{
		{r.ID},
		{b.name(r)},
		b.party(b.p.Controller, true),
		b.party(b.p.DPO, false),
		b.texts(r.Purposes),
		basis,
		b.texts(r.SubjectGroups),
		b.texts(r.DataCategories),
		b.texts(r.Sources),
		recipients,
		{transfer},
		retentionSentences(w, b.n, r, b.lang),
		rules,
		erasure,
		security,
	}
}

func joinRoles[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
