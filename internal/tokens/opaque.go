package tokens

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
)

// Refresh token shape. Cognito's refresh tokens are JWE compact
// serialisations (header {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}, a
// 256-byte encrypted key, a 12-byte IV, ciphertext and a 16-byte tag) that
// only Cognito can read. Ours have the same five-part shape but every part
// after the header is random: the value is a bearer secret that the server
// looks up by HashToken, never decrypts.
const (
	refreshHeaderJSON = `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`
	refreshKeyLen     = 256
	refreshIVLen      = 12
	refreshBodyLen    = 384
	refreshTagLen     = 16
)

var refreshHeader = base64.RawURLEncoding.EncodeToString([]byte(refreshHeaderJSON))

// NewRefreshToken returns a new opaque refresh token and its HashToken.
// All 668 bytes after the fixed header come from r (5,344 bits when r is
// crypto/rand.Reader), base64url encoded in Cognito's JWE-like shape.
//
// r must not fail: NewRefreshToken panics if it does. crypto/rand.Reader
// never returns an error.
func NewRefreshToken(r io.Reader) (value string, hash []byte) {
	raw := readRandom(r, refreshKeyLen+refreshIVLen+refreshBodyLen+refreshTagLen)
	enc := base64.RawURLEncoding
	parts := [][]byte{
		raw[:refreshKeyLen],
		raw[refreshKeyLen : refreshKeyLen+refreshIVLen],
		raw[refreshKeyLen+refreshIVLen : refreshKeyLen+refreshIVLen+refreshBodyLen],
		raw[refreshKeyLen+refreshIVLen+refreshBodyLen:],
	}
	n := len(refreshHeader)
	for _, p := range parts {
		n += 1 + enc.EncodedLen(len(p))
	}
	out := make([]byte, 0, n)
	out = append(out, refreshHeader...)
	for _, p := range parts {
		out = append(out, '.')
		out = enc.AppendEncode(out, p)
	}
	value = string(out)
	return value, HashToken(value)
}

// sessionPrefix makes session strings start with "AYAB" like Cognito's,
// which are AWS Encryption SDK messages (version 1, type 128, …).
var sessionPrefix = []byte{0x01, 0x80, 0x01}

const sessionRandomLen = 189 // 3+189 bytes encode to 256 characters

// NewSessionToken returns a new opaque session string for multi-step
// authentication (the Session of challenge responses) and its HashToken:
// 256 characters of standard base64 starting "AYAB", as Cognito's do, with
// 189 random bytes from r (1,512 bits when r is crypto/rand.Reader).
//
// r must not fail: NewSessionToken panics if it does.
func NewSessionToken(r io.Reader) (value string, hash []byte) {
	raw := make([]byte, len(sessionPrefix), len(sessionPrefix)+sessionRandomLen)
	copy(raw, sessionPrefix)
	raw = append(raw, readRandom(r, sessionRandomLen)...)
	value = base64.StdEncoding.EncodeToString(raw)
	return value, HashToken(value)
}

// HashToken returns the SHA-256 digest of an opaque token value, the form in
// which refresh and session tokens are stored.
func HashToken(value string) []byte {
	sum := sha256.Sum256([]byte(value))
	return sum[:]
}

func readRandom(r io.Reader, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("tokens: random source failed: " + err.Error())
	}
	return b
}
