package messaging

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// DefaultWebhookTimeout bounds one webhook call when Webhook.Timeout is 0.
const DefaultWebhookTimeout = 10 * time.Second

// Webhook delivers messages by POSTing them as JSON to URL; any answer
// other than 2xx is a delivery failure. The body is a WebhookPayload.
type Webhook struct {
	// URL is the http or https endpoint.
	URL string
	// Header is added to every request (e.g. Authorization).
	Header http.Header
	// Timeout bounds one call; 0 means DefaultWebhookTimeout.
	Timeout time.Duration
}

// WebhookPayload is the JSON a Webhook posts.
type WebhookPayload struct {
	Channel  Channel `json:"channel"`
	To       string  `json:"to"`
	Subject  string  `json:"subject"`
	Body     string  `json:"body"`
	PoolID   string  `json:"poolId"`
	Username string  `json:"username"`
	Kind     string  `json:"kind"`
}

// Send posts m.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return deliveryErrorf("webhook", "invalid URL %q", w.URL)
	}
	payload, err := json.Marshal(WebhookPayload{
		Channel: m.Channel, To: m.To, Subject: m.Subject, Body: m.Body,
		PoolID: m.PoolID, Username: m.Username, Kind: m.Kind,
	})
	if err != nil {
		return deliveryError("webhook", err)
	}
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = DefaultWebhookTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return deliveryError("webhook", err)
	}
	for k, vs := range w.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return deliveryError("webhook", err)
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return deliveryError("webhook", fmt.Errorf("%s answered %s", u.Redacted(), resp.Status))
	}
	return nil
}
