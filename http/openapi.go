package http

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"
)

// OpenAPI returns the OpenAPI 3 document of the server's routes. Schemas
// are derived by reflection from the same Go types the handlers decode and
// encode, and paths from the route table the mux is built from, so the
// document cannot drift from the handlers.
func (s *Server) OpenAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		op := map[string]any{"summary": r.Summary, "operationId": operationID(r)}
		var params []any
		for _, name := range pathParams(r.Path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		qnames := make([]string, 0, len(r.Query))
		for name := range r.Query {
			qnames = append(qnames, name)
		}
		sort.Strings(qnames)
		for _, name := range qnames {
			params = append(params, map[string]any{"name": name, "in": "query", "description": r.Query[name], "schema": map[string]any{"type": "string"}})
		}
		if !r.Public {
			params = append(params, map[string]any{"name": "X-Purpose", "in": "header", "description": "the stated purpose of the access, written to the audit log", "schema": map[string]any{"type": "string", "maxLength": 200}})
			op["security"] = []any{map[string]any{"bearer": []any{}}}
		} else {
			op["security"] = []any{}
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.Request))}}}
		}
		responses := map[string]any{}
		if r.Response != nil {
			responses[itoa(r.Status)] = map[string]any{"description": "success", "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.Response))}}}
		}
		errRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(ErrorBody{}))}}}
		responses["default"] = merge(errRef, map[string]any{"description": "error: 400 invalid, 401 unauthorized, 403 forbidden, 404 not found, 409 conflict, 413 too large, 429 too many, 500 internal"})
		op["responses"] = responses
		oapiPath := r.Path
		if paths[oapiPath] == nil {
			paths[oapiPath] = map[string]any{}
		}
		paths[oapiPath][strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Kirjaamo API", "version": "1",
			"description": "Customer register and contact records with policy-driven permissions and an audit log of every access to personal data."},
		"paths": paths,
		"components": map[string]any{
			"schemas":         g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func pathParams(p string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
		out = append(out, m[1])
	}
	return out
}

func operationID(r Route) string {
	id := strings.ToLower(r.Method)
	for _, part := range strings.Split(r.Path, "/") {
		part = strings.Trim(part, "{}")
		if part == "" || part == "api" || part == "v1" {
			continue
		}
		id += "_" + strings.NewReplacer(".", "_", "-", "_").Replace(part)
	}
	return id
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.OpenAPI())
	return nil
}

// schemaGen derives JSON schemas from Go types, following json tags.
type schemaGen struct{ defs map[string]any }

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return map[string]any{"type": "string", "format": "byte"}
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case t.Kind() == reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": "object"}
		}
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case t.Kind() == reflect.Interface:
		return map[string]any{}
	case t.Kind() == reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.object(t)
		}
		ref := map[string]any{"$ref": "#/components/schemas/" + name}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return ref
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}
