package http

import (
	"net/http"
	"strconv"

	"github.com/kirjaamo/kirjaamo"
)

// DisclosureList lists disclosures.
type DisclosureList struct {
	Disclosures []*kirjaamo.Disclosure `json:"disclosures"`
}

// NotificationList lists the outbox.
type NotificationList struct {
	Notifications []*kirjaamo.Notification `json:"notifications"`
}

// IncidentList lists incidents.
type IncidentList struct {
	Incidents []*kirjaamo.Incident `json:"incidents"`
}

// IncidentSubjectsRequest links affected subjects to an incident by id.
type IncidentSubjectsRequest struct {
	SubjectIDs []string `json:"subject_ids"`
}

// IncidentSubjectList lists the ids of an incident's affected subjects.
type IncidentSubjectList struct {
	IncidentID string   `json:"incident_id"`
	SubjectIDs []string `json:"subject_ids"`
}

func (s *Server) dsrRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/disclosures", Summary: "Log a disclosure to a third party with recipient, legal basis, categories and how the recipient was verified (supervisor, DPO)",
			Request: kirjaamo.Disclosure{}, Response: kirjaamo.Disclosure{}, Status: 201, Handler: s.createDisclosure},
		{Method: "GET", Path: "/api/v1/subjects/{id}/disclosures", Summary: "A subject's disclosure log (supervisor, DPO, auditor)",
			Response: DisclosureList{}, Status: 200, Handler: s.disclosures},
		{Method: "GET", Path: "/api/v1/notifications", Summary: "Outbox of art. 19 rectification notifications to recipients (DPO)",
			Query: map[string]string{"pending": "true for unsent only"}, Response: NotificationList{}, Status: 200, Handler: s.notifications},
		{Method: "POST", Path: "/api/v1/incidents", Summary: "Report a personal-data breach at once; the 72-hour clock starts (any user)",
			Request: kirjaamo.Incident{}, Response: kirjaamo.Incident{}, Status: 201, Handler: s.reportIncident},
		{Method: "GET", Path: "/api/v1/incidents", Summary: "The incident register, open ones by deadline (DPO, auditor)",
			Response: IncidentList{}, Status: 200, Handler: s.incidents},
		{Method: "PATCH", Path: "/api/v1/incidents/{id}", Summary: "Record notifications to the authority and the subjects, the risk, closing (DPO)",
			Request: kirjaamo.IncidentChange{}, Response: kirjaamo.Incident{}, Status: 200, Handler: s.changeIncident},
		{Method: "POST", Path: "/api/v1/incidents/{id}/subjects", Summary: "Link the subjects a breach affects, by subject id (DPO)",
			Request: IncidentSubjectsRequest{}, Response: kirjaamo.Incident{}, Status: 200, Handler: s.linkIncidentSubjects},
		{Method: "GET", Path: "/api/v1/incidents/{id}/subjects", Summary: "The ids of the subjects a breach affects (DPO)",
			Response: IncidentSubjectList{}, Status: 200, Handler: s.incidentSubjects},
		{Method: "POST", Path: "/api/v1/incidents/{id}/letters", Summary: "Write the art. 34 letter to every affected subject not yet written to, in the subject's language, into the outbox; or record an art. 34(3) exemption with its reason (DPO)",
			Request: kirjaamo.LetterRequest{}, Response: kirjaamo.LetterBatch{}, Status: 201, Handler: s.writeBreachLetters},
		{Method: "GET", Path: "/api/v1/incidents/{id}/letters", Summary: "An incident's letters in the outbox, sent or not (DPO)",
			Response: NotificationList{}, Status: 200, Handler: s.incidentLetters},
		{Method: "POST", Path: "/api/v1/notifications/{id}/sent", Summary: "Record that a notification or letter was sent; the last letter of an incident records the people as told (DPO)",
			Response: kirjaamo.Notification{}, Status: 200, Handler: s.markNotificationSent},
	}
}

func (s *Server) createDisclosure(w http.ResponseWriter, r *http.Request) error {
	var d kirjaamo.Disclosure
	if err := decode(r, &d); err != nil {
		return err
	}
	if err := s.Service.RecordDisclosure(r.Context(), &d); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, &d)
	return nil
}

func (s *Server) disclosures(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.Service.Disclosures(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, DisclosureList{ds})
	return nil
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request) error {
	pending := false
	if v := r.URL.Query().Get("pending"); v != "" {
		var err error
		if pending, err = strconv.ParseBool(v); err != nil {
			return kirjaamo.FieldError("pending", "pending must be true or false")
		}
	}
	ns, err := s.Service.Notifications(r.Context(), pending)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NotificationList{ns})
	return nil
}

func (s *Server) reportIncident(w http.ResponseWriter, r *http.Request) error {
	var i kirjaamo.Incident
	if err := decode(r, &i); err != nil {
		return err
	}
	if err := s.Service.ReportIncident(r.Context(), &i); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, &i)
	return nil
}

func (s *Server) incidents(w http.ResponseWriter, r *http.Request) error {
	is, err := s.Service.Incidents(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, IncidentList{is})
	return nil
}

func (s *Server) changeIncident(w http.ResponseWriter, r *http.Request) error {
	var ch kirjaamo.IncidentChange
	if err := decode(r, &ch); err != nil {
		return err
	}
	i, err := s.Service.ChangeIncident(r.Context(), r.PathValue("id"), &ch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, i)
	return nil
}

func (s *Server) linkIncidentSubjects(w http.ResponseWriter, r *http.Request) error {
	var req IncidentSubjectsRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	i, err := s.Service.LinkIncidentSubjects(r.Context(), r.PathValue("id"), req.SubjectIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, i)
	return nil
}

func (s *Server) incidentSubjects(w http.ResponseWriter, r *http.Request) error {
	ids, err := s.Service.IncidentSubjects(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, IncidentSubjectList{IncidentID: r.PathValue("id"), SubjectIDs: ids})
	return nil
}

func (s *Server) writeBreachLetters(w http.ResponseWriter, r *http.Request) error {
	var req kirjaamo.LetterRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	b, err := s.Service.WriteBreachLetters(r.Context(), r.PathValue("id"), &req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) incidentLetters(w http.ResponseWriter, r *http.Request) error {
	ns, err := s.Service.IncidentLetters(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NotificationList{ns})
	return nil
}

func (s *Server) markNotificationSent(w http.ResponseWriter, r *http.Request) error {
	n, err := s.Service.MarkNotificationSent(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}
