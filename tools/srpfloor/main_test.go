package main

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/gognitotest"
	"github.com/gognito/gognito/internal/srp"
)

// The floor does real SRP over HTTP: the right password signs in, a wrong
// one and an unknown secret block are refused.
func TestFloorSignIn(t *testing.T) {
	f, err := newFloor()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.handler())
	defer srv.Close()
	c := srv.Client()
	if err := signIn(c, srv.URL, password); err != nil {
		t.Fatalf("sign-in with the right password: %v", err)
	}
	if err := signIn(c, srv.URL, password+"x"); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("sign-in with a wrong password: %v, want HTTP 400", err)
	}
	var out tokenPair
	if err := postJSON(c, srv.URL+"/finish", nil, claimRequest{SecretBlock: "nope"}, &out); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("unknown secret block: %v, want HTTP 400", err)
	}
}

// A valid password claim is good once: replayed with the same secret
// block, it is refused.
func TestFloorReplayRefused(t *testing.T) {
	f, err := newFloor()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := srp.NewClient(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.begin(cl.AHex())
	if err != nil {
		t.Fatal(err)
	}
	ts := srp.FormatTimestamp(time.Now())
	sig, err := cl.PasswordClaim(srp.PoolName(poolID), user, password,
		srp.Challenge{SRPB: ch.SRPB, Salt: ch.Salt, SecretBlock: ch.SecretBlock}, ts)
	if err != nil {
		t.Fatal(err)
	}
	claim := claimRequest{SecretBlock: ch.SecretBlock, Signature: sig, Timestamp: ts}
	out, err := f.finish(claim)
	if err != nil {
		t.Fatalf("the first claim: %v", err)
	}
	if out.IDToken == "" || out.AccessToken == "" {
		t.Fatalf("the first claim: tokens %+v", out)
	}
	if _, err := f.finish(claim); !errors.Is(err, errRefused) {
		t.Fatalf("the same claim again: %v, want refused", err)
	}
}

// The Gognito mode signs in through the real protocol: its users sign in
// with their password and are refused with another.
func TestGognitoSignIn(t *testing.T) {
	srv := gognitotest.Start(t)
	g, err := setupCognito(srv.URL, 2)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	if len(g.users) != 2 {
		t.Fatalf("users %v, want 2", g.users)
	}
	hc := &http.Client{Timeout: 30 * time.Second} // plain net/http, no SDK
	for range len(g.users) {                      // each user once
		if err := g.signIn(hc, password); err != nil {
			t.Fatalf("sign-in with the right password: %v", err)
		}
	}
	err = g.signIn(hc, password+"x")
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "NotAuthorized") {
		t.Fatalf("sign-in with a wrong password: %v, want HTTP 400 NotAuthorizedException", err)
	}
}
