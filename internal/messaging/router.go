package messaging

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gognito/gognito/internal/store"
)

// Router sends EMAIL messages to every Email sender and SMS messages to
// every SMS sender. A message counts as delivered only when every sender
// of its channel succeeded: all are tried, and the failures are returned
// joined (each wraps ErrDelivery). A channel without senders fails.
type Router struct {
	Email []Sender
	SMS   []Sender
}

// Send routes m by its channel.
func (r *Router) Send(ctx context.Context, m Message) error {
	var senders []Sender
	switch m.Channel {
	case ChannelEmail:
		senders = r.Email
	case ChannelSMS:
		senders = r.SMS
	default:
		return deliveryErrorf("router", "unknown channel %q", m.Channel)
	}
	if len(senders) == 0 {
		return deliveryErrorf("router", "no sender configured for %s", m.Channel)
	}
	var errs []error
	for _, s := range senders {
		if err := s.Send(ctx, m); err != nil {
			if !errors.Is(err, ErrDelivery) {
				err = deliveryError("router", err)
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RouterConfig describes the senders available to NewRouter.
type RouterConfig struct {
	// Development selects the development routing: SMS are logged in
	// clear instead of redacted.
	Development bool
	// Inbox keeps every message (both channels) in Messages, where the
	// inbox handler serves them. The caller decides when the inbox is
	// enabled (development, or production with an inbox token).
	Inbox bool
	// Messages backs the inbox; ignored unless Inbox is set.
	Messages store.Messages
	// SMTP sends email when configured (nil otherwise).
	SMTP Sender
	// EmailWebhook and SMSWebhook, when set, also receive the messages of
	// their channel.
	EmailWebhook Sender
	SMSWebhook   Sender
	// Logger receives SMS through an SMSLog (unredacted in development,
	// redacted in production); nil means no SMS log.
	Logger *slog.Logger
}

// NewRouter builds the standard routing.
//
// EMAIL → inbox when Inbox is set (+ SMTP, + email webhook); SMS → inbox
// when Inbox is set (+ SMS log, in clear in development and redacted in
// production, + SMS webhook). A channel left without senders makes its
// messages fail with ErrDelivery, as Cognito fails without a working email
// configuration.
func NewRouter(cfg RouterConfig) *Router {
	r := &Router{}
	if cfg.Inbox && cfg.Messages != nil {
		in := NewInbox(cfg.Messages)
		r.Email = append(r.Email, in)
		r.SMS = append(r.SMS, in)
	}
	if cfg.SMTP != nil {
		r.Email = append(r.Email, cfg.SMTP)
	}
	if cfg.EmailWebhook != nil {
		r.Email = append(r.Email, cfg.EmailWebhook)
	}
	if cfg.Logger != nil {
		r.SMS = append(r.SMS, &SMSLog{Logger: cfg.Logger, Redact: !cfg.Development})
	}
	if cfg.SMSWebhook != nil {
		r.SMS = append(r.SMS, cfg.SMSWebhook)
	}
	return r
}
