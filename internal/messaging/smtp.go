package messaging

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// TLSMode is how the SMTP sender secures its connection.
type TLSMode string

// TLS modes.
const (
	// TLSNone sends in clear text. Authentication is then only allowed to
	// a server on localhost.
	TLSNone TLSMode = "none"
	// TLSStartTLS connects in clear text and upgrades with STARTTLS, which
	// the server must offer (submission, usually port 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit TLSMode = "tls"
)

// SMTP defaults.
const (
	DefaultSMTPDialTimeout = 10 * time.Second
	DefaultSMTPTimeout     = 30 * time.Second
	DefaultSMTPHelloName   = "localhost"
)

// SMTPConfig configures the SMTP sender.
type SMTPConfig struct {
	// Host is the SMTP server's host name or IP address.
	Host string
	// Port is the server's port; 0 means 587 for starttls, 465 for tls
	// and 25 for none.
	Port int
	// Username and Password enable AUTH (PLAIN, or LOGIN when the server
	// offers only that); empty Username means no authentication.
	Username string
	Password string
	// From is the sender, "noreply@example.com" or
	// "Example <noreply@example.com>".
	From string
	// TLS is the TLS mode; empty means starttls.
	TLS TLSMode
	// TLSConfig, if set, is used (cloned) for the TLS handshake; its
	// ServerName defaults to Host.
	TLSConfig *tls.Config
	// DialTimeout bounds connecting; 0 means DefaultSMTPDialTimeout.
	DialTimeout time.Duration
	// Timeout bounds the whole SMTP conversation after connecting; 0
	// means DefaultSMTPTimeout. The context's deadline also applies.
	Timeout time.Duration
	// HelloName is the name given in EHLO; empty means
	// DefaultSMTPHelloName.
	HelloName string
}

// SMTP sends email through an SMTP server. It opens one connection per
// message. It is safe for concurrent use.
type SMTP struct {
	cfg  SMTPConfig
	from mail.Address
	// now returns the current time (for the Date header).
	now func() time.Time
}

// SMTPConfigError is one problem found in an SMTPConfig. Field names the
// setting at fault as a lower-case configuration key ("host", "port", "tls",
// "from", "username", "password", "timeout" or "hello_name"); Reason, which
// is also the error's text, says what is wrong.
type SMTPConfigError struct {
	Field  string
	Reason string
}

func (e *SMTPConfigError) Error() string { return e.Reason }

// CheckSMTPConfig returns every problem that makes NewSMTP refuse cfg, each
// an *SMTPConfigError, or nil when cfg is valid. It is what NewSMTP checks,
// for callers that validate a configuration before building the sender.
func CheckSMTPConfig(cfg SMTPConfig) []error {
	_, _, problems := cfg.normalize()
	return problems
}

// NewSMTP validates cfg, applies its defaults and returns the sender.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	cfg, from, problems := cfg.normalize()
	if len(problems) > 0 {
		return nil, fmt.Errorf("messaging: invalid SMTP configuration: %w", errors.Join(problems...))
	}
	return &SMTP{cfg: cfg, from: from, now: time.Now}, nil
}

// normalize applies the defaults of cfg, parses its sender address and
// returns the problems found (each an *SMTPConfigError).
func (cfg SMTPConfig) normalize() (SMTPConfig, mail.Address, []error) {
	var problems []error
	problem := func(field, format string, args ...any) {
		problems = append(problems, &SMTPConfigError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if cfg.Host == "" {
		problem("host", "host is required")
	}
	if strings.ContainsAny(cfg.Host, "\r\n") {
		problem("host", "host contains a line break")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		problem("tls", "tls mode %q is not none, starttls or tls", cfg.TLS)
	}
	if cfg.Port == 0 {
		switch cfg.TLS {
		case TLSImplicit:
			cfg.Port = 465
		case TLSNone:
			cfg.Port = 25
		default:
			cfg.Port = 587
		}
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		problem("port", "port %d is out of range", cfg.Port)
	}
	var from mail.Address
	if cfg.From == "" {
		problem("from", "from address is required")
	} else if a, err := mail.ParseAddress(cfg.From); err != nil {
		problem("from", "from address %q: %v", cfg.From, err)
	} else {
		from = *a
	}
	if cfg.Username == "" && cfg.Password != "" {
		problem("password", "password set without username")
	}
	if cfg.Username != "" && cfg.TLS == TLSNone && !isLocalhost(cfg.Host) {
		problem("username", "authentication without TLS is only allowed to localhost")
	}
	if cfg.DialTimeout < 0 || cfg.Timeout < 0 {
		problem("timeout", "timeouts must not be negative")
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = DefaultSMTPDialTimeout
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	if cfg.HelloName == "" {
		cfg.HelloName = DefaultSMTPHelloName
	}
	if strings.ContainsAny(cfg.HelloName, "\r\n ") {
		problem("hello_name", "hello name contains white space")
	}
	return cfg, from, problems
}

// Send delivers an EMAIL message to m.To.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if m.Channel != ChannelEmail {
		return deliveryErrorf("smtp", "cannot send %s messages", m.Channel)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return deliveryError("smtp", fmt.Errorf("recipient %q: %w", m.To, err))
	}
	msg, err := s.compose(m, to)
	if err != nil {
		return deliveryError("smtp", err)
	}
	if err := s.deliver(ctx, to.Address, msg); err != nil {
		if ctxErr := contextError(ctx); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return deliveryError("smtp "+s.addr(), err)
	}
	return nil
}

// contextError is ctx.Err(), or DeadlineExceeded once ctx's deadline has
// passed: the connection's deadline, set to the same instant, may fire
// before the context's own timer.
func contextError(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func (s *SMTP) addr() string { return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)) }

func (s *SMTP) tlsConfig() *tls.Config {
	var c *tls.Config
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	} else {
		c = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	return c
}

// deliver runs one SMTP transaction.
func (s *SMTP) deliver(ctx context.Context, rcpt string, msg []byte) error {
	d := net.Dialer{Timeout: s.cfg.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", s.addr())
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline := time.Now().Add(s.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	// Cancelling ctx aborts any blocked read or write.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if s.cfg.TLS == TLSImplicit {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("tls handshake: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return err
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("server does not offer STARTTLS")
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if s.cfg.Username != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok {
			return errors.New("server does not offer AUTH")
		}
		var auth smtp.Auth
		if hasMechanism(mechs, "PLAIN") || !hasMechanism(mechs, "LOGIN") {
			auth = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)
		} else {
			auth = &loginAuth{username: s.cfg.Username, password: s.cfg.Password, host: s.cfg.Host}
		}
		if err := c.Auth(auth); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The message is accepted; a failing QUIT does not undo that.
	_ = c.Quit()
	return nil
}

func hasMechanism(list, mech string) bool {
	for _, m := range strings.Fields(list) {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// loginAuth is the LOGIN SASL mechanism, offered by servers that lack
// PLAIN. Like smtp.PlainAuth it refuses to send credentials in clear text
// except to localhost.
type loginAuth struct {
	username, password, host string
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLocalhost(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:", "user name", "username":
		return []byte(a.username), nil
	case "password:", "password":
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("unexpected LOGIN challenge %q", fromServer)
}

// compose builds the RFC 5322 message: ASCII headers (RFC 2047 encoded
// words where needed) and a quoted-printable UTF-8 body with CRLF lines.
func (s *SMTP) compose(m Message, to *mail.Address) ([]byte, error) {
	id, err := s.messageID()
	if err != nil {
		return nil, err
	}
	contentType := "text/plain; charset=UTF-8"
	if m.HTML {
		contentType = "text/html; charset=UTF-8"
	}
	var b bytes.Buffer
	header := func(name, value string) {
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteString("\r\n")
	}
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", encodeHeader(m.Subject))
	header("Date", s.now().Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	header("Content-Type", contentType)
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// encodeHeader makes an unstructured header value safe: line breaks become
// spaces, non-ASCII text becomes RFC 2047 encoded words, and long encoded
// values are folded between words.
func encodeHeader(v string) string {
	v = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, v)
	enc := mime.QEncoding.Encode("UTF-8", v)
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

func (s *SMTP) messageID() (string, error) {
	var r [12]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	domain := "gognito.local"
	if at := strings.LastIndexByte(s.from.Address, '@'); at >= 0 && at+1 < len(s.from.Address) {
		domain = s.from.Address[at+1:]
	}
	return fmt.Sprintf("<%d.%s@%s>", s.now().UnixNano(), hex.EncodeToString(r[:]), domain), nil
}
