package http

import (
	"mime"
	"net/http"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
)

// AttachmentList lists a contact's attachments.
type AttachmentList struct {
	Attachments []*kirjaamo.Attachment `json:"attachments"`
}

func (s *Server) attachmentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/contacts/{id}/attachments", Summary: "A contact's attachments: stored as sent, stored as redacted text, or not stored and why (roles that may read the register; audited)",
			Response: AttachmentList{}, Status: 200, Handler: s.listAttachments},
		{Method: "GET", Path: "/api/v1/contacts/{id}/attachments/{aid}", Summary: "Download one attachment, decrypted (HTTP range requests supported); roles that may read the register, with the purpose where the policy requires one; audited",
			Status: 200, Handler: s.getAttachment},
	}
}

func (s *Server) listAttachments(w http.ResponseWriter, r *http.Request) error {
	as, err := s.Service.Attachments(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, AttachmentList{Attachments: as})
	return nil
}

func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) error {
	if s.Blobs == nil || s.Keys == nil {
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "no blob store is configured")
	}
	a, err := s.Service.OpenAttachment(r.Context(), r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	rd, err := blob.OpenSealed(r.Context(), s.Blobs, s.Keys, a.BlobKey, a.WrappedKey)
	if err != nil {
		return err
	}
	defer rd.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	// The sender chose the type and the content: the browser saves the
	// file rather than rendering it in the API's origin.
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
	if disp == "" {
		disp = "attachment"
	}
	h.Set("Content-Disposition", disp)
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("X-Content-SHA256", a.SHA256)
	http.ServeContent(w, r, "", a.CreatedAt, rd)
	return nil
}
