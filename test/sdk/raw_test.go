package sdk

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawResult is one raw AWS JSON exchange, for what SDKs refuse to send.
type rawResult struct {
	status int
	header http.Header
	body   map[string]any
	text   string
}

// raw posts body to the server with the given X-Amz-Target, unsigned.
func raw(t *testing.T, url, target, body string) rawResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := rawResult{status: resp.StatusCode, header: resp.Header, text: string(b)}
	if err := json.Unmarshal(b, &r.body); err != nil {
		t.Fatalf("%s answered non-JSON (%d): %q", target, resp.StatusCode, b)
	}
	return r
}

func (r rawResult) wantError(t *testing.T, code, msg string) {
	t.Helper()
	if r.status != 400 || r.body["__type"] != code || r.header.Get("X-Amzn-ErrorType") != code {
		t.Fatalf("got %d %s, want 400 %s", r.status, r.text, code)
	}
	if msg != "" && r.body["message"] != msg {
		t.Fatalf("message:\n got  %q\n want %q", r.body["message"], msg)
	}
	if r.header.Get("x-amzn-RequestId") == "" {
		t.Fatal("no x-amzn-RequestId")
	}
}
