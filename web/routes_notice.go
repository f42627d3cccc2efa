package web

import (
	"bytes"
	"html/template"
	"net/http"
	"slices"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/notice"
	"github.com/kirjaamo/kirjaamo/policy"
)

// The privacy notice preview: the notice rendered from the policy in force,
// in each language, beside the version last published, so the DPO sees
// what a policy change does to the text before it is published. The notice
// holds no personal data; the DPO answers for it and administrators keep
// the policy file.
var noticeRoles = []policy.Role{policy.RoleDPO, policy.RoleAdmin}

func (s *Server) noticeRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/notice", Roles: noticeRoles, Nav: "nav.notice", Handler: s.noticePreview},
	}
}

func (s *Server) noticePreview(w http.ResponseWriter, r *http.Request, p *Page) error {
	lang := r.URL.Query().Get("lang")
	if !slices.Contains(notice.Languages(), lang) {
		lang = p.Lang
	}
	b, err := notice.Render(s.Service.Policy, lang, "html", notice.Options{})
	if err != nil {
		return kirjaamo.Errorf(kirjaamo.EINTERNAL, "render notice: %v", err)
	}
	data := map[string]any{"Lang": lang, "Langs": notice.Languages(), "Digest": notice.Digest(b), "Body": noticeBody(b)}
	if pub, err := s.Store.DocumentAt(r.Context(), kirjaamo.DocNotice, lang, "html", s.now()); err == nil {
		data["Published"] = pub
		data["Same"] = pub.Digest == notice.Digest(b)
	} else if kirjaamo.ErrorCode(err) != kirjaamo.ENOTFOUND {
		return err
	}
	p.Title, p.Data = "notice.title", data
	s.render(w, http.StatusOK, "notice_preview", p)
	return nil
}

// noticeBody takes the notice's <main> out of its self-contained page: the
// inline style stays behind (this page's CSP allows none) and the content,
// escaped by package notice, is shown in the preview frame of app.css.
func noticeBody(page []byte) template.HTML {
	start := bytes.Index(page, []byte("<main>"))
	end := bytes.LastIndex(page, []byte("</main>"))
	if start < 0 || end < start {
		return ""
	}
	return template.HTML(page[start+len("<main>") : end]) // #nosec: built by package notice, every text escaped
}
