package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// The floor does real SRP: the right password signs in, a wrong one and a
// replayed secret block are refused.
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
	ch, err := f.begin("02")
	if err != nil {
		t.Fatal(err)
	}
	f.sessions.Delete(ch.SecretBlock)
	if _, err := f.finish(claimRequest{SecretBlock: ch.SecretBlock}); err != errRefused {
		t.Fatalf("a secret block used up: %v, want refused", err)
	}
	var out tokenPair
	if err := post(c, srv.URL+"/finish", claimRequest{SecretBlock: "nope"}, &out); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("unknown secret block: %v", err)
	}
}
