// Package metrics is Kirjaamo's Prometheus instrumentation: request latency
// by route pattern and status class, retention deletions by register and
// part, the data-subject request backlog, and audit write latency.
//
// Labels carry only route patterns ("/api/v1/subjects/{id}"), status
// classes ("2xx"), and register and part ids from the policy — never a path
// value, a query string or anything a person typed — so the label sets are
// bounded and free of personal data.
//
// A nil *Metrics is valid and records nothing, so callers need not check.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the instruments and the registry they are exposed from.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	audit    prometheus.Histogram
	deleted  *prometheus.CounterVec
	sweeps   *prometheus.CounterVec
}

// New returns instruments registered in a registry of their own, with the
// Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "kirjaamo", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by method, route pattern and status class.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "status"}),
		audit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "kirjaamo", Subsystem: "audit", Name: "write_duration_seconds",
			Help:    "Time to append audit events inside their transaction, waiting for the chain head included.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}),
		deleted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "kirjaamo", Subsystem: "retention", Name: "deleted_total",
			Help: "Parts deleted by the retention sweeper in this process, by register and part.",
		}, []string{"register", "part"}),
		sweeps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "kirjaamo", Subsystem: "retention", Name: "sweeps_total",
			Help: "Sweeps this process ran, by result (ok, error).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.audit, m.deleted, m.sweeps,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the instruments are registered (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, Timeout: 10 * time.Second})
}

// StatusClass turns a status code into its class label, "2xx" … "5xx".
func StatusClass(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code/100) + "xx"
}

// ObserveRequest records one request. route must be the route's pattern.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(method, route, StatusClass(status)).Observe(d.Seconds())
}

// ObserveAuditWrite records the time one audit append took.
func (m *Metrics) ObserveAuditWrite(d time.Duration) {
	if m == nil {
		return
	}
	m.audit.Observe(d.Seconds())
}

// AddDeleted counts parts a sweep deleted.
func (m *Metrics) AddDeleted(register, part string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.deleted.WithLabelValues(register, part).Add(float64(n))
}

// SweepDone counts a sweep by result.
func (m *Metrics) SweepDone(err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.sweeps.WithLabelValues(result).Inc()
}

// Backlog counts open data-subject requests and those past their deadline.
type Backlog func(ctx context.Context, now time.Time) (open, overdue int, err error)

// WatchRequests exposes the request backlog, computed at each scrape with
// f (one indexed count query), bounded by timeout.
func (m *Metrics) WatchRequests(f Backlog, now func() time.Time, timeout time.Duration) {
	if m == nil {
		return
	}
	m.reg.MustRegister(&backlogCollector{f: f, now: now, timeout: timeout})
}

var (
	openDesc = prometheus.NewDesc("kirjaamo_requests_open",
		"Data-subject requests not yet decided or closed.", nil, nil)
	overdueDesc = prometheus.NewDesc("kirjaamo_requests_overdue",
		"Open data-subject requests past their deadline.", nil, nil)
	backlogErrDesc = prometheus.NewDesc("kirjaamo_requests_backlog_up",
		"1 if the request backlog could be counted at this scrape, 0 if not.", nil, nil)
)

type backlogCollector struct {
	f       Backlog
	now     func() time.Time
	timeout time.Duration
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- openDesc
	ch <- overdueDesc
	ch <- backlogErrDesc
}

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	open, overdue, err := c.f(ctx, c.now())
	if err != nil {
		ch <- prometheus.MustNewConstMetric(backlogErrDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(backlogErrDesc, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, float64(open))
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(overdue))
}
