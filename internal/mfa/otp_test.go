package mfa

import (
	"bytes"
	"errors"
	"math"
	mrand "math/rand/v2"
	"strings"
	"testing"
)

func TestOTPFormat(t *testing.T) {
	for _, n := range []int{1, 4, 6, 8, 64} {
		for range 20 {
			c := OTP(nil, n)
			if !isDigits(c, n) {
				t.Fatalf("OTP(nil, %d) = %q", n, c)
			}
		}
	}
}

// Bytes 250-255 are skipped rather than folded onto 0-5.
func TestOTPRejectsBiasedBytes(t *testing.T) {
	in := []byte{255, 250, 3, 249, 251, 0, 10, 252, 253, 254, 99, 7}
	if got := OTP(bytes.NewReader(in), 6); got != "390097" {
		t.Fatalf("OTP = %q, want 390097", got)
	}
}

// A deterministic reader gives a deterministic code, whatever the chunking.
func TestOTPDeterministic(t *testing.T) {
	seed := [32]byte{1, 2, 3}
	a := OTP(mrand.NewChaCha8(seed), 6)
	b := OTP(mrand.NewChaCha8(seed), 6)
	if a != b {
		t.Fatalf("same seed gave %s and %s", a, b)
	}
}

func TestOTPPanics(t *testing.T) {
	for _, tt := range []struct {
		name   string
		digits int
		r      *bytes.Reader
	}{
		{"zero digits", 0, nil},
		{"negative digits", -1, nil},
		{"too many digits", 65, nil},
		{"reader runs dry", 6, bytes.NewReader([]byte{1, 2, 3})},
		{"reader only biased bytes", 6, bytes.NewReader(bytes.Repeat([]byte{255}, 100))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			if tt.r == nil {
				OTP(nil, tt.digits)
			} else {
				OTP(tt.r, tt.digits)
			}
		})
	}
	defer func() {
		v := recover()
		err, ok := v.(error)
		if !ok || !errors.Is(err, errBoom) {
			t.Errorf("panic value %v does not wrap the reader's error", v)
		}
	}()
	OTP(errReader{errBoom}, 6)
}

var errBoom = errors.New("boom")

// Smoke test of uniformity: a chi-squared test over each of the six
// positions and over whole codes' leading digit pairs, from a seeded
// ChaCha8 so the result is reproducible. The thresholds are p = 0.001.
func TestOTPDistribution(t *testing.T) {
	const n = 60000
	r := mrand.NewChaCha8([32]byte{'g', 'o', 'g', 'n', 'i', 't', 'o'})
	var pos [6][10]int
	pairs := make([]int, 100)
	seen := map[string]int{}
	for range n {
		c := OTP(r, 6)
		for i := range 6 {
			pos[i][c[i]-'0']++
		}
		pairs[int(c[0]-'0')*10+int(c[1]-'0')]++
		seen[c]++
	}
	for i := range 6 {
		if x := chi2(pos[i][:], n); x > 27.88 { // 9 degrees of freedom
			t.Errorf("position %d: chi2 = %.1f, counts %v", i, x, pos[i])
		}
	}
	if x := chi2(pairs, n); x > 148.2 { // 99 degrees of freedom
		t.Errorf("leading pairs: chi2 = %.1f", x)
	}
	// 60000 draws from 10^6 codes: about 1800 collisions are expected; far
	// more would mean the codes are not spread over the whole space.
	if dup := n - len(seen); dup > 2200 {
		t.Errorf("%d repeated codes in %d", dup, n)
	}
	// Leading zeros occur (the code is a string, not a number).
	if pos[0][0] == 0 || !strings.HasPrefix(OTP(bytes.NewReader([]byte{0, 1, 2, 3, 4, 5}), 6), "0") {
		t.Error("no leading zeros")
	}
}

func chi2(counts []int, n int) float64 {
	exp := float64(n) / float64(len(counts))
	var x float64
	for _, c := range counts {
		d := float64(c) - exp
		x += d * d / exp
	}
	if math.IsNaN(x) {
		return math.Inf(1)
	}
	return x
}
