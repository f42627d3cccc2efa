package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServeMetrics: with --metrics-addr, Prometheus metrics are served on
// that address only; the API address has no /metrics.
func TestServeMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	pol, _ := filepath.Abs("../../examples/seed001-customer-register.yaml")
	addr, maddr := freeAddr(t), freeAddr(t)
	cmd := startServer(t, bin, addr, "--data", t.TempDir(), "--policy", pol, "--metrics-addr", maddr)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	if resp, err := http.Get("http://" + addr + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v", err)
	}
	resp, err := http.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`kirjaamo_http_request_duration_seconds_count{method="GET",route="/readyz",status="2xx"}`, "kirjaamo_requests_open 0", "kirjaamo_requests_backlog_up 1"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if resp, err := http.Get("http://" + addr + "/metrics"); err != nil || resp.StatusCode != 404 {
		t.Errorf("/metrics on the API address: got %v %v, want 404", resp.StatusCode, err)
	}
}
