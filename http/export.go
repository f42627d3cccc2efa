package http

import (
	"net/http"
	"slices"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/export"
	"github.com/kirjaamo/kirjaamo/notice"
)

func (s *Server) exportRoute() Route {
	return Route{Method: "GET", Path: "/api/v1/requests/{id}/export", Summary: "The access or portability export as a ZIP: data.json (schema " + kirjaamo.ExportSchema + "), decrypted recordings, report.html and the privacy notice (DPO, after identity verification)",
		Query: map[string]string{"lang": "fi (default), sv or en"}, Status: 200, Handler: s.export}
}

// export streams the ZIP (package export): nothing is held whole in memory.
func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "fi"
	}
	if !slices.Contains(notice.Languages(), lang) {
		return kirjaamo.FieldError("lang", "lang must be fi, sv or en")
	}
	started := false
	err := export.Write(r.Context(), w, s.Service, s.Blobs, s.Keys, r.PathValue("id"), lang, func(x *kirjaamo.Export) {
		started = true
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="kirjaamo-export-`+x.Request.ID+`.zip"`)
	})
	if err != nil && started {
		// The archive is half sent: the client sees a broken ZIP.
		s.Logger.Error("export interrupted", "request_id", kirjaamo.AccessFrom(r.Context()).RequestID, "error", scrub(err))
		return nil
	}
	return err
}
