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
)

// Header names shared with the AWS JSON protocol layer.
const (
	HeaderRequestID = "X-Amzn-Requestid" // canonical form of x-amzn-RequestId
	HeaderErrorType = "X-Amzn-Errortype" // canonical form of X-Amzn-ErrorType
	HeaderTarget    = "X-Amz-Target"
)

// The body and content type of the response to a recovered panic, matching
// what the AWS JSON 1.1 protocol uses for an InternalErrorException.
const (
	internalErrorType   = "InternalErrorException"
	internalErrorBody   = `{"__type":"InternalErrorException","message":"An internal error occurred."}`
	amzJSONContentType  = "application/x-amz-json-1.1"
	jsonContentType     = "application/json"
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

// Recover turns a panic in next into a 500 response in the AWS JSON error
// shape (InternalErrorException) and logs the panic value and stack. If the
// response had already started it cannot be replaced, so Recover logs the
// panic and aborts the connection with http.ErrAbortHandler, which net/http
// handles without crashing. http.ErrAbortHandler itself is passed through
// unlogged.
func Recover(logger *slog.Logger) func(http.Handler) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
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
					"target", r.Header.Get(HeaderTarget),
					"response_started", sw.status != 0,
					"stack", string(debug.Stack()),
				)
				if sw.status != 0 {
					panic(http.ErrAbortHandler)
				}
				h := w.Header()
				h.Del("Content-Length")
				h.Del("Content-Encoding")
				h.Set("Content-Type", amzJSONContentType)
				h.Set(HeaderErrorType, internalErrorType)
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(internalErrorBody))
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// AccessLog logs one line per request at info level with the method, path,
// status, response bytes, duration (measured with now, or time.Now if nil),
// the request ID from the x-amzn-RequestId response header if the handler
// set one, the X-Amz-Target request header and the remote address.
func AccessLog(logger *slog.Logger, now func() time.Time) func(http.Handler) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := now()
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				// Log even when a panic unwinds through here (e.g. the
				// ErrAbortHandler raised by Recover), then let it continue.
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
					slog.String("request_id", w.Header().Get(HeaderRequestID)),
					slog.String("target", r.Header.Get(HeaderTarget)),
					slog.String("remote", r.RemoteAddr),
				)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// Health answers GET and HEAD with 200 {"status":"ok"} when ping succeeds
// (or is nil) and 503 {"status":"unavailable","error":"<message>"} when it
// fails. Other methods get 405. ping runs with the request's context.
func Health(ping func(ctx context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", jsonContentType)
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
