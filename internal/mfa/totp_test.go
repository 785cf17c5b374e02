package mfa

import (
	"bytes"
	"encoding/base32"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rfcKey is the SHA1 seed of RFC 6238 Appendix B and RFC 4226 Appendix D:
// the 20 ASCII bytes "12345678901234567890".
const rfcKey = "12345678901234567890"

// rfcSecret is rfcKey in base32, as an authenticator app would be given it.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestRFCSecretEncoding(t *testing.T) {
	if got := base32.StdEncoding.EncodeToString([]byte(rfcKey)); got != rfcSecret {
		t.Fatalf("base32(%q) = %q, want %q", rfcKey, got, rfcSecret)
	}
	key, err := decodeSecret(rfcSecret)
	if err != nil || string(key) != rfcKey {
		t.Fatalf("decodeSecret(%q) = %q, %v", rfcSecret, key, err)
	}
}

// rfc6238 holds RFC 6238 Appendix B's SHA1 rows: Unix time, step (the
// RFC's hex T) and the 8-digit TOTP.
var rfc6238 = []struct {
	unix int64
	step int64
	code string
}{
	{59, 0x1, "94287082"},
	{1111111109, 0x23523EC, "07081804"},
	{1111111111, 0x23523ED, "14050471"},
	{1234567890, 0x273EF07, "89005924"},
	{2000000000, 0x3F940AA, "69279037"},
	{20000000000, 0x27BC86AA, "65353130"},
}

func TestRFC6238EightDigits(t *testing.T) {
	for _, v := range rfc6238 {
		tm := time.Unix(v.unix, 0).UTC()
		if s := timeStep(tm); s != v.step {
			t.Errorf("timeStep(%d) = %#x, want %#x", v.unix, s, v.step)
		}
		if got := hotp([]byte(rfcKey), uint64(timeStep(tm)), 8); got != v.code {
			t.Errorf("TOTP-8 at %d = %s, want %s", v.unix, got, v.code)
		}
	}
}

// The six-digit code is the RFC's 31-bit value mod 10^6, so it is the last
// six digits of the 8-digit one.
func TestRFC6238SixDigitCode(t *testing.T) {
	for _, v := range rfc6238 {
		tm := time.Unix(v.unix, 0)
		got, err := Code(rfcSecret, tm)
		if err != nil {
			t.Fatalf("Code at %d: %v", v.unix, err)
		}
		if want := v.code[2:]; got != want {
			t.Errorf("Code at %d = %s, want %s", v.unix, got, want)
		}
		st, ok := Verify(rfcSecret, got, tm, 0)
		if !ok || st != v.step {
			t.Errorf("Verify(Code at %d) = %d, %v; want %d, true", v.unix, st, ok, v.step)
		}
	}
}

// RFC 4226 Appendix D: HOTP of the same key for counters 0 to 9.
func TestRFC4226HOTP(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp([]byte(rfcKey), uint64(c), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", c, got, w)
		}
	}
}

func TestHOTPDigitsRange(t *testing.T) {
	for _, d := range []int{0, 10, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("hotp with %d digits did not panic", d)
				}
			}()
			hotp([]byte(rfcKey), 0, d)
		}()
	}
	if got := hotp([]byte(rfcKey), 1, 9); len(got) != 9 || !strings.HasSuffix(got, "94287082") {
		t.Errorf("9-digit HOTP(1) = %s, want ...94287082", got)
	}
}

func TestTimeStep(t *testing.T) {
	for _, tt := range []struct {
		unix int64
		want int64
	}{
		{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2},
		{-1, -1}, {-30, -1}, {-31, -2},
	} {
		if got := timeStep(time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("timeStep(%d) = %d, want %d", tt.unix, got, tt.want)
		}
	}
	// Sub-second parts do not move the step.
	if got := timeStep(time.Unix(29, 999999999)); got != 0 {
		t.Errorf("timeStep(29.999999999) = %d, want 0", got)
	}
}

func TestCodeBeforeEpoch(t *testing.T) {
	if _, err := Code(rfcSecret, time.Unix(-1, 0)); !errors.Is(err, ErrBeforeEpoch) {
		t.Fatalf("Code before epoch: err = %v, want ErrBeforeEpoch", err)
	}
	if _, err := Code(rfcSecret, time.Unix(0, 0)); err != nil {
		t.Fatalf("Code at epoch: %v", err)
	}
}

// now is a fixed instant in the middle of a step.
var now = time.Date(2025, 6, 1, 12, 0, 15, 0, time.UTC)

func codeAt(t *testing.T, secret string, tm time.Time) string {
	t.Helper()
	c, err := Code(secret, tm)
	if err != nil {
		t.Fatalf("Code(%s): %v", tm, err)
	}
	return c
}

func TestVerifyDrift(t *testing.T) {
	cur := timeStep(now)
	for _, tt := range []struct {
		offset time.Duration
		ok     bool
	}{
		{-90 * time.Second, false},
		{-60 * time.Second, false},
		{-30 * time.Second, true},
		{0, true},
		{30 * time.Second, true},
		{60 * time.Second, false},
		{90 * time.Second, false},
	} {
		code := codeAt(t, rfcSecret, now.Add(tt.offset))
		st, ok := Verify(rfcSecret, code, now, 0)
		if ok != tt.ok {
			t.Errorf("offset %v: Verify ok = %v, want %v", tt.offset, ok, tt.ok)
			continue
		}
		if ok {
			if want := cur + int64(tt.offset/Period); st != want {
				t.Errorf("offset %v: step = %d, want %d", tt.offset, st, want)
			}
		} else if st != 0 {
			t.Errorf("offset %v: refused but step = %d", tt.offset, st)
		}
	}
}

// At a step boundary the window moves with it.
func TestVerifyWindowEdges(t *testing.T) {
	start := time.Unix(timeStep(now)*30, 0) // first second of the step
	end := start.Add(Period - time.Nanosecond)
	prev := codeAt(t, rfcSecret, start.Add(-time.Second))
	next := codeAt(t, rfcSecret, end.Add(time.Second))
	if _, ok := Verify(rfcSecret, prev, start, 0); !ok {
		t.Error("previous step's code refused at the start of the step")
	}
	if _, ok := Verify(rfcSecret, next, end, 0); !ok {
		t.Error("next step's code refused at the end of the step")
	}
	// One step further on, prev is two steps old.
	if _, ok := Verify(rfcSecret, prev, end.Add(time.Nanosecond), 0); ok {
		t.Error("code from two steps ago accepted")
	}
}

func TestVerifyReplay(t *testing.T) {
	code := codeAt(t, rfcSecret, now)
	st, ok := Verify(rfcSecret, code, now, 0)
	if !ok {
		t.Fatal("fresh code refused")
	}
	// The same code again, even a moment later within the same step.
	if _, ok := Verify(rfcSecret, code, now.Add(time.Second), st); ok {
		t.Error("code accepted twice")
	}
	// Nor is an older code usable once a newer one has been.
	older := codeAt(t, rfcSecret, now.Add(-Period))
	if _, ok := Verify(rfcSecret, older, now, st); ok {
		t.Error("previous step's code accepted after the current one was used")
	}
	// The next step's code is still fine, and then it too is spent.
	newer := codeAt(t, rfcSecret, now.Add(Period))
	st2, ok := Verify(rfcSecret, newer, now.Add(Period), st)
	if !ok || st2 != st+1 {
		t.Fatalf("next step's code: step %d, ok %v; want %d, true", st2, ok, st+1)
	}
	if _, ok := Verify(rfcSecret, newer, now.Add(Period), st2); ok {
		t.Error("next step's code accepted twice")
	}
	// lastUsedStep only refuses steps at or below it.
	if st3, ok := Verify(rfcSecret, code, now, st-1); !ok || st3 != st {
		t.Errorf("Verify with lastUsedStep = step-1: %d, %v", st3, ok)
	}
}

// collisionKey is a 20-byte key whose codes for the step of now and the
// step after it are both 720140 (found by brute force over the first four
// bytes), so that Verify's choice among several matches can be checked.
var collisionKey = []byte{0x19, 0xa3, 0x1e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

func TestVerifyPrefersLatestMatch(t *testing.T) {
	cur := timeStep(now)
	a, b := hotp(collisionKey, uint64(cur), Digits), hotp(collisionKey, uint64(cur+1), Digits)
	if a != "720140" || b != a {
		t.Fatalf("collisionKey no longer collides: %s, %s", a, b)
	}
	secret := base32.StdEncoding.EncodeToString(collisionKey)
	st, ok := Verify(secret, a, now, 0)
	if !ok || st != cur+1 {
		t.Fatalf("colliding code: step %d, ok %v; want %d", st, ok, cur+1)
	}
	if _, ok := Verify(secret, a, now, st); ok {
		t.Fatal("colliding code accepted again for the earlier step")
	}
	// With the later step spent the earlier one is refused too; with only
	// the earlier one spent, the later one still matches.
	if st, ok := Verify(secret, a, now, cur); !ok || st != cur+1 {
		t.Fatalf("lastUsedStep = cur: step %d, ok %v; want %d", st, ok, cur+1)
	}
}

func TestVerifyRejectsMalformedCodes(t *testing.T) {
	good := codeAt(t, rfcSecret, now)
	for _, c := range []string{
		"", "1", "12345", "1234567", good + "0", good[:5],
		good[:5] + "a", "-12345", "+12345", " " + good[:5], good[:5] + " ",
		"12 456", "１２３４５６", "12345\x00", "abcdef",
	} {
		if st, ok := Verify(rfcSecret, c, now, 0); ok || st != 0 {
			t.Errorf("Verify(%q) = %d, %v; want refusal", c, st, ok)
		}
	}
	// A wrong but well-formed code.
	wrong := []byte(good)
	wrong[0] = '0' + (wrong[0]-'0'+1)%10
	if _, ok := Verify(rfcSecret, string(wrong), now, 0); ok {
		t.Errorf("wrong code %s accepted (right one %s)", wrong, good)
	}
}

func TestInvalidSecrets(t *testing.T) {
	for _, s := range []string{
		"", "   ", "====", "A", "ABC", "ABCDEF", // empty or impossible lengths
		"GEZDGNBVGY3TQOJ1", // '1' is not base32
		"GEZDGNBVGY3TQOJ8", // nor is '8'
		"GEZDGNBVGY3T!OJQ",
		"GEZD=GNBVGY3TQOJQ", // padding in the middle
	} {
		if _, err := Code(s, now); !errors.Is(err, ErrInvalidSecret) {
			t.Errorf("Code(%q): err = %v, want ErrInvalidSecret", s, err)
		}
		if _, ok := Verify(s, "123456", now, 0); ok {
			t.Errorf("Verify with secret %q succeeded", s)
		}
	}
}

// Secrets are accepted in lowercase, grouped with spaces or hyphens, and
// with or without '=' padding; all give the same codes.
func TestSecretTolerance(t *testing.T) {
	want := codeAt(t, rfcSecret, now)
	for _, s := range []string{
		strings.ToLower(rfcSecret),
		"gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
		"GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ",
		" GEZDGNBVGY3TQOJQ\tGEZDGNBVGY3TQOJQ ",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJq",
	} {
		if got, err := Code(s, now); err != nil || got != want {
			t.Errorf("Code(%q) = %s, %v; want %s", s, got, err, want)
		}
		if NormalizeSecret(s) != rfcSecret {
			t.Errorf("NormalizeSecret(%q) = %q", s, NormalizeSecret(s))
		}
		if _, ok := Verify(s, want, now, 0); !ok {
			t.Errorf("Verify with secret %q refused", s)
		}
	}
	// A 10-byte secret needs padding in padded base32; both forms work.
	padded := base32.StdEncoding.EncodeToString([]byte("0123456789a"))
	if !strings.HasSuffix(padded, "=") {
		t.Fatalf("test secret %q has no padding", padded)
	}
	a, err1 := Code(padded, now)
	b, err2 := Code(strings.TrimRight(padded, "="), now)
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("padded %s/%v vs unpadded %s/%v", a, err1, b, err2)
	}
}

// secretCodeType is the Cognito model's constraint on SecretCode.
var secretCodeType = regexp.MustCompile(`^[A-Za-z0-9]{16,}$`)

func TestNewSecretFormat(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		s, err := NewSecret(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 52 {
			t.Errorf("len(%q) = %d, want 52", s, len(s))
		}
		if strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Errorf("%q is not uppercase unpadded base32", s)
		}
		if !secretCodeType.MatchString(s) {
			t.Errorf("%q does not match SecretCodeType", s)
		}
		if seen[s] {
			t.Errorf("secret %q repeated", s)
		}
		seen[s] = true
	}
}

func TestNewSecretRoundTrip(t *testing.T) {
	raw := make([]byte, SecretSize)
	for i := range raw {
		raw[i] = byte(i*37 + 11)
	}
	s, err := NewSecret(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimRight(base32.StdEncoding.EncodeToString(raw), "="); s != want {
		t.Fatalf("NewSecret = %q, want %q", s, want)
	}
	key, err := decodeSecret(s)
	if err != nil || !bytes.Equal(key, raw) {
		t.Fatalf("decodeSecret(NewSecret(raw)) = %x, %v; want %x", key, err, raw)
	}
	// And the secret works end to end.
	if _, ok := Verify(s, codeAt(t, s, now), now, 0); !ok {
		t.Fatal("code of a new secret refused")
	}
	// Round trip over every length a secret might have.
	for n := 1; n <= 64; n++ {
		b := raw[:0:0]
		for i := range n {
			b = append(b, byte(i*101+n))
		}
		k, err := decodeSecret(b32.EncodeToString(b))
		if err != nil || !bytes.Equal(k, b) {
			t.Errorf("%d bytes: round trip gave %x, %v", n, k, err)
		}
	}
}

func TestNewSecretReaderError(t *testing.T) {
	if _, err := NewSecret(bytes.NewReader(make([]byte, SecretSize-1))); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short reader: err = %v, want ErrUnexpectedEOF", err)
	}
	boom := errors.New("boom")
	if _, err := NewSecret(errReader{boom}); !errors.Is(err, boom) {
		t.Fatalf("failing reader: err = %v, want boom", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// Code and Verify agree for random secrets and times, including the last
// second of a step.
func TestCodeVerifyAgree(t *testing.T) {
	for i := range 200 {
		s, err := NewSecret(nil)
		if err != nil {
			t.Fatal(err)
		}
		tm := time.Unix(1_500_000_000+int64(i)*7919, 0)
		code := codeAt(t, s, tm)
		if len(code) != Digits || !isDigits(code, Digits) {
			t.Fatalf("Code = %q", code)
		}
		if st, ok := Verify(s, code, tm, 0); !ok || st != timeStep(tm) {
			t.Fatalf("Verify(Code) at %v: %d, %v", tm, st, ok)
		}
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(rfcSecret, "287082", int64(59), int64(0))
	f.Add("gezd gnbv", "", int64(-5), int64(-1))
	f.Fuzz(func(t *testing.T, secret, code string, unix, last int64) {
		st, ok := Verify(secret, code, time.Unix(unix, 0), last)
		if !ok {
			if st != 0 {
				t.Fatalf("refused with step %d", st)
			}
			return
		}
		if !isDigits(code, Digits) || st <= last || st < 0 {
			t.Fatalf("accepted %q at step %d (last %d)", code, st, last)
		}
		if d := st - timeStep(time.Unix(unix, 0)); d < -Skew || d > Skew {
			t.Fatalf("step %d outside window", st)
		}
	})
}
