package http_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/notice"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

func getText(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// The published notices are kept with their dates: the notice a person saw
// on a day can be shown later, after the policy changed.
func TestPublishedNoticeVersions(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB, *keys.Ring) *sqlstore.DB) {
		e := newEnv(t, open, seed002)
		ctx := t.Context()
		p1 := e.api.Service.Policy
		jan := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
		if n, err := notice.Publish(ctx, e.db, p1, jan); err != nil || n != 6 {
			t.Fatalf("first publication stored %d documents (%v), want 6 (3 languages × 2 formats)", n, err)
		}
		if n, err := notice.Publish(ctx, e.db, p1, jan.AddDate(0, 0, 1)); err != nil || n != 0 {
			t.Fatalf("unchanged policy published %d documents again (%v)", n, err)
		}
		// Recordings are kept 9 months instead of 6 from March on.
		src, _ := os.ReadFile(seed002)
		p2, err := policy.Parse("p2.yaml", []byte(strings.Replace(string(src), "keep: 6m\n        from: contact_end\n        extension", "keep: 9m\n        from: contact_end\n        extension", 1)))
		if err != nil {
			t.Fatal(err)
		}
		mar := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		if n, err := notice.Publish(ctx, e.db, p2, mar); err != nil || n != 6 {
			t.Fatalf("changed policy stored %d documents (%v), want 6", n, err)
		}
		for _, tc := range []struct {
			name, query, want, notWant string
		}{
			{"FebruaryShowsTheJanuaryNotice", "?at=2026-02-20&format=md", "tallenteita säilytetään 6 kuukautta", "tallenteita säilytetään 9 kuukautta"},
			{"MarchShowsTheNewNotice", "?at=2026-03-02&format=md", "tallenteita säilytetään 9 kuukautta", "tallenteita säilytetään 6 kuukautta"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, body, _ := getText(t, e.srv.URL+"/privacy"+tc.query)
				if code != 200 || !strings.Contains(body, tc.want) || strings.Contains(body, tc.notWant) {
					t.Fatalf("got %d, contains %q: %v, contains %q: %v", code, tc.want, strings.Contains(body, tc.want), tc.notWant, strings.Contains(body, tc.notWant))
				}
			})
		}
		if code, _, _ := getText(t, e.srv.URL+"/privacy?at=2025-12-31"); code != 404 {
			t.Fatalf("before the first publication: got %d, want 404", code)
		}
		var list khttp.DocumentList
		if code := e.do("", "GET", "/privacy/versions", nil, &list); code != 200 || len(list.Documents) != 12 {
			t.Fatalf("got %d with %d versions, want 12", code, len(list.Documents))
		}
	})
}

// Seed 003: the announcement a caller heard is versioned and referenced
// from the call's notice record; a published version never changes.
func TestAnnouncementsAreImmutable(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite, seed002)
	body := khttp.NewAnnouncement{Version: "ivr-2026-2", Lang: "fi", Text: "Puhelu nauhoitetaan."}
	if code := e.do(policy.RoleDPO, "POST", "/api/v1/announcements", body, nil); code != 201 {
		t.Fatalf("got %d", code)
	}
	if code := e.do(policy.RoleDPO, "POST", "/api/v1/announcements", body, nil); code != 200 {
		t.Fatalf("republishing the same text: got %d, want 200", code)
	}
	body.Text = "Toinen teksti."
	var errBody khttp.ErrorBody
	if code := e.do(policy.RoleDPO, "POST", "/api/v1/announcements", body, &errBody); code != 409 || errBody.Error.Field != "version" {
		t.Fatalf("another text under the same version: got %d %+v, want 409", code, errBody.Error)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/announcements/ivr-2026-2", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[policy.RoleAgent])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "Puhelu nauhoitetaan." {
		t.Fatalf("got %q", b)
	}
}
