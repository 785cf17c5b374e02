package messaging_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/gognito/gognito/internal/messaging"
)

// received is one message accepted by the test SMTP server.
type received struct {
	from     string
	to       []string
	data     []byte
	authUser string
	tls      bool
}

// mailServer is a real SMTP server (github.com/emersion/go-smtp) with a
// backend that keeps what it receives.
type mailServer struct {
	host string
	port int

	// Backend settings, fixed before the server starts.
	username, password string   // when set, AUTH is required
	mechanisms         []string // offered AUTH mechanisms (default PLAIN)
	refuse             string   // a recipient refused with 550

	mu   sync.Mutex
	mail []received
}

type serverOptions struct {
	username, password string
	mechanisms         []string
	refuse             string
	tls                *tls.Config // enables STARTTLS
	implicitTLS        bool        // TLS from the first byte
}

func startMailServer(t *testing.T, opts serverOptions) *mailServer {
	t.Helper()
	ms := &mailServer{username: opts.username, password: opts.password, mechanisms: opts.mechanisms, refuse: opts.refuse}
	if ms.mechanisms == nil {
		ms.mechanisms = []string{sasl.Plain}
	}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &mailSession{ms: ms, conn: c}, nil
	}))
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 1 << 20
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.TLSConfig = opts.tls
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.implicitTLS {
		l = tls.NewListener(l, opts.tls)
		s.TLSConfig = nil
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	host, port, _ := net.SplitHostPort(l.Addr().String())
	ms.host = host
	ms.port, _ = strconv.Atoi(port)
	return ms
}

func (ms *mailServer) received() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.mail...)
}

type mailSession struct {
	ms       *mailServer
	conn     *smtp.Conn
	authUser string
	from     string
	to       []string
}

func (s *mailSession) AuthMechanisms() []string {
	if s.ms.username == "" {
		return nil
	}
	return s.ms.mechanisms
}

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != s.ms.username || password != s.ms.password {
			return errors.New("invalid credentials")
		}
		s.authUser = username
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error { return check(username, password) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.ms.username != "" && s.authUser == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.ms.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.ms.mu.Lock()
	s.ms.mail = append(s.ms.mail, received{from: s.from, to: s.to, data: data, authUser: s.authUser, tls: isTLS})
	s.ms.mu.Unlock()
	return nil
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }

// loginServer is the server side of the LOGIN SASL mechanism, which
// go-sasl no longer provides.
type loginServer struct {
	check    func(username, password string) error
	step     int
	username string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		return []byte("Username:"), false, nil
	case 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.username, string(response))
	}
}

// testTLS makes a self-signed certificate for 127.0.0.1 and returns the
// server configuration and a client configuration trusting it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "gognito test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

func newSMTP(t *testing.T, cfg messaging.SMTPConfig) *messaging.SMTP {
	t.Helper()
	s, err := messaging.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// parseMail parses a received message and decodes its body.
func parseMail(t *testing.T, data []byte) (*mail.Message, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, data)
	}
	if enc := msg.Header.Get("Content-Transfer-Encoding"); enc != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", enc)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return msg, string(body)
}

func TestSMTPDeliversWellFormedMessage(t *testing.T) {
	ms := startMailServer(t, serverOptions{})
	s := newSMTP(t, messaging.SMTPConfig{
		Host: ms.host, Port: ms.port, TLS: messaging.TLSNone,
		From: "Gognito Ünïcode <noreply@example.com>",
	})
	subject := "Vérifiez votre compte — код подтверждения ✓ " + strings.Repeat("long ", 12)
	body := "Bonjour José,\n\nVotre code est 482913. \n.a line starting with a dot\n" +
		strings.Repeat("0123456789", 12) + "\nfin "
	err := s.Send(context.Background(), messaging.Message{
		Channel: messaging.ChannelEmail, To: "Jane Doe <jane@example.com>", Subject: subject, Body: body,
		PoolID: "us-east-1_P", Username: "jane", Kind: messaging.KindSignUp,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := ms.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	r := got[0]
	if r.from != "noreply@example.com" || len(r.to) != 1 || r.to[0] != "jane@example.com" || r.tls || r.authUser != "" {
		t.Errorf("envelope %+v", r)
	}
	// Every line is CRLF-terminated, 7-bit and at most 998 characters.
	for _, line := range strings.SplitAfter(string(r.data), "\n") {
		if line != "" && !strings.HasSuffix(line, "\r\n") {
			t.Errorf("line without CRLF: %q", line)
		}
		if len(line) > 1000 {
			t.Errorf("line too long: %d", len(line))
		}
	}
	for i, b := range r.data {
		if b >= 0x80 {
			t.Fatalf("8-bit byte at %d: headers and body must be encoded", i)
		}
	}

	msg, decoded := parseMail(t, r.data)
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "noreply@example.com" || from[0].Name != "Gognito Ünïcode" {
		t.Errorf("From %q: %v %v", msg.Header.Get("From"), from, err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "jane@example.com" || to[0].Name != "Jane Doe" {
		t.Errorf("To %q: %v %v", msg.Header.Get("To"), to, err)
	}
	rawSubject := msg.Header.Get("Subject")
	if !strings.Contains(rawSubject, "=?UTF-8?") {
		t.Errorf("non-ASCII subject not RFC 2047 encoded: %q", rawSubject)
	}
	dec := new(mime.WordDecoder)
	gotSubject, err := dec.DecodeHeader(rawSubject)
	if err != nil || gotSubject != subject {
		t.Errorf("Subject decodes to %q (%v), want %q", gotSubject, err, subject)
	}
	if date, err := msg.Header.Date(); err != nil || time.Since(date) > time.Minute || time.Since(date) < -time.Minute {
		t.Errorf("Date %q: %v", msg.Header.Get("Date"), err)
	}
	if id := msg.Header.Get("Message-ID"); !regexp.MustCompile(`^<[0-9]+\.[0-9a-f]{24}@example\.com>$`).MatchString(id) {
		t.Errorf("Message-ID %q", id)
	}
	if v := msg.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version %q", v)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type %q", msg.Header.Get("Content-Type"))
	}
	want := strings.ReplaceAll(body, "\n", "\r\n")
	if strings.TrimSuffix(decoded, "\r\n") != want {
		t.Errorf("body\n got %q\nwant %q", decoded, want)
	}
}

func TestSMTPHTMLBodyAndDefaultTemplate(t *testing.T) {
	ms := startMailServer(t, serverOptions{})
	s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSNone, From: "noreply@example.com"})
	body := messaging.Render(messaging.DefaultEmailMessageByLink, messaging.Vars{Link: "https://auth.example.com/confirm?code=123456&u=jane"})
	err := s.Send(context.Background(), messaging.Message{
		Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: messaging.DefaultEmailSubjectByLink, Body: body, HTML: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	msg, decoded := parseMail(t, ms.received()[0].data)
	if mt, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); mt != "text/html" {
		t.Errorf("Content-Type %q", msg.Header.Get("Content-Type"))
	}
	if msg.Header.Get("Subject") != "Your verification link" {
		t.Errorf("ASCII subject changed: %q", msg.Header.Get("Subject"))
	}
	if strings.TrimSuffix(decoded, "\r\n") != body {
		t.Errorf("body %q, want %q", decoded, body)
	}
}

func TestSMTPHeaderInjection(t *testing.T) {
	ms := startMailServer(t, serverOptions{})
	s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSNone, From: "noreply@example.com"})
	err := s.Send(context.Background(), messaging.Message{
		Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: "hello\r\nBcc: evil@example.net\nX-Evil: 1", Body: "b",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := ms.received()[0]
	msg, _ := parseMail(t, r.data)
	if msg.Header.Get("Bcc") != "" || msg.Header.Get("X-Evil") != "" || len(r.to) != 1 {
		t.Errorf("header injected: %q", r.data)
	}
	// A recipient cannot smuggle a second address either.
	err = s.Send(context.Background(), messaging.Message{Channel: messaging.ChannelEmail, To: "a@example.com\r\nRCPT TO:<b@example.com>", Body: "b"})
	if !errors.Is(err, messaging.ErrDelivery) || len(ms.received()) != 1 {
		t.Errorf("bad recipient: %v", err)
	}
}

func TestSMTPAuth(t *testing.T) {
	for _, mech := range []string{sasl.Plain, sasl.Login} {
		t.Run(mech, func(t *testing.T) {
			ms := startMailServer(t, serverOptions{username: "mailer", password: "p@ss word", mechanisms: []string{mech}})
			cfg := messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSNone, From: "noreply@example.com",
				Username: "mailer", Password: "p@ss word"}
			if err := newSMTP(t, cfg).Send(context.Background(), emailMsg); err != nil {
				t.Fatal(err)
			}
			if got := ms.received(); len(got) != 1 || got[0].authUser != "mailer" {
				t.Fatalf("received %+v", got)
			}

			cfg.Password = "wrong"
			if err := newSMTP(t, cfg).Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) {
				t.Errorf("wrong password: %v", err)
			}
			cfg.Username, cfg.Password = "", ""
			err := newSMTP(t, cfg).Send(context.Background(), emailMsg)
			var te *textproto.Error
			if !errors.Is(err, messaging.ErrDelivery) || !errors.As(err, &te) || te.Code != 502 {
				t.Errorf("no credentials: %v", err)
			}
			if n := len(ms.received()); n != 1 {
				t.Errorf("server accepted %d messages", n)
			}
		})
	}
}

func TestSMTPAuthNotOffered(t *testing.T) {
	ms := startMailServer(t, serverOptions{})
	s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSNone, From: "noreply@example.com",
		Username: "u", Password: "p"})
	if err := s.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) || !strings.Contains(err.Error(), "AUTH") {
		t.Errorf("AUTH missing: %v", err)
	}
}

func TestSMTPStartTLSAndImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	t.Run("starttls", func(t *testing.T) {
		ms := startMailServer(t, serverOptions{tls: serverTLS, username: "u", password: "p"})
		s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSStartTLS, TLSConfig: clientTLS,
			From: "noreply@example.com", Username: "u", Password: "p"})
		if err := s.Send(context.Background(), emailMsg); err != nil {
			t.Fatal(err)
		}
		if got := ms.received(); len(got) != 1 || !got[0].tls || got[0].authUser != "u" {
			t.Fatalf("received %+v", got)
		}
	})
	t.Run("tls", func(t *testing.T) {
		ms := startMailServer(t, serverOptions{tls: serverTLS, implicitTLS: true})
		s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSImplicit, TLSConfig: clientTLS, From: "noreply@example.com"})
		if err := s.Send(context.Background(), emailMsg); err != nil {
			t.Fatal(err)
		}
		if got := ms.received(); len(got) != 1 || !got[0].tls {
			t.Fatalf("received %+v", got)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		ms := startMailServer(t, serverOptions{tls: serverTLS})
		s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSStartTLS, From: "noreply@example.com"})
		if err := s.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) || len(ms.received()) != 0 {
			t.Errorf("untrusted certificate: %v", err)
		}
	})
	t.Run("starttls not offered", func(t *testing.T) {
		ms := startMailServer(t, serverOptions{})
		s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSStartTLS, From: "noreply@example.com"})
		if err := s.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("no STARTTLS: %v", err)
		}
	})
}

func TestSMTPRefusedRecipient(t *testing.T) {
	ms := startMailServer(t, serverOptions{refuse: "ghost@example.com"})
	s := newSMTP(t, messaging.SMTPConfig{Host: ms.host, Port: ms.port, TLS: messaging.TLSNone, From: "noreply@example.com"})
	m := emailMsg
	m.To = "ghost@example.com"
	err := s.Send(context.Background(), m)
	var te *textproto.Error
	if !errors.Is(err, messaging.ErrDelivery) || !errors.As(err, &te) || te.Code != 550 {
		t.Fatalf("refused recipient: %v", err)
	}
	if n := len(ms.received()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSMTPServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := newSMTP(t, messaging.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: messaging.TLSNone, From: "noreply@example.com"})
	if err := s.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) {
		t.Fatalf("server down: %v", err)
	}
}

// A server that accepts connections but never greets must not hang the
// sender past its timeout or its context.
func TestSMTPSilentServerTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns sync.WaitGroup
	conns.Add(1)
	go func() {
		defer conns.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port

	s := newSMTP(t, messaging.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: messaging.TLSNone, From: "noreply@example.com", Timeout: 200 * time.Millisecond})
	start := time.Now()
	if err := s.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) || time.Since(start) > 5*time.Second {
		t.Errorf("timeout: %v after %v", err, time.Since(start))
	}

	s = newSMTP(t, messaging.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: messaging.TLSNone, From: "noreply@example.com"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = s.Send(ctx, emailMsg)
	if !errors.Is(err, messaging.ErrDelivery) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("context deadline: %v after %v", err, time.Since(start))
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := s.Send(ctx, emailMsg); !errors.Is(err, context.Canceled) || !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("cancelled context: %v", err)
	}
	l.Close()
	conns.Wait()
}

func TestSMTPRejectsWhatItCannotSend(t *testing.T) {
	s := newSMTP(t, messaging.SMTPConfig{Host: "127.0.0.1", Port: 1, TLS: messaging.TLSNone, From: "noreply@example.com"})
	for _, m := range []messaging.Message{
		smsMsg,
		{Channel: messaging.ChannelEmail, To: "not an address", Body: "b"},
		{Channel: messaging.ChannelEmail, To: "", Body: "b"},
	} {
		if err := s.Send(context.Background(), m); !errors.Is(err, messaging.ErrDelivery) {
			t.Errorf("%+v: %v", m, err)
		}
	}
}

func TestNewSMTPValidation(t *testing.T) {
	valid := messaging.SMTPConfig{Host: "smtp.example.com", From: "noreply@example.com"}
	if _, err := messaging.NewSMTP(valid); err != nil {
		t.Fatalf("valid configuration refused: %v", err)
	}
	for name, mutate := range map[string]func(*messaging.SMTPConfig){
		"no host":             func(c *messaging.SMTPConfig) { c.Host = "" },
		"no from":             func(c *messaging.SMTPConfig) { c.From = "" },
		"bad from":            func(c *messaging.SMTPConfig) { c.From = "not an address" },
		"bad tls mode":        func(c *messaging.SMTPConfig) { c.TLS = "ssl" },
		"bad port":            func(c *messaging.SMTPConfig) { c.Port = 70000 },
		"password only":       func(c *messaging.SMTPConfig) { c.Password = "p" },
		"clear-text auth":     func(c *messaging.SMTPConfig) { c.TLS, c.Username, c.Password = messaging.TLSNone, "u", "p" },
		"negative timeout":    func(c *messaging.SMTPConfig) { c.Timeout = -time.Second },
		"hello with a space":  func(c *messaging.SMTPConfig) { c.HelloName = "a b" },
		"host with line feed": func(c *messaging.SMTPConfig) { c.Host = "a\nb" },
	} {
		cfg := valid
		mutate(&cfg)
		if _, err := messaging.NewSMTP(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
		problems := messaging.CheckSMTPConfig(cfg)
		var pe *messaging.SMTPConfigError
		if len(problems) != 1 || !errors.As(problems[0], &pe) || pe.Field == "" {
			t.Errorf("%s: CheckSMTPConfig = %v, want one *SMTPConfigError", name, problems)
		}
	}
	if problems := messaging.CheckSMTPConfig(valid); problems != nil {
		t.Errorf("CheckSMTPConfig(valid) = %v", problems)
	}
	// Clear-text authentication is fine to a local relay.
	local := messaging.SMTPConfig{Host: "localhost", Port: 1025, TLS: messaging.TLSNone, From: "a@b.c", Username: "u", Password: "p"}
	if _, err := messaging.NewSMTP(local); err != nil {
		t.Errorf("local relay refused: %v", err)
	}
}
