package messaging

import (
	"context"
	"errors"
	"fmt"
)

// Channel is how a message travels.
type Channel string

// Channels.
const (
	ChannelEmail Channel = "EMAIL"
	ChannelSMS   Channel = "SMS"
)

// ErrDelivery is wrapped by every error of a failed delivery; callers map
// it to Cognito's CodeDeliveryFailureException.
var ErrDelivery = errors.New("messaging: delivery failed")

// Message is one email or SMS to deliver.
type Message struct {
	Channel Channel
	// To is an email address (EMAIL) or an E.164 phone number (SMS).
	To string
	// Subject is the email subject; empty for SMS.
	Subject string
	// Body is the rendered text.
	Body string
	// HTML marks Body as HTML (e.g. a rendered CONFIRM_WITH_LINK
	// template); the SMTP sender then sends text/html instead of
	// text/plain.
	HTML bool

	// Metadata: the pool and user the message is about, and why it was
	// sent (one of the Kind constants).
	PoolID   string
	Username string
	Kind     string
}

// Sender delivers messages. An error of Send wraps ErrDelivery.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// deliveryError wraps err so that it matches both ErrDelivery and err.
func deliveryError(sender string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrDelivery, sender, err)
}

// deliveryErrorf is deliveryError for a new error.
func deliveryErrorf(sender, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrDelivery, sender, fmt.Sprintf(format, args...))
}
