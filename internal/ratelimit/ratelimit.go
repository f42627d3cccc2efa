// Package ratelimit limits attempts per key (the login's client address
// and username), shared by the JSON API and the web interface.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter is a token bucket per key (client address, username): burst
// attempts, refilled evenly over per. It forgets idle keys so memory stays
// bounded under a spray of usernames.
type Limiter struct {
	mu      sync.Mutex
	burst   float64
	per     time.Duration
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter of burst attempts per key, refilled over per.
func New(burst int, per time.Duration) *Limiter {
	return &Limiter{burst: float64(burst), per: per, buckets: map[string]*bucket{}}
}

// Allow takes one attempt for key at now, and reports whether one was left.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.per {
		for k, b := range l.buckets {
			if now.Sub(b.last) > l.per {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.burst/l.per.Seconds())
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
