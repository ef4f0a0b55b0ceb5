package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/cartera/cartera"
	"golang.org/x/crypto/argon2"
)

// Passwords are hashed with argon2id using OWASP's recommended minimum
// (19 MiB of memory, 2 passes, 1 lane): slow enough to make guessing
// expensive, cheap enough for a 2-core server to sign people in.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	// MinPasswordLength is the shortest password accepted.
	MinPasswordLength = 10
)

// hashPassword returns a PHC-format argon2id hash of password.
func hashPassword(password string) string {
	salt := randomBytes(16)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// checkPassword reports whether password matches a hash from hashPassword,
// in constant time.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<22 || t > 16 || p == 0 {
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

// dummyHash is checked against when the e-mail is unknown, so that the
// response time does not tell which e-mails have accounts. It is made
// when a server is made (New), not when the program starts: an argon2id
// hash is 19 MB and tens of milliseconds that every command (an import, a
// report) paid before this and never used.
var dummyHash = sync.OnceValue(func() string { return hashPassword("not a real password") })

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's random source failing is unrecoverable
	}
	return b
}

// newToken returns a random secret with a recognisable prefix.
func newToken(prefix string) string {
	return prefix + base64.RawURLEncoding.EncodeToString(randomBytes(32))
}

// tokenHash is how secrets are stored: a SHA-256, hex. The secrets are 256
// random bits, so a fast hash is enough (unlike passwords).
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// HashPassword hashes a password for storage (for the command line's user
// management).
func HashPassword(p string) (string, error) {
	if err := validPassword(p, p); err != nil {
		return "", err
	}
	return hashPassword(p), nil
}

// NewAPIToken returns a new API key, the token record to store, and the
// hash to store it by.
func NewAPIToken(userID int64, name string) (token string, t cartera.APIToken, hash string) {
	token = newToken("crt_")
	return token, cartera.APIToken{UserID: userID, Name: name, Prefix: token[:10]}, tokenHash(token)
}
