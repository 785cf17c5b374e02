package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 15 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
)

// HealthPath is the path served by the Health handler in front of
// Options.Handler.
const HealthPath = "/health"

// Options configure a Server. Zero durations and sizes take the defaults
// above; a negative timeout disables it.
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

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	// ShutdownTimeout bounds how long in-flight requests may run once the
	// serving context is cancelled. When it expires, request contexts are
	// cancelled and remaining connections closed.
	ShutdownTimeout time.Duration
}

// Server serves HTTP with Gognito's middleware chain and graceful shutdown.
// A Server may Serve more than once, sequentially or concurrently.
type Server struct {
	opts    Options
	log     *slog.Logger
	handler http.Handler
}

// New returns a Server for opts, filling in defaults.
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
	opts.ReadHeaderTimeout = orDefault(opts.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	opts.ReadTimeout = orDefault(opts.ReadTimeout, DefaultReadTimeout)
	opts.WriteTimeout = orDefault(opts.WriteTimeout, DefaultWriteTimeout)
	opts.IdleTimeout = orDefault(opts.IdleTimeout, DefaultIdleTimeout)
	opts.ShutdownTimeout = orDefault(opts.ShutdownTimeout, DefaultShutdownTimeout)
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = DefaultMaxHeaderBytes
	}

	health := Health(opts.Ping)
	app := opts.Handler
	routes := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == HealthPath {
			health.ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
	return &Server{
		opts:    opts,
		log:     opts.Logger,
		handler: AccessLog(opts.Logger, opts.Now)(Recover(opts.Logger)(routes)),
	}
}

// orDefault maps 0 to def and negative values to 0 (no timeout).
func orDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
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
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    s.opts.MaxHeaderBytes,
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
