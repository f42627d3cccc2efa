package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// Page is what every template gets: the language, the user, the CSRF token,
// the navigation, and the view's own Data.
type Page struct {
	Lang       string
	User       *kirjaamo.User
	CSRF       string
	Path       string
	Title      string // message key
	Data       any
	Error      string // translated
	ErrorField string
	RequestID  string
	Notice     string // translated confirmation ("saved")
	// NoIdle turns the idle timer and navigation off (the lock page).
	NoIdle bool

	s     *Server
	r     *http.Request
	route *Route
	sess  *session
}

// T translates key into the page's language.
func (p *Page) T(key string, args ...any) string { return T(p.Lang, key, args...) }

// Asset is a static file's versioned URL.
func (p *Page) Asset(name string) string { return p.s.static[name] }

// Here is a GET path that shows this page again, for the language switcher
// and the lock's way back: the page's own path, or for a page answering a
// form (POST /subjects/{id}/reveal) the nearest path above it that a GET
// reaches (/subjects/{id}).
func (p *Page) Here() string {
	path := p.Path
	for path != "/" && path != "" {
		req, err := http.NewRequest("GET", path, nil)
		if err != nil {
			break
		}
		if _, pattern := p.s.mux.Handler(req); pattern != "" && pattern != "/" {
			return path
		}
		path = path[:strings.LastIndex(path, "/")]
	}
	return "/"
}

// Languages lists the languages for the switcher.
func (p *Page) Languages() []string { return Languages }

// IdleSeconds is the idle lock for the page's script (0: none).
func (p *Page) IdleSeconds() int { return int(p.s.IdleTimeout.Seconds()) }

// holdForm is the data of the hold form partial.
type holdForm struct {
	P         *Page
	Field, ID string
	Reasons   []string
}

// NavItem is one navigation entry.
type NavItem struct {
	Path, Key string
	Current   bool
}

// Nav lists the navigation entries the user's role may use.
func (p *Page) Nav() []NavItem {
	if p.User == nil {
		return nil
	}
	var out []NavItem
	for _, rt := range p.s.routes {
		if rt.Nav != "" && slices.Contains(rt.Roles, p.User.Role) {
			out = append(out, NavItem{Path: rt.Path, Key: rt.Nav, Current: p.Path == rt.Path || rt.Path != "/" && strings.HasPrefix(p.Path, rt.Path+"/")})
		}
	}
	return out
}

// Can reports whether the user's role may use the route method+path.
func (p *Page) Can(method, path string) bool {
	if p.User == nil {
		return false
	}
	for _, rt := range p.s.routes {
		if rt.Method == method && rt.Path == path {
			return slices.Contains(rt.Roles, p.User.Role)
		}
	}
	return false
}

var funcs = template.FuncMap{
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if v.IsZero() {
				return ""
			}
			return v.Local().Format("2.1.2006")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.Local().Format("2.1.2006")
		}
		return ""
	},
	"datetime": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.Local().Format("2.1.2006 15.04")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.Local().Format("2.1.2006 15.04")
		}
		return ""
	},
	"isodate": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.Local().Format(time.DateOnly)
		case *time.Time:
			if v != nil {
				return v.Local().Format(time.DateOnly)
			}
		}
		return ""
	},
	"holdform": func(p *Page, field, id string) holdForm {
		return holdForm{P: p, Field: field, ID: id, Reasons: kirjaamo.HoldReasons}
	},
	"role": func(r policy.Role) string { return "role." + string(r) },
	// langname is a language's own name: never translated.
	"langname": func(l string) string { return map[string]string{"fi": "suomi", "sv": "svenska", "en": "English"}[l] },
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page template into a buffer first, so a template error
// is a clean 500 and not half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *Page) {
	t, ok := s.pages[name]
	if !ok {
		s.Logger.Error("no such template", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", p); err != nil {
		s.Logger.Error("template", "template", name, "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func hashHex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// ReasonLabel names an extension reason: the catalog's words for the
// reasons the policy language builds in, the policy's own word otherwise.
func (p *Page) ReasonLabel(reason string) string {
	if _, ok := catalog["extension.reason."+reason]; ok {
		return p.T("extension.reason." + reason)
	}
	return reason
}
