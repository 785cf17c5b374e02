package messaging

import (
	"context"
	"log/slog"
	"strings"
)

// SMSLog "delivers" SMS by writing them to a logger, for installations
// without an SMS gateway. With Redact (production) every digit of the body
// is masked, so codes never reach the logs, and the destination keeps only
// its last four characters. It refuses other channels, so that email
// bodies never reach the log.
type SMSLog struct {
	Logger *slog.Logger
	Redact bool
}

// Send logs m at level Info.
func (l *SMSLog) Send(ctx context.Context, m Message) error {
	if l == nil || l.Logger == nil {
		return deliveryErrorf("sms log", "no logger")
	}
	if m.Channel != ChannelSMS {
		return deliveryErrorf("sms log", "cannot send %s messages", m.Channel)
	}
	to, body := m.To, m.Body
	if l.Redact {
		to, body = MaskDestination(to), MaskDigits(body)
	}
	l.Logger.LogAttrs(ctx, slog.LevelInfo, "message sent",
		slog.String("channel", string(m.Channel)),
		slog.String("to", to),
		slog.String("kind", m.Kind),
		slog.String("poolId", m.PoolID),
		slog.String("username", m.Username),
		slog.String("body", body),
	)
	return nil
}

// MaskDigits replaces every ASCII digit of s with '*'.
func MaskDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '*'
		}
		return r
	}, s)
}

// MaskDestination masks a phone number or email address for logs: a phone
// number keeps its leading '+' and last four characters
// ("+*******4567"); an email address keeps the first character of the
// local part and the domain ("j***@example.com").
func MaskDestination(to string) string {
	if at := strings.LastIndexByte(to, '@'); at > 0 {
		return to[:1] + strings.Repeat("*", 3) + to[at:]
	}
	r := []rune(to)
	keep := 4
	if len(r) <= keep {
		return strings.Repeat("*", len(r))
	}
	for i := 0; i < len(r)-keep; i++ {
		if i == 0 && r[i] == '+' {
			continue
		}
		r[i] = '*'
	}
	return string(r)
}
