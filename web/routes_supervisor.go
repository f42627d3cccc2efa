package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// holdViewers may see legal holds (the service lets the auditor list them).
var holdViewers = []policy.Role{policy.RoleSupervisor, policy.RoleDPO, policy.RoleAuditor}

// The supervisor's views: extending a recording's retention for a
// complaint (up to the policy's cap, shown on the form) and legal holds.
func (s *Server) supervisorRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/contacts/{id}/extend", Roles: managers, Handler: s.extend},
		{Method: "GET", Path: "/holds", Roles: holdViewers, Nav: "nav.holds", Handler: s.holdsPage},
		{Method: "POST", Path: "/holds", Roles: managers, Handler: s.placeHold},
		{Method: "POST", Path: "/holds/{id}/release", Roles: managers, Handler: s.releaseHold},
	}
}

// parseDate reads a date field (YYYY-MM-DD) as the end of that day, local
// time, naming the field when it is not a date.
func parseDate(field, v string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(v), time.Local)
	if err != nil {
		return time.Time{}, kirjaamo.FieldError(field, "give a date")
	}
	return d, nil
}

func (s *Server) extend(w http.ResponseWriter, r *http.Request, p *Page) error {
	id := r.PathValue("id")
	until, err := parseDate("until", r.PostFormValue("until"))
	if err == nil {
		// The cap is a time of day too; the form asks for a day: keep
		// through the day chosen, but never past the cap.
		_, err = s.Service.ExtendRetention(r.Context(), id, &kirjaamo.Extension{Part: policy.Part(r.PostFormValue("part")), Reason: r.PostFormValue("reason"), Until: until.UTC()})
	}
	if err != nil {
		v, lerr := s.loadContact(r, p)
		if lerr != nil {
			return lerr
		}
		status, err := showError(p, err)
		if err != nil {
			return err
		}
		p.Title, p.Data = "contact.title", v
		s.render(w, status, "contact", p)
		return nil
	}
	http.Redirect(w, r, "/contacts/"+id+"?done=extended", http.StatusSeeOther)
	return nil
}

type holdsView struct {
	Holds   []*kirjaamo.Hold
	Reasons []string
}

func (s *Server) holdsPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	holds, err := s.Service.Holds(r.Context(), false)
	if err != nil {
		return err
	}
	p.Title, p.Data = "holds.title", &holdsView{Holds: holds, Reasons: kirjaamo.HoldReasons}
	if done := r.FormValue("done"); done == "hold_placed" || done == "hold_released" {
		p.Notice = p.T("done." + done)
	}
	s.render(w, http.StatusOK, "holds", p)
	return nil
}

func (s *Server) placeHold(w http.ResponseWriter, r *http.Request, p *Page) error {
	f := r.PostFormValue
	h := &kirjaamo.Hold{SubjectID: strings.TrimSpace(f("subject_id")), RecordID: strings.TrimSpace(f("record_id")),
		Reason: f("reason"), Owner: strings.TrimSpace(f("owner")), Note: strings.TrimSpace(f("note"))}
	review, err := parseDate("review_at", f("review_at"))
	if err == nil {
		h.ReviewAt = review.UTC()
		err = s.Service.PlaceHold(r.Context(), h)
	}
	if err != nil {
		holds, lerr := s.Service.Holds(r.Context(), false)
		if lerr != nil {
			return lerr
		}
		status, err := showError(p, err)
		if err != nil {
			return err
		}
		p.Title, p.Data = "holds.title", &holdsView{Holds: holds, Reasons: kirjaamo.HoldReasons}
		s.render(w, status, "holds", p)
		return nil
	}
	next := safeNext(f("next"))
	if next == "/" {
		next = "/holds"
	}
	sep := "?"
	if strings.Contains(next, "?") {
		sep = "&"
	}
	http.Redirect(w, r, next+sep+"done=hold_placed", http.StatusSeeOther)
	return nil
}

func (s *Server) releaseHold(w http.ResponseWriter, r *http.Request, p *Page) error {
	if _, err := s.Service.ReleaseHold(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/holds?done=hold_released", http.StatusSeeOther)
	return nil
}
