package http

import (
	"context"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
)

// MaxRecordingBytes bounds one recording upload (several hours of audio).
const MaxRecordingBytes = 8 << 30

func (s *Server) recordingRoutes() []Route {
	return []Route{
		{Method: "PUT", Path: "/api/v1/contacts/{id}/recording-notice", Summary: "Record how the caller was informed of the recording (seed 003)",
			Request: kirjaamo.RecordingNotice{}, Response: kirjaamo.Contact{}, Status: 200, Handler: s.putNotice},
		{Method: "PUT", Path: "/api/v1/contacts/{id}/recording", Summary: "Upload a call's recording, streamed and encrypted; refused (409) without the notice the policy requires. Header X-Recording-Started-At: RFC 3339",
			Response: kirjaamo.Recording{}, Status: 201, MaxBody: MaxRecordingBytes, Handler: s.putRecording},
		{Method: "GET", Path: "/api/v1/contacts/{id}/recording", Summary: "Play a recording (HTTP range requests supported); only roles with the recording permission, audited with the purpose",
			Status: 200, Handler: s.getRecording},
	}
}

func (s *Server) putNotice(w http.ResponseWriter, r *http.Request) error {
	var n kirjaamo.RecordingNotice
	if err := decode(r, &n); err != nil {
		return err
	}
	c, err := s.Service.SetRecordingNotice(r.Context(), r.PathValue("id"), &n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) putRecording(w http.ResponseWriter, r *http.Request) error {
	if s.Blobs == nil || s.Keys == nil {
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "no blob store is configured")
	}
	id := r.PathValue("id")
	started, err := time.Parse(time.RFC3339, r.Header.Get("X-Recording-Started-At"))
	if err != nil {
		return kirjaamo.FieldError("X-Recording-Started-At", "give the recording's start as an RFC 3339 time in the X-Recording-Started-At header")
	}
	ctype := r.Header.Get("Content-Type")
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if mt, _, err := mime.ParseMediaType(ctype); err != nil || len(ctype) > 100 {
		return kirjaamo.FieldError("Content-Type", "Content-Type is not a media type")
	} else {
		ctype = mt
	}
	// Every rule is checked before a byte is stored.
	if err := s.Service.PrepareRecording(r.Context(), id, started); err != nil {
		return err
	}
	key := "recordings/" + kirjaamo.NewID(s.Now())
	sealed, err := blob.PutSealed(r.Context(), s.Blobs, s.Keys, key, r.Body)
	if err != nil {
		// Nothing half-written: Put removes its temporary file, but a failure
		// after the rename (the directory sync) would leave a blob no row
		// names. The key is new, so deleting it can only remove that.
		s.Blobs.Delete(context.WithoutCancel(r.Context()), key)
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return kirjaamo.Errorf(kirjaamo.ETOOLARGE, "a recording may be at most %d bytes", MaxRecordingBytes)
		case errors.Is(err, blob.ErrNoSpace):
			return kirjaamo.Errorf(kirjaamo.ENOSPACE, "the recording store is full; nothing was stored")
		}
		return err
	}
	rec := &kirjaamo.Recording{ContactID: id, BlobKey: key, WrappedKey: sealed.WrappedKey, Size: sealed.Size,
		SHA256: hex.EncodeToString(sealed.SHA256[:]), ContentType: ctype, StartedAt: started.UTC()}
	if err := s.Service.AttachRecording(r.Context(), rec); err != nil {
		// Nothing half-written: the blob goes if its row could not be stored.
		s.Blobs.Delete(context.WithoutCancel(r.Context()), key)
		return err
	}
	writeJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) getRecording(w http.ResponseWriter, r *http.Request) error {
	if s.Blobs == nil || s.Keys == nil {
		return kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "no blob store is configured")
	}
	rec, err := s.Service.PlayRecording(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rd, err := blob.OpenSealed(r.Context(), s.Blobs, s.Keys, rec.BlobKey, rec.WrappedKey)
	if err != nil {
		return err
	}
	defer rd.Close()
	w.Header().Set("Content-Type", rec.ContentType)
	w.Header().Set("X-Content-SHA256", rec.SHA256)
	// ServeContent answers Range requests (206) so a browser can seek.
	http.ServeContent(w, r, "", rec.UploadedAt, rd)
	return nil
}
