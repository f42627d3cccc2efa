package http

import (
	"sync"
	"time"

	"github.com/kirjaamo/kirjaamo"
)

// tokenTTL is how long a verified token is trusted without asking the
// database again. A disabled user or an expired token keeps working for at
// most this long; in exchange the token lookup (a tenth of an API request's
// CPU in the profiles) leaves the hot path.
const tokenTTL = 5 * time.Second

// maxCachedTokens bounds the cache; when full it is emptied.
const maxCachedTokens = 10000

type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedUser
}

type cachedUser struct {
	user  *kirjaamo.User
	until time.Time
}

func (c *tokenCache) get(hash []byte, now time.Time) *kirjaamo.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[string(hash)]
	if !ok || now.After(e.until) {
		return nil
	}
	u := *e.user
	return &u
}

func (c *tokenCache) put(hash []byte, u *kirjaamo.User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = make(map[string]cachedUser)
	}
	cp := *u
	c.m[string(hash)] = cachedUser{user: &cp, until: now.Add(tokenTTL)}
}
