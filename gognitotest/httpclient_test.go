package gognitotest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gognito/gognito/gognitotest"
)

// closeTracker is a request body that records whether it was closed.
type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestHTTPClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Content-Length", strconv.FormatInt(r.ContentLength, 10))
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write(append([]byte("echo:"), body...))
	}))
	defer srv.Close()

	orig := &closeTracker{Reader: strings.NewReader(`{"PoolName":"p"}`)}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, orig)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := gognitotest.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTeapot || string(got) != `echo:{"PoolName":"p"}` || resp.Header.Get("X-Content-Length") != "16" {
		t.Errorf("answer %d %q (content length %s)", resp.StatusCode, got, resp.Header.Get("X-Content-Length"))
	}
	// The caller's body was consumed and closed; the transport had a copy.
	if !orig.closed {
		t.Error("the original body was not closed")
	}
	if req.GetBody == nil {
		t.Error("the request cannot be replayed (no GetBody)")
	}

	// Bodiless requests pass through.
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	resp, err = gognitotest.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "echo:" {
		t.Errorf("GET answered %q", got)
	}
}
