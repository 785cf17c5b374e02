package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awsjson"
)

// logRecords decodes the JSON log lines written to buf.
func logRecords(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(buf)
	for {
		var rec map[string]any
		if err := dec.Decode(&rec); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("bad log line: %v", err)
		}
		out = append(out, rec)
	}
}

func jsonLogger(buf io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestRecover(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantLog string // panic value as logged
	}{
		{
			name:    "string panic",
			handler: func(http.ResponseWriter, *http.Request) { panic("boom") },
			wantLog: "boom",
		},
		{
			name:    "error panic",
			handler: func(http.ResponseWriter, *http.Request) { panic(errors.New("kaboom")) },
			wantLog: "kaboom",
		},
		{
			name: "runtime error",
			handler: func(http.ResponseWriter, *http.Request) {
				var m map[string]int
				m["x"]++
			},
			wantLog: "assignment to entry in nil map",
		},
		{
			name: "headers set before panic are overridden",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("Content-Length", "3")
				w.Header().Set(awsjson.HeaderRequestID, "req-1")
				panic("late")
			},
			wantLog: "late",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := recoverPanics(jsonLogger(&logs))(tt.handler)
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
			req.Header.Set(awsjson.HeaderTarget, "AWSCognitoIdentityProviderService.ListUserPools")
			h.ServeHTTP(rec, req)

			if rec.Code != http.StatusInternalServerError {
				t.Errorf("status = %d, want 500", rec.Code)
			}
			if got, want := rec.Body.String(), `{"__type":"InternalErrorException","message":"An internal error occurred."}`; got != want {
				t.Errorf("body = %s, want %s", got, want)
			}
			if got := rec.Header().Get("X-Amzn-ErrorType"); got != "InternalErrorException" {
				t.Errorf("X-Amzn-ErrorType = %q", got)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := rec.Header().Get("Content-Length"); got != "" {
				t.Errorf("stale Content-Length %q kept", got)
			}
			recs := logRecords(t, &logs)
			if len(recs) != 1 {
				t.Fatalf("got %d log records, want 1", len(recs))
			}
			r := recs[0]
			if r["level"] != "ERROR" || r["msg"] != "panic serving request" {
				t.Errorf("log record = %v", r)
			}
			if got, _ := r["panic"].(string); !strings.Contains(got, tt.wantLog) {
				t.Errorf("logged panic = %q, want it to contain %q", got, tt.wantLog)
			}
			if got, _ := r["stack"].(string); !strings.Contains(got, "goroutine") || !strings.Contains(got, "middleware_test.go") {
				t.Errorf("logged stack does not show the panicking frame:\n%s", got)
			}
			if r["target"] != "AWSCognitoIdentityProviderService.ListUserPools" || r["method"] != "POST" || r["path"] != "/" {
				t.Errorf("log record lacks request details: %v", r)
			}
		})
	}
}

func TestRecoverKeepsRequestID(t *testing.T) {
	h := recoverPanics(slog.New(slog.DiscardHandler))(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(awsjson.HeaderRequestID, "req-42")
		panic("x")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if got := rec.Header().Get("x-amzn-RequestId"); got != "req-42" {
		t.Fatalf("x-amzn-RequestId = %q, want req-42", got)
	}
}

func TestRecoverPassesThroughNormalResponses(t *testing.T) {
	h := recoverPanics(slog.New(slog.DiscardHandler))(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "short and stout")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusTeapot || rec.Body.String() != "short and stout" {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
}

func TestRecoverAfterResponseStartedAborts(t *testing.T) {
	var logs bytes.Buffer
	h := recoverPanics(jsonLogger(&logs))(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "partial")
		panic("midway")
	}))
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Fatalf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	}()
	if rec.Body.String() != "partial" {
		t.Errorf("body = %q, want the partial response untouched", rec.Body.String())
	}
	recs := logRecords(t, &logs)
	if len(recs) != 1 || recs[0]["panic"] != "midway" || recs[0]["response_started"] != true {
		t.Fatalf("log records = %v", recs)
	}
}

func TestRecoverPassesErrAbortHandlerUnlogged(t *testing.T) {
	var logs bytes.Buffer
	h := recoverPanics(jsonLogger(&logs))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Fatalf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
	if logs.Len() != 0 {
		t.Fatalf("ErrAbortHandler was logged: %s", logs.String())
	}
}

// fakeClock returns start on the first call and start+step afterwards.
func fakeClock(start time.Time, step time.Duration) func() time.Time {
	calls := 0
	return func() time.Time {
		calls++
		if calls == 1 {
			return start
		}
		return start.Add(step)
	}
}

func TestAccessLog(t *testing.T) {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		method     string
		path       string
		target     string
		handler    http.HandlerFunc
		wantStatus float64
		wantBytes  float64
		wantReqID  string
	}{
		{
			name: "json api call", method: http.MethodPost, path: "/",
			target: "AWSCognitoIdentityProviderService.CreateUserPool",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("x-amzn-RequestId", "11111111-2222-4333-8444-555555555555")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"__type":"InvalidParameterException"}`)
			},
			wantStatus: 400, wantBytes: float64(len(`{"__type":"InvalidParameterException"}`)),
			wantReqID: "11111111-2222-4333-8444-555555555555",
		},
		{
			name: "implicit 200", method: http.MethodGet, path: "/x",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, "hello")
				_, _ = io.WriteString(w, " world")
			},
			wantStatus: 200, wantBytes: 11,
		},
		{
			name: "no write at all", method: http.MethodDelete, path: "/empty",
			handler:    func(http.ResponseWriter, *http.Request) {},
			wantStatus: 200, wantBytes: 0,
		},
		{
			name: "informational header then final", method: http.MethodPost, path: "/",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusAccepted)
			},
			wantStatus: 202, wantBytes: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := accessLog(jsonLogger(&logs), fakeClock(t0, 1500*time.Millisecond))(tt.handler)
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			req.RemoteAddr = "192.0.2.1:4321"
			h.ServeHTTP(httptest.NewRecorder(), req)

			recs := logRecords(t, &logs)
			if len(recs) != 1 {
				t.Fatalf("got %d log records, want 1", len(recs))
			}
			r := recs[0]
			want := map[string]any{
				"level":      "INFO",
				"msg":        "http request",
				"method":     tt.method,
				"path":       tt.path,
				"status":     tt.wantStatus,
				"bytes":      tt.wantBytes,
				"duration":   float64(1500 * time.Millisecond),
				"request_id": tt.wantReqID,
				"target":     tt.target,
				"remote":     "192.0.2.1:4321",
			}
			for k, v := range want {
				if r[k] != v {
					t.Errorf("%s = %v (%T), want %v", k, r[k], r[k], v)
				}
			}
		})
	}
}

func TestAccessLogRecordsRecoveredPanicAs500(t *testing.T) {
	var logs bytes.Buffer
	log := jsonLogger(&logs)
	h := accessLog(log, time.Now)(recoverPanics(log)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("x")
	})))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil))
	recs := logRecords(t, &logs)
	if len(recs) != 2 {
		t.Fatalf("got %d records, want panic + access log", len(recs))
	}
	if recs[1]["msg"] != "http request" || recs[1]["status"] != float64(500) ||
		recs[1]["bytes"] != float64(len(internalErrorBody)) {
		t.Fatalf("access log = %v", recs[1])
	}
}

func TestStatusWriterSupportsFlush(t *testing.T) {
	var logs bytes.Buffer
	h := accessLog(jsonLogger(&logs), time.Now)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		f, ok := w.(http.Flusher)
		if !ok {
			t.Error("wrapped writer is not an http.Flusher")
			return
		}
		f.Flush()
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("ResponseController.Flush: %v", err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if !rec.Flushed {
		t.Fatal("flush did not reach the underlying writer")
	}
}

func TestHealth(t *testing.T) {
	errPing := errors.New(`database "main" unreachable`)
	tests := []struct {
		name       string
		method     string
		ping       func(context.Context) error
		wantStatus int
		wantBody   string
	}{
		{"ok", http.MethodGet, func(context.Context) error { return nil }, 200, `{"status":"ok"}`},
		{"nil ping", http.MethodGet, nil, 200, `{"status":"ok"}`},
		{"head", http.MethodHead, func(context.Context) error { return nil }, 200, ``},
		{"ping fails", http.MethodGet, func(context.Context) error { return errPing }, 503,
			`{"status":"unavailable","error":"database \"main\" unreachable"}`},
		{"post not allowed", http.MethodPost, nil, 405, "method not allowed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Exercise it through a real server so HEAD bodies are dropped
			// as they would be on the wire.
			srv := httptest.NewServer(health(tt.ping))
			defer srv.Close()
			req, err := http.NewRequest(tt.method, srv.URL+"/health", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || string(body) != tt.wantBody {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			if tt.wantStatus == 405 {
				if got := resp.Header.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow = %q", got)
				}
				return
			}
			if got := resp.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q", got)
			}
		})
	}
}

func TestHealthPingGetsRequestContext(t *testing.T) {
	type key struct{}
	var got any
	h := health(func(ctx context.Context) error {
		got = ctx.Value(key{})
		return nil
	})
	req := httptest.NewRequest(http.MethodGet, "/health", nil)
	req = req.WithContext(context.WithValue(req.Context(), key{}, "v"))
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got != "v" {
		t.Fatalf("ping saw context value %v, want the request's", got)
	}
}
