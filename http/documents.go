package http

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/notice"
	"github.com/kirjaamo/kirjaamo/policy"
)

// DocumentList lists published documents (without their texts).
type DocumentList struct {
	Documents []*kirjaamo.Document `json:"documents"`
}

// NewAnnouncement is the body of POST /api/v1/announcements.
type NewAnnouncement struct {
	Version string `json:"version"`
	Lang    string `json:"lang"`
	Text    string `json:"text"`
}

func (s *Server) noticeVersions(w http.ResponseWriter, r *http.Request) error {
	docs, err := s.Store.Documents(r.Context(), kirjaamo.DocNotice)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, DocumentList{docs})
	return nil
}

func (s *Server) publishAnnouncement(w http.ResponseWriter, r *http.Request) error {
	a := kirjaamo.AccessFrom(r.Context())
	if a.User.Role != policy.RoleDPO && a.User.Role != policy.RoleAdmin {
		return kirjaamo.Errorf(kirjaamo.EFORBIDDEN, "only the data protection officer or an administrator may publish announcements")
	}
	var in NewAnnouncement
	if err := decode(r, &in); err != nil {
		return err
	}
	switch {
	case in.Version == "" || len(in.Version) > 100:
		return kirjaamo.FieldError("version", "version is required, at most 100 bytes")
	case !slices.Contains(notice.Languages(), in.Lang):
		return kirjaamo.FieldError("lang", "lang must be fi, sv or en")
	case strings.TrimSpace(in.Text) == "" || len(in.Text) > 10000 || !utf8.ValidString(in.Text):
		return kirjaamo.FieldError("text", "text is required, UTF-8, at most 10000 bytes")
	}
	sum := sha256.Sum256([]byte(in.Text))
	now := s.Now().UTC()
	d := &kirjaamo.Document{ID: kirjaamo.NewID(now), Kind: kirjaamo.DocAnnouncement, Lang: in.Lang, Format: "text",
		Version: in.Version, Digest: "sha256:" + hex.EncodeToString(sum[:]), PublishedAt: now, Body: []byte(in.Text)}
	created, err := s.Store.PublishDocument(r.Context(), d)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		if d, err = s.Store.DocumentVersion(r.Context(), kirjaamo.DocAnnouncement, in.Lang, "text", in.Version); err != nil {
			return err
		}
		status = http.StatusOK
	}
	writeJSON(w, status, d)
	return nil
}

func (s *Server) announcements(w http.ResponseWriter, r *http.Request) error {
	docs, err := s.Store.Documents(r.Context(), kirjaamo.DocAnnouncement)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, DocumentList{docs})
	return nil
}

func (s *Server) announcement(w http.ResponseWriter, r *http.Request) error {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "fi"
	}
	d, err := s.Store.DocumentVersion(r.Context(), kirjaamo.DocAnnouncement, lang, "text", r.PathValue("version"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Last-Modified", d.PublishedAt.Format(http.TimeFormat))
	w.Write(d.Body)
	return nil
}
