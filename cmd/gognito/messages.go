package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/gognito/gognito/internal/messaging"
)

// Environment variables read by `gognito messages`.
const (
	envMessagesEndpoint = "GOGNITO_ENDPOINT"
	envMessagesToken    = "GOGNITO_INBOX_TOKEN"
)

const (
	defaultMessagesEndpoint = "http://127.0.0.1:9229"
	messagesHTTPTimeout     = 15 * time.Second
)

const messagesUsage = `Usage: gognito messages [list|latest|clear] [flags]

Reads the inbox of a running Gognito server: the emails and SMS it sent
(verification codes, temporary passwords, reset codes). The inbox exists in
development mode, and in production mode when inbox_token is set; when
inbox_token is set, pass it with --token or $GOGNITO_INBOX_TOKEN.

Commands:
  list     list messages, newest first (default); one line per message:
           ID  TIME  CHANNEL  TO  KIND  CODE  SUBJECT (an SMS shows its text)
  latest   print the body of the newest matching message (--code: just its code)
  clear    delete the matching messages (all of them without filters)

Flags:
`

// messagesCmd runs `gognito messages` and returns the exit code: 0 on
// success, 1 when the server cannot answer as asked, 2 for a usage error.
func messagesCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("gognito messages", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), messagesUsage)
		fs.PrintDefaults()
	}
	endpoint := fs.String("endpoint", "", "server endpoint (default $"+envMessagesEndpoint+", else "+defaultMessagesEndpoint+")")
	pool := fs.String("pool", "", "only messages of this user pool ID")
	username := fs.String("username", "", "only messages about this username")
	to := fs.String("to", "", "only messages sent to this email address or phone number")
	limit := fs.Int("limit", messaging.DefaultInboxLimit, "list: at most this many messages (max "+strconv.Itoa(messaging.MaxInboxLimit)+")")
	asJSON := fs.Bool("json", false, "print the server's JSON")
	codeOnly := fs.Bool("code", false, "latest: print only the message's 6-digit code")
	token := fs.String("token", "", "bearer token of a protected inbox (default $"+envMessagesToken+")")

	// The command may come first or after the flags.
	command := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		command, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if command == "" && fs.NArg() > 0 {
		command = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
	}
	if fs.NArg() > 0 {
		return messagesUsageError(stderr, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	switch command {
	case "":
		command = "list"
	case "list", "latest", "clear":
	case "help":
		fs.SetOutput(stdout)
		fs.Usage()
		return 0
	default:
		return messagesUsageError(stderr, fmt.Errorf("unknown command %q (list, latest or clear)", command))
	}
	if *codeOnly && command != "latest" {
		return messagesUsageError(stderr, errors.New("--code applies to latest only"))
	}
	if *limit < 1 {
		return messagesUsageError(stderr, fmt.Errorf("--limit must be positive, not %d", *limit))
	}

	base := *endpoint
	if base == "" {
		base = getenv(envMessagesEndpoint)
	}
	if base == "" {
		base = defaultMessagesEndpoint
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return messagesUsageError(stderr, fmt.Errorf("invalid endpoint %q: want http(s)://host:port", base))
	}
	bearer := *token
	if bearer == "" {
		bearer = getenv(envMessagesToken)
	}

	q := url.Values{}
	for name, v := range map[string]string{
		messaging.QueryPoolID: *pool, messaging.QueryUsername: *username, messaging.QueryDestination: *to,
	} {
		if v != "" {
			q.Set(name, v)
		}
	}
	c := &inboxClient{base: u, token: bearer, http: &http.Client{Timeout: messagesHTTPTimeout}}
	switch command {
	case "list":
		q.Set(messaging.QueryLimit, strconv.Itoa(*limit))
		return c.list(ctx, q, *asJSON, stdout, stderr)
	case "latest":
		return c.latest(ctx, q, *asJSON, *codeOnly, stdout, stderr)
	default:
		return c.clear(ctx, q, *asJSON, stdout, stderr)
	}
}

func messagesUsageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "gognito messages: %v\nRun 'gognito messages -h' for usage.\n", err)
	return 2
}

// inboxClient talks to the inbox endpoints of a running server.
type inboxClient struct {
	base  *url.URL
	token string
	http  *http.Client
}

// errMessagesNoMatch is a 404 of the latest endpoint.
var errMessagesNoMatch = errors.New(messaging.InboxNoMatch)

// call sends one request and returns the body of a 2xx answer.
func (c *inboxClient) call(ctx context.Context, method, path string, q url.Values) ([]byte, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the server at %s (is `gognito serve` running?): %w", c.base.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return body, nil
	}
	var e messaging.InboxError
	_ = json.Unmarshal(body, &e)
	switch {
	case resp.StatusCode == http.StatusNotFound && e.Error == messaging.InboxNoMatch:
		return nil, errMessagesNoMatch
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("the server at %s has no message inbox (it is served in development mode, and in production mode when inbox_token is set)", c.base.Redacted())
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, fmt.Errorf("the inbox requires a bearer token (--token or $%s)", envMessagesToken)
	case e.Error != "":
		return nil, fmt.Errorf("the server answered %s: %s", resp.Status, e.Error)
	}
	return nil, fmt.Errorf("the server answered %s", resp.Status)
}

func (c *inboxClient) list(ctx context.Context, q url.Values, asJSON bool, stdout, stderr io.Writer) int {
	body, err := c.call(ctx, http.MethodGet, messaging.InboxPath, q)
	if err != nil {
		return messagesFail(stderr, err)
	}
	if asJSON {
		return messagesPrintJSON(stdout, stderr, body)
	}
	var list messaging.InboxList
	if err := json.Unmarshal(body, &list); err != nil {
		return messagesFail(stderr, fmt.Errorf("unexpected answer: %w", err))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, m := range list.Messages {
		summary := m.Subject
		if summary == "" {
			summary, _, _ = strings.Cut(strings.TrimSpace(m.Body), "\n")
			if r := []rune(summary); len(r) > 60 {
				summary = string(r[:57]) + "..."
			}
		}
		fields := []string{strconv.FormatInt(m.ID, 10), m.CreatedAt, m.Channel, m.Destination, m.Kind, m.Code, summary}
		for i, f := range fields {
			fields[i] = messagesOrDash(messagesOneLine(f))
		}
		fmt.Fprintln(tw, strings.Join(fields, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return messagesFail(stderr, err)
	}
	return 0
}

func (c *inboxClient) latest(ctx context.Context, q url.Values, asJSON, codeOnly bool, stdout, stderr io.Writer) int {
	body, err := c.call(ctx, http.MethodGet, messaging.InboxPath+"/latest", q)
	if err != nil {
		return messagesFail(stderr, err)
	}
	if asJSON && !codeOnly {
		return messagesPrintJSON(stdout, stderr, body)
	}
	var m messaging.InboxMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return messagesFail(stderr, fmt.Errorf("unexpected answer: %w", err))
	}
	if codeOnly {
		if m.Code == "" {
			return messagesFail(stderr, fmt.Errorf("message %d has no 6-digit code", m.ID))
		}
		fmt.Fprintln(stdout, m.Code)
		return 0
	}
	text := messagesPrintable(m.Body)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	fmt.Fprint(stdout, text)
	return 0
}

func (c *inboxClient) clear(ctx context.Context, q url.Values, asJSON bool, stdout, stderr io.Writer) int {
	body, err := c.call(ctx, http.MethodDelete, messaging.InboxPath, q)
	if err != nil {
		return messagesFail(stderr, err)
	}
	if asJSON {
		return messagesPrintJSON(stdout, stderr, body)
	}
	var d messaging.InboxDeleted
	if err := json.Unmarshal(body, &d); err != nil {
		return messagesFail(stderr, fmt.Errorf("unexpected answer: %w", err))
	}
	noun := "messages"
	if d.Deleted == 1 {
		noun = "message"
	}
	fmt.Fprintf(stdout, "deleted %d %s\n", d.Deleted, noun)
	return 0
}

func messagesFail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "gognito messages:", err)
	return 1
}

func messagesPrintJSON(stdout, stderr io.Writer, body []byte) int {
	var b bytes.Buffer
	if err := json.Indent(&b, bytes.TrimSpace(body), "", "  "); err != nil {
		return messagesFail(stderr, fmt.Errorf("unexpected answer: %w", err))
	}
	b.WriteByte('\n')
	_, _ = stdout.Write(b.Bytes())
	return 0
}

func messagesOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// messagesOneLine makes a field safe for a one-line, tab-separated listing.
func messagesOneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// messagesPrintable drops control characters other than newlines and tabs, so a
// message cannot send escape sequences to the terminal.
func messagesPrintable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		if r == '\r' {
			return -1
		}
		return '?'
	}, s)
}
