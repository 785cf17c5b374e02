package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	mrand "math/rand/v2"
	"strings"
	"sync"
)

const (
	alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	lowerAlnum   = "0123456789abcdefghijklmnopqrstuvwxyz"
	decimal      = "0123456789"

	poolIDSuffixLen = 9
	clientIDLen     = 26
	clientSecretLen = 51
)

// Generator produces random identifiers. It is safe for concurrent use.
// The zero value is not usable; call New.
type Generator struct {
	mu  sync.Mutex
	det *mrand.ChaCha8 // nil: use crypto/rand
}

// New returns a Generator. Seed 0 draws from crypto/rand, which is what
// production uses. A non-zero seed makes every output a deterministic
// function of the seed and of the sequence of calls, for tests; such output
// is predictable and must never protect anything real.
func New(seed int64) *Generator {
	if seed == 0 {
		return &Generator{}
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	key := sha256.Sum256(append([]byte("gognito/ids seed "), b[:]...))
	return &Generator{det: mrand.NewChaCha8(key)}
}

// read fills b with random bytes.
func (g *Generator) read(b []byte) {
	if g.det == nil {
		// crypto/rand.Read never returns an error; it crashes the program
		// irrecoverably if the operating system's generator fails.
		_, _ = rand.Read(b)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	_, _ = g.det.Read(b)
}

// pick returns n characters drawn uniformly from alphabet, which must hold
// between 1 and 256 bytes. Bytes at or above the largest multiple of
// len(alphabet) are rejected so that every character is equally likely.
func (g *Generator) pick(alphabet string, n int) string {
	if n < 0 {
		panic("ids: negative length")
	}
	limit := 256 - 256%len(alphabet) // 256 when len divides 256
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		g.read(buf)
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, alphabet[int(b)%len(alphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

// UserPoolID returns a user pool ID: region, an underscore and nine
// characters of [0-9A-Za-z], e.g. "us-east-1_aB3dE5fG7".
func (g *Generator) UserPoolID(region string) string {
	return region + "_" + g.pick(alphanumeric, poolIDSuffixLen)
}

// ClientID returns an app client ID: 26 characters of [a-z0-9].
func (g *Generator) ClientID() string {
	return g.pick(lowerAlnum, clientIDLen)
}

// ClientSecret returns an app client secret: 51 characters of [a-z0-9].
func (g *Generator) ClientSecret() string {
	return g.pick(lowerAlnum, clientSecretLen)
}

// UUID returns a random (version 4, RFC 4122 variant) UUID in lowercase
// canonical form, e.g. "0b0e7d4c-0c1e-4c5b-9f3a-2d7c1e8a9b10".
func (g *Generator) UUID() string {
	var u [16]byte
	g.read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant 10xx
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

// Token returns nBytes random bytes encoded as unpadded base64url, for
// opaque secrets such as refresh tokens and sessions. 32 bytes give 256 bits
// of entropy. It panics if nBytes is negative.
func (g *Generator) Token(nBytes int) string {
	if nBytes < 0 {
		panic("ids: negative length")
	}
	b := make([]byte, nBytes)
	g.read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Digits returns n uniformly random decimal digits (leading zeros included),
// for confirmation codes. It panics if n is negative.
func (g *Generator) Digits(n int) string {
	return g.pick(decimal, n)
}

const (
	arnPrefix       = "arn:aws:cognito-idp:"
	userPoolResType = "userpool/"
)

// UserPoolARN returns the ARN of a user pool:
// arn:aws:cognito-idp:<region>:<account>:userpool/<poolID>.
func UserPoolARN(region, account, poolID string) string {
	return arnPrefix + region + ":" + account + ":" + userPoolResType + poolID
}

// ParseUserPoolARN splits a user pool ARN produced by UserPoolARN. ok is
// false unless arn has exactly that shape with a non-empty region, a 12-digit
// account and a non-empty pool ID free of ':' and '/'.
func ParseUserPoolARN(arn string) (region, account, poolID string, ok bool) {
	rest, found := strings.CutPrefix(arn, arnPrefix)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 {
		return "", "", "", false
	}
	region, account = parts[0], parts[1]
	poolID, found = strings.CutPrefix(parts[2], userPoolResType)
	if !found || region == "" || !isAccountID(account) || poolID == "" || strings.Contains(poolID, "/") {
		return "", "", "", false
	}
	return region, account, poolID, true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
