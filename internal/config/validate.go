package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/secretbox"
)

// FieldError is one problem found by Validate. Field is the YAML key of the
// offending field (for list entries, e.g. "credentials[1].access_key_id"),
// Value the offending value as quoted in the message, or "" when it is not
// shown (it is missing or may hold a secret), and Reason what is wrong.
type FieldError struct {
	Field  string
	Value  string
	Reason string
}

// Error renders the problem as `field value: reason`, e.g.
// `addr "localhost": missing port in address`.
func (e *FieldError) Error() string {
	if e.Value == "" {
		return e.Field + ": " + e.Reason
	}
	return e.Field + " " + e.Value + ": " + e.Reason
}

var (
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// Validate checks every field and reports every problem at once: the result
// is nil or a joined error (errors.Join) of *FieldError values in field
// order, whose message puts each problem on its own line.
//
// When Database is empty, Validate also ensures DataDir exists (creating it
// with mode 0700 if needed) and is writable, by creating and removing a probe
// file in it. It has no other side effects.
func (c Config) Validate() error {
	var errs []error
	add := func(field string, value any, format string, args ...any) {
		fe := &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
		switch v := value.(type) {
		case nil:
		case string:
			fe.Value = strconv.Quote(v)
		default:
			fe.Value = fmt.Sprint(v)
		}
		errs = append(errs, fe)
	}

	c.validateAddr(add)
	if c.Database == "" {
		c.validateDataDir(add)
	}
	c.validateDatabase(add)

	if !regionPattern.MatchString(c.Region) {
		add("region", c.Region, `must look like "us-east-1" (lowercase letters, digits and hyphens)`)
	}
	if !accountIDPattern.MatchString(c.AccountID) {
		add("account_id", c.AccountID, "must be exactly 12 decimal digits")
	}
	if c.PublicURL != "" {
		if reason := checkPublicURL(c.PublicURL); reason != "" {
			add("public_url", c.PublicURL, "%s", reason)
		}
	}
	if _, ok := parseLevel(c.LogLevel); !ok {
		add("log_level", c.LogLevel, "must be one of debug, info, warn, error")
	}
	if f := strings.ToLower(c.LogFormat); f != "text" && f != "json" {
		add("log_format", c.LogFormat, "must be text or json")
	}
	if c.Mode != ModeDevelopment && c.Mode != ModeProduction {
		add("mode", c.Mode, "must be %s or %s", ModeDevelopment, ModeProduction)
	}
	if c.MaxBodyBytes < MinMaxBodyBytes || c.MaxBodyBytes > MaxMaxBodyBytes {
		add("max_body_bytes", c.MaxBodyBytes, "must be between %d (1 KiB) and %d (64 MiB)", MinMaxBodyBytes, MaxMaxBodyBytes)
	}
	if c.ShutdownTimeout <= 0 {
		add("shutdown_timeout", c.ShutdownTimeout, "must be positive")
	}
	c.validateCredentials(add)
	switch {
	case c.DataKey != "":
		if _, err := secretbox.ParseKey(c.DataKey); err != nil {
			add("data_key", nil, "%v", err)
		}
	case c.Mode == ModeProduction:
		add("data_key", nil, "is required in production mode (base64 of 32 random bytes, e.g. openssl rand -base64 32)")
	}
	if c.Issuer != "" && c.Issuer != "local" && c.Issuer != "cognito" {
		add("issuer", c.Issuer, "must be local or cognito")
	}
	if c.SMTP.Host != "" {
		// The sender's own checks, so that every SMTP problem is reported
		// here rather than when the server builds the sender.
		for _, err := range messaging.CheckSMTPConfig(c.SMTP.SenderConfig()) {
			field := "smtp"
			var pe *messaging.SMTPConfigError
			if errors.As(err, &pe) {
				field += "." + pe.Field
			}
			add(field, nil, "%v", err)
		}
	}
	for _, w := range []struct{ field, url string }{{"sms_webhook_url", c.SMSWebhookURL}, {"email_webhook_url", c.EmailWebhookURL}} {
		if w.url != "" {
			if reason := checkPublicURL(w.url); reason != "" {
				add(w.field, w.url, "%s", reason)
			}
		}
	}
	if c.Mode == ModeProduction && len(c.Credentials) == 0 {
		add("credentials", nil, "at least one access key is required in production mode, so that IAM-authorized operations are verified with SigV4")
	}
	if c.IDSeed != 0 && c.Mode == ModeProduction {
		add("id_seed", c.IDSeed, "must be 0 in production mode (deterministic IDs are for tests)")
	}
	return errors.Join(errs...)
}

type addFunc func(field string, value any, format string, args ...any)

func (c Config) validateAddr(add addFunc) {
	if c.Addr == "" {
		add("addr", nil, "required")
	} else {
		checkHostPort(add, "addr", c.Addr)
	}
	if c.DebugAddr != "" {
		checkHostPort(add, "debug_addr", c.DebugAddr)
	}
}

// checkHostPort reports what is wrong with a host:port listen address.
func checkHostPort(add addFunc, field, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			add(field, addr, "%s", ae.Err)
		} else {
			add(field, addr, "%v", err)
		}
		return
	}
	if port == "" {
		add(field, addr, "missing port in address")
		return
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		add(field, addr, "port %q must be a number between 0 and 65535", port)
	}
}

func (c Config) validateDataDir(add addFunc) {
	if c.DataDir == "" {
		add("data_dir", nil, "required when database is empty (embedded SQLite)")
		return
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		add("data_dir", c.DataDir, "cannot create directory: %s", osReason(err))
		return
	}
	probe, err := os.CreateTemp(c.DataDir, ".gognito-write-probe-*")
	if err != nil {
		add("data_dir", c.DataDir, "directory is not writable: %s", osReason(err))
		return
	}
	name := probe.Name()
	_, werr := probe.Write([]byte("ok"))
	cerr := probe.Close()
	rerr := os.Remove(name)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		add("data_dir", c.DataDir, "directory is not writable: %s", osReason(err))
	}
}

// osReason strips the path from *fs.PathError, which the message already
// names, leaving e.g. "permission denied".
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

const databaseSchemes = "postgres://, postgresql:// or sqlite:<path>"

// validateDatabase never quotes the DSN in full: it may hold a password.
func (c Config) validateDatabase(add addFunc) {
	dsn := c.Database
	switch {
	case dsn == "":
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			add("database", nil, "invalid PostgreSQL URL: %v", err)
			return
		}
		if u.Fragment != "" {
			add("database", u.Redacted(), "PostgreSQL URL must not have a fragment")
		}
	case strings.HasPrefix(dsn, "sqlite:"):
		if strings.TrimSpace(strings.TrimPrefix(dsn, "sqlite:")) == "" {
			add("database", dsn, "sqlite: needs a path, e.g. sqlite:/var/lib/gognito/gognito.db")
		}
	default:
		scheme, _, found := strings.Cut(dsn, ":")
		if !found {
			add("database", nil, "missing scheme (want %s)", databaseSchemes)
			return
		}
		add("database", nil, "unsupported scheme %q (want %s)", scheme, databaseSchemes)
	}
}

// checkPublicURL returns why s is not an absolute http(s) base URL, or "".
func checkPublicURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "invalid URL: " + err.Error()
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be an absolute http or https URL"
	case u.Opaque != "" || u.Host == "":
		return "must include a host"
	case u.User != nil:
		return "must not include user information"
	case u.RawQuery != "" || u.ForceQuery:
		return "must not include a query"
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "must not include a fragment"
	}
	return ""
}

func (c Config) validateCredentials(add addFunc) {
	seen := make(map[string]int, len(c.Credentials))
	for i, cred := range c.Credentials {
		field := fmt.Sprintf("credentials[%d]", i)
		switch {
		case cred.AccessKeyID == "":
			add(field+".access_key_id", nil, "required")
		case strings.ContainsAny(cred.AccessKeyID, " \t\r\n/,="):
			add(field+".access_key_id", cred.AccessKeyID, "must not contain whitespace, '/', ',' or '='")
		default:
			if j, dup := seen[cred.AccessKeyID]; dup {
				add(field+".access_key_id", cred.AccessKeyID, "duplicates credentials[%d]", j)
			} else {
				seen[cred.AccessKeyID] = i
			}
		}
		if cred.SecretAccessKey == "" {
			add(field+".secret_access_key", nil, "required")
		}
	}
}
