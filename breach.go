package kirjaamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// Breach letters: communicating a personal-data breach to the people it
// affects (GDPR art. 34; seed 000 §5). A high-risk breach is told to each
// affected person without undue delay, in clear and plain language, with at
// least the nature of the breach, the data protection officer's contact
// details, the likely consequences and the measures taken or proposed
// (art. 34(2), referring to art. 33(3)(b)–(d)). Art. 34(3) lists when no
// letter is needed; that is a decision recorded with its reason.
//
// Affected people are linked to the incident by subject id only
// (incident_subjects); a letter is written to the outbox without the
// person's name or address, which the sending step reads from the sealed
// subject record, so the outbox holds no identifiers in clear.

// Exemption grounds of art. 34(3).
const (
	// ExemptProtected: the data was made unintelligible to anyone not
	// authorised to read it, such as by encryption (art. 34(3)(a)).
	ExemptProtected = "protected"
	// ExemptRiskRemoved: measures taken since make the high risk no
	// longer likely to materialise (art. 34(3)(b)).
	ExemptRiskRemoved = "risk_removed"
	// ExemptPublicNotice: letters would involve disproportionate effort;
	// a public communication informs the people as effectively instead
	// (art. 34(3)(c)).
	ExemptPublicNotice = "public_notice"
)

// ExemptionGrounds lists the art. 34(3) grounds.
var ExemptionGrounds = []string{ExemptProtected, ExemptRiskRemoved, ExemptPublicNotice}

// BreachExemption is the recorded decision not to write to the affected
// people, with its ground and reason.
type BreachExemption struct {
	Ground    string    `json:"ground"`
	Reason    string    `json:"reason"`
	DecidedAt time.Time `json:"decided_at"`
	DecidedBy string    `json:"decided_by"`
}

// LetterText is what the DPO writes about one breach in one language: the
// nature of the breach, its likely consequences, the measures taken or
// proposed, and what the person can do — in clear and plain language and
// without personal data (the same text goes to everyone). Categories names
// the kinds of data concerned in that language; empty takes the incident's.
type LetterText struct {
	Nature       string   `json:"nature"`
	Consequences string   `json:"consequences"`
	Measures     string   `json:"measures"`
	Advice       string   `json:"advice"`
	Categories   []string `json:"categories,omitempty"`
}

// LetterRequest produces the letters of an incident, or records that art.
// 34(3) exempts it. Texts is keyed by language (fi, sv, en); a text is
// needed in each language an affected person is written to in.
type LetterRequest struct {
	Texts     map[string]LetterText `json:"texts,omitempty"`
	Exemption *BreachExemption      `json:"exemption,omitempty"`
}

// LetterBatch is the outcome: the letters queued, per language, those
// already queued before (a subject gets one letter per incident), and any
// exemption.
type LetterBatch struct {
	IncidentID string           `json:"incident_id"`
	Letters    []*Notification  `json:"letters"`
	ByLang     map[string]int   `json:"by_lang"`
	Skipped    int              `json:"skipped"` // already written to, or no longer stored
	Exemption  *BreachExemption `json:"exemption,omitempty"`
}

// NotificationBreach is the Kind of an art. 34 letter in the outbox.
const NotificationBreach = "breach"

// IncidentStore links incidents to affected subjects and keeps the letters.
type IncidentStore interface {
	// LinkIncidentSubjects links subjects to an incident and returns how
	// many are linked in all. ENOTFOUND for an unknown subject.
	LinkIncidentSubjects(ctx context.Context, incidentID string, subjectIDs []string, ev *AuditEvent) (int, error)
	// IncidentSubjects lists the ids of the subjects linked to an incident.
	IncidentSubjects(ctx context.Context, incidentID string) ([]string, error)
	// SubjectIncidents lists the incidents a subject is linked to.
	SubjectIncidents(ctx context.Context, subjectID string) ([]*Incident, error)
	// CreateLetters queues letters in the outbox and saves the incident,
	// with one audit event, in one transaction.
	CreateLetters(ctx context.Context, i *Incident, ns []*Notification, ev *AuditEvent) error
	// IncidentLetters lists an incident's letters.
	IncidentLetters(ctx context.Context, incidentID string) ([]*Notification, error)
	// MarkNotificationSent records that a notification was sent; the
	// audit event gets the notification's subject. ENOTFOUND, or ECONFLICT
	// when it was already marked.
	MarkNotificationSent(ctx context.Context, id string, at time.Time, ev *AuditEvent) (*Notification, error)
}

// LinkIncidentSubjects records which subjects a breach affects (DPO), by
// subject id: find them first through the blind indexes (subject search,
// mentions search). The incident's count of affected subjects is raised to
// at least the number linked.
func (s *Service) LinkIncidentSubjects(ctx context.Context, incidentID string, subjectIDs []string) (*Incident, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(incidentID) {
		return nil, Errorf(ENOTFOUND, "incident not found")
	}
	switch {
	case len(subjectIDs) == 0:
		return nil, FieldError("subject_ids", "list the ids of the affected subjects")
	case len(subjectIDs) > 10000:
		return nil, FieldError("subject_ids", "link at most 10,000 subjects at a time")
	}
	ids := slices.Clone(subjectIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if !ValidID(id) {
			return nil, &Error{Code: ENOTFOUND, Field: "subject_ids", Message: "subject not found"}
		}
	}
	i, err := s.Store.Incident(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	n, err := s.Store.LinkIncidentSubjects(ctx, i.ID, ids, s.event(a, ActionUpdate, OutcomeOK, "incidents", []string{i.ID}, ids,
		fmt.Sprintf("incident: %d affected subjects linked", len(ids))))
	if err != nil {
		return nil, err
	}
	if n > i.AffectedSubjects {
		i.AffectedSubjects = n
		if err := s.Store.SaveIncident(ctx, i, s.event(a, ActionUpdate, OutcomeOK, "incidents", []string{i.ID}, nil, "incident updated: affected subjects counted")); err != nil {
			return nil, err
		}
	}
	return i, nil
}

// IncidentSubjects lists the ids of the subjects an incident affects (DPO).
func (s *Service) IncidentSubjects(ctx context.Context, incidentID string) ([]string, error) {
	if _, err := s.requireDPO(ctx); err != nil {
		return nil, err
	}
	if !ValidID(incidentID) {
		return nil, Errorf(ENOTFOUND, "incident not found")
	}
	if _, err := s.Store.Incident(ctx, incidentID); err != nil {
		return nil, err
	}
	return s.Store.IncidentSubjects(ctx, incidentID)
}

// WriteBreachLetters writes the art. 34 letter to every affected subject
// not yet written to, each in the subject's language, into the outbox; or,
// with an exemption, records the art. 34(3) decision instead. Only a
// high-risk incident needs letters (art. 34(1)). Reading each subject's
// language is an audited read with the incident as its purpose.
func (s *Service) WriteBreachLetters(ctx context.Context, incidentID string, req *LetterRequest) (*LetterBatch, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(incidentID) {
		return nil, Errorf(ENOTFOUND, "incident not found")
	}
	i, err := s.Store.Incident(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	switch {
	case i.Closed:
		return nil, Errorf(ECONFLICT, "the incident is closed")
	case i.Risk != "high":
		return nil, Errorf(ECONFLICT, "letters to the affected people are for a breach likely to result in a high risk to them (GDPR art. 34(1)); the incident's risk is %s", i.Risk)
	case i.Exemption != nil:
		return nil, Errorf(ECONFLICT, "an exemption under GDPR art. 34(3) is recorded for this incident")
	}
	now := s.now()
	batch := &LetterBatch{IncidentID: i.ID, Letters: []*Notification{}, ByLang: map[string]int{}}
	if x := req.Exemption; x != nil {
		if len(req.Texts) > 0 {
			return nil, FieldError("exemption", "give either the letter texts or an exemption, not both")
		}
		if !slices.Contains(ExemptionGrounds, x.Ground) {
			return nil, FieldError("exemption.ground", "ground must be one of %s (GDPR art. 34(3)(a)–(c))", strings.Join(ExemptionGrounds, ", "))
		}
		if strings.TrimSpace(x.Reason) == "" || len(x.Reason) > 2000 {
			return nil, FieldError("exemption.reason", "state why the exemption applies (at most 2000 bytes), e.g. how the data was encrypted and that the key was not exposed")
		}
		if len(scanner.Scan([]byte(x.Reason))) > 0 {
			return nil, FieldError("exemption.reason", "state the reason without personal data")
		}
		i.Exemption = &BreachExemption{Ground: x.Ground, Reason: strings.TrimSpace(x.Reason), DecidedAt: now, DecidedBy: a.User.ID}
		batch.Exemption = i.Exemption
		return batch, s.Store.CreateLetters(ctx, i, nil, s.event(a, ActionUpdate, OutcomeOK, "incidents", []string{i.ID}, nil,
			"breach letters: not sent, GDPR art. 34(3) "+x.Ground))
	}
	for lang, t := range req.Texts {
		if !slices.Contains(policy.Languages(), lang) {
			return nil, FieldError("texts", "texts are given in fi, sv or en, not %q", lang)
		}
		for _, f := range []struct{ name, v string }{{"nature", t.Nature}, {"consequences", t.Consequences}, {"measures", t.Measures}, {"advice", t.Advice}} {
			field := "texts." + lang + "." + f.name
			if strings.TrimSpace(f.v) == "" || len(f.v) > 3000 {
				return nil, FieldError(field, "write the %s in plain language (GDPR art. 34(2); at most 3000 bytes)", f.name)
			}
			if len(scanner.Scan([]byte(f.v))) > 0 {
				return nil, FieldError(field, "the same text goes to everyone: write it without personal data")
			}
		}
	}
	ids, err := s.Store.IncidentSubjects(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, Errorf(ECONFLICT, "no affected subjects are linked to the incident; link them first")
	}
	done := map[string]bool{}
	old, err := s.Store.IncidentLetters(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	for _, n := range old {
		done[n.SubjectID] = true
	}
	acc := *a
	acc.Purpose = "breach notification, incident " + i.ID
	rctx := WithAccess(ctx, &acc)
	var written []string
	for _, id := range ids {
		if done[id] {
			batch.Skipped++
			continue
		}
		sub, err := s.Subject(rctx, id, false)
		if ErrorCode(err) == ENOTFOUND { // erased since the breach
			batch.Skipped++
			continue
		} else if err != nil {
			return nil, err
		}
		lang := sub.Language()
		t, ok := req.Texts[lang]
		if !ok {
			return nil, FieldError("texts."+lang, "an affected person is written to in %s: give the letter text in %s too", lang, lang)
		}
		batch.Letters = append(batch.Letters, &Notification{ID: NewID(now), Kind: NotificationBreach, SubjectID: id, IncidentID: i.ID, Lang: lang,
			Recipient: "data_subject", Text: BreachLetter(i, &t, s.Policy, lang), CreatedAt: now})
		batch.ByLang[lang]++
		written = append(written, id)
	}
	if len(batch.Letters) == 0 {
		return batch, nil
	}
	return batch, s.Store.CreateLetters(ctx, i, batch.Letters, s.event(a, ActionCreate, OutcomeOK, "incidents", []string{i.ID}, written,
		fmt.Sprintf("breach letters queued: %d (GDPR art. 34)", len(batch.Letters))))
}

// IncidentLetters lists an incident's letters in the outbox (DPO).
func (s *Service) IncidentLetters(ctx context.Context, incidentID string) ([]*Notification, error) {
	if _, err := s.requireDPO(ctx); err != nil {
		return nil, err
	}
	if !ValidID(incidentID) {
		return nil, Errorf(ENOTFOUND, "incident not found")
	}
	if _, err := s.Store.Incident(ctx, incidentID); err != nil {
		return nil, err
	}
	return s.Store.IncidentLetters(ctx, incidentID)
}

// MarkNotificationSent records that a notification in the outbox was sent
// (DPO). When the last letter of an incident is sent, the incident records
// that the affected people were told.
func (s *Service) MarkNotificationSent(ctx context.Context, id string) (*Notification, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "notification not found")
	}
	now := s.now()
	n, err := s.Store.MarkNotificationSent(ctx, id, now, s.event(a, ActionUpdate, OutcomeOK, "notifications", []string{id}, nil, "notification sent"))
	if err != nil || n.IncidentID == "" {
		return n, err
	}
	letters, err := s.Store.IncidentLetters(ctx, n.IncidentID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(letters, func(l *Notification) bool { return l.SentAt == nil }) {
		return n, nil
	}
	i, err := s.Store.Incident(ctx, n.IncidentID)
	if err != nil || i.SubjectsNotified != nil {
		return n, err
	}
	i.SubjectsNotified = &now
	return n, s.Store.SaveIncident(ctx, i, s.event(a, ActionUpdate, OutcomeOK, "incidents", []string{i.ID}, nil, "incident updated: every affected person was sent a letter"))
}

// breachText holds one language's fixed sentences of a breach letter.
var breachText = map[string]struct {
	title, ref, intro, what, discovered, data, consequences, measures, advice, contact, dpo, complain string
}{
	"fi": {
		title: "Ilmoitus henkilötietojasi koskevasta tietoturvaloukkauksesta", ref: "Viite: %s, %s",
		intro:      "%s kertoo sinulle tietoturvaloukkauksesta, joka koskee henkilötietojasi. Ilmoitamme siitä, koska loukkaus voi aiheuttaa sinulle korkean riskin (EU:n yleisen tietosuoja-asetuksen 34 artikla).",
		what:       "Mitä tapahtui",
		discovered: "Loukkaus havaittiin %s.", data: "Loukkaus koski näitä tietoja: %s.",
		consequences: "Mitä siitä voi seurata", measures: "Mitä olemme tehneet", advice: "Mitä voit itse tehdä",
		contact: "Lisätietoja", dpo: "Tietosuojavastaava",
		complain: letterText["fi"].complain,
	},
	"sv": {
		title: "Meddelande om en personuppgiftsincident som gäller dina uppgifter", ref: "Referens: %s, %s",
		intro:      "%s informerar dig om en personuppgiftsincident som gäller dina personuppgifter. Vi meddelar dig eftersom incidenten kan innebära en hög risk för dig (artikel 34 i EU:s allmänna dataskyddsförordning).",
		what:       "Vad hände",
		discovered: "Incidenten upptäcktes %s.", data: "Incidenten gällde följande uppgifter: %s.",
		consequences: "Vad det kan leda till", measures: "Vad vi har gjort", advice: "Vad du själv kan göra",
		contact: "Mer information", dpo: "Dataskyddsombud",
		complain: letterText["sv"].complain,
	},
	"en": {
		title: "Notice of a personal data breach concerning your data", ref: "Reference: %s, %s",
		intro:      "%s is informing you of a personal data breach concerning your personal data. We are telling you because the breach may result in a high risk to you (Article 34 of the EU General Data Protection Regulation).",
		what:       "What happened",
		discovered: "The breach was discovered on %s.", data: "The breach concerned the following data: %s.",
		consequences: "What it may lead to", measures: "What we have done", advice: "What you can do",
		contact: "More information", dpo: "Data protection officer",
		complain: letterText["en"].complain,
	},
}

// BreachLetter writes the art. 34 letter in lang (fi, sv or en; anything
// else is Finnish). It names no one: the same text goes to every affected
// person written to in that language, and the address is added when the
// letter is sent.
func BreachLetter(i *Incident, t *LetterText, pol *policy.Policy, lang string) string {
	bt, ok := breachText[lang]
	if !ok {
		bt = breachText["fi"]
	}
	date := i.DiscoveredAt.Format("2.1.2006")
	if lang == "en" {
		date = i.DiscoveredAt.Format("2 January 2006")
	}
	var b strings.Builder
	b.WriteString(bt.title + "\n")
	fmt.Fprintf(&b, bt.ref+"\n\n", i.ID, date)
	controller := "The controller"
	if pol != nil && pol.Controller.Name != "" {
		controller = pol.Controller.Name
	}
	fmt.Fprintf(&b, bt.intro+"\n\n", controller)
	section := func(head, body string) {
		b.WriteString(head + "\n" + strings.TrimSpace(body) + "\n\n")
	}
	what := strings.TrimSpace(t.Nature) + "\n" + fmt.Sprintf(bt.discovered, date)
	cats := t.Categories
	if len(cats) == 0 {
		cats = i.Categories
	}
	if len(cats) > 0 {
		what += " " + fmt.Sprintf(bt.data, strings.Join(cats, ", "))
	}
	section(bt.what, what)
	section(bt.consequences, t.Consequences)
	section(bt.measures, t.Measures)
	section(bt.advice, t.Advice)
	var contact []string
	if pol != nil {
		d := pol.DPO
		line := bt.dpo
		for _, v := range []string{d.Name, d.Email, d.Phone, d.Address} {
			if v != "" {
				line += ", " + v
			}
		}
		contact = append(contact, strings.Replace(line, ", ", ": ", 1))
	}
	contact = append(contact, bt.complain)
	section(bt.contact, strings.Join(contact, "\n"))
	return strings.TrimRight(b.String(), "\n") + "\n"
}
