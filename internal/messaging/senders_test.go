package messaging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/messaging/messagingtest"
)

var smsMsg = messaging.Message{
	Channel: messaging.ChannelSMS, To: "+15555550123", Body: "Your verification code is 123456. ",
	PoolID: "us-east-1_P", Username: "jane", Kind: messaging.KindSignUp,
}

var emailMsg = messaging.Message{
	Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: "Your verification code",
	Body: "Your verification code is 654321. ", PoolID: "us-east-1_P", Username: "jane", Kind: messaging.KindSignUp,
}

func TestWebhook(t *testing.T) {
	var mu sync.Mutex
	var got []messaging.WebhookPayload
	var gotHeader http.Header
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p messaging.WebhookPayload
		raw, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(raw, &p) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var fields map[string]any
		_ = json.Unmarshal(raw, &fields)
		for _, k := range []string{"channel", "to", "subject", "body", "poolId", "username", "kind"} {
			if _, ok := fields[k]; !ok {
				w.WriteHeader(http.StatusUnprocessableEntity)
				return
			}
		}
		mu.Lock()
		got = append(got, p)
		gotHeader = r.Header.Clone()
		s := status
		mu.Unlock()
		w.WriteHeader(s)
	}))
	defer srv.Close()

	wh := &messaging.Webhook{URL: srv.URL + "/hook", Header: http.Header{"Authorization": {"Bearer hook-token"}}}
	if err := wh.Send(context.Background(), smsMsg); err != nil {
		t.Fatalf("2xx answer: %v", err)
	}
	mu.Lock()
	want := messaging.WebhookPayload{Channel: "SMS", To: smsMsg.To, Body: smsMsg.Body, PoolID: smsMsg.PoolID, Username: "jane", Kind: "SignUp"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("payload %+v, want %+v", got, want)
	}
	if gotHeader.Get("Authorization") != "Bearer hook-token" {
		t.Errorf("header not sent: %v", gotHeader)
	}
	status = http.StatusInternalServerError
	mu.Unlock()

	err := wh.Send(context.Background(), emailMsg)
	if !errors.Is(err, messaging.ErrDelivery) || !strings.Contains(err.Error(), "500") {
		t.Errorf("500 answer: %v", err)
	}
	mu.Lock()
	status = http.StatusMultipleChoices
	mu.Unlock()
	if err := wh.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("3xx answer: %v", err)
	}
}

func TestWebhookFailures(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	start := time.Now()
	err := (&messaging.Webhook{URL: slow.URL, Timeout: 100 * time.Millisecond}).Send(context.Background(), smsMsg)
	if !errors.Is(err, messaging.ErrDelivery) || time.Since(start) > 3*time.Second {
		t.Errorf("timeout: %v after %v", err, time.Since(start))
	}

	down := httptest.NewServer(http.NotFoundHandler())
	url := down.URL
	down.Close()
	if err := (&messaging.Webhook{URL: url}).Send(context.Background(), smsMsg); !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("server down: %v", err)
	}
	for _, bad := range []string{"", "ftp://x/y", "not a url", "http://"} {
		if err := (&messaging.Webhook{URL: bad}).Send(context.Background(), smsMsg); !errors.Is(err, messaging.ErrDelivery) {
			t.Errorf("URL %q: %v", bad, err)
		}
	}
}

func TestSMSLog(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	dev := &messaging.SMSLog{Logger: logger}
	if err := dev.Send(context.Background(), smsMsg); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "123456") || !strings.Contains(out, "+15555550123") || !strings.Contains(out, "kind=SignUp") {
		t.Errorf("development log lacks the message: %s", out)
	}

	buf.Reset()
	prod := &messaging.SMSLog{Logger: logger, Redact: true}
	if err := prod.Send(context.Background(), smsMsg); err != nil {
		t.Fatal(err)
	}
	out = buf.String()
	if strings.Contains(out, "123456") || strings.Contains(out, "5555550123") {
		t.Errorf("redacted log leaks the code or the number: %s", out)
	}
	if !strings.Contains(out, "Your verification code is ******.") || !strings.Contains(out, "+*******0123") {
		t.Errorf("redacted log: %s", out)
	}

	// Email is refused, so its body never reaches the log, even unredacted.
	buf.Reset()
	if err := dev.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("email: %v, want ErrDelivery", err)
	}
	if strings.Contains(buf.String(), "654321") {
		t.Errorf("email logged: %s", buf.String())
	}
	if err := (&messaging.SMSLog{}).Send(context.Background(), smsMsg); !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("no logger: %v", err)
	}
}

func TestMaskDestination(t *testing.T) {
	for in, want := range map[string]string{
		"+15555550123":     "+*******0123",
		"5550123":          "***0123",
		"123":              "***",
		"jane@example.com": "j***@example.com",
		"":                 "",
	} {
		if got := messaging.MaskDestination(in); got != want {
			t.Errorf("MaskDestination(%q) = %q, want %q", in, got, want)
		}
	}
}

// recorder is a Sender that records messages and fails on demand.
type recorder struct {
	mu   sync.Mutex
	msgs []messaging.Message
	err  error
}

func (r *recorder) Send(ctx context.Context, m messaging.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return r.err
}

func TestRouter(t *testing.T) {
	email1, email2, sms := &recorder{}, &recorder{}, &recorder{}
	r := &messaging.Router{Email: []messaging.Sender{email1, email2}, SMS: []messaging.Sender{sms}}
	if err := r.Send(context.Background(), emailMsg); err != nil {
		t.Fatal(err)
	}
	if err := r.Send(context.Background(), smsMsg); err != nil {
		t.Fatal(err)
	}
	if len(email1.msgs) != 1 || len(email2.msgs) != 1 || len(sms.msgs) != 1 || sms.msgs[0].Channel != messaging.ChannelSMS {
		t.Fatalf("routing: email1 %d, email2 %d, sms %d", len(email1.msgs), len(email2.msgs), len(sms.msgs))
	}

	// A failing sender fails the message, but the others are still tried;
	// a plain error is wrapped in ErrDelivery.
	cause := errors.New("relay refused")
	email1.err = cause
	err := r.Send(context.Background(), emailMsg)
	if !errors.Is(err, messaging.ErrDelivery) || !errors.Is(err, cause) || len(email2.msgs) != 2 {
		t.Errorf("failing sender: %v; second sender got %d", err, len(email2.msgs))
	}
	if err := (&messaging.Router{}).Send(context.Background(), smsMsg); !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("no sender: %v", err)
	}
	if err := r.Send(context.Background(), messaging.Message{Channel: "FAX"}); !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("unknown channel: %v", err)
	}
}

func TestNewRouterDevelopment(t *testing.T) {
	st := &messagingtest.Messages{}
	smtp := &recorder{}
	var logs bytes.Buffer
	r := messaging.NewRouter(messaging.RouterConfig{
		Development: true, Inbox: true, Messages: st, SMTP: smtp, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	for _, m := range []messaging.Message{emailMsg, smsMsg} {
		if err := r.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	all := st.All()
	if len(all) != 2 || all[0].Channel != "EMAIL" || all[1].Channel != "SMS" || all[1].Destination != smsMsg.To || all[0].Subject != emailMsg.Subject {
		t.Errorf("inbox holds %+v", all)
	}
	if len(smtp.msgs) != 1 || smtp.msgs[0].Channel != messaging.ChannelEmail {
		t.Errorf("SMTP got %+v", smtp.msgs)
	}
	if !strings.Contains(logs.String(), "123456") {
		t.Errorf("development SMS log is not in clear: %s", logs.String())
	}

	// Without SMTP, development still delivers email to the inbox.
	r = messaging.NewRouter(messaging.RouterConfig{Development: true, Inbox: true, Messages: st})
	if err := r.Send(context.Background(), emailMsg); err != nil || len(st.All()) != 3 {
		t.Errorf("inbox-only development: %v, %d messages", err, len(st.All()))
	}
}

func TestNewRouterProduction(t *testing.T) {
	st := &messagingtest.Messages{}
	smtp, hook := &recorder{}, &recorder{}
	var logs bytes.Buffer
	r := messaging.NewRouter(messaging.RouterConfig{
		Messages: st, SMTP: smtp, SMSWebhook: hook, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	for _, m := range []messaging.Message{emailMsg, smsMsg} {
		if err := r.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(st.All()); n != 0 {
		t.Errorf("production stored %d messages in the inbox", n)
	}
	if len(smtp.msgs) != 1 || len(hook.msgs) != 1 || hook.msgs[0].Channel != messaging.ChannelSMS {
		t.Errorf("smtp %d, webhook %d", len(smtp.msgs), len(hook.msgs))
	}
	if strings.Contains(logs.String(), "123456") || !strings.Contains(logs.String(), "******") {
		t.Errorf("production SMS log not redacted: %s", logs.String())
	}
	// Production without SMTP cannot deliver email.
	r = messaging.NewRouter(messaging.RouterConfig{Messages: st})
	if err := r.Send(context.Background(), emailMsg); !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("production without SMTP: %v", err)
	}
	// Production with the inbox enabled (inbox_token) keeps the messages
	// there, and the SMS log stays redacted.
	logs.Reset()
	r = messaging.NewRouter(messaging.RouterConfig{Inbox: true, Messages: st, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, m := range []messaging.Message{emailMsg, smsMsg} {
		if err := r.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(st.All()); n != 2 {
		t.Errorf("production with inbox stored %d messages, want 2", n)
	}
	if strings.Contains(logs.String(), "123456") {
		t.Errorf("production SMS log not redacted: %s", logs.String())
	}
}
