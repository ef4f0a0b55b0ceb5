package cartera

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// NewID makes an id for a record created by hand (the command line, the
// web): the prefix, a dash and eight random base-32 characters (40 bits),
// lower-case, inside IDAlphabet.
func NewID(prefix string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return prefix + "-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
