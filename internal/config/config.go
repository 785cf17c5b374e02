package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gognito/gognito/internal/messaging"
)

// Default values. They are what Default returns and what a YAML file or the
// environment overrides.
const (
	DefaultAddr            = "127.0.0.1:9229"
	DefaultDataDir         = "./.gognito"
	DefaultRegion          = "us-east-1"
	DefaultAccountID       = "000000000000"
	DefaultLogLevel        = "info"
	DefaultLogFormat       = "text"
	DefaultMode            = ModeDevelopment
	DefaultMaxBodyBytes    = 1 << 20
	DefaultShutdownTimeout = 15 * time.Second
)

// Bounds for MaxBodyBytes, inclusive.
const (
	MinMaxBodyBytes = 1 << 10
	MaxMaxBodyBytes = 64 << 20
)

// Modes accepted in Config.Mode.
const (
	ModeDevelopment = "development"
	ModeProduction  = "production"
)

// Environment variables read by ApplyEnv.
const (
	EnvAddr            = "GOGNITO_ADDR"
	EnvDataDir         = "GOGNITO_DATA_DIR"
	EnvDatabase        = "GOGNITO_DATABASE"
	EnvRegion          = "GOGNITO_REGION"
	EnvAccountID       = "GOGNITO_ACCOUNT_ID"
	EnvPublicURL       = "GOGNITO_PUBLIC_URL"
	EnvLogLevel        = "GOGNITO_LOG_LEVEL"
	EnvLogFormat       = "GOGNITO_LOG_FORMAT"
	EnvMode            = "GOGNITO_MODE"
	EnvMaxBodyBytes    = "GOGNITO_MAX_BODY_BYTES"
	EnvShutdownTimeout = "GOGNITO_SHUTDOWN_TIMEOUT"
	EnvSMTPHost        = "GOGNITO_SMTP_HOST"
	EnvSMTPPort        = "GOGNITO_SMTP_PORT"
	EnvSMTPUsername    = "GOGNITO_SMTP_USERNAME"
	EnvSMTPPassword    = "GOGNITO_SMTP_PASSWORD"
	EnvSMTPFrom        = "GOGNITO_SMTP_FROM"
	EnvSMTPTLS         = "GOGNITO_SMTP_TLS"
	EnvSMSWebhookURL   = "GOGNITO_SMS_WEBHOOK_URL"
	EnvEmailWebhookURL = "GOGNITO_EMAIL_WEBHOOK_URL"
	EnvInboxToken      = "GOGNITO_INBOX_TOKEN"
	EnvIssuer          = "GOGNITO_ISSUER"
	EnvDataKey         = "GOGNITO_DATA_KEY"
	EnvDebugAddr       = "GOGNITO_DEBUG_ADDR"
)

// Config is the complete runtime configuration of a Gognito server.
//
// Values are layered with increasing precedence: Default, then a YAML file
// (Load), then environment variables (ApplyEnv), then command-line flags,
// which the command applies by assigning fields after ApplyEnv. Validate is
// called once, on the final result.
type Config struct {
	// Addr is the TCP address the HTTP server listens on, host:port.
	// Port 0 picks a free port.
	Addr string `yaml:"addr"`
	// DataDir holds the embedded SQLite database when Database is empty.
	DataDir string `yaml:"data_dir"`
	// Database selects the storage backend: empty for embedded SQLite in
	// DataDir, "postgres://…" or "postgresql://…" for PostgreSQL, or
	// "sqlite:<path>" for SQLite at an explicit path.
	Database string `yaml:"database"`
	// Region is the AWS region the server impersonates, e.g. "us-east-1".
	Region string `yaml:"region"`
	// AccountID is the 12-digit AWS account ID used in ARNs.
	AccountID string `yaml:"account_id"`
	// PublicURL is the externally visible base URL, e.g.
	// "http://localhost:9229", used to build token issuers. Empty means
	// derive it from the request. Use PublicBaseURL to read it.
	PublicURL string `yaml:"public_url"`
	// LogLevel is one of debug, info, warn or error (case-insensitive).
	LogLevel string `yaml:"log_level"`
	// LogFormat is text or json (case-insensitive).
	LogFormat string `yaml:"log_format"`
	// Mode is ModeDevelopment or ModeProduction.
	Mode string `yaml:"mode"`
	// MaxBodyBytes caps the size of a request body.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// ShutdownTimeout bounds how long in-flight requests may run after a
	// shutdown is requested. In YAML it is a Go duration string ("15s").
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// Credentials are the AWS access keys accepted for SigV4 verification.
	Credentials []Credential `yaml:"credentials"`
	// SMTP, when Host is set, delivers email through an SMTP server.
	SMTP SMTP `yaml:"smtp"`
	// SMSWebhookURL and EmailWebhookURL, when set, receive every SMS or
	// email as a JSON POST.
	SMSWebhookURL   string `yaml:"sms_webhook_url"`
	EmailWebhookURL string `yaml:"email_webhook_url"`
	// DataKey is the base64 of a 32-byte key that encrypts secrets at rest
	// (TOTP keys). Required in production mode; without it (development)
	// they are stored in clear.
	DataKey string `yaml:"data_key"`
	// Issuer is "local" (tokens' iss is this server's public URL and the
	// pool ID) or "cognito" (https://cognito-idp.<region>.amazonaws.com/<pool>,
	// so that code verifying Cognito tokens accepts them unchanged).
	Issuer string `yaml:"issuer"`
	// InboxToken, when set, enables the message inbox in production mode
	// and, in every mode, serves it only to callers that present the token
	// as a bearer token. Without it, development mode serves the inbox to
	// everyone and production mode has no inbox. See InboxEnabled.
	InboxToken string `yaml:"inbox_token"`
	// DebugAddr, when set, is a second TCP address (host:port) that serves
	// the Go runtime's profiles (net/http/pprof under /debug/pprof/). It
	// has no authentication: bind it to a loopback or private address.
	DebugAddr string `yaml:"debug_addr"`
	// IDSeed, when non-zero, makes generated identifiers deterministic.
	// It is meant for tests and is rejected in production mode.
	IDSeed int64 `yaml:"id_seed"`
}

// SMTP configures email delivery. TLS is "starttls" (default), "tls" or
// "none".
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	From     string `yaml:"from"`
	TLS      string `yaml:"tls"`
}

// SenderConfig returns the settings of the SMTP sender that s describes.
func (s SMTP) SenderConfig() messaging.SMTPConfig {
	return messaging.SMTPConfig{
		Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password,
		From: s.From, TLS: messaging.TLSMode(s.TLS),
	}
}

// Credential is one AWS access key pair. Its String and LogValue methods
// redact the secret so that printing or logging a Config does not leak it.
type Credential struct {
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
}

// String implements fmt.Stringer without revealing the secret.
func (c Credential) String() string {
	return "{" + c.AccessKeyID + " " + redact(c.SecretAccessKey) + "}"
}

// LogValue implements slog.LogValuer without revealing the secret.
func (c Credential) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", c.AccessKeyID),
		slog.String("secret_access_key", redact(c.SecretAccessKey)),
	)
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// Default returns the configuration used when nothing overrides it.
func Default() Config {
	return Config{
		Addr:            DefaultAddr,
		DataDir:         DefaultDataDir,
		Region:          DefaultRegion,
		AccountID:       DefaultAccountID,
		LogLevel:        DefaultLogLevel,
		LogFormat:       DefaultLogFormat,
		Mode:            DefaultMode,
		MaxBodyBytes:    DefaultMaxBodyBytes,
		ShutdownTimeout: DefaultShutdownTimeout,
	}
}

// Load returns Default overlaid with the YAML file at path. Keys absent from
// the file keep their defaults; unknown keys, type mismatches and more than
// one YAML document are errors. An empty path returns Default. Load does not
// validate: call Validate after every layer has been applied.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := decodeYAML(data, &c); err != nil {
		return Config{}, fmt.Errorf("config: %s: %w", path, err)
	}
	return c, nil
}

// decodeYAML strictly decodes a single YAML document over c. An empty
// document leaves c unchanged.
func decodeYAML(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return err
		}
		return errors.New("multiple YAML documents; expected one")
	}
	return nil
}

// ApplyEnv overrides fields of c from the GOGNITO_* environment variables,
// read through getenv (os.Getenv in production). An empty or unset variable
// leaves its field alone. Values that cannot be parsed (GOGNITO_MAX_BODY_BYTES
// is an integer count of bytes, GOGNITO_SHUTDOWN_TIMEOUT a Go duration) are
// reported together in one joined error, and their fields are left unchanged;
// all other variables are still applied. ApplyEnv does not validate.
func ApplyEnv(c *Config, getenv func(string) string) error {
	strs := []struct {
		env string
		dst *string
	}{
		{EnvAddr, &c.Addr},
		{EnvDataDir, &c.DataDir},
		{EnvDatabase, &c.Database},
		{EnvRegion, &c.Region},
		{EnvAccountID, &c.AccountID},
		{EnvPublicURL, &c.PublicURL},
		{EnvLogLevel, &c.LogLevel},
		{EnvLogFormat, &c.LogFormat},
		{EnvMode, &c.Mode},
		{EnvSMTPHost, &c.SMTP.Host},
		{EnvSMTPUsername, &c.SMTP.Username},
		{EnvSMTPPassword, &c.SMTP.Password},
		{EnvSMTPFrom, &c.SMTP.From},
		{EnvSMTPTLS, &c.SMTP.TLS},
		{EnvSMSWebhookURL, &c.SMSWebhookURL},
		{EnvEmailWebhookURL, &c.EmailWebhookURL},
		{EnvInboxToken, &c.InboxToken},
		{EnvIssuer, &c.Issuer},
		{EnvDataKey, &c.DataKey},
		{EnvDebugAddr, &c.DebugAddr},
	}
	for _, s := range strs {
		if v := getenv(s.env); v != "" {
			*s.dst = v
		}
	}

	var errs []error
	if v := getenv(EnvMaxBodyBytes); v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: not an integer number of bytes", EnvMaxBodyBytes, v))
		} else {
			c.MaxBodyBytes = n
		}
	}
	if v := getenv(EnvSMTPPort); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: not a port number", EnvSMTPPort, v))
		} else {
			c.SMTP.Port = n
		}
	}
	if v := getenv(EnvShutdownTimeout); v != "" {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: not a duration (e.g. 15s)", EnvShutdownTimeout, v))
		} else {
			c.ShutdownTimeout = d
		}
	}
	return errors.Join(errs...)
}

// PublicBaseURL returns PublicURL without trailing slashes, so that callers
// can append "/"+path. It returns "" when PublicURL is unset.
func (c Config) PublicBaseURL() string {
	return strings.TrimRight(c.PublicURL, "/")
}

// InboxEnabled reports whether the server keeps every delivered message in
// its inbox and serves the inbox over HTTP: always in development mode, and
// in production mode only when InboxToken is set. When InboxToken is set the
// inbox requires it as a bearer token.
func (c Config) InboxEnabled() bool {
	return c.Mode != ModeProduction || c.InboxToken != ""
}

// Logger returns a slog.Logger writing to w at LogLevel in LogFormat.
// Unrecognised values fall back to info and text; Validate rejects them.
func (c Config) Logger(w io.Writer) *slog.Logger {
	level, ok := parseLevel(c.LogLevel)
	if !ok {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(c.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func parseLevel(s string) (slog.Level, bool) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, true
	case "info":
		return slog.LevelInfo, true
	case "warn":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return 0, false
}

// LogValue implements slog.LogValuer so that the effective configuration can
// be logged at startup without leaking secrets: credentials are reduced to
// their access key IDs and a PostgreSQL password is masked.
func (c Config) LogValue() slog.Value {
	keys := make([]string, len(c.Credentials))
	for i, cred := range c.Credentials {
		keys[i] = cred.AccessKeyID
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("database", RedactDSN(c.Database)),
		slog.String("region", c.Region),
		slog.String("account_id", c.AccountID),
		slog.String("public_url", c.PublicURL),
		slog.String("log_level", c.LogLevel),
		slog.String("log_format", c.LogFormat),
		slog.String("mode", c.Mode),
		slog.Int64("max_body_bytes", c.MaxBodyBytes),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.Any("credentials", keys),
		slog.String("debug_addr", c.DebugAddr),
		slog.Int64("id_seed", c.IDSeed),
	)
}

// RedactDSN masks the password of a URL-shaped DSN (a Database value), for
// logs. A DSN that does not parse as a URL is hidden entirely unless it is a
// sqlite: path.
func RedactDSN(dsn string) string {
	if dsn == "" || strings.HasPrefix(dsn, "sqlite:") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "REDACTED"
	}
	return u.Redacted()
}
