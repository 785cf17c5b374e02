// Package messagingtest provides an in-memory store.Messages for tests of
// code that sends or reads messages.
package messagingtest

import (
	"context"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// Messages is an in-memory store.Messages, safe for concurrent use. The
// zero value is ready to use.
type Messages struct {
	mu   sync.Mutex
	next int64
	msgs []store.Message // oldest first
	// Err, when set before use, is returned by every method (to test
	// failures).
	Err error
}

var _ store.Messages = (*Messages)(nil)

// AddMessage stores m with the next ID; a zero CreatedAt becomes now.
func (s *Messages) AddMessage(ctx context.Context, m store.Message) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return 0, s.Err
	}
	s.next++
	m.ID = s.next
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	s.msgs = append(s.msgs, m)
	return m.ID, nil
}

// ListMessages returns matching messages, newest first, at most limit
// (limit <= 0 means all).
func (s *Messages) ListMessages(ctx context.Context, f store.MessageFilter, limit int) ([]store.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return nil, s.Err
	}
	var out []store.Message
	for i := len(s.msgs) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if matches(s.msgs[i], f) {
			out = append(out, s.msgs[i])
		}
	}
	return out, nil
}

// DeleteMessages deletes matching messages.
func (s *Messages) DeleteMessages(ctx context.Context, f store.MessageFilter) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return 0, s.Err
	}
	kept := s.msgs[:0]
	n := 0
	for _, m := range s.msgs {
		if matches(m, f) {
			n++
			continue
		}
		kept = append(kept, m)
	}
	s.msgs = kept
	return n, nil
}

// All returns every stored message, oldest first.
func (s *Messages) All() []store.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]store.Message(nil), s.msgs...)
}

func matches(m store.Message, f store.MessageFilter) bool {
	return (f.PoolID == "" || m.PoolID == f.PoolID) &&
		(f.Username == "" || m.Username == f.Username) &&
		(f.Destination == "" || m.Destination == f.Destination)
}
