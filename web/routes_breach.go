package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// The incident page: the people a breach affects, the art. 34 letters to
// them or the art. 34(3) exemption, and the letters' sending (GDPR art. 34;
// seed 000 §5). The service does the work and checks the role again
// (breach.go); the page finds people through the guarded customer search,
// never by listing customers (findView).

// maxListed bounds the affected people and letters one page lists: a
// breach may affect thousands, the page stays small (the counts are
// whole). Letters still to send come first, so each one marked sent makes
// room for the next.
const maxListed = 25

type incidentView struct {
	I            *kirjaamo.Incident
	Clock        deadline
	Subjects     []string // ids of the first maxListed people linked
	SubjectCount int
	Letters      []*kirjaamo.Notification // unsent first, at most maxListed
	LetterCount  int
	SentCount    int
	Samples      []*kirjaamo.Notification // one letter per language, to read
	Find         *findView
	Form         url.Values // the letters, exemption and id forms as typed
	Grounds      []string
	Langs        []string
	Parts        []string // the letter's text parts, each a text area per language
	// Open: letters or an exemption may still be recorded (a high-risk
	// incident, not closed, no exemption).
	Open bool
	// LettersOpen unfolds the letter form: nothing written yet, or the
	// form comes back refused.
	LettersOpen bool
}

// MoreSubjects and MoreLetters are how many the page does not list.
func (v *incidentView) MoreSubjects() int { return v.SubjectCount - len(v.Subjects) }
func (v *incidentView) MoreLetters() int  { return v.LetterCount - len(v.Letters) }

func incidentFinder(p *Page, id string) *findView {
	return &findView{P: p, Action: "/incidents/" + id + "/search", Link: "/incidents/" + id + "/subjects", LinkKey: "incident.link"}
}

// loadIncident gathers the page through the service, which admits the DPO
// only (IncidentSubjects) and answers ENOTFOUND for an unknown incident.
func (s *Server) loadIncident(r *http.Request, p *Page) (*incidentView, error) {
	ctx, id := r.Context(), r.PathValue("id")
	ids, err := s.Service.IncidentSubjects(ctx, id)
	if err != nil {
		return nil, err
	}
	letters, err := s.Service.IncidentLetters(ctx, id)
	if err != nil {
		return nil, err
	}
	in, err := s.Service.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	open := !in.Closed && in.AuthorityNotified == nil && in.Risk != "none"
	v := &incidentView{I: in, Clock: newDeadline(in.NotifyBy, s.now(), 24*time.Hour, open), SubjectCount: len(ids),
		LetterCount: len(letters), Find: incidentFinder(p, id), Form: url.Values{}, Grounds: kirjaamo.ExemptionGrounds, Langs: Languages, Parts: letterParts[:4],
		Open: in.Risk == "high" && !in.Closed && in.Exemption == nil}
	v.Subjects = ids[:min(len(ids), maxListed)]
	seen := map[string]bool{}
	for _, n := range letters {
		if n.SentAt != nil {
			v.SentCount++
		}
		if !seen[n.Lang] {
			seen[n.Lang] = true
			v.Samples = append(v.Samples, n)
		}
	}
	// Letters still to send first, each group oldest first.
	sorted := slices.Clone(letters)
	slices.SortStableFunc(sorted, func(a, b *kirjaamo.Notification) int {
		switch {
		case a.SentAt == nil && b.SentAt != nil:
			return -1
		case a.SentAt != nil && b.SentAt == nil:
			return 1
		}
		return 0
	})
	v.Letters = sorted[:min(len(sorted), maxListed)]
	v.LettersOpen = len(letters) == 0
	return v, nil
}

func (s *Server) renderIncident(w http.ResponseWriter, p *Page, status int, v *incidentView) {
	p.Title, p.Data = "incident.page.title", v
	s.render(w, status, "incident", p)
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	v, err := s.loadIncident(r, p)
	if err != nil {
		return err
	}
	doneNotice(p, "incident.done.", incidentNotices)
	s.renderIncident(w, p, http.StatusOK, v)
	return nil
}

// incidentRefused shows a refused step on the incident page with the
// forms as typed; internal errors and an unknown incident go to fail.
func (s *Server) incidentRefused(w http.ResponseWriter, r *http.Request, p *Page, err error) error {
	v, lerr := s.loadIncident(r, p)
	if lerr != nil {
		return lerr
	}
	status, err := showError(p, err)
	if err != nil {
		return err
	}
	r.PostForm.Del("_csrf")
	v.Form = r.PostForm
	v.LettersOpen = v.LettersOpen || r.PostForm.Get("mode") == "letters"
	s.renderIncident(w, p, status, v)
	return nil
}

// incidentSearch finds an affected person, audited with the incident as
// its purpose (the same purpose the letters' reads carry).
func (s *Server) incidentSearch(w http.ResponseWriter, r *http.Request, p *Page) error {
	v, err := s.loadIncident(r, p)
	if err != nil {
		return err
	}
	status, err := s.find(r, p, v.Find, "breach notification, incident "+v.I.ID)
	if err != nil {
		return err
	}
	s.renderIncident(w, p, status, v)
	return nil
}

// linkIncidentSubjects links the people a breach affects, by subject id:
// a match's button sends one subject_id, the list field several ids
// separated by spaces, commas or lines.
func (s *Server) linkIncidentSubjects(w http.ResponseWriter, r *http.Request, p *Page) error {
	ids := slices.Clone(r.PostForm["subject_id"])
	ids = append(ids, strings.FieldsFunc(r.PostFormValue("subject_ids"), func(c rune) bool {
		return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t'
	})...)
	if _, err := s.Service.LinkIncidentSubjects(r.Context(), r.PathValue("id"), ids); err != nil {
		return s.incidentRefused(w, r, p, err)
	}
	http.Redirect(w, r, "/incidents/"+r.PathValue("id")+"?done=linked", http.StatusSeeOther)
	return nil
}

// letterParts are the parts of a letter's text the DPO writes, per
// language (GDPR art. 34(2)); the form fields are named as the service
// names them in its errors (texts.fi.nature), so a refusal marks the field.
var letterParts = []string{"nature", "consequences", "measures", "advice", "categories"}

func init() {
	dynamicKeySources = append(dynamicKeySources, func() []string { return prefixed("incident.letters.", letterParts[:4]) })
}

// writeLetters queues the art. 34 letters, or records the art. 34(3)
// exemption (mode=exempt). A language whose fields are all empty is left
// out: the service names the language if an affected person needs it.
func (s *Server) writeLetters(w http.ResponseWriter, r *http.Request, p *Page) error {
	f := r.PostFormValue
	req := &kirjaamo.LetterRequest{}
	if f("mode") == "exempt" {
		req.Exemption = &kirjaamo.BreachExemption{Ground: f("exemption.ground"), Reason: strings.TrimSpace(f("exemption.reason"))}
	} else {
		req.Texts = map[string]kirjaamo.LetterText{}
		for _, lang := range Languages {
			field := func(part string) string { return strings.TrimSpace(f("texts." + lang + "." + part)) }
			if !slices.ContainsFunc(letterParts, func(part string) bool { return field(part) != "" }) {
				continue
			}
			req.Texts[lang] = kirjaamo.LetterText{Nature: field("nature"), Consequences: field("consequences"), Measures: field("measures"),
				Advice: field("advice"), Categories: splitList(field("categories"))}
		}
	}
	b, err := s.Service.WriteBreachLetters(r.Context(), r.PathValue("id"), req)
	if err != nil {
		return s.incidentRefused(w, r, p, err)
	}
	done := "letters"
	switch {
	case b.Exemption != nil:
		done = "exempted"
	case len(b.Letters) == 0:
		done = "no_letters"
	}
	http.Redirect(w, r, "/incidents/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
	return nil
}

// markLetterSent records that one of the incident's letters was sent (the
// row's button names it: one form for the table keeps the page small); the
// service records the people as told when the last one is.
func (s *Server) markLetterSent(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, letter := r.PathValue("id"), r.PostFormValue("letter")
	letters, err := s.Service.IncidentLetters(r.Context(), id)
	if err != nil {
		return err
	}
	// Only this incident's letters are marked from its page.
	if !slices.ContainsFunc(letters, func(n *kirjaamo.Notification) bool { return n.ID == letter }) {
		return kirjaamo.Errorf(kirjaamo.ENOTFOUND, "letter not found")
	}
	if _, err := s.Service.MarkNotificationSent(r.Context(), letter); err != nil {
		return s.incidentRefused(w, r, p, err)
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=sent", http.StatusSeeOther)
	return nil
}
