package sqlstore

import (
	"fmt"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

func TestScratchPlans(t *testing.T) {
	s := openStore(t, Config{DSN: sqliteBackend().newDSN(t)})
	for _, f := range []*store.UserFilter{
		nil,
		{Field: "email", Value: "a"},
		{Field: "family_name", Value: "Sm", Prefix: true},
		{Field: "username", Value: "a", Prefix: true},
		{Field: "sub", Value: "a", Prefix: true},
		{Field: "cognito:user_status", Value: "a", Prefix: true},
		{Field: "cognito:user_status", Value: "a"},
		{Field: "status", Value: "t", Prefix: true},
		{Field: "status", Value: "", Prefix: true},
		{Field: "status", Value: "true"},
	} {
		for _, after := range []string{"", "1:ab", "1:zb"} {
			l, err := buildUserListing(s.d, "p", f, after, 61)
			if err != nil {
				fmt.Println(err)
				continue
			}
			if l.none {
				fmt.Println("NONE", f)
				continue
			}
			rows, err := s.w.Query("EXPLAIN QUERY PLAN "+l.query, l.args...)
			if err != nil {
				t.Fatal(l.query, err)
			}
			fmt.Println(l.query)
			for rows.Next() {
				var id, parent, notused int
				var detail string
				rows.Scan(&id, &parent, &notused, &detail)
				fmt.Println("   ", detail)
			}
			rows.Close()
		}
	}
}
