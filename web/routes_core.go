package web

import (
	"net/http"
	"slices"
	"strings"
)

// coreRoutes are the routes every view builds on: sign-in, the lock,
// language and assets, and the home page.
func (s *Server) coreRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/", Roles: anyRole, Nav: "nav.home", Handler: s.home},
		{Method: "GET", Path: "/login", Public: true, Handler: s.loginPage},
		{Method: "POST", Path: "/login", Public: true, Handler: s.login},
		{Method: "POST", Path: "/logout", Roles: anyRole, Locked: true, Handler: s.logout},
		{Method: "GET", Path: "/lock", Roles: anyRole, Locked: true, Handler: s.lockPage},
		{Method: "POST", Path: "/unlock", Roles: anyRole, Locked: true, Handler: s.unlock},
		{Method: "POST", Path: "/keepalive", Roles: anyRole, JSON: true, Handler: s.keepalive},
		{Method: "GET", Path: "/lang/{lang}", Public: true, Handler: s.setLang},
		{Method: "GET", Path: "/static/{file}", Public: true, Handler: s.asset},
	}
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.Title = "home.title"
	s.render(w, http.StatusOK, "home", p)
	return nil
}

// setLang stores the chosen language in a cookie and goes back. A GET:
// the choice is a harmless preference and works before login.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request, p *Page) error {
	lang := r.PathValue("lang")
	if !slices.Contains(Languages, lang) {
		lang = DefaultLang
	}
	c := s.cookie(langCookie, lang, 365*24*3600)
	c.SameSite = http.SameSiteLaxMode
	http.SetCookie(w, c)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) asset(w http.ResponseWriter, r *http.Request, p *Page) error {
	name := r.PathValue("file")
	b, err := assets.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return nil
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(name, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	// URLs carry the content hash, so a long cache is safe.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
	return nil
}
