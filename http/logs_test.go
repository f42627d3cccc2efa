package http_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/pii"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
)

// raw sends a request and returns the status and the body as sent.
func (e *env) raw(role policy.Role, method, path string, body any, header ...string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// leaks lists the personal data the scanner finds in b, and any of the
// given values found verbatim (names, customer numbers: the scanner does
// not know them).
func leaks(b []byte, values []string) []string {
	var out []string
	for _, f := range pii.New().Scan(b) {
		if f.Validated || f.Type == pii.TypeEmail || f.Type == pii.TypePhone || f.Type == pii.TypeIP {
			out = append(out, string(f.Type))
		}
	}
	for _, v := range values {
		if v != "" && bytes.Contains(b, []byte(v)) {
			out = append(out, "a subject's value")
		}
	}
	return out
}

// TestLogsHoldNoPersonalData runs a day of customer service through the
// API — people created with identity codes, e-mails and phones, searches
// by each, reveals with and without a purpose, contacts whose text is full
// of identifiers, and the errors people cause (bad identity codes and
// e-mails, unknown fields named after an identity code, identifiers in
// paths and query strings, broad searches, wrong passwords) — and then
// scans everything the server logged. Error answers are scanned too: they
// name the field, never echo the value.
func TestLogsHoldNoPersonalData(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		agent, dpo := policy.RoleAgent, policy.RoleDPO
		purpose := []string{"X-Purpose", "asiakkuuden hoito"}
		var values []string
		var people []*kirjaamo.Subject
		for range 5 {
			p := e.newPerson(agent)
			people = append(people, p)
			values = append(values, p.IdentityCode, p.LastName, p.CustomerNumber, p.Emails[0], p.Phones[0])
		}
		p := people[0]
		bad := e.gen.Person()
		values = append(values, bad.IdentityCode, bad.Emails[0], bad.LastName)
		wrongCheck := bad.IdentityCode[:len(bad.IdentityCode)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(bad.IdentityCode, "A")]
		values = append(values, wrongCheck)
		var errorBodies [][]byte
		expectError := func(code int, body []byte) {
			t.Helper()
			if code < 400 {
				t.Errorf("got %d, want an error", code)
			}
			errorBodies = append(errorBodies, body)
		}

		// Searches and reveals that succeed.
		for _, q := range []kirjaamo.SubjectQuery{{IdentityCode: p.IdentityCode}, {Email: p.Emails[0]}, {Phone: p.Phones[0]}, {CustomerNumber: p.CustomerNumber}} {
			if code, body := e.raw(agent, "POST", "/api/v1/subjects/search", q, purpose...); code != 200 {
				t.Fatalf("search: got %d %s", code, body)
			}
		}
		// Discouraged (identifiers in URLs) but allowed: the access log
		// records the route pattern only, never the query string.
		if code, _ := e.raw(agent, "GET", "/api/v1/subjects?identity_code="+url.QueryEscape(p.IdentityCode), nil, purpose...); code != 200 {
			t.Fatalf("search by GET: got %d", code)
		}
		if code, _ := e.raw(agent, "GET", "/api/v1/subjects/"+p.ID+"?reveal=identity_code", nil, purpose...); code != 200 {
			t.Fatalf("reveal: got %d", code)
		}
		content := "Asiakas " + p.FirstName + " " + p.LastName + " (" + p.IdentityCode + ") pyysi soittoa numeroon " + p.Phones[0] + " tai viestiä osoitteeseen " + p.Emails[0] + "."
		var call kirjaamo.Contact
		if code := e.do(agent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{p.ID}, Direction: "inbound", Content: &content}, &call); code != 201 {
			t.Fatalf("contact: got %d", code)
		}
		if code, _ := e.raw(agent, "GET", "/api/v1/contacts/"+call.ID, nil); code != 200 {
			t.Fatalf("read contact: got %d", code)
		}
		if code, _ := e.raw(agent, "POST", "/api/v1/scan", khttp.ScanRequest{Text: content}); code != 200 {
			t.Fatalf("scan: got %d", code)
		}
		if code, _ := e.raw(dpo, "POST", "/api/v1/mentions/search", kirjaamo.SubjectQuery{IdentityCode: p.IdentityCode}, purpose...); code != 200 {
			t.Fatalf("mentions: got %d", code)
		}
		if code, _ := e.raw(agent, "PATCH", "/api/v1/subjects/"+p.ID, map[string]any{"emails": []string{bad.Emails[0]}}, purpose...); code != 200 {
			t.Fatalf("patch: got %d", code)
		}

		// Errors people cause.
		expectError(e.raw(agent, "POST", "/api/v1/subjects", khttp.NewSubject{FirstName: bad.FirstName, LastName: bad.LastName, IdentityCode: wrongCheck}))
		expectError(e.raw(agent, "POST", "/api/v1/subjects", khttp.NewSubject{FirstName: bad.FirstName, LastName: bad.LastName, Emails: []string{"@" + bad.Emails[0]}}))
		expectError(e.raw(agent, "POST", "/api/v1/subjects", khttp.NewSubject{FirstName: bad.FirstName, LastName: bad.LastName, Phones: []string{"+358 " + bad.IdentityCode}}))
		expectError(e.raw(agent, "POST", "/api/v1/subjects", personBody(people[1]))) // duplicate identity code
		expectError(e.raw(agent, "POST", "/api/v1/subjects", `{"first_name": "`+bad.FirstName+`", "`+bad.IdentityCode+`": 1}`))
		expectError(e.raw(agent, "POST", "/api/v1/subjects", `{"identity_code": ["`+bad.IdentityCode+`"]}`))
		expectError(e.raw(agent, "POST", "/api/v1/subjects", `{"identity_code": "`+bad.IdentityCode+`"`))
		expectError(e.raw(agent, "POST", "/api/v1/subjects/search", kirjaamo.SubjectQuery{IdentityCode: p.IdentityCode})) // no purpose
		expectError(e.raw(agent, "POST", "/api/v1/subjects/search", kirjaamo.SubjectQuery{FirstName: p.FirstName}, purpose...))
		expectError(e.raw(agent, "POST", "/api/v1/subjects/search", kirjaamo.SubjectQuery{IdentityCode: wrongCheck}, purpose...))
		expectError(e.raw(agent, "GET", "/api/v1/subjects?"+url.QueryEscape(p.Emails[0])+"=1", nil, purpose...))
		expectError(e.raw(agent, "GET", "/api/v1/subjects/"+url.PathEscape(p.IdentityCode), nil))
		expectError(e.raw(agent, "GET", "/api/v1/subjects/"+p.ID+"?reveal=identity_code", nil)) // no purpose
		expectError(e.raw(agent, "GET", "/api/v1/subjects/"+p.ID+"?reveal="+url.QueryEscape(p.Emails[0]), nil, purpose...))
		expectError(e.raw(agent, "GET", "/api/v1/audit", nil))
		expectError(e.raw(dpo, "GET", "/api/v1/audit?subject_id=x&"+url.QueryEscape(p.Phones[0])+"=1", nil))
		expectError(e.raw(agent, "PATCH", "/api/v1/subjects/"+p.ID, map[string]any{"identity_code": wrongCheck}, purpose...))
		expectError(e.raw(agent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: "fax", SubjectIDs: []string{p.ID}, Content: &content}))
		expectError(e.raw(agent, "POST", "/api/v1/contacts", khttp.NewContact{Kind: policy.KindCall, SubjectIDs: []string{p.IdentityCode}, Content: &content}))
		expectError(e.raw("", "POST", "/api/v1/login", khttp.LoginRequest{Username: p.Emails[0], Password: p.IdentityCode}))
		expectError(e.raw("", "GET", "/api/v1/subjects/"+p.ID, nil, "Authorization", "Bearer "+p.IdentityCode))
		expectError(e.raw(agent, "POST", "/api/v1/scan", khttp.ScanRequest{Text: content, Operator: p.Emails[0]}))
		expectError(e.raw(agent, "POST", "/api/v1/subjects", strings.Repeat(" ", khttp.MaxBodyBytes+1)))

		logs := e.logs.Bytes()
		if !bytes.Contains(logs, []byte(`"msg":"request"`)) {
			t.Fatal("nothing was logged")
		}
		t.Run("Logs", func(t *testing.T) {
			if l := leaks(logs, values); len(l) > 0 {
				t.Errorf("the log holds %v", l)
			}
		})
		t.Run("ErrorAnswers", func(t *testing.T) {
			for i, b := range errorBodies {
				if l := leaks(b, values); len(l) > 0 {
					t.Errorf("error answer %d holds %v: %s", i, l, b)
				}
			}
		})
	})
}
