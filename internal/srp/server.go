package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"io"
	"math/big"
)

// KeySize is the length in bytes of the derived session key.
const KeySize = 16

// hkdfInfo is the JS helper's info block: "Caldera Derived Key" then 0x01.
var hkdfInfo = []byte("Caldera Derived Key\x01")

// ServerSession is the server's half of one SRP sign-in: the private value b
// and the public value B = (k*v + g^b) mod N sent as SRP_B. A session is
// immutable once made (so safe for concurrent use) and cheap to keep between
// the two requests of a sign-in, or to rebuild with ResumeServerSession from
// b and B.
type ServerSession struct {
	v    *big.Int
	b    *big.Int
	bigB *big.Int
}

// NewServerSession starts a sign-in against verifier v: it reads a 256-bit
// private value b from r (crypto/rand.Reader in production) and computes B.
func NewServerSession(r io.Reader, verifier *big.Int) (*ServerSession, error) {
	if err := checkVerifier(verifier); err != nil {
		return nil, err
	}
	var buf [secretSize]byte
	// kv is the same for every try; B%N == 0 needs g^b == -kv, which no
	// reader short of an adversarial one produces, but the JS checks for it.
	kv := new(big.Int).Mul(groupK, verifier)
	kv.Mod(kv, groupN)
	for range 8 {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return nil, fmt.Errorf("srp: reading b: %w", err)
		}
		b := new(big.Int).SetBytes(buf[:])
		if b.Sign() == 0 {
			continue
		}
		B := new(big.Int).Exp(groupG, b, groupN)
		B.Add(B, kv)
		if B.Cmp(groupN) >= 0 {
			B.Sub(B, groupN)
		}
		if B.Sign() == 0 {
			continue
		}
		return &ServerSession{v: verifier, b: b, bigB: B}, nil
	}
	return nil, ErrInvalidB
}

// ResumeServerSession rebuilds a session from the verifier and the b and B
// of an earlier NewServerSession (kept, for example, in the sign-in's
// Session state), without recomputing B.
func ResumeServerSession(verifier, b, B *big.Int) (*ServerSession, error) {
	if err := checkVerifier(verifier); err != nil {
		return nil, err
	}
	if b == nil || b.Sign() <= 0 || B == nil || B.Sign() <= 0 || B.Cmp(groupN) >= 0 {
		return nil, ErrInvalidB
	}
	return &ServerSession{v: verifier, b: b, bigB: B}, nil
}

// BHex returns SRP_B: B in unpadded lowercase hex.
func (s *ServerSession) BHex() string { return s.bigB.Text(16) }

// Secret returns the private value b, for keeping the session between the
// two requests of a sign-in. The caller must not modify it, and must keep it
// secret.
func (s *ServerSession) Secret() *big.Int { return s.b }

// SessionKey returns the 16-byte key K derived from the client's A (the
// SRP_A integer, see DecodeHex): u = H(PAD(A) | PAD(B)),
// S = (A * v^u)^b mod N, K = HMAC(HMAC(PAD(u), PAD(S)), info)[:16]. It
// fails with ErrInvalidA when A mod N is 0 and ErrZeroU when u is 0.
func (s *ServerSession) SessionKey(A *big.Int) ([]byte, error) {
	if A == nil || A.Sign() <= 0 {
		return nil, ErrInvalidA
	}
	a := A
	if A.Cmp(groupN) >= 0 {
		a = new(big.Int).Mod(A, groupN)
		if a.Sign() == 0 {
			return nil, ErrInvalidA
		}
	}
	return s.keyFor(a, hashInts(A, s.bigB))
}

// keyFor is SessionKey once u = H(PAD(A) | PAD(B)) is known; a is A mod N.
func (s *ServerSession) keyFor(a, u *big.Int) ([]byte, error) {
	if u.Sign() == 0 {
		return nil, ErrZeroU
	}
	S := new(big.Int).Exp(s.v, u, groupN)
	S.Mul(S, a)
	S.Mod(S, groupN)
	S.Exp(S, s.b, groupN)
	return deriveKey(S, u), nil
}

// SessionKeyHex is SessionKey for the SRP_A wire form.
func (s *ServerSession) SessionKeyHex(srpA string) ([]byte, error) {
	A, err := DecodeHex(srpA)
	if err != nil {
		return nil, err
	}
	return s.SessionKey(A)
}

// deriveKey is the JS computehkdf(PAD(S), PAD(u)): an HKDF-SHA256 with salt
// PAD(u), input PAD(S) and info "Caldera Derived Key", truncated to 16 bytes.
func deriveKey(S, u *big.Int) []byte {
	var buf [400]byte
	mac := hmac.New(sha256.New, appendPad(buf[:0], u))
	mac.Write(appendPad(buf[:0], S))
	prk := mac.Sum(buf[:0])
	mac = hmac.New(sha256.New, prk)
	mac.Write(hkdfInfo)
	return mac.Sum(nil)[:KeySize]
}
