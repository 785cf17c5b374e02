package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/messaging/messagingtest"
)

// inboxTestServer runs the inbox handler over an in-memory store, mounted
// as the server mounts it, with three messages: a sign-up email, an SMS
// and a password-reset email (newest).
func inboxTestServer(t *testing.T, wrap func(http.Handler) http.Handler) (*httptest.Server, *messagingtest.Messages) {
	t.Helper()
	st := &messagingtest.Messages{}
	in := messaging.NewInbox(st)
	clock := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	in.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	for _, m := range []messaging.Message{
		{Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: messaging.DefaultEmailSubject,
			Body: messaging.Render(messaging.DefaultEmailMessage, messaging.Vars{Code: "123456"}), PoolID: "us-east-1_A", Username: "jane", Kind: messaging.KindSignUp},
		{Channel: messaging.ChannelSMS, To: "+15555550100", Body: messaging.Render(messaging.DefaultSMSMessage, messaging.Vars{Code: "777777"}),
			PoolID: "us-east-1_A", Username: "bob", Kind: messaging.KindSignUp},
		{Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: messaging.DefaultForgotPasswordSubject,
			Body: messaging.Render(messaging.DefaultForgotPasswordMessage, messaging.Vars{Code: "654321"}) + "\n\x1b[31mno escapes\x1b[0m", PoolID: "us-east-1_B", Username: "jane", Kind: messaging.KindForgotPassword},
	} {
		if err := in.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	var h http.Handler = messaging.InboxHandler(st)
	if wrap != nil {
		h = wrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle(messaging.InboxPath, h)
	mux.Handle(messaging.InboxPath+"/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, st
}

// runMessages runs the command with GOGNITO_ENDPOINT pointing at endpoint
// (and any extra environment).
func runMessages(t *testing.T, endpoint string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if k == envMessagesEndpoint && endpoint != "" {
			return endpoint
		}
		return env[k]
	}
	code := messagesCmd(context.Background(), args, &stdout, &stderr, getenv)
	return code, stdout.String(), stderr.String()
}

func TestMessagesList(t *testing.T) {
	srv, _ := inboxTestServer(t, nil)
	code, out, errOut := runMessages(t, srv.URL, nil, "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines, got:\n%s", out)
	}
	want := [][]string{
		{"3", "2026-05-04T10:03:00Z", "EMAIL", "jane@example.com", "ForgotPassword", "654321", "Your", "verification", "code"},
		{"2", "2026-05-04T10:02:00Z", "SMS", "+15555550100", "SignUp", "777777", "Your", "verification", "code", "is", "777777."},
		{"1", "2026-05-04T10:01:00Z", "EMAIL", "jane@example.com", "SignUp", "123456", "Your", "verification", "code"},
	}
	for i, line := range lines {
		if got := strings.Fields(line); strings.Join(got, " ") != strings.Join(want[i], " ") {
			t.Errorf("line %d: %q, want fields %q", i, line, want[i])
		}
	}
	// Columns are aligned.
	if strings.Index(lines[0], "EMAIL") != strings.Index(lines[1], "SMS") {
		t.Errorf("columns not aligned:\n%s", out)
	}

	// Default command, flags before or after it, filters and limit.
	for _, args := range [][]string{
		{"--username", "jane", "--limit", "1"},
		{"list", "--username=jane", "-limit=1"},
		{"--username", "jane", "list", "--limit", "1"},
		{"--to", "jane@example.com", "--pool", "us-east-1_B"},
	} {
		code, out, errOut := runMessages(t, srv.URL, nil, args...)
		if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "3 ") {
			t.Errorf("%q: exit %d, output %q %s", args, code, out, errOut)
		}
	}
	if code, out, _ := runMessages(t, srv.URL, nil, "--pool", "none"); code != 0 || out != "" {
		t.Errorf("no match: exit %d, output %q", code, out)
	}
}

func TestMessagesListJSON(t *testing.T) {
	srv, _ := inboxTestServer(t, nil)
	code, out, errOut := runMessages(t, srv.URL, nil, "list", "--json", "--to", "+15555550100")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var list messaging.InboxList
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(list.Messages) != 1 || list.Messages[0].Code != "777777" || list.Messages[0].Channel != "SMS" || list.Messages[0].Username != "bob" {
		t.Errorf("JSON list %+v", list)
	}
}

func TestMessagesLatest(t *testing.T) {
	srv, _ := inboxTestServer(t, nil)
	code, out, errOut := runMessages(t, srv.URL, nil, "latest")
	if code != 0 || out != "Your password reset code is 654321\n?[31mno escapes?[0m\n" {
		t.Errorf("latest: exit %d, output %q %s", code, out, errOut)
	}
	code, out, _ = runMessages(t, srv.URL, nil, "latest", "--to", "jane@example.com", "--pool", "us-east-1_A", "--code")
	if code != 0 || out != "123456\n" {
		t.Errorf("latest --code: exit %d, output %q", code, out)
	}
	code, out, _ = runMessages(t, srv.URL, nil, "latest", "--username", "bob")
	if code != 0 || out != "Your verification code is 777777. \n" {
		t.Errorf("latest SMS: exit %d, output %q", code, out)
	}
	code, out, _ = runMessages(t, srv.URL, nil, "latest", "--json", "--username", "bob")
	var m messaging.InboxMessage
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.ID != 2 || m.Destination != "+15555550100" {
		t.Errorf("latest --json: exit %d, output %q", code, out)
	}
	code, out, errOut = runMessages(t, srv.URL, nil, "latest", "--username", "nobody")
	if code != 1 || out != "" || !strings.Contains(errOut, messaging.InboxNoMatch) {
		t.Errorf("no match: exit %d, output %q, stderr %q", code, out, errOut)
	}
}

func TestMessagesLatestCodeMissing(t *testing.T) {
	st := &messagingtest.Messages{}
	_ = messaging.NewInbox(st).Send(context.Background(), messaging.Message{Channel: messaging.ChannelEmail, To: "a@example.com",
		Body: messaging.Render(messaging.DefaultInviteEmailMessage, messaging.Vars{Code: "Tmp-pass!", Username: "a"})})
	srv := httptest.NewServer(messaging.InboxHandler(st))
	defer srv.Close()
	code, out, errOut := runMessages(t, srv.URL, nil, "latest", "--code")
	if code != 1 || out != "" || !strings.Contains(errOut, "no 6-digit code") {
		t.Errorf("exit %d, output %q, stderr %q", code, out, errOut)
	}
}

func TestMessagesClear(t *testing.T) {
	srv, st := inboxTestServer(t, nil)
	code, out, errOut := runMessages(t, srv.URL, nil, "clear", "--username", "jane")
	if code != 0 || out != "deleted 2 messages\n" {
		t.Fatalf("clear: exit %d, output %q %s", code, out, errOut)
	}
	if all := st.All(); len(all) != 1 || all[0].Username != "bob" {
		t.Fatalf("left %+v", all)
	}
	if code, out, _ = runMessages(t, srv.URL, nil, "clear"); code != 0 || out != "deleted 1 message\n" {
		t.Errorf("clear all: exit %d, output %q", code, out)
	}
	if code, out, _ = runMessages(t, srv.URL, nil, "clear", "--json"); code != 0 || strings.TrimSpace(out) != "{\n  \"deleted\": 0\n}" {
		t.Errorf("clear --json: exit %d, output %q", code, out)
	}
}

func TestMessagesEndpointSelection(t *testing.T) {
	srv, _ := inboxTestServer(t, nil)
	// The flag wins over the environment.
	code, out, errOut := runMessages(t, "http://127.0.0.1:1", nil, "list", "--endpoint", srv.URL+"/")
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("--endpoint: exit %d, output %q %s", code, out, errOut)
	}
	// An unreachable server is an error, not a usage error.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()
	code, _, errOut = runMessages(t, down, nil, "list")
	if code != 1 || !strings.Contains(errOut, "cannot reach") {
		t.Errorf("server down: exit %d, stderr %q", code, errOut)
	}
	// A server without the inbox.
	bare := httptest.NewServer(http.NotFoundHandler())
	defer bare.Close()
	code, _, errOut = runMessages(t, bare.URL, nil, "latest")
	if code != 1 || !strings.Contains(errOut, "no message inbox") {
		t.Errorf("no inbox: exit %d, stderr %q", code, errOut)
	}
}

func TestMessagesBearerToken(t *testing.T) {
	srv, _ := inboxTestServer(t, func(h http.Handler) http.Handler { return messaging.RequireBearer("tok-123", h) })
	code, _, errOut := runMessages(t, srv.URL, nil, "list")
	if code != 1 || !strings.Contains(errOut, "bearer token") {
		t.Errorf("no token: exit %d, stderr %q", code, errOut)
	}
	if code, out, errOut := runMessages(t, srv.URL, nil, "list", "--token", "tok-123"); code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("--token: exit %d, output %q %s", code, out, errOut)
	}
	if code, out, errOut := runMessages(t, srv.URL, map[string]string{envMessagesToken: "tok-123"}, "latest", "--code"); code != 0 || out != "654321\n" {
		t.Errorf("token from environment: exit %d, output %q %s", code, out, errOut)
	}
}

func TestMessagesUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "Usage: gognito messages"},
		{[]string{"list", "--help"}, 0, "Usage: gognito messages"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"list", "extra"}, 2, "unexpected argument"},
		{[]string{"list", "--code"}, 2, "--code applies to latest only"},
		{[]string{"--limit", "0"}, 2, "--limit"},
		{[]string{"--endpoint", "localhost:9229"}, 2, "invalid endpoint"},
		{[]string{"--endpoint", "ftp://x"}, 2, "invalid endpoint"},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
	} {
		code, _, errOut := runMessages(t, "", nil, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	code, out, _ := runMessages(t, "", nil, "help")
	if code != 0 || !strings.Contains(out, "latest") || !strings.Contains(out, "-endpoint") {
		t.Errorf("help: exit %d, output %q", code, out)
	}
}
