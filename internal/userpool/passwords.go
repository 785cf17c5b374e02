package userpool

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"math/big"
	"strings"
	"time"
	"unicode"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/srp"
)

// credential is a user's stored password: the SRP salt and verifier that
// Cognito's SRP sign-in needs. The password itself is never stored; plain
// password sign-ins recompute the verifier and compare.
type credential struct {
	Salt      string     `json:"salt"`     // hex
	Verifier  string     `json:"verifier"` // hex
	SetAt     time.Time  `json:"setAt"`
	Temporary bool       `json:"temporary,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"` // temporary passwords only
}

// poolName is the pool name SRP hashes into verifiers: the pool ID without
// its region prefix.
func poolName(poolID string) string {
	_, name, _ := strings.Cut(poolID, "_")
	return name
}

// newCredential derives the stored credential of a password.
func newCredential(poolID, username, password string, now time.Time) credential {
	salt, err := srp.GenerateSalt(rand.Reader)
	if err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	v := srp.NewVerifier(poolName(poolID), username, password, salt)
	return credential{Salt: srp.EncodeSalt(salt), Verifier: srp.EncodeHex(v), SetAt: now}
}

// matches reports whether password is the one the credential was made from.
func (c *credential) matches(poolID, username, password string) bool {
	if c == nil {
		return false
	}
	salt, err := hex.DecodeString(c.Salt)
	if err != nil {
		return false
	}
	stored, err := srp.DecodeHex(c.Verifier)
	if err != nil {
		return false
	}
	computed := srp.NewVerifier(poolName(poolID), username, password, salt)
	return subtle.ConstantTimeCompare(srp.PadBytes(computed), srp.PadBytes(stored)) == 1
}

// Cognito's password symbols.
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// Prefixes of password-policy messages: Cognito words them differently
// depending on the operation.
const (
	policyDidNotConform  = "Password did not conform with policy: "
	policyDoesNotConform = "Password does not conform to policy: "
)

// checkPassword applies the pool's password policy with Cognito's messages,
// reporting the first failed rule (length, lowercase, uppercase, numeric,
// symbol).
func checkPassword(p poolView, password string) error {
	return checkPasswordWith(p, password, policyDidNotConform)
}

func checkPasswordWith(p poolView, password, prefix string) error {
	pp := &api.PasswordPolicyType{}
	if p.Policies != nil && p.Policies.PasswordPolicy != nil {
		pp = p.Policies.PasswordPolicy
	}
	fail := func(reason string) error {
		return api.NewInvalidPasswordException(prefix + reason)
	}
	if int32(len([]rune(password))) < deref(pp.MinimumLength) {
		return fail("Password not long enough")
	}
	var lower, upper, digit, symbol bool
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(passwordSymbols, r):
			symbol = true
		}
	}
	switch {
	case deref(pp.RequireLowercase) && !lower:
		return fail("Password must have lowercase characters")
	case deref(pp.RequireUppercase) && !upper:
		return fail("Password must have uppercase characters")
	case deref(pp.RequireNumbers) && !digit:
		return fail("Password must have numeric characters")
	case deref(pp.RequireSymbols) && !symbol:
		return fail("Password must have symbol characters")
	}
	return nil
}

// generatePassword returns a random temporary password that satisfies the
// pool's policy: at least 8 characters, one of each required class.
func generatePassword(p poolView) string {
	n := 8
	if p.Policies != nil && p.Policies.PasswordPolicy != nil && deref(p.Policies.PasswordPolicy.MinimumLength) > 8 {
		n = int(*p.Policies.PasswordPolicy.MinimumLength)
	}
	const (
		lowers  = "abcdefghijkmnopqrstuvwxyz"
		uppers  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits  = "23456789"
		symbols = "^$*.!@#%&-_=+"
	)
	classes := []string{lowers, uppers, digits, symbols}
	out := make([]byte, 0, n)
	for _, c := range classes {
		out = append(out, c[randInt(len(c))])
	}
	all := lowers + uppers + digits + symbols
	for len(out) < n {
		out = append(out, all[randInt(len(all))])
	}
	for i := len(out) - 1; i > 0; i-- { // Fisher-Yates
		j := randInt(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return int(v.Int64())
}
