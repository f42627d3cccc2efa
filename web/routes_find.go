package web

import (
	"net/http"
	"strings"

	"github.com/kirjaamo/kirjaamo"
)

// findView is the customer search of the DPO's request and incident pages:
// the service's search with its guard and audit, by exact identifiers
// only (identity code, e-mail, phone, customer number through the blind
// index), never names, so nobody is found by browsing. Each match has a
// button that posts its id to Link.
type findView struct {
	P        *Page
	Action   string            // where the search form posts
	Link     string            // where a match's link button posts
	Hidden   map[string]string // the link form's fixed fields
	LinkKey  string            // message key of the link button
	Q        kirjaamo.SubjectQuery
	Results  []*kirjaamo.Subject
	Searched bool
}

// find runs the posted search with purpose as the audited purpose (the
// request or incident the DPO is working on), and puts a refusal on the
// page. The identity code typed is not put back on the screen.
func (s *Server) find(r *http.Request, p *Page, f *findView, purpose string) (int, error) {
	fv := r.PostFormValue
	q := kirjaamo.SubjectQuery{IdentityCode: strings.TrimSpace(fv("identity_code")), Email: strings.TrimSpace(fv("email")),
		Phone: strings.TrimSpace(fv("phone")), CustomerNumber: strings.TrimSpace(fv("customer_number"))}
	acc := kirjaamo.AccessFrom(r.Context())
	working := acc.Purpose
	acc.Purpose = purpose
	res, err := s.Service.SearchSubjects(r.Context(), &q)
	acc.Purpose = working
	q.IdentityCode = ""
	f.Q = q
	if err != nil {
		return showError(p, err)
	}
	f.Results, f.Searched = res, true
	return http.StatusOK, nil
}
