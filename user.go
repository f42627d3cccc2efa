package kirjaamo

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/kirjaamo/kirjaamo/policy"
)

// User is a named member of staff or an integration. Only users can touch
// data, and only through their Role (agent, supervisor, dpo, admin, auditor)
// as the policy allows it per register.
type User struct {
	ID           string      `json:"id"`
	Username     string      `json:"username"`
	Role         policy.Role `json:"role"`
	PasswordHash string      `json:"-"`
	CreatedAt    time.Time   `json:"created_at"`
	Disabled     bool        `json:"disabled"`
}

// Validate checks a new user's username and role.
func (u *User) Validate() error {
	u.Username = strings.TrimSpace(u.Username)
	if len(u.Username) < 2 || len(u.Username) > 64 {
		return FieldError("username", "username must be 2–64 characters")
	}
	for _, r := range u.Username {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return FieldError("username", "username may contain only a–z, 0–9, '.', '_' and '-'")
		}
	}
	if !policy.ValidRole(u.Role) {
		return FieldError("role", "role must be one of agent, supervisor, dpo, admin, auditor")
	}
	return nil
}

// Token is an API token. The token itself is shown once; only its SHA-256
// is stored (a token has 256 bits of entropy, so a slow hash adds nothing).
type Token struct {
	ID        string
	UserID    string
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt *time.Time
}

// NewToken returns a fresh random token and its stored form.
func NewToken(userID string, now time.Time, ttl time.Duration) (string, *Token) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	secret := "kjm_" + base64.RawURLEncoding.EncodeToString(b[:])
	t := &Token{ID: NewID(now), UserID: userID, Hash: HashToken(secret), CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	return secret, t
}

// HashToken is the stored form of a token.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// MinPasswordLength is the shortest accepted password.
const MinPasswordLength = 12

// HashPassword hashes a password with argon2id in PHC string form.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", FieldError("password", "password must be at least %d characters", MinPasswordLength)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckNoPassword spends the time of a CheckPassword on a login that names
// no user, a disabled one or one without a password, so that the answer's
// timing does not tell whether the username exists. It is always false.
func CheckNoPassword(password string) bool {
	CheckPassword(noUserHash(), password)
	return false
}

// noUserHash is what CheckNoPassword checks against, made once on first
// use. It was a package variable of the API and of the web interface, and
// the two argon2 hashes (~100 ms each) were paid at the start of every
// command of the binary, kirjaamo scan included. Servers warm it at start
// (WarmNoPassword), so that the first unknown username does not take
// longer than a known one.
var noUserHash = sync.OnceValue(func() string {
	h, err := HashPassword("no such user, only for timing")
	if err != nil {
		panic(err) // only a failing random source
	}
	return h
})

// WarmNoPassword makes CheckNoPassword's hash now, in the background.
func WarmNoPassword() { go noUserHash() }

// CheckPassword reports whether password matches an argon2id PHC hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
