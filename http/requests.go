package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// RequestList lists data-subject requests.
type RequestList struct {
	Requests []*kirjaamo.Request `json:"requests"`
}

// NewRequest is the body of POST /api/v1/requests.
type NewRequest struct {
	Type       string `json:"type"`
	SubjectID  string `json:"subject_id,omitempty"`
	Channel    string `json:"channel"`
	ReceivedAt string `json:"received_at,omitempty"` // RFC 3339; default now
}

func (s *Server) requestRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/requests", Summary: "Register a data-subject request on receipt; its deadline is one calendar month (DPO)",
			Request: NewRequest{}, Response: kirjaamo.Request{}, Status: 201, Handler: s.createRequest},
		{Method: "GET", Path: "/api/v1/requests", Summary: "Data-subject requests, open ones first by deadline (DPO)",
			Query: map[string]string{"open": "true for open requests only"}, Response: RequestList{}, Status: 200, Handler: s.requests},
		{Method: "PATCH", Path: "/api/v1/requests/{id}", Summary: "Verify identity, extend the deadline (≤ 2 months, with reason), assign, start, decide, close (DPO)",
			Request: kirjaamo.RequestChange{}, Response: kirjaamo.Request{}, Status: 200, Handler: s.changeRequest},
		{Method: "POST", Path: "/api/v1/requests/{id}/erasure", Summary: "Decide an erasure request: each part erased or kept with its legal reason, and the written decision (preview: true decides nothing) (DPO)",
			Request: ErasureRequest{}, Response: kirjaamo.ErasureDecision{}, Status: 200, Handler: s.erase},
		{Method: "GET", Path: "/api/v1/requests/{id}/discovery", Summary: "Everything held on the request's subject across every register, incl. transcripts that only mention them (DPO, after identity verification)",
			Response: kirjaamo.Discovery{}, Status: 200, Handler: s.discovery},
	}
}

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request) error {
	var in NewRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	req := &kirjaamo.Request{Type: in.Type, SubjectID: in.SubjectID, Channel: in.Channel}
	if in.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, in.ReceivedAt)
		if err != nil {
			return kirjaamo.FieldError("received_at", "received_at must be an RFC 3339 time")
		}
		req.ReceivedAt = t
	}
	if err := s.Service.CreateRequest(r.Context(), req); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, req)
	return nil
}

func (s *Server) requests(w http.ResponseWriter, r *http.Request) error {
	open := false
	if v := r.URL.Query().Get("open"); v != "" {
		var err error
		if open, err = strconv.ParseBool(v); err != nil {
			return kirjaamo.FieldError("open", "open must be true or false")
		}
	}
	rs, err := s.Service.Requests(r.Context(), open)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, RequestList{rs})
	return nil
}

func (s *Server) changeRequest(w http.ResponseWriter, r *http.Request) error {
	var ch kirjaamo.RequestChange
	if err := decode(r, &ch); err != nil {
		return err
	}
	req, err := s.Service.ChangeRequest(r.Context(), r.PathValue("id"), &ch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Service.Discover(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// ErasureRequest is the body of POST /api/v1/requests/{id}/erasure.
type ErasureRequest struct {
	Preview bool `json:"preview"`
	// Lang is the language of the decision letter: fi (default), sv, en.
	Lang string `json:"lang,omitempty"`
}

func (s *Server) erase(w http.ResponseWriter, r *http.Request) error {
	var in ErasureRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	switch in.Lang {
	case "":
		in.Lang = "fi"
	case "fi", "sv", "en":
	default:
		return kirjaamo.FieldError("lang", "lang must be fi, sv or en")
	}
	d, err := s.Service.Erase(r.Context(), r.PathValue("id"), in.Preview, in.Lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
