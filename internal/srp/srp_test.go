package srp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// testRand is a deterministic stream of random bytes for tests.
func testRand(seed uint64) io.Reader {
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	return rand.NewChaCha8(s)
}

func bigHex(t testing.TB, s string) *big.Int {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	x, ok := new(big.Int).SetString(strings.TrimPrefix(s, "-"), 16)
	if !ok {
		t.Fatalf("bad hex %q", s)
	}
	if neg {
		x.Neg(x)
	}
	return x
}

func TestPadHex(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "00"},
		{"1", "01"},
		{"f", "0f"},     // odd length: leading 0
		{"7f", "7f"},    // even, top nibble < 8: unchanged
		{"80", "0080"},  // top nibble >= 8: "00" prepended
		{"ff", "00ff"},  //
		{"100", "0100"}, // odd length, then top nibble 0
		{"fff", "0fff"}, // odd length: "0" makes the top nibble 0, no "00"
		{"8000", "008000"},
		{"abc", "0abc"},
		{"0abc", "0abc"}, // leading zeros in the input do not survive
		{"00ff", "00ff"},
		{"123456789", "0123456789"},
		{"89abcdef", "0089abcdef"},
		// Negative values, from the JS helper's documentation.
		{"-ec", "ff14"}, // -236
		{"14", "14"},    // 20
		{"-c8", "ff38"}, // -200
		{"38", "38"},    // 56
		{"-14", "ec"},   // -20
		{"ec", "00ec"},  // 236
		{"-38", "c8"},   // -56
		{"c8", "00c8"},  // 200
		{"-80", "80"},   // -128: "ff80" loses its "ff"
		{"-1", "ff"},
		{"-100", "ff00"},
	}
	for _, tt := range tests {
		x := bigHex(t, tt.in)
		if got := PadHex(x); got != tt.want {
			t.Errorf("PadHex(%s) = %q, want %q", tt.in, got, tt.want)
		}
		want, _ := hex.DecodeString(tt.want)
		if got := PadBytes(x); !bytes.Equal(got, want) {
			t.Errorf("PadBytes(%s) = %x, want %x", tt.in, got, want)
		}
	}
	// PadBytes computes two's complement directly; the JS algorithm agrees.
	for i := int64(-70000); i <= 70000; i++ {
		x := big.NewInt(i)
		if got, want := hex.EncodeToString(PadBytes(x)), PadHex(x); got != want {
			t.Fatalf("PadBytes(%d) = %s, PadHex %s", i, got, want)
		}
	}
	// The prime: top nibble f, so 385 bytes with a leading zero.
	if got := PadBytes(Prime()); len(got) != 385 || got[0] != 0 || got[1] != 0xff {
		t.Errorf("PadBytes(N) = %d bytes starting %x", len(got), got[:2])
	}
}

func TestHexHash(t *testing.T) {
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	tests := []struct {
		in   string
		want []byte
	}{
		{"", nil},
		{"00", []byte{0}},
		{"ABcd", []byte{0xab, 0xcd}},
		{"abc", []byte{0xab}},      // a trailing odd digit is dropped, as Node does
		{"ab zz cd", []byte{0xab}}, // decoding stops at the first bad pair
		{"0g12", nil},              //
		{"0102030405", []byte{1, 2, 3, 4, 5}},
	}
	for _, tt := range tests {
		if got := HexHash(tt.in); got != sum(tt.want) {
			t.Errorf("HexHash(%q) = %s, want hash of %x", tt.in, got, tt.want)
		}
	}
}

func TestGroupConstants(t *testing.T) {
	const wantK = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
	if got := groupK.Text(16); got != wantK {
		t.Errorf("k = %s, want %s", got, wantK)
	}
	// k is the hexHash of the concatenated padHex strings, as the JS spells it.
	if got := HexHash(PadHex(Prime()) + PadHex(groupG)); got != wantK {
		t.Errorf("HexHash(padHex(N)+padHex(g)) = %s", got)
	}
	if Prime().BitLen() != 3072 || !Prime().ProbablyPrime(10) {
		t.Error("N is not a 3072-bit prime")
	}
	if groupG.Int64() != 2 {
		t.Error("g != 2")
	}
	// A copy: changing it leaves the group alone.
	Prime().SetInt64(1)
	if groupN.BitLen() != 3072 {
		t.Error("Prime aliases the package's N")
	}
}

func TestPoolName(t *testing.T) {
	tests := map[string]string{
		"us-east-1_AbC":      "AbC",
		"eu-west-2_9xYz01":   "9xYz01",
		"local_abc_def":      "abc", // split('_')[1]
		"nounderscore":       "",
		"us-east-1_":         "",
		"_lead":              "lead",
		"ap-southeast-1_XYZ": "XYZ",
	}
	for in, want := range tests {
		if got := PoolName(in); got != want {
			t.Errorf("PoolName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatTimestamp(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2018, 9, 25, 0, 9, 40, 0, time.UTC), "Tue Sep 25 00:09:40 UTC 2018"},
		{time.Date(2018, 9, 5, 0, 9, 40, 0, time.UTC), "Wed Sep 5 00:09:40 UTC 2018"},
		{time.Date(2024, 1, 1, 9, 5, 3, 999e6, time.UTC), "Mon Jan 1 09:05:03 UTC 2024"},
		{time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), "Thu Feb 29 23:59:59 UTC 2024"},
		{time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC), "Wed Dec 31 12:00:00 UTC 2025"},
		{time.Date(2026, 7, 9, 10, 10, 10, 0, time.UTC), "Thu Jul 9 10:10:10 UTC 2026"},
		// Another zone is converted to UTC first: 01:30 on the 2nd at +05:00
		// is 20:30 on the 1st.
		{time.Date(2024, 3, 2, 1, 30, 0, 0, time.FixedZone("x", 5*3600)), "Fri Mar 1 20:30:00 UTC 2024"},
	}
	for _, tt := range tests {
		got := FormatTimestamp(tt.t)
		if got != tt.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tt.t, got, tt.want)
		}
		back, err := ParseTimestamp(got)
		if err != nil || !back.Equal(tt.t.Truncate(time.Second)) {
			t.Errorf("ParseTimestamp(%q) = %v, %v", got, back, err)
		}
	}
	// A zero-padded day (other clients' strftime) still parses.
	if got, err := ParseTimestamp("Wed Sep 05 00:09:40 UTC 2018"); err != nil || got.Day() != 5 {
		t.Errorf("padded day: %v, %v", got, err)
	}
	for _, bad := range []string{"", "2018-09-05T00:09:40Z", "Wed Sep 5 00:09:40 GMT 2018"} {
		if _, err := ParseTimestamp(bad); err == nil {
			t.Errorf("ParseTimestamp(%q) succeeded", bad)
		}
	}
}

func TestDecodeHex(t *testing.T) {
	for _, bad := range []string{"", "-1", "+1", "0x10", "xyz", "12 34", "1_0"} {
		if _, err := DecodeHex(bad); !errors.Is(err, ErrInvalidHex) {
			t.Errorf("DecodeHex(%q) err = %v", bad, err)
		}
	}
	x, err := DecodeHex("00AbC")
	if err != nil || x.Int64() != 0xabc {
		t.Errorf("DecodeHex(00AbC) = %v, %v", x, err)
	}
	if got := EncodeHex(big.NewInt(0xabc)); got != "abc" {
		t.Errorf("EncodeHex = %q", got)
	}
	salt, err := DecodeSalt("00ff01")
	if err != nil || !bytes.Equal(salt, []byte{0, 0xff, 1}) {
		t.Errorf("DecodeSalt = %x, %v", salt, err)
	}
	if _, err := DecodeSalt(""); err == nil {
		t.Error("DecodeSalt(\"\") succeeded")
	}
}

// signIn runs one Go client against one Go server session and reports
// whether the server accepts the claim.
func signIn(t *testing.T, seed uint64, pool, user, storedPw, clientPw string, salt []byte) bool {
	t.Helper()
	r := testRand(seed)
	v := NewVerifier(pool, user, storedPw, salt)
	srv, err := NewServerSession(r, v)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := NewClient(r)
	if err != nil {
		t.Fatal(err)
	}
	block := make([]byte, 64)
	io.ReadFull(r, block)
	ts := FormatTimestamp(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	sig, err := cl.PasswordClaim(pool, user, clientPw, Challenge{
		SRPB: srv.BHex(), Salt: EncodeSalt(salt), SecretBlock: base64.StdEncoding.EncodeToString(block),
	}, ts)
	if err != nil {
		t.Fatal(err)
	}
	key, err := srv.SessionKeyHex(cl.AHex())
	if err != nil {
		t.Fatal(err)
	}
	return VerifyPasswordClaim(key, pool, user, block, ts, sig)
}

func TestRoundTrip(t *testing.T) {
	salts := [][]byte{
		{0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, // top bit set
		{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},     // leading zeros
		{0x0f},
		{0},
	}
	for i, salt := range salts {
		if !signIn(t, uint64(i), "AbC", "user-1", "Passw0rd!", "Passw0rd!", salt) {
			t.Errorf("salt %x: right password rejected", salt)
		}
		if signIn(t, uint64(i), "AbC", "user-1", "Passw0rd!", "Passw0rd?", salt) {
			t.Errorf("salt %x: wrong password accepted", salt)
		}
	}
	if !signIn(t, 9, "AbC", "üser", "pässwörd ✓", "pässwörd ✓", salts[0]) {
		t.Error("non-ASCII password rejected")
	}
}

func TestSaltNormalisation(t *testing.T) {
	// The client re-pads SALT, so a salt's leading zero bytes do not count:
	// both spellings give one verifier.
	a := NewVerifier("p", "u", "pw", []byte{0, 0, 0x12, 0x34})
	b := NewVerifier("p", "u", "pw", []byte{0x12, 0x34})
	if a.Cmp(b) != 0 {
		t.Error("leading zero bytes changed the verifier")
	}
	c := NewVerifier("p", "u", "pw", []byte{0x92, 0x34})
	d := NewVerifier("p", "u", "pw", []byte{0, 0x92, 0x34})
	if c.Cmp(d) != 0 {
		t.Error("high-bit salt: explicit 00 changed the verifier")
	}
}

func TestRejectZeroA(t *testing.T) {
	srv, err := NewServerSession(testRand(1), NewVerifier("p", "u", "pw", []byte{1}))
	if err != nil {
		t.Fatal(err)
	}
	N := Prime()
	for _, A := range []*big.Int{
		big.NewInt(0), N, new(big.Int).Lsh(N, 1), new(big.Int).Mul(N, big.NewInt(12345)), big.NewInt(-5), nil,
	} {
		if _, err := srv.SessionKey(A); !errors.Is(err, ErrInvalidA) {
			t.Errorf("SessionKey(%v) err = %v, want ErrInvalidA", A, err)
		}
	}
	if _, err := srv.SessionKeyHex(PadHex(N)); !errors.Is(err, ErrInvalidA) {
		t.Errorf("SessionKeyHex(N) err = %v", err)
	}
	if _, err := srv.SessionKeyHex("zz"); !errors.Is(err, ErrInvalidHex) {
		t.Errorf("SessionKeyHex(zz) err = %v", err)
	}
	// A = N + 1 is 1 mod N: not zero, so it is accepted (and harmless: the
	// key is then unknown to whoever sent it without the password).
	if _, err := srv.SessionKey(new(big.Int).Add(N, big.NewInt(1))); err != nil {
		t.Errorf("SessionKey(N+1) err = %v", err)
	}
}

func TestRejectZeroU(t *testing.T) {
	srv, err := NewServerSession(testRand(2), NewVerifier("p", "u", "pw", []byte{1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.keyFor(big.NewInt(5), new(big.Int)); !errors.Is(err, ErrZeroU) {
		t.Errorf("server keyFor(u=0) err = %v", err)
	}
	cl, err := NewClient(testRand(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.keyFor("p", "u", "pw", []byte{1}, srv.bigB, new(big.Int)); !errors.Is(err, ErrZeroU) {
		t.Errorf("client keyFor(u=0) err = %v", err)
	}
}

func TestClientRejectsZeroB(t *testing.T) {
	cl, err := NewClient(testRand(4))
	if err != nil {
		t.Fatal(err)
	}
	N := Prime()
	for _, B := range []*big.Int{big.NewInt(0), N, new(big.Int).Lsh(N, 3)} {
		if _, err := cl.SessionKey("p", "u", "pw", []byte{1}, B); !errors.Is(err, ErrInvalidB) {
			t.Errorf("SessionKey(B=%v) err = %v", B, err)
		}
	}
	if _, err := NewClientWithSecret(big.NewInt(0)); !errors.Is(err, ErrInvalidA) {
		t.Errorf("a = 0: err = %v", err)
	}
}

func TestServerSessionChecks(t *testing.T) {
	N := Prime()
	for _, v := range []*big.Int{nil, big.NewInt(0), big.NewInt(1), N, new(big.Int).Add(N, big.NewInt(2))} {
		if _, err := NewServerSession(testRand(1), v); !errors.Is(err, ErrInvalidVerifier) {
			t.Errorf("verifier %v: err = %v", v, err)
		}
	}
	v := NewVerifier("p", "u", "pw", []byte{1})
	// A reader that fails.
	if _, err := NewServerSession(bytes.NewReader(make([]byte, 10)), v); err == nil {
		t.Error("short reader: no error")
	}
	// A reader whose first b is zero: the session draws again.
	r := io.MultiReader(bytes.NewReader(make([]byte, secretSize)), testRand(5))
	s, err := NewServerSession(r, v)
	if err != nil || s.Secret().Sign() == 0 {
		t.Fatalf("zero b: %v", err)
	}
	// B = k*v + g^b mod N.
	want := new(big.Int).Exp(groupG, s.Secret(), groupN)
	want.Add(want, new(big.Int).Mul(groupK, v))
	want.Mod(want, groupN)
	if s.bigB.Cmp(want) != 0 {
		t.Error("B != k*v + g^b mod N")
	}
	// Resuming from b and B gives the same key.
	cl, _ := NewClient(testRand(6))
	k1, err := s.SessionKey(cl.A())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := ResumeServerSession(v, s.Secret(), s.bigB)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := r2.SessionKey(cl.A())
	if !bytes.Equal(k1, k2) || len(k1) != KeySize {
		t.Errorf("resumed key %x != %x", k2, k1)
	}
	if _, err := ResumeServerSession(v, big.NewInt(0), s.bigB); err == nil {
		t.Error("resume with b = 0 succeeded")
	}
	if _, err := ResumeServerSession(v, s.Secret(), N); err == nil {
		t.Error("resume with B = N succeeded")
	}
}

func TestVerifyPasswordClaim(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	block := []byte("secret block")
	ts := "Wed Sep 5 00:09:40 UTC 2018"
	sig := ClaimSignature(key, "AbC", "user", block, ts)
	if !VerifyPasswordClaim(key, "AbC", "user", block, ts, sig) {
		t.Fatal("valid claim rejected")
	}
	if !VerifyPasswordClaim(key, "AbC", "user", block, ts, strings.TrimRight(sig, "=")) {
		t.Error("unpadded base64 signature rejected")
	}
	bad := map[string]func() bool{
		"pool":  func() bool { return VerifyPasswordClaim(key, "AbD", "user", block, ts, sig) },
		"user":  func() bool { return VerifyPasswordClaim(key, "AbC", "usex", block, ts, sig) },
		"block": func() bool { return VerifyPasswordClaim(key, "AbC", "user", []byte("secret blocK"), ts, sig) },
		"timestamp": func() bool {
			return VerifyPasswordClaim(key, "AbC", "user", block, "Wed Sep 05 00:09:40 UTC 2018", sig)
		},
		"key":    func() bool { return VerifyPasswordClaim(key[1:], "AbC", "user", block, ts, sig) },
		"nokey":  func() bool { return VerifyPasswordClaim(nil, "AbC", "user", block, ts, sig) },
		"base64": func() bool { return VerifyPasswordClaim(key, "AbC", "user", block, ts, "!"+sig) },
		"short":  func() bool { return VerifyPasswordClaim(key, "AbC", "user", block, ts, sig[:20]) },
		"empty":  func() bool { return VerifyPasswordClaim(key, "AbC", "user", block, ts, "") },
	}
	for name, f := range bad {
		if f() {
			t.Errorf("%s: accepted", name)
		}
	}
	// The fields are concatenated without separators (as the JS does), so
	// moving bytes between pool and user keeps the MAC: the caller takes both
	// from its own records, never from the request.
	if !VerifyPasswordClaim(key, "Ab", "Cuser", block, ts, sig) {
		t.Error("concatenation is not plain")
	}
}

func TestDeviceSecretRoundTrip(t *testing.T) {
	r := testRand(10)
	ds, err := GenerateDeviceSecret(r, "-9zxGmNvR", "us-east-1_0a1b2c3d-aaaa-bbbb-cccc-0123456789ab")
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := base64.StdEncoding.DecodeString(ds.Password); len(pw) != 40 {
		t.Errorf("device password decodes to %d bytes", len(pw))
	}
	v, salt, err := decodeConfig(ds.Config)
	if err != nil {
		t.Fatal(err)
	}
	if got := NewVerifier(ds.DeviceGroupKey, ds.DeviceKey, ds.Password, salt); got.Cmp(v) != 0 {
		t.Fatal("decoded verifier does not match the device password")
	}
	srv, err := NewServerSession(r, v)
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := NewClient(r)
	block := []byte{1, 2, 3}
	ts := FormatTimestamp(time.Unix(1_700_000_000, 0))
	ch := Challenge{SRPB: srv.BHex(), Salt: EncodeSalt(salt), SecretBlock: base64.StdEncoding.EncodeToString(block)}
	sig, err := cl.PasswordClaim(ds.DeviceGroupKey, ds.DeviceKey, ds.Password, ch, ts)
	if err != nil {
		t.Fatal(err)
	}
	key, err := srv.SessionKey(cl.A())
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyPasswordClaim(key, ds.DeviceGroupKey, ds.DeviceKey, block, ts, sig) {
		t.Error("device claim rejected")
	}
	if VerifyPasswordClaim(key, ds.DeviceGroupKey, ds.DeviceKey+"x", block, ts, sig) {
		t.Error("device claim accepted for another device key")
	}
}

func TestDecodeDeviceVerifierConfig(t *testing.T) {
	enc := base64.StdEncoding.EncodeToString
	good := enc(PadBytes(NewVerifier("g", "d", "pw", []byte{1, 2})))
	tests := []struct {
		name, v, salt string
		ok            bool
	}{
		{"good", good, enc([]byte{0, 0x81, 2}), true},
		{"unpadded", strings.TrimRight(good, "="), "AQI", true},
		{"bad verifier base64", "***", enc([]byte{1}), false},
		{"bad salt base64", good, "***", false},
		{"empty salt", good, "", false},
		{"zero verifier", enc([]byte{0}), enc([]byte{1}), false},
		{"one verifier", enc([]byte{1}), enc([]byte{1}), false},
		{"verifier N", enc(PadBytes(Prime())), enc([]byte{1}), false},
	}
	for _, tt := range tests {
		v, salt, err := DecodeDeviceVerifierConfig(tt.v, tt.salt)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
		}
		if tt.ok && (v.Sign() <= 0 || len(salt) == 0) {
			t.Errorf("%s: got %v, %x", tt.name, v, salt)
		}
	}
}

func TestGenerateSalt(t *testing.T) {
	s, err := GenerateSalt(testRand(1))
	if err != nil || len(s) != SaltSize {
		t.Fatalf("GenerateSalt = %x, %v", s, err)
	}
	if _, err := GenerateSalt(bytes.NewReader(nil)); err == nil {
		t.Error("empty reader: no error")
	}
}
