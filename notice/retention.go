package notice

import (
	"slices"
	"strings"

	"github.com/kirjaamo/kirjaamo/policy"
)

// The retention sentences are built from the policy's RetentionRule values
// — the same Keep, From and Extension the retention engine hands to
// RetentionRule.ExpiresAt and CapAt — so the notice cannot promise a period
// the engine does not keep.

// kindNoun is how a contact kind is named in running text.
type kindNoun struct {
	fiPart, fiGen string // partitive plural ("puheluita"), genitive plural ("puheluiden")
	sv, en        string // plural
}

var kindNouns = map[policy.ContactKind]kindNoun{
	policy.KindCall:           {"puheluita", "puheluiden", "samtal", "calls"},
	policy.KindChat:           {"chat-keskusteluja", "chat-keskustelujen", "chattsamtal", "chat conversations"},
	policy.KindEmail:          {"sähköposteja", "sähköpostien", "e-postmeddelanden", "e-mails"},
	policy.KindContactRequest: {"sähköisiä yhteydenottopyyntöjä", "sähköisten yhteydenottopyyntöjen", "elektroniska kontaktbegäranden", "online contact requests"},
	policy.KindWorkspace:      {"ohjaustiloja", "ohjaustilojen", "vägledningsrum", "counselling workspaces"},
	policy.KindNote:           {"muistiinpanoja", "muistiinpanojen", "anteckningar", "notes"},
}

// nounsOf joins the register's kinds in one of the noun forms.
func nounsOf(r *policy.Register, lang string, form func(kindNoun) string) string {
	var names []string
	for _, k := range r.Kinds {
		names = append(names, form(kindNouns[k]))
	}
	if len(names) == 0 {
		names = []string{form(kindNoun{"yhteydenottoja", "yhteydenottojen", "kontakter", "contacts"})}
	}
	return joinList(names, map[string]string{"fi": "ja", "sv": "och", "en": "and"}[lang])
}

func only(r *policy.Register, k policy.ContactKind) bool {
	return len(r.Kinds) == 1 && r.Kinds[0] == k
}

// phrase is a part of a register as the subject of a retention sentence.
type phrase struct {
	text     string // lower-case start; the sentence capitalises it
	short    string // "tallenteita": the noun of the extension sentence
	singular bool   // English verb agreement
}

// partPhrase names part of register r in lang; whole names the register's
// records altogether (when every part is kept alike).
func partPhrase(r *policy.Register, part policy.Part, whole bool, lang string) phrase {
	if whole || r.Records != policy.RecordsContacts {
		switch r.Records {
		case policy.RecordsSubjects:
			return pick(lang, phrase{"henkilö- ja yhteystietoja", "tietoja", false}, phrase{"person- och kontaktuppgifter", "uppgifter", false}, phrase{"personal and contact details", "records", false})
		case policy.RecordsStatistics:
			return pick(lang, phrase{"tilastotietoja", "tietoja", false}, phrase{"statistikuppgifter", "uppgifter", false}, phrase{"statistics", "records", false})
		}
		return pick(lang,
			phrase{nounsOf(r, lang, func(k kindNoun) string { return k.fiPart }), "tietoja", false},
			phrase{nounsOf(r, lang, func(k kindNoun) string { return k.sv }), "uppgifter", false},
			phrase{nounsOf(r, lang, func(k kindNoun) string { return k.en }), "records", false})
	}
	gen := nounsOf(r, lang, func(k kindNoun) string { return k.fiGen })
	sv := nounsOf(r, lang, func(k kindNoun) string { return k.sv })
	en := nounsOf(r, lang, func(k kindNoun) string { return k.en })
	call := only(r, policy.KindCall)
	switch part {
	case policy.PartRecording:
		return pick(lang, phrase{"puhelutallenteita", "tallenteita", false}, phrase{"samtalsinspelningar", "inspelningar", false}, phrase{"call recordings", "recordings", false})
	case policy.PartMetadata:
		if call {
			return pick(lang, phrase{"puheluhistoriaa ohjaustietoineen", "tietoja", false}, phrase{"samtalshistoriken med styruppgifter", "uppgifter", true}, phrase{"the call history with its routing data", "records", true})
		}
		return pick(lang, phrase{gen + " perustietoja", "tietoja", false}, phrase{"grunduppgifter om " + sv, "uppgifter", false}, phrase{"basic details of " + en, "records", false})
	case policy.PartContent:
		if call {
			return pick(lang, phrase{"puheluihin liittyviä merkintöjä", "merkintöjä", false}, phrase{"anteckningar om samtalen", "anteckningar", false}, phrase{"notes made on calls", "notes", false})
		}
		return pick(lang, phrase{gen + " sisältöä", "tietoja", false}, phrase{"innehållet i " + sv, "uppgifter", true}, phrase{"the content of " + en, "records", true})
	case policy.PartVisitorMetadata:
		return pick(lang, phrase{"chat-vierailijoiden teknisiä tietoja ja evästetietoja", "tietoja", false}, phrase{"chattbesökarnas tekniska uppgifter och uppgifter från kakor", "uppgifter", false}, phrase{"technical and cookie data of chat visitors", "records", false})
	case policy.PartAttachment:
		return pick(lang, phrase{gen + " liitteitä", "liitteitä", false}, phrase{"bilagor till " + sv, "bilagor", false}, phrase{"attachments to " + en, "attachments", false})
	}
	return pick(lang, phrase{gen + " tietoja", "tietoja", false}, phrase{"uppgifter om " + sv, "uppgifter", false}, phrase{"data on " + en, "records", false})
}

func pick[T any](lang string, fi, sv, en T) T {
	switch lang {
	case "sv":
		return sv
	case "en":
		return en
	}
	return fi
}

// fromPhrase says what the period runs from, or "" when it is the contact
// itself or its storing, which a reader assumes (seed 002 never says it).
func fromPhrase(r *policy.Register, e policy.Event, lang string) string {
	ws := only(r, policy.KindWorkspace)
	switch e {
	case policy.EventRelationshipEnd:
		return pick(lang, "asiakkuuden päättymisestä", "från det att kundrelationen upphört", "after the customer relationship ends")
	case policy.EventLastActivity:
		switch {
		case r.Records == policy.RecordsSubjects:
			return pick(lang, "viimeisestä yhteydenotosta", "från den senaste kontakten", "after the latest contact")
		case ws:
			return pick(lang, "asiakkaan viimeisestä kirjautumisesta", "från kundens senaste inloggning", "after the customer last signed in")
		}
		return pick(lang, "viimeisestä tapahtumasta", "från den senaste händelsen", "after the latest activity")
	case policy.EventClosed:
		if ws {
			return pick(lang, "ohjaustilan sulkemisesta", "från det att vägledningsrummet stängts", "after the workspace is closed")
		}
		return pick(lang, "asian sulkemisesta", "från det att ärendet stängts", "after the case is closed")
	case policy.EventCreated:
		if r.Records == policy.RecordsSubjects {
			return pick(lang, "tietojen tallentamisesta", "från det att uppgifterna registrerades", "after they were recorded")
		}
	}
	return ""
}

// reasonOrder is the order reasons are named in: the built-in ones in the
// order of policy.ExtensionReasonPhrases, then others as the policy lists
// them.
func orderedReasons(rs []string) []string {
	known := policy.ExtensionReasonPhrases()
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b string) int {
		ia, ib := slices.Index(known, a), slices.Index(known, b)
		if ia < 0 {
			ia = len(known)
		}
		if ib < 0 {
			ib = len(known)
		}
		return ia - ib
	})
	return out
}

// ruleSentences renders one rule: how long the part is kept and, with an
// extension, why and how long at most an individual record may be kept.
func ruleSentences(w *words, n *policy.Notice, r *policy.Register, rule policy.RetentionRule, lang string) string {
	if o := n.Paragraph("retention."+r.ID+"."+string(rule.Part), lang); o != "" {
		return fill(o, w, r, &rule)
	}
	ph := partPhrase(r, rule.Part, false, lang)
	from := fromPhrase(r, rule.From, lang)
	s := w.keepVerb(upperFirst(ph.text), ph.singular, w.dur(rule.Keep), from)
	if e := rule.Extension; e != nil {
		var reasons []string
		for _, reason := range orderedReasons(e.Reasons) {
			if t, ok := w.reasons[reason]; ok {
				reasons = append(reasons, t)
			} else if n != nil {
				reasons = append(reasons, n.ExtensionReasons[reason].In(lang))
			}
		}
		s += " " + w.extend(joinList(reasons, w.and), ph.short, w.dur(e.Cap), from)
	}
	return s
}

// fill replaces the placeholders of a retention override with the rules'
// values: {keep} and {cap} in a part's text (rule is that part's rule),
// {keep.PART} and {cap.PART} in a register's. policy.Parse refuses a
// retention override without them, so an override cannot freeze a period
// the rule no longer has.
func fill(text string, w *words, r *policy.Register, rule *policy.RetentionRule) string {
	var pairs []string
	add := func(suffix string, rl policy.RetentionRule) {
		pairs = append(pairs, "{keep"+suffix+"}", w.dur(rl.Keep))
		if rl.Extension != nil {
			pairs = append(pairs, "{cap"+suffix+"}", w.dur(rl.Extension.Cap))
		}
	}
	for _, rl := range r.Retention {
		add("."+string(rl.Part), rl)
	}
	if rule != nil {
		add("", *rule)
	} else if len(r.Retention) > 0 {
		add("", r.Retention[0]) // the register's rules keep alike (policy.Parse checks)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// RetentionSentences returns the retention text of register r in lang:
// one sentence (or two, with an extension) per group of parts kept alike.
// The ROPA and the notice both use it.
func RetentionSentences(p *policy.Policy, r *policy.Register, lang string) []string {
	w, err := wordsFor(lang)
	if err != nil {
		return nil
	}
	return retentionSentences(w, p.Notice, r, lang)
}

func retentionSentences(w *words, n *policy.Notice, r *policy.Register, lang string) []string {
	if o := n.Paragraph("retention."+r.ID, lang); o != "" {
		return []string{fill(o, w, r, nil)}
	}
	if len(r.Retention) == 0 {
		return nil
	}
	// Every part kept alike, with no extension and no override of its
	// own: one sentence for the whole register ("Chat-keskusteluja
	// säilytetään 180 päivää.").
	first := r.Retention[0]
	alike := true
	for _, rule := range r.Retention {
		if rule.Keep != first.Keep || rule.From != first.From || rule.Extension != nil || n.Paragraph("retention."+r.ID+"."+string(rule.Part), lang) != "" {
			alike = false
		}
	}
	if alike {
		ph := partPhrase(r, first.Part, true, lang)
		return []string{w.keepVerb(upperFirst(ph.text), ph.singular, w.dur(first.Keep), fromPhrase(r, first.From, lang))}
	}
	// Otherwise a sentence per rule, parts with the same period joined.
	var out []string
	done := map[int]bool{}
	for i, rule := range r.Retention {
		if done[i] {
			continue
		}
		if rule.Extension != nil || n.Paragraph("retention."+r.ID+"."+string(rule.Part), lang) != "" {
			out = append(out, ruleSentences(w, n, r, rule, lang))
			continue
		}
		phrases := []phrase{partPhrase(r, rule.Part, false, lang)}
		for j := i + 1; j < len(r.Retention); j++ {
			o := r.Retention[j]
			if !done[j] && o.Keep == rule.Keep && o.From == rule.From && o.Extension == nil && n.Paragraph("retention."+r.ID+"."+string(o.Part), lang) == "" {
				phrases = append(phrases, partPhrase(r, o.Part, false, lang))
				done[j] = true
			}
		}
		texts := make([]string, len(phrases))
		for k, ph := range phrases {
			texts[k] = ph.text
		}
		singular := len(phrases) == 1 && phrases[0].singular
		out = append(out, w.keepVerb(upperFirst(joinList(texts, w.and)), singular, w.dur(rule.Keep), fromPhrase(r, rule.From, lang)))
	}
	return out
}
