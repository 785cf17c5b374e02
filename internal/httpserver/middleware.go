package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gognito/gognito/internal/awsjson"
)

// internalErrorBody is the response to a recovered panic, as the AWS JSON
// protocol answers an InternalErrorException.
var internalErrorBody = string(awsjson.EncodeError(awsjson.NewInternalError()))

// Bodies of the health endpoint.
const (
	healthOKBody        = `{"status":"ok"}`
	healthFailureStatus = "unavailable"
)

// statusWriter records the status code and body size written through it.
type statusWriter struct {
	http.ResponseWriter
	status int // 0 until the header is written
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush lets handlers that assert http.Flusher keep working.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverPanics turns a panic in next into a 500 response in the AWS JSON
// error shape (InternalErrorException) and logs the panic value and stack
// to logger (non-nil). If the response had already started it cannot be
// replaced, so recoverPanics logs the panic and aborts the connection with
// http.ErrAbortHandler, which net/http handles without crashing.
// http.ErrAbortHandler itself is passed through unlogged.
func recoverPanics(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic serving request",
					"panic", fmt.Sprint(v),
					"method", r.Method,
					"path", r.URL.Path,
					"target", r.Header.Get(awsjson.HeaderTarget),
					"response_started", sw.status != 0,
					"stack", string(debug.Stack()),
				)
				if sw.status != 0 {
					panic(http.ErrAbortHandler)
				}
				h := w.Header()
				h.Del("Content-Length")
				h.Del("Content-Encoding")
				h.Set("Content-Type", awsjson.ContentType)
				h.Set(awsjson.HeaderErrorType, awsjson.NewInternalError().Code)
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(internalErrorBody))
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// accessLog logs one line per request at info level to logger (non-nil)
// with the method, path, status, response bytes, duration (measured with
// now, non-nil), the request ID from the x-amzn-RequestId response header
// if the handler set one, the X-Amz-Target request header and the remote
// address.
func accessLog(logger *slog.Logger, now func() time.Time) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := now()
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				// Log even when a panic unwinds through here (e.g. the
				// ErrAbortHandler raised by recoverPanics), then let it continue.
				status := sw.status
				if status == 0 {
					status = http.StatusOK
				}
				logger.LogAttrs(r.Context(), slog.LevelInfo, "http request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Int64("bytes", sw.bytes),
					slog.Duration("duration", now().Sub(start)),
					slog.String("request_id", w.Header().Get(awsjson.HeaderRequestID)),
					slog.String("target", r.Header.Get(awsjson.HeaderTarget)),
					slog.String("remote", r.RemoteAddr),
				)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// health answers GET and HEAD with 200 {"status":"ok"} when ping succeeds
// (or is nil) and 503 {"status":"unavailable","error":"<message>"} when it
// fails. Other methods get 405. ping runs with the request's context.
func health(ping func(ctx context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		if ping != nil {
			if err := ping(r.Context()); err != nil {
				body, _ := json.Marshal(struct {
					Status string `json:"status"`
					Error  string `json:"error"`
				}{healthFailureStatus, err.Error()})
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write(body)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(healthOKBody))
	})
}
