package gognitotest

import (
	"context"
	"time"

	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
)

// Message is one email or SMS the server delivered to its development
// inbox (verification codes, invitations, password-reset codes).
type Message struct {
	ID          int64
	PoolID      string
	Username    string
	Channel     string // EMAIL or SMS
	Destination string
	Subject     string
	Body        string
	Kind        string // SignUp, ResendCode, ForgotPassword, AdminCreateUser …
	// Code is the first six-digit code in Body, for convenience.
	Code      string
	CreatedAt time.Time
}

// Messages returns the inbox messages sent to destination (an email
// address or phone number; "" for all), newest first.
func (s *Server) Messages(ctx context.Context, destination string) ([]Message, error) {
	return s.messages(ctx, destination, 1000)
}

// LatestMessage returns the newest inbox message sent to destination, or
// false if there is none.
func (s *Server) LatestMessage(ctx context.Context, destination string) (Message, bool, error) {
	list, err := s.messages(ctx, destination, 1)
	if err != nil || len(list) == 0 {
		return Message{}, false, err
	}
	return list[0], true, nil
}

// messages returns at most limit inbox messages sent to destination,
// newest first.
func (s *Server) messages(ctx context.Context, destination string, limit int) ([]Message, error) {
	list, err := s.app.Store().ListMessages(ctx, store.MessageFilter{Destination: destination}, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Message, len(list))
	for i, m := range list {
		out[i] = Message{
			ID: m.ID, PoolID: m.PoolID, Username: m.Username, Channel: m.Channel, Destination: m.Destination,
			Subject: m.Subject, Body: m.Body, Kind: m.Kind, Code: messaging.ExtractCode(m.Body), CreatedAt: m.CreatedAt,
		}
	}
	return out, nil
}
