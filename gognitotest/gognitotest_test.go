package gognitotest_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gognito/gognito/gognitotest"
)

// createPool creates a pool over the wire (unsigned) and returns its id and ARN.
func createPool(t *testing.T, srv *gognitotest.Server) (id, arn string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(`{"PoolName":"p"}`))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.CreateUserPool")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ UserPool struct{ Id, Arn string } }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("CreateUserPool: %d %v", resp.StatusCode, err)
	}
	return out.UserPool.Id, out.UserPool.Arn
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestOptions(t *testing.T) {
	logs := &syncBuffer{}
	srv := gognitotest.Start(t, gognitotest.WithRegion("eu-north-1"), gognitotest.WithAccountID("123456789012"),
		gognitotest.WithIDSeed(42), gognitotest.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	if srv.Region != "eu-north-1" || srv.AccountID != "123456789012" {
		t.Fatalf("server reports %s / %s", srv.Region, srv.AccountID)
	}
	id, arn := createPool(t, srv)
	if !strings.HasPrefix(id, "eu-north-1_") || arn != "arn:aws:cognito-idp:eu-north-1:123456789012:userpool/"+id {
		t.Fatalf("pool %s / %s", id, arn)
	}
	if !strings.Contains(logs.String(), "user pool created") {
		t.Fatalf("logger received nothing: %q", logs.String())
	}
	// The same seed gives the same identifiers.
	again := gognitotest.Start(t, gognitotest.WithRegion("eu-north-1"), gognitotest.WithIDSeed(42))
	if id2, _ := createPool(t, again); id2 != id {
		t.Fatalf("seeded ids differ: %s vs %s", id, id2)
	}
	if msgs, err := srv.Messages(t.Context(), ""); err != nil || len(msgs) != 0 {
		t.Fatalf("inbox of a new server: %v %v", msgs, err)
	}
}
