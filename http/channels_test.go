package http_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

const seed004 = "../examples/seed004-staffpoint.yaml"

// Issue 4 over the HTTP API: a seed-004 chat (separate consent, visitor
// data as its own part) and a seed-002 web contact request with its
// consent, channel and an anonymous statistics row.
func TestChannelsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		t.Run("Seed004ChatWithConsent", func(t *testing.T) {
			e := newEnv(t, open, seed004)
			subj := e.newPerson(policy.RoleAgent)
			now := time.Now().UTC()
			chat := khttp.NewContact{Kind: policy.KindChat, SubjectIDs: []string{subj.ID}, StartedAt: &now, EndedAt: &now,
				Messages: []kirjaamo.ChatMessage{{Sender: "customer", At: now, Text: "Hei, kysyn vuoroista."}},
				Visitor:  &kirjaamo.Visitor{SessionID: "s-9", Browser: "Firefox", DeviceType: "computer", Referrer: "/", Location: "Oulu"}}
			var errBody khttp.ErrorBody
			if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", chat, &errBody); code != 400 || errBody.Error.Field != "consent" {
				t.Fatalf("chat without consent: got %d %+v", code, errBody.Error)
			}
			chat.Consent = &kirjaamo.Consent{Purpose: "chat", TextVersion: "c-2026", Channel: "web", GivenAt: now}
			var got kirjaamo.Contact
			if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", chat, &got); code != 201 {
				t.Fatalf("chat: %d", code)
			}
			var read kirjaamo.Contact
			e.do(policy.RoleAgent, "GET", "/api/v1/contacts/"+got.ID, nil, &read)
			if len(read.Messages) != 1 || read.Visitor == nil || len(read.Retention) != 3 {
				t.Fatalf("got %d messages, visitor %v, %d retention parts; want 1, set, 3 (metadata, content, visitor)", len(read.Messages), read.Visitor != nil, len(read.Retention))
			}
			var cs khttp.ConsentList
			if code := e.do(policy.RoleAgent, "GET", "/api/v1/subjects/"+subj.ID+"/consents", nil, &cs, "X-Purpose", "testi"); code != 200 || len(cs.Consents) != 1 {
				t.Fatalf("consents: %d %d", code, len(cs.Consents))
			}
		})
		t.Run("Seed002ContactRequestWithStatistics", func(t *testing.T) {
			e := newEnv(t, open, seed002)
			subj := e.newPerson(policy.RoleAgent)
			text := "Pyydän soittoa työttömyysturvasta."
			req := khttp.NewContact{Kind: policy.KindContactRequest, SubjectIDs: []string{subj.ID}, Content: &text,
				Metadata:   map[string]string{"channel": "web form"},
				Consent:    &kirjaamo.Consent{Purpose: "marketing", TextVersion: "yp-2026", Channel: "web"},
				Statistics: &kirjaamo.StatisticsRow{Topic: "työttömyysturva", Country: "FI", Status: "citizen"}}
			var got kirjaamo.Contact
			if code := e.do(policy.RoleAgent, "POST", "/api/v1/contacts", req, &got); code != 201 || got.Register != "contact_requests" {
				t.Fatalf("contact request: %d %s", code, got.Register)
			}
			var st khttp.StatisticsList
			if code := e.do(policy.RoleSupervisor, "GET", "/api/v1/statistics", nil, &st); code != 200 || len(st.Counts) != 1 || st.Counts[0].Count != 1 {
				t.Fatalf("statistics: %d %+v", code, st.Counts)
			}
		})
	})
}

// Issue 6: a portability request is answered with the same machine-readable
// export as an access request.
func TestPortabilityRequest(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite, seed002)
	subj := e.newPerson(policy.RoleAgent)
	e.newCall(policy.RoleAgent, subj.ID)
	var req kirjaamo.Request
	e.do(policy.RoleDPO, "POST", "/api/v1/requests", khttp.NewRequest{Type: "portability", SubjectID: subj.ID, Channel: "web"}, &req)
	e.do(policy.RoleDPO, "PATCH", "/api/v1/requests/"+req.ID, kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "strong_electronic_identification"}}, nil)
	hreq, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/requests/"+req.ID+"/export?lang=en", nil)
	hreq.Header.Set("Authorization", "Bearer "+e.tokens[policy.RoleDPO])
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("portability export: %d", resp.StatusCode)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var x kirjaamo.Export
	for _, f := range zr.File {
		if f.Name == "data.json" {
			rc, _ := f.Open()
			json.NewDecoder(rc).Decode(&x)
			rc.Close()
		}
	}
	if x.Schema != kirjaamo.ExportSchema || x.Request.Type != "portability" || len(x.Contacts) != 1 {
		t.Fatalf("data.json: schema %q type %q contacts %d", x.Schema, x.Request.Type, len(x.Contacts))
	}
	// Erasure is refused on an access-type export path and vice versa.
	var errBody khttp.ErrorBody
	if code := e.do(policy.RoleDPO, "POST", "/api/v1/requests/"+req.ID+"/erasure", khttp.ErasureRequest{Preview: true}, &errBody); code != 409 {
		t.Fatalf("erasure on a portability request: got %d", code)
	}
}
