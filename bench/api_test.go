package bench_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	khttp "github.com/kirjaamo/kirjaamo/http"
	"github.com/kirjaamo/kirjaamo/keys"
)

// BenchmarkAPICreateContact: POST /api/v1/contacts through the whole HTTP
// stack (a loopback httptest server over a real store, token lookup, JSON
// decoding, the service, the audited write, the JSON answer) with 16
// keep-alive clients — kirjaload's write run in one process, so that
// `-cpuprofile` sees server and client together. The access log goes to
// io.Discard through the JSON handler the server uses.
func BenchmarkAPICreateContact(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			ring := keys.Generate()
			e := newEnv(b, be.open(b, ring), ring)
			ids := e.subjects(b, linkedSubjects, 1)
			secret, tok := kirjaamo.NewToken(e.agent.ID, time.Now(), 0)
			if err := e.db.CreateToken(e.ctx, tok); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(khttp.New(e.svc, e.db, slog.New(slog.NewJSONHandler(io.Discard, nil))))
			b.Cleanup(srv.Close)
			client := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients}}
			bodies := make([][]byte, len(ids))
			for i, id := range ids {
				c := newCall(id, i)
				bodies[i], _ = json.Marshal(khttp.NewContact{Kind: c.Kind, SubjectIDs: c.SubjectIDs, Direction: c.Direction,
					Title: c.Title, StartedAt: c.StartedAt, EndedAt: c.EndedAt, Metadata: c.Metadata, Content: c.Content})
			}
			post := func(i int) error {
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/contacts", bytes.NewReader(bodies[i%len(bodies)]))
				req.Header.Set("Authorization", "Bearer "+secret)
				req.Header.Set("X-Purpose", "load test")
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return err
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					return fmt.Errorf("got %d, want 201", resp.StatusCode)
				}
				return nil
			}
			b.Run("Parallel16", func(b *testing.B) {
				var lat latencies
				var n atomic.Int64
				b.SetParallelism(parallelism())
				b.RunParallel(func(pb *testing.PB) {
					d := make([]time.Duration, 0, 1024)
					for pb.Next() {
						t0 := time.Now()
						if err := post(int(n.Add(1))); err != nil {
							b.Error(err)
							return
						}
						d = append(d, time.Since(t0))
					}
					lat.add(d)
				})
				lat.report(b)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			})
		})
	}
}
