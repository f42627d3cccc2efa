package bench_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/blob"
	"github.com/kirjaamo/kirjaamo/export"
	"github.com/kirjaamo/kirjaamo/keys"
	"github.com/kirjaamo/kirjaamo/policy"
)

// Issue 6's export target: 1,000 contacts with 100 MB of recordings in
// < 5 s with memory under 100 MB.
const (
	exportContacts   = 1000
	exportRecordings = 100
	recordingBytes   = 1 << 20 // 100 × 1 MiB = 100 MiB
)

// countingWriter discards what it is given and counts it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// heapPeak samples runtime.MemStats until stopped and keeps the peaks.
type heapPeak struct {
	stop              chan struct{}
	wg                sync.WaitGroup
	inuse, sys, alloc atomic.Uint64
}

func startHeapPeak(every time.Duration) *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		for _, p := range []struct {
			v *atomic.Uint64
			x uint64
		}{{&h.inuse, m.HeapInuse}, {&h.sys, m.Sys}, {&h.alloc, m.HeapAlloc}} {
			if p.x > p.v.Load() {
				p.v.Store(p.x)
			}
		}
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			sample()
			select {
			case <-h.stop:
				sample()
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) end() { close(h.stop); h.wg.Wait() }

// BenchmarkExport: the access export of one subject with 1,000 linked
// calls, 100 of them with a 1 MiB recording of random bytes (100 MiB in
// all) stored encrypted in the file-system blob store through
// blob.PutSealed and Service.AttachRecording as the API's upload does.
// Each iteration is export.Write — the function GET
// /api/v1/requests/{id}/export calls — streaming the ZIP into a counting
// writer: BuildExport (discovery, audited), each recording read through
// Service.PlayRecording (authorised, audited) and decrypted into the ZIP,
// data.json, report.html and the privacy notice. Setup is not timed.
// Memory is sampled every millisecond by a goroutine (runtime.ReadMemStats);
// peak-heap-inuse-MB is the largest HeapInuse seen during the exports,
// after a GC of the setup's garbage, and sys-MB the largest Sys (all memory
// the Go runtime has obtained from the OS, setup included).
func BenchmarkExport(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			ring := keys.Generate()
			db := be.open(b, ring)
			e := newEnv(b, db, ring)
			blobs, err := blob.NewFS(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			dk, err := db.DataKeys(e.ctx)
			if err != nil {
				b.Fatal(err)
			}
			db.SetBlobs(blobs)
			subj := e.subjects(b, 1, 6)[0]

			// 1,000 calls, every tenth with a recording.
			rng := rand.NewChaCha8([32]byte{6})
			audio := make([]byte, recordingBytes)
			var stored int64
			for i := range exportContacts {
				c := newCall(subj, i)
				recorded := i%(exportContacts/exportRecordings) == 0
				if recorded {
					c.Notice = &kirjaamo.RecordingNotice{Method: kirjaamo.NoticeAtStart, At: c.StartedAt.Add(-time.Second), AnnouncementVersion: "2026-1"}
				}
				if err := e.svc.CreateContact(e.ctx, c); err != nil {
					b.Fatal(err)
				}
				if !recorded {
					continue
				}
				started := *c.StartedAt
				if err := e.svc.PrepareRecording(e.ctx, c.ID, started); err != nil {
					b.Fatal(err)
				}
				rng.Read(audio)
				key := "recordings/" + kirjaamo.NewID(time.Now())
				sealed, err := blob.PutSealed(e.ctx, blobs, dk, key, bytes.NewReader(audio))
				if err != nil {
					b.Fatal(err)
				}
				rec := &kirjaamo.Recording{ContactID: c.ID, BlobKey: key, WrappedKey: sealed.WrappedKey, Size: sealed.Size,
					SHA256: hex.EncodeToString(sealed.SHA256[:]), ContentType: "audio/wav", StartedAt: started}
				if err := e.svc.AttachRecording(e.ctx, rec); err != nil {
					b.Fatal(err)
				}
				stored += sealed.Size
			}
			if stored != exportRecordings*recordingBytes {
				b.Fatalf("stored %d bytes of recordings, want %d", stored, exportRecordings*recordingBytes)
			}

			// The DPO registers the access request and verifies the identity.
			dpo := &kirjaamo.User{ID: kirjaamo.NewID(time.Now()), Username: fmt.Sprintf("bench.dpo.%d", time.Now().UnixNano()),
				Role: policy.RoleDPO, CreatedAt: time.Now()}
			if err := db.CreateUser(e.ctx, dpo); err != nil {
				b.Fatal(err)
			}
			dctx := kirjaamo.WithAccess(b.Context(), &kirjaamo.Access{User: dpo, RequestID: "bench"})
			req := &kirjaamo.Request{Type: "access", SubjectID: subj, Channel: "web"}
			if err := e.svc.CreateRequest(dctx, req); err != nil {
				b.Fatal(err)
			}
			if _, err := e.svc.ChangeRequest(dctx, req.ID, &kirjaamo.RequestChange{Verify: &kirjaamo.Verification{Method: "strong_electronic_identification"}}); err != nil {
				b.Fatal(err)
			}

			var contacts, recordings int
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			peak := startHeapPeak(time.Millisecond)
			var written int64
			b.ResetTimer()
			for b.Loop() {
				w := &countingWriter{}
				// A fresh Access per export, as each API request has.
				ctx := kirjaamo.WithAccess(b.Context(), &kirjaamo.Access{User: dpo, RequestID: "bench"})
				err := export.Write(ctx, w, e.svc, blobs, dk, req.ID, "fi", func(x *kirjaamo.Export) {
					contacts, recordings = len(x.Contacts), 0
					for _, c := range x.Contacts {
						if c.Recording != "" {
							recordings++
						}
					}
				})
				if err != nil {
					b.Fatal(err)
				}
				written += w.n
			}
			b.StopTimer()
			peak.end()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if contacts != exportContacts || recordings != exportRecordings || written/int64(b.N) < exportRecordings*recordingBytes {
				b.Fatalf("export had %d contacts, %d recordings, %d bytes; want %d, %d, ≥ %d",
					contacts, recordings, written/int64(b.N), exportContacts, exportRecordings, exportRecordings*recordingBytes)
			}
			const mb = 1 << 20
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.SetBytes(written / int64(b.N))
			b.ReportMetric(sec, "s/export")
			b.ReportMetric(float64(written/int64(b.N))/mb, "zip-MB")
			b.ReportMetric(float64(before.HeapInuse)/mb, "base-heap-inuse-MB")
			b.ReportMetric(float64(peak.inuse.Load())/mb, "peak-heap-inuse-MB")
			b.ReportMetric(float64(peak.alloc.Load())/mb, "peak-heap-alloc-MB")
			b.ReportMetric(float64(peak.sys.Load())/mb, "sys-MB")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/mb/float64(b.N), "alloc-MB/export")
		})
	}
}
