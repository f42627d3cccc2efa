package http_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/kirjaamo/kirjaamo/blob"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/metrics"
	"github.com/kirjaamo/kirjaamo/policy"
	"github.com/kirjaamo/kirjaamo/sqlstore/storetest"
)

func gather(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// TestMetrics: request latency is labelled by route pattern and status
// class, never by a path value; audit writes and the request backlog are
// measured.
func TestMetrics(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite, seed002)
	m := metrics.New()
	e.api.Metrics = m
	e.db.SetAuditObserver(m.ObserveAuditWrite)
	received := time.Now().AddDate(0, -2, 0).UTC().Format(time.RFC3339)
	m.WatchRequests(e.db.RequestBacklog, time.Now, 5*time.Second)

	subj := e.newPerson(policy.RoleAgent)
	if code := e.do(policy.RoleAgent, "GET", "/api/v1/subjects/"+subj.ID+"?reveal=identity_code", nil, nil, "X-Purpose", "asiakkuuden hoito"); code != 200 {
		t.Fatalf("reveal: got %d", code)
	}
	if code := e.do(policy.RoleAgent, "GET", "/api/v1/subjects/NOSUCH"+subj.IdentityCode, nil, nil); code != 404 && code != 400 {
		t.Fatalf("unknown subject: got %d", code)
	}
	if code := e.do(policy.RoleAgent, "POST", "/api/v1/subjects/search", map[string]string{"identity_code": subj.IdentityCode}, nil, "X-Purpose", "asiakkuuden hoito"); code != 200 {
		t.Fatalf("search: got %d", code)
	}
	for _, r := range []khttp.NewRequest{
		{Type: "access", SubjectID: subj.ID, Channel: "letter", ReceivedAt: received}, // overdue
		{Type: "access", SubjectID: subj.ID, Channel: "letter"},
	} {
		if code := e.do(policy.RoleDPO, "POST", "/api/v1/requests", r, nil); code != 201 {
			t.Fatalf("create request: got %d", code)
		}
	}
	fams := gather(t, m)

	t.Run("RouteLabelsArePatterns", func(t *testing.T) {
		f := fams["kirjaamo_http_request_duration_seconds"]
		if f == nil {
			t.Fatal("no request histogram")
		}
		seen := map[string]bool{}
		for _, mm := range f.GetMetric() {
			l := labels(mm)
			seen[l["method"]+" "+l["route"]+" "+l["status"]] = true
			for _, v := range l {
				if strings.Contains(v, subj.ID) || strings.Contains(v, subj.IdentityCode) || strings.Contains(v, "?") {
					t.Errorf("label value %q holds a path value or query", v)
				}
			}
		}
		for _, want := range []string{"GET /api/v1/subjects/{id} 2xx", "GET /api/v1/subjects/{id} 4xx", "POST /api/v1/subjects 2xx", "POST /api/v1/subjects/search 2xx"} {
			if !seen[want] {
				t.Errorf("no series %q; have %v", want, seen)
			}
		}
	})
	t.Run("AuditWriteLatency", func(t *testing.T) {
		f := fams["kirjaamo_audit_write_duration_seconds"]
		if f == nil || f.GetMetric()[0].GetHistogram().GetSampleCount() == 0 {
			t.Fatal("no audit writes observed")
		}
	})
	t.Run("RequestBacklog", func(t *testing.T) {
		for name, want := range map[string]float64{"kirjaamo_requests_open": 2, "kirjaamo_requests_overdue": 1, "kirjaamo_requests_backlog_up": 1} {
			f := fams[name]
			if f == nil {
				t.Errorf("%s: missing", name)
				continue
			}
			if got := f.GetMetric()[0].GetGauge().GetValue(); got != want {
				t.Errorf("%s: got %v, want %v", name, got, want)
			}
		}
	})
}

// brokenBlobs is a blob store that cannot be reached.
type brokenBlobs struct{ blob.Store }

func (brokenBlobs) Stat(context.Context, string) (int64, error) {
	return 0, errors.New("connection refused")
}
func (brokenBlobs) Put(context.Context, string, io.Reader) (int64, error) {
	return 0, errors.New("connection refused")
}

// TestReadyz: /readyz fails while the database or the blob store does not
// answer; /healthz only checks the process and database.
func TestReadyz(t *testing.T) {
	t.Run("ReadyWhenDatabaseAndBlobsAnswer", func(t *testing.T) {
		e := newEnv(t, storetest.OpenSQLite, seed002)
		if code := e.do("", "GET", "/readyz", nil, nil); code != 200 {
			t.Errorf("got %d, want 200", code)
		}
	})
	t.Run("NotReadyWhenBlobStoreFails", func(t *testing.T) {
		e := newEnv(t, storetest.OpenSQLite, seed002)
		e.api.Blobs = brokenBlobs{e.blobs}
		if code := e.do("", "GET", "/readyz", nil, nil); code != 503 {
			t.Errorf("got %d, want 503", code)
		}
	})
	t.Run("NotReadyWhenDatabaseFails", func(t *testing.T) {
		e := newEnv(t, storetest.OpenSQLite, seed002)
		e.db.Close()
		if code := e.do("", "GET", "/readyz", nil, nil); code != 503 {
			t.Errorf("got %d, want 503", code)
		}
	})
}
