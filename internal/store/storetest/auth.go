package storetest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// authTests are the subtests of the sign-in aggregates (signing keys,
// refresh tokens, sign-in sessions); Run runs them after userTests.
var authTests = []subtest{
	{"SigningKeys", testSigningKeys},
	{"RefreshTokenRoundTrip", testRefreshTokenRoundTrip},
	{"RefreshTokenRevocation", testRefreshTokenRevocation},
	{"UserWithFamily", testUserWithFamily},
	{"RefreshTokenReplacedAndExpiry", testRefreshTokenReplacedAndExpiry},
	{"AuthSessionSingleUse", testAuthSessionSingleUse},
	{"AuthSessionConcurrentTake", testAuthSessionConcurrentTake},
	{"AuthCascadeWithPool", testAuthCascadeWithPool},
}

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func refresh(poolID, value, family, userKey string) store.RefreshToken {
	return store.RefreshToken{
		Hash: hashOf(value), PoolID: poolID, ClientID: "client1", UserKey: userKey, Family: family,
		AuthTime: at(0), CreatedAt: at(1), ExpiresAt: at(100_000),
	}
}

func signingKey(poolID, kid string) store.SigningKey {
	return store.SigningKey{PoolID: poolID, KeyID: kid, PrivateKey: []byte(kid), CreatedAt: at(0), Active: true}
}

func testSigningKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_keys"))
	if err := s.CreateSigningKey(ctx, store.SigningKey{PoolID: "us-east-1_nopool", KeyID: "k", PrivateKey: []byte{1}, CreatedAt: at(0), Active: true}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key of a missing pool: %v, want ErrNotFound", err)
	}
	k1 := store.SigningKey{PoolID: "us-east-1_keys", KeyID: "kid-1", PrivateKey: []byte{1, 2, 3}, CreatedAt: at(10), Active: true}
	k2 := store.SigningKey{PoolID: "us-east-1_keys", KeyID: "kid-2", PrivateKey: []byte{4, 5}, CreatedAt: at(20), Active: false}
	for _, k := range []store.SigningKey{k1, k2} {
		if err := s.CreateSigningKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSigningKey(ctx, k1); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate kid: %v, want ErrConflict", err)
	}
	keys, err := s.ListSigningKeys(ctx, "us-east-1_keys")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].KeyID != "kid-2" || keys[1].KeyID != "kid-1" || !bytes.Equal(keys[1].PrivateKey, k1.PrivateKey) ||
		!keys[1].Active || keys[0].Active || !keys[1].CreatedAt.Equal(k1.CreatedAt) {
		t.Fatalf("keys %+v, want kid-2 then kid-1 with their fields", keys)
	}
	if other, err := s.ListSigningKeys(ctx, "us-east-1_other"); err != nil || len(other) != 0 {
		t.Fatalf("keys of another pool: %v %v", other, err)
	}
}

func testRefreshTokenRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_rt"))
	rt := refresh("us-east-1_rt", "token-a", "fam-1", "alice")
	rt.DeviceKey = "us-east-1_device"
	if err := s.CreateRefreshToken(ctx, rt); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRefreshToken(ctx, rt); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate hash: %v, want ErrConflict", err)
	}
	got, err := s.GetRefreshToken(ctx, hashOf("token-a"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Hash, rt.Hash) || got.PoolID != rt.PoolID || got.ClientID != rt.ClientID || got.UserKey != "alice" || got.Family != "fam-1" ||
		got.DeviceKey != rt.DeviceKey || !got.AuthTime.Equal(rt.AuthTime) || !got.CreatedAt.Equal(rt.CreatedAt) || !got.ExpiresAt.Equal(rt.ExpiresAt) ||
		got.RevokedAt != nil || got.ReplacedAt != nil {
		t.Fatalf("round trip: got %+v, want %+v", got, rt)
	}
	if _, err := s.GetRefreshToken(ctx, hashOf("unknown")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v, want ErrNotFound", err)
	}
}

func testRefreshTokenRevocation(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_rv"))
	for _, rt := range []store.RefreshToken{
		refresh("us-east-1_rv", "a1", "fam-a", "alice"), refresh("us-east-1_rv", "a2", "fam-a", "alice"),
		refresh("us-east-1_rv", "b1", "fam-b", "alice"), refresh("us-east-1_rv", "c1", "fam-c", "bob"),
	} {
		if err := s.CreateRefreshToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
	}
	revoked := func(family string) bool {
		r, err := s.IsFamilyRevoked(ctx, "us-east-1_rv", family)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if revoked("fam-a") || revoked("no-such-family") {
		t.Fatal("families revoked before any revocation")
	}
	n, err := s.RevokeTokenFamily(ctx, "us-east-1_rv", "fam-a", at(50))
	if err != nil || n != 2 {
		t.Fatalf("RevokeTokenFamily = %d, %v; want 2", n, err)
	}
	if !revoked("fam-a") || revoked("fam-b") {
		t.Fatal("family revocation reached the wrong families")
	}
	got, _ := s.GetRefreshToken(ctx, hashOf("a2"))
	if got.RevokedAt == nil || !got.RevokedAt.Equal(at(50)) {
		t.Fatalf("RevokedAt = %v", got.RevokedAt)
	}
	n, err = s.RevokeUserTokens(ctx, "us-east-1_rv", "alice", "", at(60))
	if err != nil || n != 1 {
		t.Fatalf("RevokeUserTokens = %d, %v; want 1 (fam-b; fam-a was already revoked)", n, err)
	}
	if !revoked("fam-b") || revoked("fam-c") {
		t.Fatal("user revocation reached the wrong families")
	}
	dev := refresh("us-east-1_rv", "d1", "fam-d", "bob")
	dev.DeviceKey = "dev-1"
	if err := s.CreateRefreshToken(ctx, dev); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RevokeUserTokens(ctx, "us-east-1_rv", "bob", "dev-1", at(70)); err != nil || n != 1 || !revoked("fam-d") || revoked("fam-c") {
		t.Fatalf("device revocation: %d %v", n, err)
	}
}

func testRefreshTokenReplacedAndExpiry(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_rx"))
	short := refresh("us-east-1_rx", "short", "fam-1", "alice")
	short.ExpiresAt = at(100)
	long := refresh("us-east-1_rx", "long", "fam-1", "alice")
	for _, rt := range []store.RefreshToken{short, long} {
		if err := s.CreateRefreshToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkRefreshTokenReplaced(ctx, hashOf("long"), at(200)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRefreshTokenReplaced(ctx, hashOf("long"), at(300)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetRefreshToken(ctx, hashOf("long"))
	if got.ReplacedAt == nil || !got.ReplacedAt.Equal(at(200)) {
		t.Fatalf("ReplacedAt = %v, want the first replacement time", got.ReplacedAt)
	}
	if err := s.MarkRefreshTokenReplaced(ctx, hashOf("nope"), at(200)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("replacing an unknown token: %v", err)
	}
	n, err := s.DeleteExpiredRefreshTokens(ctx, at(150))
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredRefreshTokens = %d, %v; want 1", n, err)
	}
	if _, err := s.GetRefreshToken(ctx, hashOf("short")); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("expired token survived the sweep")
	}
	if _, err := s.GetRefreshToken(ctx, hashOf("long")); err != nil {
		t.Fatal("unexpired token was swept")
	}
}

func session(poolID, key string, expires time.Time) store.AuthSession {
	return store.AuthSession{Hash: hashOf(key), PoolID: poolID, ClientID: "client1", UserKey: "alice",
		Challenge: "PASSWORD_VERIFIER", Data: []byte(`{"k":"` + key + `"}`), CreatedAt: at(0), ExpiresAt: expires}
}

func testAuthSessionSingleUse(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_ss"))
	if err := s.CreateAuthSession(ctx, session("us-east-1_nopool", "x", at(10))); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session of a missing pool: %v", err)
	}
	in := session("us-east-1_ss", "s1", at(1000))
	if err := s.CreateAuthSession(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := s.TakeAuthSession(ctx, hashOf("s1"))
	if err != nil {
		t.Fatal(err)
	}
	if got.PoolID != in.PoolID || got.ClientID != in.ClientID || got.UserKey != "alice" || got.Challenge != in.Challenge ||
		!bytes.Equal(got.Data, in.Data) || !got.ExpiresAt.Equal(in.ExpiresAt) || !got.CreatedAt.Equal(in.CreatedAt) {
		t.Fatalf("round trip: %+v", got)
	}
	if _, err := s.TakeAuthSession(ctx, hashOf("s1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second take: %v, want ErrNotFound", err)
	}
	for _, k := range []string{"old", "new"} {
		exp := at(100)
		if k == "new" {
			exp = at(10_000)
		}
		if err := s.CreateAuthSession(ctx, session("us-east-1_ss", k, exp)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.DeleteExpiredAuthSessions(ctx, at(500)); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredAuthSessions = %d, %v; want 1", n, err)
	}
	if _, err := s.TakeAuthSession(ctx, hashOf("new")); err != nil {
		t.Fatal("unexpired session was swept")
	}
}

func testAuthSessionConcurrentTake(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_sc"))
	if err := s.CreateAuthSession(ctx, session("us-east-1_sc", "once", at(1000))); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.TakeAuthSession(ctx, hashOf("once"))
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("take: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d concurrent takes of one session succeeded, want 1", wins)
	}
}

func testAuthCascadeWithPool(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_cc"))
	if err := s.CreateSigningKey(ctx, store.SigningKey{PoolID: "us-east-1_cc", KeyID: "k", PrivateKey: []byte{1}, CreatedAt: at(0), Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRefreshToken(ctx, refresh("us-east-1_cc", "t", "f", "alice")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAuthSession(ctx, session("us-east-1_cc", "s", at(1000))); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUserPool(ctx, "us-east-1_cc"); err != nil {
		t.Fatal(err)
	}
	if keys, _ := s.ListSigningKeys(ctx, "us-east-1_cc"); len(keys) != 0 {
		t.Fatal("signing keys outlived their pool")
	}
	if _, err := s.GetRefreshToken(ctx, hashOf("t")); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("refresh token outlived its pool")
	}
	if _, err := s.TakeAuthSession(ctx, hashOf("s")); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("session outlived its pool")
	}
}

func testUserWithFamily(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_uf"))
	createPool(t, s, pool("us-east-1_other"))
	alice := createUser(t, s, user("us-east-1_uf", "alice"))
	for _, rt := range []store.RefreshToken{
		refresh("us-east-1_uf", "a1", "fam-a", "alice"), refresh("us-east-1_uf", "b1", "fam-b", "alice"),
		refresh("us-east-1_other", "o1", "fam-b", "bob"),
	} {
		if err := s.CreateRefreshToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
	}
	check := func(family string, want bool) {
		t.Helper()
		u, revoked, err := s.GetUserWithFamily(ctx, "us-east-1_uf", "alice", family)
		if err != nil {
			t.Fatalf("GetUserWithFamily(%s): %v", family, err)
		}
		sameUser(t, "GetUserWithFamily", u, alice)
		if revoked != want {
			t.Errorf("GetUserWithFamily(%s) says revoked = %v, want %v", family, revoked, want)
		}
	}
	check("fam-a", false)
	check("no-such-family", false)
	if _, err := s.RevokeTokenFamily(ctx, "us-east-1_uf", "fam-a", at(50)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeTokenFamily(ctx, "us-east-1_other", "fam-b", at(50)); err != nil {
		t.Fatal(err)
	}
	check("fam-a", true)
	check("fam-b", false) // revoked in another pool only
	if _, _, err := s.GetUserWithFamily(ctx, "us-east-1_uf", "nobody", "fam-a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetUserWithFamily(missing user): %v, want ErrNotFound", err)
	}
}
