package messaging

import (
	"context"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// Inbox is the message inbox (development, or production with an inbox
// token): it stores every message, email or SMS,
// through store.Messages, where InboxHandler and `gognito messages` read
// them.
type Inbox struct {
	Store store.Messages
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// NewInbox returns an Inbox over msgs.
func NewInbox(msgs store.Messages) *Inbox { return &Inbox{Store: msgs} }

// Send stores m.
func (in *Inbox) Send(ctx context.Context, m Message) error {
	if in == nil || in.Store == nil {
		return deliveryErrorf("inbox", "no store")
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	_, err := in.Store.AddMessage(ctx, store.Message{
		PoolID:      m.PoolID,
		Username:    m.Username,
		Channel:     string(m.Channel),
		Destination: m.To,
		Subject:     m.Subject,
		Body:        m.Body,
		Kind:        m.Kind,
		CreatedAt:   now().UTC(),
	})
	if err != nil {
		return deliveryError("inbox", err)
	}
	return nil
}
