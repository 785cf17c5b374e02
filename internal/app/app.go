package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/gognito/gognito/internal/api/cognitoidentity"
	"github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/hostedui"
	"github.com/gognito/gognito/internal/httpserver"
	"github.com/gognito/gognito/internal/ids"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/secretbox"
	"github.com/gognito/gognito/internal/sigv4"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlstore"
	"github.com/gognito/gognito/internal/userpool"
)

// Options are the dependencies of an App that do not come from the
// configuration file.
type Options struct {
	// Logger receives every log line; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// OnUndeclaredError is called when an operation answers an error its
	// model does not declare (tests make it fail).
	OnUndeclaredError func(service, operation, code string)
}

// App is one assembled Gognito server.
type App struct {
	now    func() time.Time
	log    *slog.Logger
	store  store.Store
	server *httpserver.Server
}

// identityPools answers every Identity Pools operation with the
// not-implemented error until that service is built.
type identityPools struct{ cognitoidentity.Unimplemented }

// New opens the storage (applying migrations) and wires the services.
// The caller must Close the App.
func New(ctx context.Context, cfg config.Config, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	gen := ids.New(cfg.IDSeed)
	var dataKey []byte
	if cfg.DataKey != "" {
		if dataKey, err = secretbox.ParseKey(cfg.DataKey); err != nil {
			_ = st.Close()
			return nil, fmt.Errorf("data_key: %w", err)
		}
	}
	box, err := secretbox.New(dataKey)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	sender, err := newSender(cfg, st, opts.Logger)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	pools := userpool.New(userpool.Options{
		Store: st, IDs: gen, Now: opts.Now, AccountID: cfg.AccountID, Logger: opts.Logger, Sender: sender,
		PublicURL: cfg.PublicBaseURL(), CognitoIssuer: cfg.Issuer == "cognito", Secrets: box,
	})
	router := awsjson.NewRouter(awsjson.RouterOptions{
		Services: []*awsjson.Service{
			cognitoidp.NewService(pools),
			cognitoidentity.NewService(identityPools{}),
		},
		Logger:            opts.Logger,
		MaxBodyBytes:      cfg.MaxBodyBytes,
		DefaultRegion:     cfg.Region,
		NewRequestID:      gen.UUID,
		Authorize:         authorizer(cfg, opts.Now),
		OnUndeclaredError: opts.OnUndeclaredError,
	})
	mux := http.NewServeMux()
	mux.Handle("POST /{$}", router)
	mux.Handle("GET "+userpool.ConfirmUserPath, hostedui.ConfirmUser(pools, opts.Logger))
	mux.Handle("GET /{poolId}/.well-known/jwks.json", hostedui.JWKS(pools, opts.Logger))
	mux.Handle("GET /{poolId}/.well-known/openid-configuration", hostedui.OpenIDConfiguration(pools, opts.Logger))
	if inbox := inboxHandler(cfg, st); inbox != nil {
		mux.Handle(messaging.InboxPath, inbox)
		mux.Handle(messaging.InboxPath+"/", inbox)
	}
	server := httpserver.New(httpserver.Options{
		Addr:            cfg.Addr,
		Handler:         mux,
		Ping:            st.Ping,
		Logger:          opts.Logger,
		Now:             opts.Now,
		ShutdownTimeout: cfg.ShutdownTimeout,
	})
	return &App{now: opts.Now, log: opts.Logger, store: st, server: server}, nil
}

// newSender builds message delivery from the configuration: the inbox when
// enabled (config.Config.InboxEnabled), SMTP and webhooks when configured,
// SMS to the log.
func newSender(cfg config.Config, st store.Store, logger *slog.Logger) (messaging.Sender, error) {
	rc := messaging.RouterConfig{
		Development: cfg.Mode != config.ModeProduction,
		Inbox:       cfg.InboxEnabled(),
		Messages:    st,
		Logger:      logger,
	}
	if cfg.SMTP.Host != "" {
		smtp, err := messaging.NewSMTP(cfg.SMTP.SenderConfig())
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		rc.SMTP = smtp
	}
	if cfg.SMSWebhookURL != "" {
		rc.SMSWebhook = &messaging.Webhook{URL: cfg.SMSWebhookURL}
	}
	if cfg.EmailWebhookURL != "" {
		rc.EmailWebhook = &messaging.Webhook{URL: cfg.EmailWebhookURL}
	}
	return messaging.NewRouter(rc), nil
}

// inboxHandler serves the message inbox when it is enabled
// (config.Config.InboxEnabled, which also decides whether messages are
// stored there): only with the bearer token when inbox_token is set, else
// to everyone (development). It returns nil when the inbox is disabled.
func inboxHandler(cfg config.Config, st store.Store) http.Handler {
	if !cfg.InboxEnabled() {
		return nil
	}
	h := messaging.InboxHandler(st)
	if cfg.InboxToken != "" {
		return messaging.RequireBearer(cfg.InboxToken, h)
	}
	return h
}

// authorizer verifies SigV4 on IAM-authorized operations when access keys
// are configured. Without keys (development) those operations accept any
// caller; operations the models leave unauthenticated are never checked.
func authorizer(cfg config.Config, now func() time.Time) awsjson.Authorizer {
	if len(cfg.Credentials) == 0 {
		return nil
	}
	secrets := make(map[string]string, len(cfg.Credentials))
	for _, c := range cfg.Credentials {
		secrets[c.AccessKeyID] = c.SecretAccessKey
	}
	v := &sigv4.Verifier{
		Credentials: func(id string) (string, bool) { s, ok := secrets[id]; return s, ok },
		Now:         now,
	}
	return func(r *http.Request, body []byte, svc *awsjson.Service, op *awsjson.Operation, info awsjson.RequestInfo) (awsjson.RequestInfo, error) {
		if !op.SigV4 {
			return info, nil
		}
		scope, err := v.Verify(r, body, svc.SigningName)
		if err != nil {
			var se *sigv4.Error
			if errors.As(err, &se) {
				return info, awsjson.NewProtocolError(se.Code, "%s", se.Message)
			}
			return info, err
		}
		info.Region, info.AccessKeyID = scope.Region, scope.AccessKeyID
		return info, nil
	}
}

// OpenStore opens the backend the configuration selects: PostgreSQL or an
// explicit SQLite file when Database is set, else SQLite in DataDir.
func OpenStore(ctx context.Context, cfg config.Config) (*sqlstore.Store, error) {
	if cfg.Database != "" {
		st, err := sqlstore.Open(ctx, sqlstore.Config{DSN: cfg.Database})
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		return st, nil
	}
	st, err := sqlstore.OpenSQLiteDir(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open embedded database in %s: %w", cfg.DataDir, err)
	}
	return st, nil
}

// StorageDescription says where data lives, for the start-up log line;
// a DSN's password is redacted.
func StorageDescription(cfg config.Config) string {
	if cfg.Database != "" {
		return config.RedactDSN(cfg.Database)
	}
	abs, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		abs = cfg.DataDir
	}
	return "sqlite:" + filepath.Join(abs, "gognito.db")
}

// Handler returns the whole HTTP handler (middleware included).
func (a *App) Handler() http.Handler { return a.server.Handler() }

// Store returns the storage backend.
func (a *App) Store() store.Store { return a.store }

// Serve serves on ln until ctx is cancelled, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	stop := a.startSweeper(ctx)
	defer stop()
	return a.server.Serve(ctx, ln)
}

// ListenAndServe listens on the configured address; ready is called with
// the bound address.
func (a *App) ListenAndServe(ctx context.Context, ready func(net.Addr)) error {
	stop := a.startSweeper(ctx)
	defer stop()
	return a.server.ListenAndServe(ctx, ready)
}

// sweepInterval is how often expired sign-in sessions and refresh tokens
// are deleted.
const sweepInterval = time.Minute

// startSweeper deletes expired sessions and refresh tokens every
// sweepInterval until ctx ends or stop is called.
func (a *App) startSweeper(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(sweepInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a.Sweep(ctx)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// Sweep deletes expired sign-in sessions and refresh tokens once.
func (a *App) Sweep(ctx context.Context) {
	now := a.now()
	if n, err := a.store.DeleteExpiredAuthSessions(ctx, now); err != nil {
		a.log.WarnContext(ctx, "sweeping sign-in sessions failed", "error", err)
	} else if n > 0 {
		a.log.DebugContext(ctx, "swept sign-in sessions", "count", n)
	}
	if n, err := a.store.DeleteExpiredRefreshTokens(ctx, now); err != nil {
		a.log.WarnContext(ctx, "sweeping refresh tokens failed", "error", err)
	} else if n > 0 {
		a.log.DebugContext(ctx, "swept refresh tokens", "count", n)
	}
}

// Close releases the storage.
func (a *App) Close() error { return a.store.Close() }
