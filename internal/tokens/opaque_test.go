package tokens

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestNewRefreshToken(t *testing.T) {
	v, h := NewRefreshToken(rand.Reader)
	parts := strings.Split(v, ".")
	if len(parts) != 5 {
		t.Fatalf("refresh token has %d parts, want 5 (JWE shape)", len(parts))
	}
	hdr, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(hdr) != `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}` {
		t.Errorf("header = %s, %v", hdr, err)
	}
	for i, want := range []int{256, 12, 384, 16} {
		b, err := base64.RawURLEncoding.Strict().DecodeString(parts[i+1])
		if err != nil || len(b) != want {
			t.Errorf("part %d: %d bytes, %v; want %d", i+1, len(b), err, want)
		}
	}
	if sum := sha256.Sum256([]byte(v)); !bytes.Equal(h, sum[:]) || !bytes.Equal(h, HashToken(v)) {
		t.Error("hash is not SHA-256 of the value")
	}
	if v2, h2 := NewRefreshToken(rand.Reader); v2 == v || bytes.Equal(h2, h) {
		t.Error("two refresh tokens are equal")
	}
}

func TestNewSessionToken(t *testing.T) {
	v, h := NewSessionToken(rand.Reader)
	if len(v) != 256 || !strings.HasPrefix(v, "AYAB") {
		t.Errorf("session %q: want 256 characters starting AYAB", v)
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) != 192 {
		t.Errorf("session is not standard base64 of 192 bytes: %d, %v", len(raw), err)
	}
	if !bytes.Equal(h, HashToken(v)) {
		t.Error("hash is not HashToken of the value")
	}
	if v2, _ := NewSessionToken(rand.Reader); v2 == v {
		t.Error("two sessions are equal")
	}
}

// The injected reader is the only source of randomness: the same bytes give
// the same token, and all of them are used.
func TestOpaqueTokensUseTheReader(t *testing.T) {
	seq := func() io.Reader {
		b := make([]byte, 4096)
		for i := range b {
			b[i] = byte(i * 7)
		}
		return bytes.NewReader(b)
	}
	a, _ := NewRefreshToken(seq())
	b, _ := NewRefreshToken(seq())
	if a != b {
		t.Error("refresh token not determined by the reader")
	}
	r := seq().(*bytes.Reader)
	NewRefreshToken(r)
	if used := 4096 - r.Len(); used != 256+12+384+16 {
		t.Errorf("refresh token read %d random bytes", used)
	}
	r = seq().(*bytes.Reader)
	NewSessionToken(r)
	if used := 4096 - r.Len(); used != 189 {
		t.Errorf("session read %d random bytes", used)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy gone") }

func TestOpaqueTokensPanicOnReaderFailure(t *testing.T) {
	for name, f := range map[string]func(){
		"refresh": func() { NewRefreshToken(failingReader{}) },
		"session": func() { NewSessionToken(failingReader{}) },
		"short":   func() { NewRefreshToken(bytes.NewReader(make([]byte, 10))) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic on a failing reader", name)
				}
			}()
			f()
		}()
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256("abc")
	want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashToken("abc"); len(got) != 32 || hex.EncodeToString(got) != want {
		t.Errorf("HashToken(abc) = %x", got)
	}
}
