package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
)

// Purposes of one-time codes.
const (
	purposeSignUp = "signup"
	purposeForgot = "forgot"
)

func purposeVerify(attr string) string { return "verify:" + attr }

// Code lifetimes and the attempts Cognito allows.
const (
	signUpCodeTTL   = 24 * time.Hour
	forgotCodeTTL   = time.Hour
	verifyCodeTTL   = 24 * time.Hour
	maxCodeAttempts = 5
)

// code is an outstanding one-time code, stored as a salted HMAC: never the
// code itself.
type code struct {
	Salt      string    `json:"salt"`
	Hash      string    `json:"hash"`
	ExpiresAt time.Time `json:"expiresAt"`
	Attempts  int       `json:"attempts,omitempty"`
	// Attr is the attribute the code was sent to; confirming the code
	// verifies it.
	Attr string `json:"attr,omitempty"`
}

func hashCode(salt []byte, value string) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(value))
	return m.Sum(nil)
}

// issueCode creates a 6-digit code for purpose, replacing any earlier one,
// and returns it in clear for delivery.
func (s *Service) issueCode(d *userData, purpose, attr string, ttl time.Duration) string {
	value, c := s.newCode(ttl, attr)
	if d.Codes == nil {
		d.Codes = map[string]code{}
	}
	d.Codes[purpose] = c
	return value
}

// newCode returns a fresh 6-digit code in clear and its stored form.
func (s *Service) newCode(ttl time.Duration, attr string) (string, code) {
	value := s.ids.Digits(6)
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return value, code{
		Salt:      base64.RawStdEncoding.EncodeToString(salt),
		Hash:      base64.RawStdEncoding.EncodeToString(hashCode(salt, value)),
		ExpiresAt: s.clock().Add(ttl),
		Attr:      attr,
	}
}

// matches compares value with the code in constant time.
func (c code) matches(value string) bool {
	salt, err1 := base64.RawStdEncoding.DecodeString(c.Salt)
	want, err2 := base64.RawStdEncoding.DecodeString(c.Hash)
	return err1 == nil && err2 == nil && hmac.Equal(hashCode(salt, value), want)
}

// codeCheck is the outcome of checking a code.
type codeCheck int

const (
	codeOK codeCheck = iota
	codeMissing
	codeMismatch
	codeExpired
	codeExhausted
)

// checkCode compares value with the outstanding code for purpose in
// constant time. A match consumes the code; a mismatch counts an attempt.
func (s *Service) checkCode(d *userData, purpose, value string) codeCheck {
	c, ok := d.Codes[purpose]
	if !ok {
		return codeMissing
	}
	if c.Attempts >= maxCodeAttempts {
		return codeExhausted
	}
	if !c.matches(value) {
		c.Attempts++
		d.Codes[purpose] = c
		return codeMismatch
	}
	if s.clock().After(c.ExpiresAt) {
		delete(d.Codes, purpose)
		return codeExpired
	}
	delete(d.Codes, purpose)
	return codeOK
}

// redeemCode checks value against the user's code for purpose and, when it
// matches, runs apply in the same update (issued is the code as it was
// before the check consumed it). A failed check is stored all the same, so
// the attempt counts, and becomes Cognito's error.
func (s *Service) redeemCode(ctx context.Context, p poolView, u store.User, purpose, value string, apply func(rec *store.User, d *userData, issued code) error) error {
	var result codeCheck
	_, err := s.updateUser(ctx, p, u, func(rec *store.User, d *userData) error {
		issued := d.Codes[purpose]
		result = s.checkCode(d, purpose, value)
		if result != codeOK {
			return nil // keep the counted attempt
		}
		return apply(rec, d, issued)
	})
	if err != nil {
		return err
	}
	return codeError(result)
}

// codeError maps a failed check to Cognito's errors (nil for codeOK).
func codeError(c codeCheck) error {
	switch c {
	case codeMismatch:
		return api.NewCodeMismatchException("Invalid verification code provided, please try again.")
	case codeExpired, codeMissing:
		return api.NewExpiredCodeException("Invalid code provided, please request a code again.")
	case codeExhausted:
		return api.NewLimitExceededException("Attempt limit exceeded, please try after some time.")
	}
	return nil
}
