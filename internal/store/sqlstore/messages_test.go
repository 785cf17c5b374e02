package sqlstore

import (
	"fmt"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

func TestListMessagesWithoutLimitSQLite(t *testing.T) {
	ctx := t.Context()
	s := openStore(t, Config{DSN: sqliteBackend().newDSN(t)})
	for i := range 3 {
		if _, err := s.AddMessage(ctx, store.Message{PoolID: "p", Body: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, limit := range []int{0, -1} {
		ms, err := s.ListMessages(ctx, store.MessageFilter{}, limit)
		if err != nil || len(ms) != 3 || ms[0].Body != "2" {
			t.Errorf("ListMessages(limit %d) = %d messages, %v; want all 3, newest first", limit, len(ms), err)
		}
	}
}
