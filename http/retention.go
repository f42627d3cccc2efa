package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// NewHold is the body of POST /api/v1/holds.
type NewHold struct {
	SubjectID string    `json:"subject_id,omitempty"`
	RecordID  string    `json:"record_id,omitempty"`
	Reason    string    `json:"reason"`
	Owner     string    `json:"owner"`
	ReviewAt  time.Time `json:"review_at"`
	Note      string    `json:"note,omitempty"`
}

// HoldList lists holds.
type HoldList struct {
	Holds []*kirjaamo.Hold `json:"holds"`
}

// Forecast answers GET /api/v1/retention/forecast.
type Forecast struct {
	Until time.Time              `json:"until"`
	Rows  []kirjaamo.ForecastRow `json:"rows"`
}

// DeletionLog answers GET /api/v1/retention/deletions.
type DeletionLog struct {
	Entries []kirjaamo.DeletionLogEntry `json:"entries"`
}

func (s *Server) retentionRoutes() []Route {
	return []Route{
		{Method: "PATCH", Path: "/api/v1/contacts/{id}", Summary: "Record a contact's retention events (end, customer's last activity, closing); retention is recomputed",
			Request: kirjaamo.ContactEvents{}, Response: kirjaamo.Contact{}, Status: 200, Handler: s.contactEvents},
		{Method: "POST", Path: "/api/v1/contacts/{id}/extensions", Summary: "Extend one part's retention for a reason the policy lists, up to its cap (supervisor, DPO)",
			Request: kirjaamo.Extension{}, Response: kirjaamo.Contact{}, Status: 200, Handler: s.extend},
		{Method: "GET", Path: "/api/v1/holds", Summary: "Legal holds, review date first (supervisor, DPO, auditor)",
			Query: map[string]string{"all": "true to include released holds"}, Response: HoldList{}, Status: 200, Handler: s.holds},
		{Method: "POST", Path: "/api/v1/holds", Summary: "Place a legal hold on a subject (with its contacts) or one record (supervisor, DPO)",
			Request: NewHold{}, Response: kirjaamo.Hold{}, Status: 201, Handler: s.placeHold},
		{Method: "POST", Path: "/api/v1/holds/{id}/release", Summary: "Release a legal hold (supervisor, DPO)",
			Response: kirjaamo.Hold{}, Status: 200, Handler: s.releaseHold},
		{Method: "GET", Path: "/api/v1/retention/forecast", Summary: "What will be deleted in the coming days per register and part, and what holds and extensions keep",
			Query: map[string]string{"days": "window in days (default 30)"}, Response: Forecast{}, Status: 200, Handler: s.forecast},
		{Method: "GET", Path: "/api/v1/retention/deletions", Summary: "The deletion log: counts per register, part and rule, newest first",
			Query: map[string]string{"limit": "at most this many (≤ 1000)"}, Response: DeletionLog{}, Status: 200, Handler: s.deletions},
	}
}

func (s *Server) contactEvents(w http.ResponseWriter, r *http.Request) error {
	var e kirjaamo.ContactEvents
	if err := decode(r, &e); err != nil {
		return err
	}
	c, err := s.Service.UpdateContactEvents(r.Context(), r.PathValue("id"), &e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) extend(w http.ResponseWriter, r *http.Request) error {
	var e kirjaamo.Extension
	if err := decode(r, &e); err != nil {
		return err
	}
	c, err := s.Service.ExtendRetention(r.Context(), r.PathValue("id"), &e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) holds(w http.ResponseWriter, r *http.Request) error {
	all := false
	if v := r.URL.Query().Get("all"); v != "" {
		var err error
		if all, err = strconv.ParseBool(v); err != nil {
			return kirjaamo.FieldError("all", "all must be true or false")
		}
	}
	hs, err := s.Service.Holds(r.Context(), all)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, HoldList{hs})
	return nil
}

func (s *Server) placeHold(w http.ResponseWriter, r *http.Request) error {
	var in NewHold
	if err := decode(r, &in); err != nil {
		return err
	}
	h := &kirjaamo.Hold{SubjectID: in.SubjectID, RecordID: in.RecordID, Reason: in.Reason, Owner: in.Owner, ReviewAt: in.ReviewAt, Note: in.Note}
	if err := s.Service.PlaceHold(r.Context(), h); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/holds/"+h.ID)
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) releaseHold(w http.ResponseWriter, r *http.Request) error {
	h, err := s.Service.ReleaseHold(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) forecast(w http.ResponseWriter, r *http.Request) error {
	days := 30
	if v := r.URL.Query().Get("days"); v != "" {
		var err error
		if days, err = strconv.Atoi(v); err != nil {
			return kirjaamo.FieldError("days", "days must be a whole number")
		}
	}
	rows, err := s.Service.Forecast(r.Context(), days)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Forecast{Until: s.Now().UTC().AddDate(0, 0, days), Rows: rows})
	return nil
}

func (s *Server) deletions(w http.ResponseWriter, r *http.Request) error {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return kirjaamo.FieldError("limit", "limit must be 1–1000")
		}
	}
	log, err := s.Service.DeletionLog(r.Context(), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, DeletionLog{log})
	return nil
}
