package mfa

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The TOTP parameters are RFC 6238's defaults, the only ones that Cognito
// and the common authenticator apps use: HMAC-SHA1, six digits, 30-second
// steps counted from the Unix epoch.
const (
	// SecretSize is the length in bytes of a secret made by NewSecret.
	// Cognito's AssociateSoftwareToken returns 52 base32 characters, which
	// is 32 bytes (256 bits) without padding.
	SecretSize = 32
	// Digits is the length of a TOTP code.
	Digits = 6
	// Period is the length of a TOTP time step.
	Period = 30 * time.Second
	// Skew is how many steps on either side of the current one Verify
	// accepts, to allow for clock drift and typing time.
	Skew = 1
)

const periodSeconds = int64(Period / time.Second)

// ErrInvalidSecret reports a secret that is not base32 or is empty.
var ErrInvalidSecret = errors.New("mfa: secret is not valid base32")

// ErrBeforeEpoch reports a time before the Unix epoch, where RFC 6238 has
// no time step.
var ErrBeforeEpoch = errors.New("mfa: time is before the Unix epoch")

// b32 is RFC 4648 base32 with the standard (uppercase) alphabet and no
// padding: padding's '=' would break SecretCodeType's [A-Za-z0-9]+.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a fresh TOTP secret in the form Cognito's
// AssociateSoftwareToken gives as SecretCode: SecretSize bytes from r,
// base32-encoded in uppercase without padding (52 characters). A nil r
// means crypto/rand.Reader. The error is r's, should it fail.
func NewSecret(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	key := make([]byte, SecretSize)
	if _, err := io.ReadFull(r, key); err != nil {
		return "", fmt.Errorf("mfa: reading randomness: %w", err)
	}
	return b32.EncodeToString(key), nil
}

// NormalizeSecret returns secret in the canonical form NewSecret produces:
// spaces, tabs, hyphens and trailing '=' padding removed and letters
// uppercased. Authenticator apps and people show secrets in lowercase or in
// groups of four ("jbsw y3dp ..."), so the package accepts those forms
// wherever it takes a secret. It does not check that the result decodes.
func NormalizeSecret(secret string) string {
	var b strings.Builder
	b.Grow(len(secret))
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		switch {
		case c == ' ' || c == '\t' || c == '-':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return strings.TrimRight(b.String(), "=")
}

// decodeSecret returns the key bytes of a base32 secret in any form that
// NormalizeSecret accepts.
func decodeSecret(secret string) ([]byte, error) {
	s := NormalizeSecret(secret)
	if s == "" {
		return nil, ErrInvalidSecret
	}
	key, err := b32.DecodeString(s)
	if err != nil || len(key) == 0 {
		return nil, ErrInvalidSecret
	}
	return key, nil
}

// timeStep returns the RFC 6238 time step T = floor(unix(t) / 30); it is
// negative before the epoch.
func timeStep(t time.Time) int64 {
	u := t.Unix()
	s := u / periodSeconds
	if u%periodSeconds < 0 {
		s--
	}
	return s
}

// pow10 holds 10^n for the code lengths hotp supports.
var pow10 = [...]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// hotp is RFC 4226 HOTP: HMAC-SHA1 of the big-endian counter, dynamically
// truncated to 31 bits and reduced to digits decimal digits (1 to 9),
// zero-padded on the left.
func hotp(key []byte, counter uint64, digits int) string {
	if digits < 1 || digits >= len(pow10) {
		panic("mfa: hotp digits out of range")
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	v := bin % pow10[digits]
	out := make([]byte, digits)
	for i := digits - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out)
}

// Code returns the six-digit TOTP code of secret at time t, as an
// authenticator app shows it. The secret may be in any form NormalizeSecret
// accepts. It fails with ErrInvalidSecret or ErrBeforeEpoch.
func Code(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	s := timeStep(t)
	if s < 0 {
		return "", ErrBeforeEpoch
	}
	return hotp(key, uint64(s), Digits), nil
}

// Verify reports whether code is the TOTP code of secret for the time step
// of now or one step either side of it (now-30s, now, now+30s), and if so
// returns the step it matched. Steps at or below lastUsedStep are refused,
// so that a code cannot be used twice (RFC 6238 section 5.2): the caller
// stores the returned step after a success and passes it next time (0
// before any code has been used; that step is in 1970). If more than one
// step in the window matches, the latest is returned, so a chance
// collision cannot leave the same code usable again.
//
// Anything other than exactly six ASCII digits is refused before any HMAC
// is computed, as is an invalid secret. Codes are compared in constant
// time, and all three steps are always computed.
func Verify(secret, code string, now time.Time, lastUsedStep int64) (step int64, ok bool) {
	if !isDigits(code, Digits) {
		return 0, false
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	cur := timeStep(now)
	for s := cur - Skew; s <= cur+Skew; s++ {
		if s < 0 {
			continue
		}
		eq := subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), Digits)), []byte(code))
		if eq == 1 && s > lastUsedStep {
			step, ok = s, true // later steps overwrite: the latest match wins
		}
	}
	return step, ok
}

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
