package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"time"
)

// serverGCPercent is the GOGC that serve runs with unless the environment
// sets GOGC. The server's live heap is a few megabytes, so with Go's
// default (100: collect whenever the heap has doubled, from a 4 MB floor)
// a collection ran every dozen SRP sign-ins, whose big-number arithmetic
// allocates freely; at 400 a collection comes about eight times less often
// (0.3 ms of collector CPU per sign-in became 0.05 ms), for a heap of at
// most five times the live data.
const serverGCPercent = 400

// tuneGC applies serverGCPercent when GOGC is not set.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}

// startDebug serves the runtime's profiles (net/http/pprof) on addr until
// the returned stop is called.
func startDebug(ctx context.Context, addr string, logger *slog.Logger) (stop func(), err error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	logger.Info("debug listener serving /debug/pprof/", "debug_addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}
