package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
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

func TestInvalidConfigurationListsEveryProblem(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--addr", "nohost", "--region", "Bad Region", "--database", "mysql://x", "--log-level", "loud"},
		&stdout, &stderr, noEnv)
	if code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	for _, want := range []string{"addr", "region", "database", "log_level"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("error output does not mention %s:\n%s", want, stderr.String())
		}
	}
}

func TestEnvironmentAndFileOverrides(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gognito.yaml")
	if err := os.WriteFile(cfgPath, []byte("region: eu-west-1\naccount_id: \"111111111111\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GOGNITO_REGION": "ap-south-1", "GOGNITO_DATA_DIR": filepath.Join(dir, "data")}
	cfg, err := loadConfig("serve", []string{"--config", cfgPath, "--account-id", "222222222222"}, &bytes.Buffer{}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "ap-south-1" || cfg.AccountID != "222222222222" || cfg.DataDir != filepath.Join(dir, "data") {
		t.Fatalf("precedence wrong: %+v", cfg)
	}
}

// startServe runs "gognito serve args…" until ctx ends; done receives its
// exit code.
func startServe(ctx context.Context, args ...string) (stderr *syncBuffer, done chan int) {
	stderr, done = &syncBuffer{}, make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), &bytes.Buffer{}, stderr, noEnv)
	}()
	return stderr, done
}

// logged waits up to 10 s for the log to match pattern and returns its
// first group.
func logged(t *testing.T, log *syncBuffer, pattern string) string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(log.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("nothing in the log matches %s:\n%s", pattern, log.String())
	return ""
}

func TestServeStartsLogsAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr, done := startServe(ctx, "--addr", "127.0.0.1:0", "--data-dir", dir)
	url := logged(t, stderr, `endpoint=(http://\S+)`)
	if !strings.Contains(stderr.String(), "storage=sqlite:"+filepath.Join(dir, "gognito.db")) {
		t.Fatalf("listening line does not say where data lives:\n%s", stderr.String())
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(`{"PoolName":"p"}`))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.CreateUserPool")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("request failed: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	if _, err := os.Stat(filepath.Join(dir, "gognito.db")); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateAndVersion(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"migrate", "--data-dir", t.TempDir()}, &out, &out, noEnv); code != 0 || !strings.Contains(out.String(), "migrations applied") {
		t.Fatalf("migrate: %d %s", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"version"}, &out, &out, noEnv); code != 0 || !strings.HasPrefix(out.String(), "gognito ") {
		t.Fatalf("version: %d %s", code, out.String())
	}
	if code := run(context.Background(), []string{"bogus"}, &out, &out, noEnv); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
}

func TestServeDebugListenerAndGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr, done := startServe(ctx, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--debug-addr", "127.0.0.1:0")
	addr := logged(t, stderr, `debug_addr=(\S+)`)
	if got := debug.SetGCPercent(100); got != serverGCPercent {
		t.Errorf("serve without GOGC runs with GC percent %d, want %d", got, serverGCPercent)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "goroutine profile:") {
		t.Fatalf("GET /debug/pprof/goroutine: %d\n%.300s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Error("the debug listener still answers after serve returned")
	}
}

func TestGOGCFromTheEnvironmentWins(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tuneGC(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("tuneGC with GOGC set changed the GC percent to %d", got)
	}
}
