package metrics

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestStatusClass(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{{200, "2xx"}, {201, "2xx"}, {404, "4xx"}, {507, "5xx"}, {0, "other"}, {999, "other"}} {
		if got := StatusClass(tc.code); got != tc.want {
			t.Errorf("StatusClass(%d): got %s, want %s", tc.code, got, tc.want)
		}
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.ObserveRequest("GET", "/x", 200, time.Second)
	m.ObserveAuditWrite(time.Millisecond)
	m.AddDeleted("calls", "recording", 3)
	m.SweepDone(nil)
	m.WatchRequests(nil, time.Now, time.Second)
}

func TestExposition(t *testing.T) {
	m := New()
	m.ObserveRequest("GET", "/api/v1/subjects/{id}", 200, 3*time.Millisecond)
	m.AddDeleted("calls", "recording", 2)
	m.SweepDone(nil)
	m.WatchRequests(func(context.Context, time.Time) (int, int, error) { return 0, 0, errors.New("database down") }, time.Now, time.Second)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`kirjaamo_http_request_duration_seconds_count{method="GET",route="/api/v1/subjects/{id}",status="2xx"} 1`,
		`kirjaamo_retention_deleted_total{part="recording",register="calls"} 2`,
		`kirjaamo_retention_sweeps_total{result="ok"} 1`,
		`kirjaamo_requests_backlog_up 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	if rec.Code != 200 {
		t.Errorf("status: got %d, want 200 (a failing backlog query must not fail the scrape)", rec.Code)
	}
}
