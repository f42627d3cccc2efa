package http_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

// FuzzRequestBodies sends arbitrary bytes as the body of every route that
// takes a JSON body, as a role the route admits and with a purpose, to
// existing records. Whatever the bytes, the answer is a success or a 4xx
// error in the API's error shape: never a panic (which the server turns
// into a 500) and never another 5xx.
//
//	go test -run '^$' -fuzz '^FuzzRequestBodies$' -fuzztime 10s ./http
func FuzzRequestBodies(f *testing.F) {
	e := newEnv(f, storetest.OpenSQLite, seed002)
	e.withRelay() // routes that send mail reach their body checks
	subj := e.newPerson(policy.RoleAgent)
	call := e.newCall(policy.RoleAgent, subj.ID)
	var req struct{ ID string }
	if code := e.do(policy.RoleDPO, "POST", "/api/v1/requests", khttp.NewRequest{Type: "access", SubjectID: subj.ID, Channel: "letter"}, &req); code != 201 {
		f.Fatalf("create request: %d", code)
	}
	ids := map[string]string{"subjects": subj.ID, "contacts": call.ID, "requests": req.ID, "incidents": "01hzx3k4m5n6p7q8r9s0t1v2w3", "consents": "01hzx3k4m5n6p7q8r9s0t1v2w3", "holds": "01hzx3k4m5n6p7q8r9s0t1v2w3"}

	var routes []khttp.Route
	for _, r := range e.api.Routes() {
		if r.Request != nil {
			routes = append(routes, r)
		}
	}
	if len(routes) < 20 {
		f.Fatalf("only %d routes take a JSON body", len(routes))
	}
	path := func(r khttp.Route) string {
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, "{") {
				parts[i] = ids[parts[i-1]]
				if parts[i] == "" {
					parts[i] = "1"
				}
			}
		}
		return strings.Join(parts, "/")
	}
	for i, r := range routes {
		zero, _ := json.Marshal(r.Request)
		for _, body := range [][]byte{zero, []byte(`{}`), []byte(`[]`), []byte(`null`), []byte(`{"a":`), []byte(`{"` + "\xff" + `":1}`), []byte(`{"x":1e999}`)} {
			f.Add(uint8(i), body)
		}
	}
	f.Fuzz(func(t *testing.T, sel uint8, body []byte) {
		r := routes[int(sel)%len(routes)]
		role := policy.RoleAgent
		if len(r.Roles) > 0 {
			role = r.Roles[0]
		}
		req := httptest.NewRequest(r.Method, path(r), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
		req.Header.Set("X-Purpose", "testaus")
		rec := httptest.NewRecorder()
		e.api.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s with %q: got %d %s", r.Method, r.Path, body, rec.Code, rec.Body.Bytes())
		}
		if rec.Code >= 400 {
			var eb khttp.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error.Code == "" {
				t.Fatalf("%s %s: %d answer is not the error shape: %s", r.Method, r.Path, rec.Code, rec.Body.Bytes())
			}
		}
	})
}
