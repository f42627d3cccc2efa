package http

import (
	"net/http"

	"github.com/kirjaamo/kirjaamo"
)

// RestrictionRequest is the body of POST /api/v1/subjects/{id}/restriction.
type RestrictionRequest struct {
	Restricted bool `json:"restricted"`
}

// OptOutRequest is the body of POST /api/v1/subjects/{id}/opt-outs.
type OptOutRequest struct {
	Kind   string `json:"kind"`
	Active bool   `json:"active"`
}

// OptOutList lists opt-out changes.
type OptOutList struct {
	OptOuts []*kirjaamo.OptOut `json:"opt_outs"`
}

// Audience answers GET /api/v1/marketing/audience.
type Audience struct {
	Members []kirjaamo.AudienceMember `json:"members"`
}

func (s *Server) restrictionRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/subjects/{id}/restriction", Summary: "Restrict (or release) the processing of a person's data, GDPR art. 18 (DPO)",
			Request: RestrictionRequest{}, Response: kirjaamo.Subject{}, Status: 200, Handler: s.restrict},
		{Method: "POST", Path: "/api/v1/subjects/{id}/opt-outs", Summary: "Record an opt-out (direct marketing, directory publication, profiling) or its withdrawal",
			Request: OptOutRequest{}, Response: kirjaamo.OptOut{}, Status: 201, Handler: s.setOptOut},
		{Method: "GET", Path: "/api/v1/subjects/{id}/opt-outs", Summary: "A person's opt-out history",
			Response: OptOutList{}, Status: 200, Handler: s.optOuts},
		{Method: "GET", Path: "/api/v1/marketing/audience", Summary: "People who may receive direct marketing: opt-outs and restricted subjects excluded (supervisor, DPO; audited export)",
			Response: Audience{}, Status: 200, Handler: s.audience},
	}
}

func (s *Server) restrict(w http.ResponseWriter, r *http.Request) error {
	var in RestrictionRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	sub, err := s.Service.SetRestriction(r.Context(), r.PathValue("id"), in.Restricted)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sub)
	return nil
}

func (s *Server) setOptOut(w http.ResponseWriter, r *http.Request) error {
	var in OptOutRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	o := &kirjaamo.OptOut{SubjectID: r.PathValue("id"), Kind: in.Kind, Active: in.Active}
	if err := s.Service.SetOptOut(r.Context(), o); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) optOuts(w http.ResponseWriter, r *http.Request) error {
	os, err := s.Service.OptOuts(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, OptOutList{os})
	return nil
}

func (s *Server) audience(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.Service.MarketingAudience(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Audience{ms})
	return nil
}
