package httpserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/config"
)

// started runs s.ListenAndServe in the background and returns the base URL
// and a channel that yields its result.
func started(t *testing.T, ctx context.Context, s *Server) (string, <-chan error) {
	t.Helper()
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- s.ListenAndServe(ctx, func(a net.Addr) { addrs <- a }) }()
	select {
	case a := <-addrs:
		return "http://" + a.String(), done
	case err := <-done:
		t.Fatalf("ListenAndServe returned before ready: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("ready was not called")
	}
	return "", nil
}

func waitResult(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
		return nil
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestListenAndServeRandomPortAndRouting(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "api") })
	mux.HandleFunc("GET /other", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "other") })
	s := New(Options{Addr: "127.0.0.1:0", Handler: mux})

	var readyAddr net.Addr
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- s.ListenAndServe(ctx, func(a net.Addr) { addrs <- a })
	}()
	select {
	case readyAddr = <-addrs:
	case <-time.After(5 * time.Second):
		t.Fatal("ready not called")
	}
	tcp, ok := readyAddr.(*net.TCPAddr)
	if !ok || !tcp.IP.Equal(net.IPv4(127, 0, 0, 1)) || tcp.Port == 0 {
		t.Fatalf("ready address = %v, want 127.0.0.1 with a real port", readyAddr)
	}
	base := "http://" + readyAddr.String()

	if code, body := get(t, base+"/health"); code != 200 || body != `{"status":"ok"}` {
		t.Errorf("GET /health = %d %q", code, body)
	}
	if code, body := get(t, base+"/other"); code != 200 || body != "other" {
		t.Errorf("GET /other = %d %q", code, body)
	}
	resp, err := http.Post(base+"/", "application/x-amz-json-1.1", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "api" {
		t.Errorf("POST / = %d %q", resp.StatusCode, body)
	}

	cancel()
	if err := waitResult(t, done); err != nil {
		t.Fatalf("ListenAndServe() = %v, want nil on clean shutdown", err)
	}
	if _, err := net.DialTimeout("tcp", readyAddr.String(), time.Second); err == nil {
		t.Fatal("listener still accepting after shutdown")
	}
}

func TestHealthThroughServerReportsPingFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var healthy sync.Mutex // locked = unhealthy
	s := New(Options{Addr: "127.0.0.1:0", Ping: func(context.Context) error {
		if healthy.TryLock() {
			healthy.Unlock()
			return nil
		}
		return errors.New("store: closed")
	}})
	base, done := started(t, ctx, s)
	if code, _ := get(t, base+"/health"); code != 200 {
		t.Errorf("healthy: status %d", code)
	}
	healthy.Lock()
	if code, body := get(t, base+"/health"); code != 503 || body != `{"status":"unavailable","error":"store: closed"}` {
		t.Errorf("unhealthy: %d %q", code, body)
	}
	healthy.Unlock()
	cancel()
	if err := waitResult(t, done); err != nil {
		t.Fatal(err)
	}
}

func TestGracefulShutdownLetsInFlightRequestFinish(t *testing.T) {
	type ctxKey struct{}
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), ctxKey{}, "base-value"))
	defer cancel()

	inFlight := make(chan struct{})
	handlerDone := make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(handlerDone)
		close(inFlight)
		time.Sleep(300 * time.Millisecond)
		if err := r.Context().Err(); err != nil {
			http.Error(w, "request context cancelled: "+err.Error(), http.StatusInternalServerError)
			return
		}
		v, _ := r.Context().Value(ctxKey{}).(string)
		_, _ = io.WriteString(w, "finished "+v)
	})
	s := New(Options{Addr: "127.0.0.1:0", Handler: handler, ShutdownTimeout: 5 * time.Second})
	base, done := started(t, ctx, s)

	type result struct {
		code int
		body string
		err  error
	}
	results := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/", "application/x-amz-json-1.1", strings.NewReader("{}"))
		if err != nil {
			results <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		results <- result{resp.StatusCode, string(b), err}
	}()

	<-inFlight
	cancel() // shut down while the request is sleeping

	err := waitResult(t, done)
	select {
	case <-handlerDone:
	default:
		t.Fatal("ListenAndServe returned before the in-flight request finished")
	}
	if err != nil {
		t.Fatalf("ListenAndServe() = %v, want nil", err)
	}
	r := <-results
	if r.err != nil {
		t.Fatalf("in-flight request failed: %v", r.err)
	}
	if r.code != 200 || r.body != "finished base-value" {
		t.Fatalf("in-flight request got %d %q, want 200 %q", r.code, r.body, "finished base-value")
	}
}

func TestShutdownTimeoutCancelsStragglers(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	inFlight := make(chan struct{})
	sawCancel := make(chan error, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inFlight)
		select {
		case <-r.Context().Done():
			sawCancel <- r.Context().Err()
		case <-time.After(10 * time.Second):
			sawCancel <- nil
		}
	})
	s := New(Options{Addr: "127.0.0.1:0", Handler: handler, ShutdownTimeout: 100 * time.Millisecond})
	base, done := started(t, ctx, s)

	clientErr := make(chan error, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err == nil {
			resp.Body.Close()
		}
		clientErr <- err
	}()
	<-inFlight
	start := time.Now()
	cancel()
	err := waitResult(t, done)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ListenAndServe() = %v, want a shutdown deadline error", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("shutdown took %v despite a 100ms timeout", elapsed)
	}
	select {
	case err := <-sawCancel:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("straggler saw %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("straggler's context was never cancelled")
	}
	if err := <-clientErr; err == nil {
		t.Fatal("client of a straggler got a response, want a closed connection")
	}
}

func TestServeOnGivenListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- New(Options{}).Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	if code, _ := get(t, base+"/health"); code != 200 {
		t.Errorf("GET /health = %d", code)
	}
	if code, _ := get(t, base+"/anything"); code != 404 {
		t.Errorf("GET /anything without a handler = %d, want 404", code)
	}
	cancel()
	if err := waitResult(t, done); err != nil {
		t.Fatal(err)
	}
	if _, err := ln.Accept(); err == nil {
		t.Fatal("listener not closed by Serve")
	}
}

func TestServeAlreadyCancelledContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := New(Options{}).Serve(ctx, ln); err != nil {
		t.Fatalf("Serve(cancelled) = %v, want nil", err)
	}
}

func TestServeListenerFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	err = New(Options{}).Serve(t.Context(), ln)
	if err == nil || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Serve(closed listener) = %v, want net.ErrClosed", err)
	}
}

func TestListenFailureSkipsReady(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	called := false
	err = New(Options{Addr: busy.Addr().String()}).ListenAndServe(t.Context(), func(net.Addr) { called = true })
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("ListenAndServe on a busy port = %v, want listen error", err)
	}
	if called {
		t.Fatal("ready called although listening failed")
	}
}

func TestPanicOverTheWireKeepsServing(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := jsonLogger(&syncWriter{mu: &mu, w: &logs})
	mux := http.NewServeMux()
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("handler bug") })
	mux.HandleFunc("/fine", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "fine") })
	base, done := started(t, ctx, New(Options{Addr: "127.0.0.1:0", Handler: mux, Logger: logger}))

	resp, err := http.Post(base+"/panic", "application/x-amz-json-1.1", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || string(body) != internalErrorBody ||
		resp.Header.Get("X-Amzn-ErrorType") != "InternalErrorException" ||
		resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("panic response = %d %v %q", resp.StatusCode, resp.Header, body)
	}
	if code, body := get(t, base+"/fine"); code != 200 || body != "fine" {
		t.Fatalf("after panic: %d %q", code, body)
	}
	cancel()
	if err := waitResult(t, done); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	out := logs.String()
	for _, want := range []string{`"msg":"panic serving request"`, `"panic":"handler bug"`, `"path":"/panic","status":500`, `"path":"/fine","status":200`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s:\n%s", want, out)
		}
	}
}

type syncWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestNewDefaults(t *testing.T) {
	s := New(Options{})
	o := s.opts
	if o.ShutdownTimeout != config.DefaultShutdownTimeout {
		t.Errorf("ShutdownTimeout = %v, want %v", o.ShutdownTimeout, config.DefaultShutdownTimeout)
	}
	if o.Logger == nil || o.Now == nil || o.Handler == nil || s.Handler() == nil {
		t.Error("nil defaults left in place")
	}
	if got := New(Options{ShutdownTimeout: -1}).opts.ShutdownTimeout; got != 0 {
		t.Errorf("negative ShutdownTimeout = %v, want 0 (no bound)", got)
	}
	if got := New(Options{ShutdownTimeout: 5 * time.Second}).opts.ShutdownTimeout; got != 5*time.Second {
		t.Errorf("explicit ShutdownTimeout = %v", got)
	}
}
