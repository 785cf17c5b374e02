package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gognito/gognito/internal/config"
)

// HealthPath is the path served by the health handler in front of
// Options.Handler.
const HealthPath = "/health"

// Options configure a Server.
type Options struct {
	// Addr is the TCP address to listen on; port 0 picks a free port.
	Addr string
	// Handler serves every path except HealthPath, typically a mux.
	Handler http.Handler
	// Ping reports whether the server can do useful work (e.g. reach its
	// database); GET /health answers 503 when it fails. Nil means always
	// healthy.
	Ping func(ctx context.Context) error
	// Logger receives access logs, recovered panics and server errors.
	// Nil discards them.
	Logger *slog.Logger
	// Now is the clock used for access-log durations. Nil means time.Now.
	Now func() time.Time
	// ShutdownTimeout bounds how long in-flight requests may run once the
	// serving context is cancelled. When it expires, request contexts are
	// cancelled and remaining connections closed. Zero means
	// config.DefaultShutdownTimeout; a negative value waits without bound.
	ShutdownTimeout time.Duration
}

// Server serves HTTP with Gognito's middleware chain and graceful shutdown.
// A Server may Serve more than once, sequentially or concurrently.
type Server struct {
	opts    Options
	log     *slog.Logger
	handler http.Handler
}

// New returns a Server for opts, filling in defaults. Its connections have
// fixed limits: 10 s to read the headers (at most 64 KiB), 60 s to read a
// request and to write a response, and 120 s of idleness.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Handler == nil {
		opts.Handler = http.NotFoundHandler()
	}
	switch {
	case opts.ShutdownTimeout == 0:
		opts.ShutdownTimeout = config.DefaultShutdownTimeout
	case opts.ShutdownTimeout < 0:
		opts.ShutdownTimeout = 0 // no bound
	}

	healthHandler := health(opts.Ping)
	app := opts.Handler
	routes := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == HealthPath {
			healthHandler.ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
	return &Server{
		opts:    opts,
		log:     opts.Logger,
		handler: accessLog(opts.Logger, opts.Now)(recoverPanics(opts.Logger)(routes)),
	}
}

// Handler returns the complete handler chain: access log, panic recovery,
// the health endpoint and Options.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// ListenAndServe listens on Options.Addr, calls ready (if non-nil) with the
// bound address, and serves until ctx is cancelled; see Serve.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr net.Addr)) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("httpserver: listen: %w", err)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	return s.Serve(ctx, ln)
}

// Serve serves connections from ln until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets in-flight requests finish within
// Options.ShutdownTimeout, and returns nil. If the timeout expires it
// cancels the remaining requests' contexts, closes their connections and
// returns an error. Request contexts carry ctx's values but not its
// cancellation. Serve closes ln. It returns early with an error if serving
// fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	baseCtx, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.InfoContext(ctx, "http server listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		// Serve only returns early on a listener failure; ErrServerClosed
		// cannot happen because nothing else shuts srv down.
		return fmt.Errorf("httpserver: serve: %w", err)
	case <-ctx.Done():
	}

	s.log.Info("http server shutting down", "timeout", s.opts.ShutdownTimeout.String())
	shutdownCtx := context.Background()
	if s.opts.ShutdownTimeout > 0 {
		var cancel context.CancelFunc
		shutdownCtx, cancel = context.WithTimeout(shutdownCtx, s.opts.ShutdownTimeout)
		defer cancel()
	}
	err := srv.Shutdown(shutdownCtx)
	if err != nil {
		// Close connections first so that stragglers cannot answer
		// after their contexts are cancelled.
		_ = srv.Close()
		cancelBase()
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		s.log.Error("http server stopped uncleanly", "error", err)
		return fmt.Errorf("httpserver: shutdown: %w", err)
	}
	s.log.Info("http server stopped")
	return nil
}
