package srp

// Oracle tests: the official JavaScript client (amazon-cognito-identity-js,
// driven by test/srpjs/oracle.mjs) against this package. They need Node.js
// and the oracle's dependencies:
//
//	cd test/srpjs && npm ci

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const oracleRel = "../../test/srpjs"

// oracle runs ops through oracle.mjs and decodes the results into out (a
// pointer to a slice with one element per op). An op that failed in the JS
// fails the test.
func oracle(t *testing.T, ops []map[string]any, out any) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; the SRP oracle tests need Node.js 20+ and `cd test/srpjs && npm ci`")
	}
	dir, err := filepath.Abs(oracleRel)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "amazon-cognito-identity-js")); err != nil {
		t.Skip("test/srpjs/node_modules is missing; install the SRP oracle with: cd test/srpjs && npm ci")
	}
	in, err := json.Marshal(map[string]any{"ops": ops})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "oracle.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var raw struct{ Results []json.RawMessage }
	if err := json.Unmarshal(stdout, &raw); err != nil {
		t.Fatalf("oracle output: %v\n%s", err, stdout)
	}
	if len(raw.Results) != len(ops) {
		t.Fatalf("oracle gave %d results for %d ops", len(raw.Results), len(ops))
	}
	for i, r := range raw.Results {
		var e struct{ Error string }
		if json.Unmarshal(r, &e) == nil && e.Error != "" {
			t.Fatalf("oracle op %d (%v): %s", i, ops[i]["op"], e.Error)
		}
	}
	all, _ := json.Marshal(raw.Results)
	if err := json.Unmarshal(all, out); err != nil {
		t.Fatalf("oracle results: %v", err)
	}
}

func randBytes(r io.Reader, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic(err)
	}
	return b
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestOracleGroupAndPadHex(t *testing.T) {
	r := testRand(100)
	values := []string{"0", "1", "f", "7f", "80", "ff", "100", "fff", "8000", "0abc", "89abcdef", "-ec", "-14", "-80", "-1", "-100", "-8000", "-7f"}
	for n := 1; n <= 40; n++ {
		x := new(big.Int).SetBytes(randBytes(r, n))
		values = append(values, x.Text(16), new(big.Int).Rsh(x, 4).Text(16))
	}
	values = append(values, Prime().Text(16), new(big.Int).Sub(Prime(), big.NewInt(1)).Text(16))
	var res []struct {
		N, G, K string
		Padded  []string
	}
	oracle(t, []map[string]any{{"op": "group"}, {"op": "padHex", "values": values}}, &res)
	if res[0].N != Prime().Text(16) || res[0].G != "2" || res[0].K != groupK.Text(16) {
		t.Errorf("group differs: JS k = %s, Go k = %s", res[0].K, groupK.Text(16))
	}
	for i, v := range values {
		if got := PadHex(bigHex(t, v)); got != res[1].Padded[i] {
			t.Errorf("PadHex(%s) = %s, JS %s", v, got, res[1].Padded[i])
		}
	}
}

func TestOracleTimestamp(t *testing.T) {
	var times []int64
	// Every day of 2024 and 2025 at a drifting time of day, so every
	// weekday, month, single- and double-digit day and hour shows up.
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 731 {
		times = append(times, start.Add(time.Duration(i)*(24*time.Hour+3671*time.Second)).UnixMilli())
	}
	times = append(times,
		time.Date(2018, 9, 25, 0, 9, 40, 0, time.UTC).UnixMilli(),
		time.Date(2018, 9, 5, 0, 9, 40, 0, time.UTC).UnixMilli(),
		time.Date(1999, 12, 31, 23, 59, 59, 999e6, time.UTC).UnixMilli(),
		time.Date(2100, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli(),
	)
	var res []struct{ Strings []string }
	oracle(t, []map[string]any{{"op": "timestamp", "times": times}}, &res)
	for i, ms := range times {
		if got := FormatTimestamp(time.UnixMilli(ms)); got != res[0].Strings[i] {
			t.Errorf("FormatTimestamp(%d) = %q, JS %q", ms, got, res[0].Strings[i])
		}
	}
}

func TestOracleLargeA(t *testing.T) {
	r := testRand(101)
	as := []*big.Int{big.NewInt(1), big.NewInt(2), big.NewInt(255), new(big.Int).Sub(Prime(), big.NewInt(2))}
	for range 6 {
		as = append(as, new(big.Int).SetBytes(randBytes(r, clientSecretSize)))
	}
	var ops []map[string]any
	for _, a := range as {
		ops = append(ops, map[string]any{"op": "largeA", "a": a.Text(16)})
	}
	var res []struct{ A string }
	oracle(t, ops, &res)
	for i, a := range as {
		c, err := NewClientWithSecret(a)
		if err != nil {
			t.Fatal(err)
		}
		if c.AHex() != res[i].A {
			t.Errorf("a = %s: Go A = %s, JS A = %s", a.Text(16), c.AHex(), res[i].A)
		}
	}
}

// signInResult is what the oracle reports for userSignIn and deviceSignIn.
type signInResult struct {
	SRPA          string `json:"SRP_A"`
	DeviceSRPA    string `json:"DEVICE_SRP_A"`
	PoolName      string
	UserResponses map[string]string
	Responses     map[string]string
	Key           string
}

// userScenario is one USER_SRP_AUTH sign-in: the server's records and what
// the JS client is given.
type userScenario struct {
	name         string
	userPoolID   string // the server's pool
	userID       string // USER_ID_FOR_SRP
	password     string // the stored password
	salt         string // SALT as sent
	clientPoolID string // the pool the JS client is configured with
	clientPass   string // the password the JS client types
	accept       bool
}

func TestOracleUserSignIn(t *testing.T) {
	r := testRand(102)
	hexSalt := func(b []byte) string { return EncodeSalt(b) }
	high := randBytes(r, 16)
	high[0] |= 0x80
	lead := randBytes(r, 16)
	lead[0], lead[1] = 0, 0x05
	scenarios := []userScenario{
		{"plain", "us-east-1_AbC123", "a1b2c3d4-0000-1111-2222-333344445555", "Passw0rd!", hexSalt(randBytes(r, 16)), "", "", true},
		{"high-bit salt", "us-east-1_AbC123", "alice", "Passw0rd!", hexSalt(high), "", "", true},
		{"leading-zero salt", "eu-west-1_Zz9", "bob", "correct horse", hexSalt(lead), "", "", true},
		{"odd-length salt", "eu-west-1_Zz9", "bob", "correct horse", "abc12", "", "", true},
		{"upper-case salt", "eu-west-1_Zz9", "bob", "correct horse", "ABCDEF0123", "", "", true},
		{"unicode", "ap-south-1_Uni", "jürgen", "pässwörd ✓ 🔑 : colon", hexSalt(randBytes(r, 16)), "", "", true},
		{"underscored pool id", "local_my_Pool1", "carol", "pw", hexSalt(randBytes(r, 16)), "", "", true},
		{"empty password", "us-east-1_AbC123", "dave", "", hexSalt(randBytes(r, 16)), "", "", true},
		{"wrong password", "us-east-1_AbC123", "alice", "Passw0rd!", hexSalt(high), "", "Passw0rd?", false},
		{"wrong case password", "us-east-1_AbC123", "alice", "Passw0rd!", hexSalt(high), "", "passw0rd!", false},
		{"wrong pool", "us-east-1_AbC123", "alice", "Passw0rd!", hexSalt(high), "us-east-1_AbC124", "", false},
		{"same pool name other region", "us-east-1_AbC123", "alice", "Passw0rd!", hexSalt(high), "eu-west-1_AbC123", "", true},
	}
	days := []time.Time{
		time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		time.Date(2025, 11, 25, 23, 0, 59, 0, time.UTC),
		time.Date(2024, 2, 9, 0, 0, 0, 0, time.UTC),
	}

	type run struct {
		sc    userScenario
		srv   *ServerSession
		a     *big.Int
		block []byte
		now   time.Time
	}
	var runs []run
	var ops []map[string]any
	for i, sc := range scenarios {
		if sc.clientPoolID == "" {
			sc.clientPoolID = sc.userPoolID
		}
		if sc.clientPass == "" {
			sc.clientPass = sc.password
		}
		salt, err := DecodeSalt(sc.salt)
		if err != nil {
			t.Fatal(err)
		}
		v := NewVerifier(PoolName(sc.userPoolID), sc.userID, sc.password, salt)
		srv, err := NewServerSession(r, v)
		if err != nil {
			t.Fatal(err)
		}
		rn := run{sc: sc, srv: srv, a: new(big.Int).SetBytes(randBytes(r, clientSecretSize)),
			block: randBytes(r, 32+i*37), now: days[i%len(days)]}
		runs = append(runs, rn)
		ops = append(ops, map[string]any{
			"op":         "userSignIn",
			"userPoolId": sc.clientPoolID,
			"username":   "login-name",
			"password":   sc.clientPass,
			"a":          rn.a.Text(16),
			"now":        rn.now.UnixMilli(),
			"challenge": map[string]string{
				"SRP_B":           srv.BHex(),
				"SALT":            sc.salt,
				"SECRET_BLOCK":    b64(rn.block),
				"USER_ID_FOR_SRP": sc.userID,
			},
		})
	}
	var res []signInResult
	oracle(t, ops, &res)

	for i, rn := range runs {
		sc, js := rn.sc, res[i]
		t.Run(sc.name, func(t *testing.T) {
			resp := js.Responses
			ts := resp["TIMESTAMP"]
			if want := FormatTimestamp(rn.now); ts != want {
				t.Errorf("JS TIMESTAMP %q, Go %q", ts, want)
			}
			if resp["USERNAME"] != sc.userID || resp["PASSWORD_CLAIM_SECRET_BLOCK"] != b64(rn.block) {
				t.Errorf("JS responses %v", resp)
			}
			if js.PoolName != PoolName(sc.clientPoolID) {
				t.Errorf("JS pool name %q, Go %q", js.PoolName, PoolName(sc.clientPoolID))
			}

			// The Go client, given what the JS client was given, says the same.
			cl, err := NewClientWithSecret(rn.a)
			if err != nil {
				t.Fatal(err)
			}
			if cl.AHex() != js.SRPA {
				t.Fatalf("SRP_A: Go %s, JS %s", cl.AHex(), js.SRPA)
			}
			ch := Challenge{SRPB: rn.srv.BHex(), Salt: sc.salt, SecretBlock: b64(rn.block)}
			sig, err := cl.PasswordClaim(PoolName(sc.clientPoolID), sc.userID, sc.clientPass, ch, ts)
			if err != nil {
				t.Fatal(err)
			}
			if sig != resp["PASSWORD_CLAIM_SIGNATURE"] {
				t.Errorf("signature: Go %s, JS %s", sig, resp["PASSWORD_CLAIM_SIGNATURE"])
			}

			// The server's verdict on the JS client's claim.
			A, err := DecodeHex(js.SRPA)
			if err != nil {
				t.Fatal(err)
			}
			key, err := rn.srv.SessionKey(A)
			if err != nil {
				t.Fatal(err)
			}
			if sc.accept && hex.EncodeToString(key) != js.Key {
				t.Errorf("session key: Go %x, JS %s", key, js.Key)
			}
			block, err := DecodeSecretBlock(resp["PASSWORD_CLAIM_SECRET_BLOCK"])
			if err != nil {
				t.Fatal(err)
			}
			pool := PoolName(sc.userPoolID)
			jsSig := resp["PASSWORD_CLAIM_SIGNATURE"]
			if got := VerifyPasswordClaim(key, pool, sc.userID, block, ts, jsSig); got != sc.accept {
				t.Fatalf("VerifyPasswordClaim = %v, want %v", got, sc.accept)
			}
			if !sc.accept {
				return
			}
			// Tampering with anything the claim covers fails it.
			tampered := bytes.Clone(block)
			tampered[len(tampered)-1] ^= 1
			day := rn.now.Day()
			padded := strings.Replace(ts, " "+itoa(day)+" ", " 0"+itoa(day)+" ", 1)
			cases := map[string]bool{
				"timestamp +1s":   VerifyPasswordClaim(key, pool, sc.userID, block, FormatTimestamp(rn.now.Add(time.Second)), jsSig),
				"secret block":    VerifyPasswordClaim(key, pool, sc.userID, tampered, ts, jsSig),
				"short block":     VerifyPasswordClaim(key, pool, sc.userID, block[1:], ts, jsSig),
				"pool name":       VerifyPasswordClaim(key, pool+"x", sc.userID, block, ts, jsSig),
				"user id":         VerifyPasswordClaim(key, pool, sc.userID+"x", block, ts, jsSig),
				"full pool id":    VerifyPasswordClaim(key, sc.userPoolID, sc.userID, block, ts, jsSig),
				"other B session": verifyWithFreshSession(t, rn.srv, A, pool, sc.userID, block, ts, jsSig),
			}
			if day < 10 {
				cases["zero-padded day"] = VerifyPasswordClaim(key, pool, sc.userID, block, padded, jsSig)
			}
			for name, ok := range cases {
				if ok {
					t.Errorf("tampered %s: accepted", name)
				}
			}
		})
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// verifyWithFreshSession checks the claim against a new session for the same
// verifier: another b, so another key.
func verifyWithFreshSession(t *testing.T, s *ServerSession, A *big.Int, pool, user string, block []byte, ts, sig string) bool {
	t.Helper()
	fresh, err := NewServerSession(testRand(999), s.v)
	if err != nil {
		t.Fatal(err)
	}
	key, err := fresh.SessionKey(A)
	if err != nil {
		t.Fatal(err)
	}
	return VerifyPasswordClaim(key, pool, user, block, ts, sig)
}

type deviceHashResult struct {
	Salt, Verifier, Password string
	Config                   DeviceVerifierConfig
}

type confirmDeviceResult struct {
	Request struct {
		DeviceKey                  string
		DeviceSecretVerifierConfig DeviceVerifierConfig
	}
	Password string
}

func TestOracleDeviceHash(t *testing.T) {
	devices := [][2]string{
		{"-9zxGmNvR", "us-east-1_0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"},
		{"grp", "key"},
		{"ünï", "ключ"},
	}
	var ops []map[string]any
	for range 4 {
		for _, d := range devices {
			ops = append(ops, map[string]any{"op": "deviceHash", "deviceGroupKey": d[0], "deviceKey": d[1]})
		}
	}
	var res []deviceHashResult
	oracle(t, ops, &res)
	for i, js := range res {
		d := devices[i%len(devices)]
		v, salt, err := decodeConfig(js.Config)
		if err != nil {
			t.Fatalf("%d: decode %+v: %v", i, js.Config, err)
		}
		if hex.EncodeToString(salt) != js.Salt || PadHex(v) != js.Verifier {
			t.Errorf("%d: decoded salt %x / verifier %s, JS %s / %s", i, salt, PadHex(v), js.Salt, js.Verifier)
		}
		if got := NewVerifier(d[0], d[1], js.Password, salt); got.Cmp(v) != 0 {
			t.Errorf("%d: Go verifier from the JS password differs", i)
		}
		if NewVerifier(d[0], d[1], js.Password+"x", salt).Cmp(v) == 0 {
			t.Errorf("%d: verifier ignores the password", i)
		}
	}
}

func TestOracleDeviceSignIn(t *testing.T) {
	r := testRand(103)
	const poolID = "us-west-2_DevPool9"
	pool := PoolName(poolID)
	userID := "0f0e0d0c-1111-2222-3333-444455556666"
	userPass := "Us3r pass"
	userSalt := randBytes(r, 16)
	userV := NewVerifier(pool, userID, userPass, userSalt)
	now := time.Date(2026, 1, 7, 8, 9, 10, 0, time.UTC)

	userChallenge := func() (*ServerSession, []byte, map[string]string) {
		srv, err := NewServerSession(r, userV)
		if err != nil {
			t.Fatal(err)
		}
		block := randBytes(r, 48)
		return srv, block, map[string]string{
			"SRP_B": srv.BHex(), "SALT": EncodeSalt(userSalt), "SECRET_BLOCK": b64(block), "USER_ID_FOR_SRP": userID,
		}
	}

	// Stage 1: the JS client confirms two new devices after signing in.
	newDevices := []map[string]string{
		{"DeviceKey": "us-west-2_11111111-2222-3333-4444-555555555555", "DeviceGroupKey": "-abcDEF12"},
		{"DeviceKey": "us-west-2_aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "DeviceGroupKey": "-XyZ98765"},
	}
	var ops []map[string]any
	for _, nd := range newDevices {
		_, _, ch := userChallenge()
		ops = append(ops, map[string]any{
			"op": "confirmDevice", "userPoolId": poolID, "username": "login", "password": userPass,
			"a": new(big.Int).SetBytes(randBytes(r, clientSecretSize)).Text(16), "now": now.UnixMilli(),
			"challenge": ch, "newDevice": nd,
		})
	}
	var confirmed []confirmDeviceResult
	oracle(t, ops, &confirmed)

	// What the server would store from ConfirmDevice.
	type device struct {
		groupKey, key, password string
		v                       *big.Int
		salt                    []byte
	}
	var devs []device
	for i, c := range confirmed {
		if c.Request.DeviceKey != newDevices[i]["DeviceKey"] {
			t.Fatalf("ConfirmDevice for %q, want %q", c.Request.DeviceKey, newDevices[i]["DeviceKey"])
		}
		v, salt, err := decodeConfig(c.Request.DeviceSecretVerifierConfig)
		if err != nil {
			t.Fatalf("decoding %+v: %v", c.Request.DeviceSecretVerifierConfig, err)
		}
		d := device{newDevices[i]["DeviceGroupKey"], newDevices[i]["DeviceKey"], c.Password, v, salt}
		if NewVerifier(d.groupKey, d.key, d.password, salt).Cmp(v) != 0 {
			t.Fatalf("device %d: verifier does not match the JS device password", i)
		}
		devs = append(devs, d)
	}

	// Stage 2: sign in with each remembered device, with its password and
	// with a wrong one.
	type run struct {
		dev        device
		accept     bool
		userSrv    *ServerSession
		userBlock  []byte
		devSrv     *ServerSession
		devBlock   []byte
		a, deviceA *big.Int
		clientPass string
	}
	var runs []run
	ops = nil
	for _, d := range devs {
		for _, accept := range []bool{true, false} {
			userSrv, userBlock, ch := userChallenge()
			devSrv, err := NewServerSession(r, d.v)
			if err != nil {
				t.Fatal(err)
			}
			rn := run{dev: d, accept: accept, userSrv: userSrv, userBlock: userBlock, devSrv: devSrv,
				devBlock: randBytes(r, 40), a: new(big.Int).SetBytes(randBytes(r, clientSecretSize)),
				deviceA: new(big.Int).SetBytes(randBytes(r, clientSecretSize)), clientPass: d.password}
			if !accept {
				rn.clientPass = "A" + d.password[1:]
				if rn.clientPass == d.password {
					rn.clientPass = "B" + d.password[1:]
				}
			}
			runs = append(runs, rn)
			ops = append(ops, map[string]any{
				"op": "deviceSignIn", "userPoolId": poolID, "username": "login", "password": userPass,
				"a": rn.a.Text(16), "deviceA": rn.deviceA.Text(16), "now": now.UnixMilli(),
				"challenge": ch,
				"device":    map[string]string{"deviceKey": d.key, "deviceGroupKey": d.groupKey, "password": rn.clientPass},
				"deviceChallenge": map[string]string{
					"SRP_B": devSrv.BHex(), "SALT": EncodeSalt(d.salt), "SECRET_BLOCK": b64(rn.devBlock),
				},
			})
		}
	}
	var res []signInResult
	oracle(t, ops, &res)

	for i, rn := range runs {
		js := res[i]
		name := rn.dev.key + map[bool]string{true: "/right", false: "/wrong"}[rn.accept]
		t.Run(name, func(t *testing.T) {
			// The user's part of the sign-in (with the device key attached).
			ur := js.UserResponses
			if ur["DEVICE_KEY"] != rn.dev.key {
				t.Errorf("PASSWORD_VERIFIER DEVICE_KEY = %q", ur["DEVICE_KEY"])
			}
			ukey, err := rn.userSrv.SessionKeyHex(js.SRPA)
			if err != nil {
				t.Fatal(err)
			}
			if !VerifyPasswordClaim(ukey, pool, userID, rn.userBlock, ur["TIMESTAMP"], ur["PASSWORD_CLAIM_SIGNATURE"]) {
				t.Error("user claim rejected")
			}

			// The device's part.
			dr := js.Responses
			if dr["DEVICE_KEY"] != rn.dev.key || dr["USERNAME"] != userID || dr["PASSWORD_CLAIM_SECRET_BLOCK"] != b64(rn.devBlock) {
				t.Errorf("DEVICE_PASSWORD_VERIFIER responses %v", dr)
			}
			ts := dr["TIMESTAMP"]
			if ts != FormatTimestamp(now) {
				t.Errorf("TIMESTAMP %q", ts)
			}
			cl, err := NewClientWithSecret(rn.deviceA)
			if err != nil {
				t.Fatal(err)
			}
			if cl.AHex() != js.DeviceSRPA {
				t.Fatalf("device SRP_A: Go %s, JS %s", cl.AHex(), js.DeviceSRPA)
			}
			ch := Challenge{SRPB: rn.devSrv.BHex(), Salt: EncodeSalt(rn.dev.salt), SecretBlock: b64(rn.devBlock)}
			sig, err := cl.PasswordClaim(rn.dev.groupKey, rn.dev.key, rn.clientPass, ch, ts)
			if err != nil {
				t.Fatal(err)
			}
			jsSig := dr["PASSWORD_CLAIM_SIGNATURE"]
			if sig != jsSig {
				t.Errorf("device signature: Go %s, JS %s", sig, jsSig)
			}
			key, err := rn.devSrv.SessionKeyHex(js.DeviceSRPA)
			if err != nil {
				t.Fatal(err)
			}
			if rn.accept && hex.EncodeToString(key) != js.Key {
				t.Errorf("device key: Go %x, JS %s", key, js.Key)
			}
			if got := VerifyPasswordClaim(key, rn.dev.groupKey, rn.dev.key, rn.devBlock, ts, jsSig); got != rn.accept {
				t.Fatalf("device claim verdict %v, want %v", got, rn.accept)
			}
			if rn.accept {
				tampered := bytes.Clone(rn.devBlock)
				tampered[0] ^= 0x80
				for name, ok := range map[string]bool{
					"block":      VerifyPasswordClaim(key, rn.dev.groupKey, rn.dev.key, tampered, ts, jsSig),
					"timestamp":  VerifyPasswordClaim(key, rn.dev.groupKey, rn.dev.key, rn.devBlock, FormatTimestamp(now.Add(-time.Second)), jsSig),
					"group key":  VerifyPasswordClaim(key, pool, rn.dev.key, rn.devBlock, ts, jsSig),
					"device key": VerifyPasswordClaim(key, rn.dev.groupKey, userID, rn.devBlock, ts, jsSig),
				} {
					if ok {
						t.Errorf("tampered %s: accepted", name)
					}
				}
			}
		})
	}
}
