package web

import (
	"fmt"
	"net/http"
	"slices"
)

// Languages are the interface languages, Finnish first (the default).
var Languages = []string{"fi", "sv", "en"}

// DefaultLang is used when the visitor has chosen none.
const DefaultLang = "fi"

// msg is one message in every language. Messages may hold fmt verbs; the
// arguments are given where the message is used.
type msg struct{ FI, SV, EN string }

func (m msg) in(lang string) string {
	switch lang {
	case "sv":
		return m.SV
	case "en":
		return m.EN
	}
	return m.FI
}

// catalog holds every message of the interface. Each area keeps its
// messages in its own file (i18n_core.go, i18n_agent.go, …) and registers
// them with register from an init function, so views can be added without
// editing one ever-growing table.
var catalog = map[string]msg{}

// register adds an area's messages; a key registered twice is a programming
// error and panics at start.
func register(area map[string]msg) {
	for k, m := range area {
		if _, dup := catalog[k]; dup {
			panic("web: message key registered twice: " + k)
		}
		catalog[k] = m
	}
}

// T translates key into lang. A missing key shows itself in brackets (the
// catalog test makes sure none is missing).
func T(lang, key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return "[" + key + "]"
	}
	s := m.in(lang)
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

const langCookie = "kirjaamo_lang"

// langOf is the visitor's chosen language (cookie), else Finnish.
func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && slices.Contains(Languages, c.Value) {
		return c.Value
	}
	return DefaultLang
}

// dynamicKeys lists message keys built at run time (from kinds, parts,
// reasons…), so the catalog test can check them; each area adds its own.
func dynamicKeys() []string {
	var out []string
	for _, f := range dynamicKeySources {
		out = append(out, f()...)
	}
	return out
}

var dynamicKeySources []func() []string
