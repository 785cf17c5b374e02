package srp

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// repeatReader yields the same bytes over and over, so that every session in
// a benchmark draws the same b (and the client's claim stays valid).
type repeatReader []byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r[i%len(r)]
	}
	return len(p), nil
}

type benchFixture struct {
	v      *big.Int
	reader repeatReader
	srpA   string
	block  []byte
	ts     string
	sig    string
}

func newBenchFixture(b *testing.B) benchFixture {
	b.Helper()
	salt := []byte("0123456789abcdef")
	v := NewVerifier("AbC123", "user-id", "Passw0rd!", salt)
	reader := repeatReader("benchmark-b-bytes-0123456789abcd")
	srv, err := NewServerSession(reader, v)
	if err != nil {
		b.Fatal(err)
	}
	cl, err := NewClient(testRand(7))
	if err != nil {
		b.Fatal(err)
	}
	block := make([]byte, 1024) // real SECRET_BLOCKs are about this long
	ts := "Thu Jan 8 09:10:11 UTC 2026"
	sig, err := cl.PasswordClaim("AbC123", "user-id", "Passw0rd!",
		Challenge{SRPB: srv.BHex(), Salt: EncodeSalt(salt), SecretBlock: b64(block)}, ts)
	if err != nil {
		b.Fatal(err)
	}
	return benchFixture{v: v, reader: reader, srpA: cl.AHex(), block: block, ts: ts, sig: sig}
}

// BenchmarkVerifier: one verifier, as at sign-up or a password change.
func BenchmarkVerifier(b *testing.B) {
	salt := []byte("0123456789abcdef")
	for b.Loop() {
		NewVerifier("AbC123", "user-id", "Passw0rd!", salt)
	}
}

// BenchmarkServerSession: B, then the session key for a client's A.
func BenchmarkServerSession(b *testing.B) {
	f := newBenchFixture(b)
	A, _ := DecodeHex(f.srpA)
	for b.Loop() {
		s, err := NewServerSession(rand.Reader, f.v)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.SessionKey(A); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFullSignIn: the server side of one USER_SRP_AUTH sign-in from the
// wire forms: InitiateAuth (b, B, SRP_B) and RespondToAuthChallenge (SRP_A,
// the key, the claim).
func BenchmarkFullSignIn(b *testing.B) {
	f := newBenchFixture(b)
	for b.Loop() {
		s, err := NewServerSession(f.reader, f.v)
		if err != nil {
			b.Fatal(err)
		}
		_ = s.BHex()
		key, err := s.SessionKeyHex(f.srpA)
		if err != nil {
			b.Fatal(err)
		}
		if !VerifyPasswordClaim(key, "AbC123", "user-id", f.block, f.ts, f.sig) {
			b.Fatal("claim rejected")
		}
	}
}

// BenchmarkRawCrypto is the floor under a sign-in: its three modular
// exponentiations (g^b, v^u, (A*v^u)^b) and nothing else.
func BenchmarkRawCrypto(b *testing.B) {
	f := newBenchFixture(b)
	A, _ := DecodeHex(f.srpA)
	bb := new(big.Int).SetBytes(f.reader[:secretSize])
	u := hashInts(A, A)
	z := new(big.Int)
	for b.Loop() {
		z.Exp(groupG, bb, groupN)
		z.Exp(f.v, u, groupN)
		z.Exp(A, bb, groupN)
	}
}
