package gognitotest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// Credentials that tests may sign requests with. Gognito does not verify
// signatures unless credentials are configured, so any value works; these
// are provided for convenience.
const (
	AccessKeyID     = "AKIDGOGNITOTEST"
	SecretAccessKey = "gognito-test-secret"
)

// Server is a running in-process Gognito.
type Server struct {
	// URL is the endpoint to give an SDK client, e.g. http://127.0.0.1:41234.
	URL string
	// Region is the region the server reports when requests are unsigned.
	Region string
	// AccountID is the account used in ARNs.
	AccountID string

	app    *app.App
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
	// tempDir is removed by Close when New created it.
	tempDir string
}

type options struct {
	cfg        config.Config
	now        func() time.Time
	logger     *slog.Logger
	undeclared func(service, operation, code string)
}

// Option customises a Server.
type Option func(*options)

// WithRegion sets the default region (the SigV4 scope still wins).
func WithRegion(region string) Option { return func(o *options) { o.cfg.Region = region } }

// WithAccountID sets the account ID used in ARNs.
func WithAccountID(id string) Option { return func(o *options) { o.cfg.AccountID = id } }

// WithDatabase stores data in the given database (a postgres:// URL or
// sqlite:<path>) instead of a fresh SQLite file in a temporary directory.
func WithDatabase(dsn string) Option { return func(o *options) { o.cfg.Database = dsn } }

// WithDataDir keeps the embedded SQLite database in dir, so that a later
// Server started on the same dir sees the same data.
func WithDataDir(dir string) Option { return func(o *options) { o.cfg.DataDir = dir } }

// WithCredentials makes the server verify SigV4 signatures of
// IAM-authorized operations against this access key (may be repeated).
func WithCredentials(accessKeyID, secretAccessKey string) Option {
	return func(o *options) {
		o.cfg.Credentials = append(o.cfg.Credentials, config.Credential{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey})
	}
}

// WithEmailWebhook makes the server also POST every email to url (a
// delivery that fails there fails the operation, as a broken email
// configuration does in Cognito).
func WithEmailWebhook(url string) Option { return func(o *options) { o.cfg.EmailWebhookURL = url } }

// WithDataKey sets the base64 data key that encrypts secrets at rest.
func WithDataKey(key string) Option { return func(o *options) { o.cfg.DataKey = key } }

// WithPublicURL sets the externally visible base URL of the server (token
// issuers, discovery documents, links in messages).
func WithPublicURL(url string) Option { return func(o *options) { o.cfg.PublicURL = url } }

// WithCognitoIssuer makes tokens carry Cognito's own issuer URL
// (https://cognito-idp.<region>.amazonaws.com/<poolId>) instead of this
// server's, so that verifier code configured for Cognito accepts them.
func WithCognitoIssuer() Option { return func(o *options) { o.cfg.Issuer = "cognito" } }

// WithClock injects the server's clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLogger sends the server's logs to logger (default: discarded).
func WithLogger(logger *slog.Logger) Option { return func(o *options) { o.logger = logger } }

// WithIDSeed makes generated identifiers deterministic.
func WithIDSeed(seed int64) Option { return func(o *options) { o.cfg.IDSeed = seed } }

// WithUndeclaredErrorHandler is called when an operation answers an error
// its model does not declare for it. Start reports those as test errors.
func WithUndeclaredErrorHandler(fn func(service, operation, code string)) Option {
	return func(o *options) { o.undeclared = fn }
}

// Start starts a Server for the test and stops it when the test ends.
// Unless WithDataDir or WithDatabase is given, data lives in t.TempDir().
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := defaults()
	o.cfg.DataDir = t.TempDir()
	o.undeclared = func(service, operation, code string) {
		t.Errorf("gognito: %s.%s answered %s, which its model does not declare", service, operation, code)
	}
	for _, opt := range opts {
		opt(&o)
	}
	s, err := start(context.Background(), o)
	if err != nil {
		t.Fatalf("gognitotest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("gognitotest: close: %v", err)
		}
	})
	return s
}

// New starts a Server outside a test (for TestMain). Data lives in a new
// temporary directory unless WithDataDir or WithDatabase is given; Close
// removes that directory.
func New(ctx context.Context, opts ...Option) (*Server, error) {
	o := defaults()
	o.cfg.DataDir = ""
	for _, opt := range opts {
		opt(&o)
	}
	var tmp string
	if o.cfg.DataDir == "" && o.cfg.Database == "" {
		var err error
		if tmp, err = os.MkdirTemp("", "gognitotest-"); err != nil {
			return nil, err
		}
		o.cfg.DataDir = tmp
	}
	s, err := start(ctx, o)
	if err != nil {
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
		return nil, err
	}
	s.tempDir = tmp
	return s, nil
}

func defaults() options {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	return options{cfg: cfg}
}

func start(ctx context.Context, o options) (*Server, error) {
	if err := o.cfg.Validate(); err != nil {
		return nil, err
	}
	a, err := app.New(ctx, o.cfg, app.Options{Logger: o.logger, Now: o.now, OnUndeclaredError: o.undeclared})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", o.cfg.Addr)
	if err != nil {
		_ = a.Close()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s := &Server{
		URL:       fmt.Sprintf("http://%s", ln.Addr().String()),
		Region:    o.cfg.Region,
		AccountID: o.cfg.AccountID,
		app:       a,
		done:      make(chan error, 1),
	}
	go func() { s.done <- a.Serve(runCtx, ln) }()
	s.cancel = cancel
	return s, nil
}

// Close stops the server gracefully and closes its storage.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.cancel()
		s.err = errors.Join(<-s.done, s.app.Close())
		if s.tempDir != "" {
			s.err = errors.Join(s.err, os.RemoveAll(s.tempDir))
		}
	})
	return s.err
}
