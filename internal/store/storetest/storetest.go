package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// Run runs the conformance suite against the backend open makes. open must
// return a new, empty store for every call; Run closes it when the subtest
// that asked for it ends (so cleanups open registers itself, such as
// removing files or schemas, run after that Close).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	tests := []subtest{
		{"PoolCreateGet", testPoolCreateGet},
		{"PoolCreateConflict", testPoolCreateConflict},
		{"PoolGetMissing", testPoolGetMissing},
		{"PoolUpdate", testPoolUpdate},
		{"PoolUpdateMissing", testPoolUpdateMissing},
		{"PoolUpdateFnErrorAborts", testPoolUpdateFnErrorAborts},
		{"PoolUpdateKeepsIdentity", testPoolUpdateKeepsIdentity},
		{"PoolDelete", testPoolDelete},
		{"PoolListPagination", testPoolListPagination},
		{"PoolListEdgeCases", testPoolListEdgeCases},
		{"PoolCount", testPoolCount},
		{"ClientCreateGet", testClientCreateGet},
		{"ClientCreateMissingPool", testClientCreateMissingPool},
		{"ClientCreateConflict", testClientCreateConflict},
		{"ClientGetWrongPool", testClientGetWrongPool},
		{"ClientUpdate", testClientUpdate},
		{"ClientUpdateMissing", testClientUpdateMissing},
		{"ClientUpdateFnErrorAborts", testClientUpdateFnErrorAborts},
		{"ClientUpdateKeepsIdentity", testClientUpdateKeepsIdentity},
		{"ClientDelete", testClientDelete},
		{"ClientListPagination", testClientListPagination},
		{"ClientListEdgeCases", testClientListEdgeCases},
		{"ClientCount", testClientCount},
		{"DeletePoolCascades", testDeletePoolCascades},
		{"TimeRoundTrip", testTimeRoundTrip},
		{"SettingsRoundTrip", testSettingsRoundTrip},
		{"NoAliasing", testNoAliasing},
		{"ConcurrentPoolUpdates", testConcurrentPoolUpdates},
		{"ConcurrentClientUpdates", testConcurrentClientUpdates},
		{"ConcurrentCreateSameClientID", testConcurrentCreateSameClientID},
		{"ConcurrentCreateSamePoolID", testConcurrentCreateSamePoolID},
		{"ContextCanceled", testContextCanceled},
		{"ContextCanceledDuringUpdate", testContextCanceledDuringUpdate},
		{"Ping", testPing},
		{"Closed", testClosed},
	}
	tests = append(tests, userTests...)
	tests = append(tests, authTests...)
	tests = append(tests, deviceTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// subtest is one test of the suite, run on a fresh store.
type subtest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// at returns a millisecond-precise UTC instant ms milliseconds after the
// one the fixtures start from.
func at(ms int) time.Time {
	return time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC).Add(time.Duration(ms) * time.Millisecond)
}

func pool(id string) store.UserPool {
	return store.UserPool{
		ID:        id,
		Name:      "pool " + id,
		CreatedAt: at(0),
		UpdatedAt: at(1),
		Settings:  []byte(`{"pool":"` + id + `"}`),
	}
}

func client(poolID, id string) store.Client {
	return store.Client{
		PoolID:    poolID,
		ID:        id,
		Name:      "client " + id,
		Secret:    "secret-" + id,
		CreatedAt: at(10),
		UpdatedAt: at(11),
		Settings:  []byte(`{"client":"` + id + `"}`),
	}
}

func createPool(t *testing.T, s store.Store, p store.UserPool) store.UserPool {
	t.Helper()
	if err := s.CreateUserPool(t.Context(), p); err != nil {
		t.Fatalf("CreateUserPool(%q): %v", p.ID, err)
	}
	return p
}

func createClient(t *testing.T, s store.Store, c store.Client) store.Client {
	t.Helper()
	if err := s.CreateClient(t.Context(), c); err != nil {
		t.Fatalf("CreateClient(%q, %q): %v", c.PoolID, c.ID, err)
	}
	return c
}

func mustGetPool(t *testing.T, s store.Store, id string) store.UserPool {
	t.Helper()
	p, err := s.GetUserPool(t.Context(), id)
	if err != nil {
		t.Fatalf("GetUserPool(%q): %v", id, err)
	}
	return p
}

func mustGetClient(t *testing.T, s store.Store, poolID, id string) store.Client {
	t.Helper()
	c, err := s.GetClient(t.Context(), poolID, id)
	if err != nil {
		t.Fatalf("GetClient(%q, %q): %v", poolID, id, err)
	}
	return c
}

func samePool(t *testing.T, what string, got, want store.UserPool) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) ||
		!bytes.Equal(got.Settings, want.Settings) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func sameClient(t *testing.T, what string, got, want store.Client) {
	t.Helper()
	if got.PoolID != want.PoolID || got.ID != want.ID || got.Name != want.Name || got.Secret != want.Secret ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) ||
		!bytes.Equal(got.Settings, want.Settings) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

func wantCount(t *testing.T, what string, got int, err error, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

// ---- user pools ------------------------------------------------------------

func testPoolCreateGet(t *testing.T, s store.Store) {
	want := createPool(t, s, pool("us-east-1_abc"))
	createPool(t, s, pool("us-east-1_def"))
	samePool(t, "GetUserPool", mustGetPool(t, s, want.ID), want)
}

func testPoolCreateConflict(t *testing.T, s store.Store) {
	orig := createPool(t, s, pool("us-east-1_dup"))
	again := pool("us-east-1_dup")
	again.Name = "impostor"
	again.Settings = []byte(`{}`)
	wantErr(t, "second CreateUserPool", s.CreateUserPool(t.Context(), again), store.ErrConflict)
	samePool(t, "pool after conflicting create", mustGetPool(t, s, orig.ID), orig)
	n, err := s.CountUserPools(t.Context())
	wantCount(t, "CountUserPools", n, err, 1)
}

func testPoolGetMissing(t *testing.T, s store.Store) {
	_, err := s.GetUserPool(t.Context(), "us-east-1_none")
	wantErr(t, "GetUserPool(missing)", err, store.ErrNotFound)
	createPool(t, s, pool("us-east-1_abc"))
	_, err = s.GetUserPool(t.Context(), "us-east-1_ABC")
	wantErr(t, "GetUserPool(other case)", err, store.ErrNotFound)
}

func testPoolUpdate(t *testing.T, s store.Store) {
	orig := createPool(t, s, pool("us-east-1_upd"))
	other := createPool(t, s, pool("us-east-1_other"))
	got, err := s.UpdateUserPool(t.Context(), orig.ID, func(p *store.UserPool) error {
		samePool(t, "fn argument", *p, orig)
		p.Name = "renamed"
		p.UpdatedAt = at(5000)
		p.Settings = []byte(`{"v":2}`)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateUserPool: %v", err)
	}
	want := orig
	want.Name, want.UpdatedAt, want.Settings = "renamed", at(5000), []byte(`{"v":2}`)
	samePool(t, "UpdateUserPool result", got, want)
	samePool(t, "pool after update", mustGetPool(t, s, orig.ID), want)
	samePool(t, "untouched pool", mustGetPool(t, s, other.ID), other)
}

func testPoolUpdateMissing(t *testing.T, s store.Store) {
	called := false
	_, err := s.UpdateUserPool(t.Context(), "us-east-1_none", func(*store.UserPool) error {
		called = true
		return nil
	})
	wantErr(t, "UpdateUserPool(missing)", err, store.ErrNotFound)
	if called {
		t.Error("fn called for a missing pool")
	}
	if _, err := s.GetUserPool(t.Context(), "us-east-1_none"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of a missing pool created it: %v", err)
	}
}

func testPoolUpdateFnErrorAborts(t *testing.T, s store.Store) {
	orig := createPool(t, s, pool("us-east-1_abort"))
	boom := errors.New("boom")
	_, err := s.UpdateUserPool(t.Context(), orig.ID, func(p *store.UserPool) error {
		p.Name = "half-done"
		p.Settings = []byte(`{"half":true}`)
		return boom
	})
	wantErr(t, "UpdateUserPool with failing fn", err, boom)
	samePool(t, "pool after aborted update", mustGetPool(t, s, orig.ID), orig)
	// fn's errors keep their identity even when they are store sentinels.
	_, err = s.UpdateUserPool(t.Context(), orig.ID, func(*store.UserPool) error { return store.ErrConflict })
	wantErr(t, "UpdateUserPool with fn returning ErrConflict", err, store.ErrConflict)
}

func testPoolUpdateKeepsIdentity(t *testing.T, s store.Store) {
	orig := createPool(t, s, pool("us-east-1_keep"))
	got, err := s.UpdateUserPool(t.Context(), orig.ID, func(p *store.UserPool) error {
		p.ID = "us-east-1_hijack"
		p.CreatedAt = at(-99999)
		p.Name = "kept"
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateUserPool: %v", err)
	}
	want := orig
	want.Name = "kept"
	samePool(t, "UpdateUserPool result", got, want)
	samePool(t, "pool after update", mustGetPool(t, s, orig.ID), want)
	_, err = s.GetUserPool(t.Context(), "us-east-1_hijack")
	wantErr(t, "GetUserPool(new ID set by fn)", err, store.ErrNotFound)
	n, err := s.CountUserPools(t.Context())
	wantCount(t, "CountUserPools", n, err, 1)
}

func testPoolDelete(t *testing.T, s store.Store) {
	a := createPool(t, s, pool("us-east-1_a"))
	b := createPool(t, s, pool("us-east-1_b"))
	if err := s.DeleteUserPool(t.Context(), a.ID); err != nil {
		t.Fatalf("DeleteUserPool: %v", err)
	}
	_, err := s.GetUserPool(t.Context(), a.ID)
	wantErr(t, "GetUserPool(deleted)", err, store.ErrNotFound)
	wantErr(t, "DeleteUserPool(deleted)", s.DeleteUserPool(t.Context(), a.ID), store.ErrNotFound)
	wantErr(t, "DeleteUserPool(never existed)", s.DeleteUserPool(t.Context(), "us-east-1_zzz"), store.ErrNotFound)
	samePool(t, "surviving pool", mustGetPool(t, s, b.ID), b)
	n, err := s.CountUserPools(t.Context())
	wantCount(t, "CountUserPools", n, err, 1)
	// The ID is free again.
	createPool(t, s, pool(a.ID))
}

// poolIDs returns IDs in a scrambled order that must list bytewise sorted:
// upper case before lower case, digits before letters.
func poolIDs() []string {
	return []string{
		"eu-west-1_b", "us-east-1_Zeta", "eu-west-1_A", "us-east-1_alpha", "ap-south-1_0",
		"us-east-1_zeta", "eu-west-1_a", "us-east-1_Alpha", "ap-south-1_9", "us-east-1_beta",
		"eu-west-1_B", "ap-south-1_10", "us-east-1_Beta", "us-east-1_a-b", "us-east-1_a_b",
		"us-east-1_aB", "us-east-1_ab", "eu-west-1_c", "us-west-2_x", "us-west-2_X",
		"ap-south-1_1", "eu-west-1_C", "us-east-1_gamma",
	}
}

// pager fetches one page of IDs.
type pager func(page store.PageRequest) ([]string, string, error)

// walk pages through a listing with the given limit and returns every ID in
// order, checking page sizes and that only the last page has no cursor.
func walk(t *testing.T, what string, limit, total int, list pager) []string {
	t.Helper()
	var all []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > total+1 {
			t.Fatalf("%s: limit %d: pagination does not terminate", what, limit)
		}
		ids, next, err := list(store.PageRequest{After: after, Limit: limit})
		if err != nil {
			t.Fatalf("%s: limit %d after %q: %v", what, limit, after, err)
		}
		all = append(all, ids...)
		if next == "" {
			if len(all) != total {
				t.Fatalf("%s: limit %d: listing ended after %d of %d records", what, limit, len(all), total)
			}
			if len(ids) == 0 && total > 0 {
				t.Errorf("%s: limit %d: last page is empty: a cursor was returned though no records remained", what, limit)
			}
			return all
		}
		if len(ids) != limit {
			t.Fatalf("%s: limit %d: page of %d records with next cursor %q; want full pages before the last", what, limit, len(ids), next)
		}
		if next != ids[len(ids)-1] {
			t.Errorf("%s: next cursor %q, want the last ID of the page %q", what, next, ids[len(ids)-1])
		}
		after = next
	}
}

func sortedCopy(ids []string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return s
}

func poolPager(t *testing.T, s store.Store) pager {
	return func(page store.PageRequest) ([]string, string, error) {
		ps, next, err := s.ListUserPools(t.Context(), page)
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
			samePool(t, "listed pool", p, pool(p.ID))
		}
		return ids, next, err
	}
}

func testPoolListPagination(t *testing.T, s store.Store) {
	for _, id := range poolIDs() {
		createPool(t, s, pool(id))
	}
	want := sortedCopy(poolIDs())
	for _, limit := range []int{1, 2, 5, 22, 23, 24, 1000} {
		got := walk(t, "ListUserPools", limit, len(want), poolPager(t, s))
		if !slices.Equal(got, want) {
			t.Fatalf("ListUserPools with limit %d:\n got  %q\n want %q", limit, got, want)
		}
	}
}

func testPoolListEdgeCases(t *testing.T, s store.Store) {
	ctx := t.Context()
	ps, next, err := s.ListUserPools(ctx, store.PageRequest{Limit: 10})
	if err != nil || len(ps) != 0 || next != "" {
		t.Errorf("ListUserPools on an empty store = %d pools, %q, %v; want none", len(ps), next, err)
	}
	for _, limit := range []int{0, -1} {
		if _, _, err := s.ListUserPools(ctx, store.PageRequest{Limit: limit}); err == nil {
			t.Errorf("ListUserPools with limit %d: no error", limit)
		}
	}
	for _, id := range []string{"p1", "p2", "p3", "p4", "p5", "p6"} {
		createPool(t, s, pool(id))
	}
	// Exactly full last page: no cursor, no empty page after it.
	ps, next, err = s.ListUserPools(ctx, store.PageRequest{After: "p3", Limit: 3})
	if err != nil || len(ps) != 3 || ps[0].ID != "p4" || ps[2].ID != "p6" || next != "" {
		t.Errorf("ListUserPools(after p3, limit 3) = %v, %q, %v; want p4..p6 and no cursor", ids(ps), next, err)
	}
	// A cursor whose record was deleted meanwhile still resumes after it.
	ps, next, err = s.ListUserPools(ctx, store.PageRequest{Limit: 2})
	if err != nil || next != "p2" {
		t.Fatalf("ListUserPools(limit 2) = %v, %q, %v; want p1, p2 and cursor p2", ids(ps), next, err)
	}
	if err := s.DeleteUserPool(ctx, "p2"); err != nil {
		t.Fatal(err)
	}
	ps, next, err = s.ListUserPools(ctx, store.PageRequest{After: next, Limit: 2})
	if err != nil || !slices.Equal(ids(ps), []string{"p3", "p4"}) || next != "p4" {
		t.Errorf("ListUserPools(after deleted p2, limit 2) = %v, %q, %v; want [p3 p4], p4", ids(ps), next, err)
	}
	// A cursor past the end lists nothing.
	ps, next, err = s.ListUserPools(ctx, store.PageRequest{After: "p9", Limit: 2})
	if err != nil || len(ps) != 0 || next != "" {
		t.Errorf("ListUserPools(after p9) = %v, %q, %v; want nothing", ids(ps), next, err)
	}
}

func ids[T store.UserPool | store.Client](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		switch v := any(x).(type) {
		case store.UserPool:
			out[i] = v.ID
		case store.Client:
			out[i] = v.ID
		}
	}
	return out
}

func testPoolCount(t *testing.T, s store.Store) {
	n, err := s.CountUserPools(t.Context())
	wantCount(t, "CountUserPools on an empty store", n, err, 0)
	for i := range 7 {
		createPool(t, s, pool(fmt.Sprintf("us-east-1_%02d", i)))
	}
	n, err = s.CountUserPools(t.Context())
	wantCount(t, "CountUserPools", n, err, 7)
	if err := s.DeleteUserPool(t.Context(), "us-east-1_03"); err != nil {
		t.Fatal(err)
	}
	n, err = s.CountUserPools(t.Context())
	wantCount(t, "CountUserPools after a delete", n, err, 6)
}

// ---- clients ---------------------------------------------------------------

func testClientCreateGet(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	want := createClient(t, s, client(p.ID, "client1"))
	public := client(p.ID, "client2")
	public.Secret = ""
	createClient(t, s, public)
	sameClient(t, "GetClient", mustGetClient(t, s, p.ID, want.ID), want)
	sameClient(t, "GetClient(public)", mustGetClient(t, s, p.ID, public.ID), public)
	got, _, err := s.GetClientWithPool(t.Context(), want.ID)
	if err != nil {
		t.Fatalf("GetClientWithPool: %v", err)
	}
	sameClient(t, "GetClientWithPool", got, want)
	_, _, err = s.GetClientWithPool(t.Context(), "nope")
	wantErr(t, "GetClientWithPool(missing)", err, store.ErrNotFound)
	gotC, gotP, err := s.GetClientWithPool(t.Context(), public.ID)
	if err != nil {
		t.Fatalf("GetClientWithPool: %v", err)
	}
	sameClient(t, "GetClientWithPool", gotC, public)
	samePool(t, "GetClientWithPool", gotP, p)
	_, err = s.GetClient(t.Context(), p.ID, "nope")
	wantErr(t, "GetClient(missing)", err, store.ErrNotFound)
}

func testClientCreateMissingPool(t *testing.T, s store.Store) {
	createPool(t, s, pool("us-east-1_p"))
	wantErr(t, "CreateClient(missing pool)", s.CreateClient(t.Context(), client("us-east-1_none", "c1")), store.ErrNotFound)
	_, _, err := s.GetClientWithPool(t.Context(), "c1")
	wantErr(t, "GetClientWithPool after failed create", err, store.ErrNotFound)
	// The failed create left nothing that blocks the ID.
	createClient(t, s, client("us-east-1_p", "c1"))
}

func testClientCreateConflict(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	orig := createClient(t, s, client(p.ID, "c1"))
	dup := client(p.ID, "c1")
	dup.Name = "impostor"
	wantErr(t, "CreateClient(same pool, same ID)", s.CreateClient(t.Context(), dup), store.ErrConflict)
	// Client IDs are unique across pools.
	wantErr(t, "CreateClient(other pool, same ID)", s.CreateClient(t.Context(), client(q.ID, "c1")), store.ErrConflict)
	sameClient(t, "client after conflicting creates", mustGetClient(t, s, p.ID, "c1"), orig)
	n, err := s.CountClients(t.Context(), q.ID)
	wantCount(t, "CountClients(other pool)", n, err, 0)
}

func testClientGetWrongPool(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	createClient(t, s, client(p.ID, "c1"))
	_, err := s.GetClient(t.Context(), q.ID, "c1")
	wantErr(t, "GetClient(wrong pool)", err, store.ErrNotFound)
	_, err = s.UpdateClient(t.Context(), q.ID, "c1", func(c *store.Client) error {
		t.Error("fn called for a client of another pool")
		return nil
	})
	wantErr(t, "UpdateClient(wrong pool)", err, store.ErrNotFound)
}

func testClientUpdate(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	orig := createClient(t, s, client(p.ID, "c1"))
	other := createClient(t, s, client(p.ID, "c2"))
	got, err := s.UpdateClient(t.Context(), p.ID, orig.ID, func(c *store.Client) error {
		sameClient(t, "fn argument", *c, orig)
		c.Name = "renamed"
		c.Secret = ""
		c.UpdatedAt = at(7000)
		c.Settings = []byte(`{"v":3}`)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateClient: %v", err)
	}
	want := orig
	want.Name, want.Secret, want.UpdatedAt, want.Settings = "renamed", "", at(7000), []byte(`{"v":3}`)
	sameClient(t, "UpdateClient result", got, want)
	sameClient(t, "client after update", mustGetClient(t, s, p.ID, orig.ID), want)
	byID, _, err := s.GetClientWithPool(t.Context(), orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameClient(t, "GetClientWithPool after update", byID, want)
	sameClient(t, "untouched client", mustGetClient(t, s, p.ID, other.ID), other)
}

func testClientUpdateMissing(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	for _, tc := range []struct{ pool, id string }{{p.ID, "nope"}, {"us-east-1_none", "nope"}} {
		_, err := s.UpdateClient(t.Context(), tc.pool, tc.id, func(*store.Client) error {
			t.Error("fn called for a missing client")
			return nil
		})
		wantErr(t, fmt.Sprintf("UpdateClient(%q, %q)", tc.pool, tc.id), err, store.ErrNotFound)
	}
	n, err := s.CountClients(t.Context(), p.ID)
	wantCount(t, "CountClients", n, err, 0)
}

func testClientUpdateFnErrorAborts(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	orig := createClient(t, s, client(p.ID, "c1"))
	boom := fmt.Errorf("wrapped: %w", errors.New("boom"))
	_, err := s.UpdateClient(t.Context(), p.ID, orig.ID, func(c *store.Client) error {
		c.Name = "half-done"
		c.Secret = "leaked"
		return boom
	})
	wantErr(t, "UpdateClient with failing fn", err, boom)
	sameClient(t, "client after aborted update", mustGetClient(t, s, p.ID, orig.ID), orig)
}

func testClientUpdateKeepsIdentity(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	orig := createClient(t, s, client(p.ID, "c1"))
	got, err := s.UpdateClient(t.Context(), p.ID, orig.ID, func(c *store.Client) error {
		c.PoolID = q.ID
		c.ID = "c-hijack"
		c.CreatedAt = at(-12345)
		c.Name = "kept"
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateClient: %v", err)
	}
	want := orig
	want.Name = "kept"
	sameClient(t, "UpdateClient result", got, want)
	sameClient(t, "client after update", mustGetClient(t, s, p.ID, orig.ID), want)
	_, _, err = s.GetClientWithPool(t.Context(), "c-hijack")
	wantErr(t, "GetClientWithPool(new ID set by fn)", err, store.ErrNotFound)
	n, err := s.CountClients(t.Context(), q.ID)
	wantCount(t, "CountClients(pool set by fn)", n, err, 0)
}

func testClientDelete(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	c1 := createClient(t, s, client(p.ID, "c1"))
	c2 := createClient(t, s, client(p.ID, "c2"))
	wantErr(t, "DeleteClient(wrong pool)", s.DeleteClient(t.Context(), q.ID, c1.ID), store.ErrNotFound)
	sameClient(t, "client after delete through another pool", mustGetClient(t, s, p.ID, c1.ID), c1)
	if err := s.DeleteClient(t.Context(), p.ID, c1.ID); err != nil {
		t.Fatalf("DeleteClient: %v", err)
	}
	_, err := s.GetClient(t.Context(), p.ID, c1.ID)
	wantErr(t, "GetClient(deleted)", err, store.ErrNotFound)
	_, _, err = s.GetClientWithPool(t.Context(), c1.ID)
	wantErr(t, "GetClientWithPool(deleted)", err, store.ErrNotFound)
	wantErr(t, "DeleteClient(deleted)", s.DeleteClient(t.Context(), p.ID, c1.ID), store.ErrNotFound)
	sameClient(t, "surviving client", mustGetClient(t, s, p.ID, c2.ID), c2)
	samePool(t, "pool after client delete", mustGetPool(t, s, p.ID), p)
	// The ID is free again, in any pool.
	createClient(t, s, client(q.ID, c1.ID))
}

func clientPager(t *testing.T, s store.Store, poolID string) pager {
	return func(page store.PageRequest) ([]string, string, error) {
		cs, next, err := s.ListClients(t.Context(), poolID, page)
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
			sameClient(t, "listed client", c, client(poolID, c.ID))
		}
		return ids, next, err
	}
}

func testClientListPagination(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	r := createPool(t, s, pool("us-east-1_r"))
	// Clients of p and r interleave with q's in ID order; q's listing must
	// skip them.
	var inQ []string
	for i, id := range rand.New(rand.NewPCG(1, 2)).Perm(40) {
		cid := fmt.Sprintf("c%03d", id)
		owner := p.ID
		switch i % 3 {
		case 0:
			owner = q.ID
			inQ = append(inQ, cid)
		case 1:
			owner = r.ID
		}
		createClient(t, s, client(owner, cid))
	}
	want := sortedCopy(inQ)
	for _, limit := range []int{1, 3, 7, len(want), len(want) + 1} {
		got := walk(t, "ListClients", limit, len(want), clientPager(t, s, q.ID))
		if !slices.Equal(got, want) {
			t.Fatalf("ListClients with limit %d:\n got  %q\n want %q", limit, got, want)
		}
	}
}

func testClientListEdgeCases(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	cs, next, err := s.ListClients(ctx, p.ID, store.PageRequest{Limit: 5})
	if err != nil || len(cs) != 0 || next != "" {
		t.Errorf("ListClients(pool without clients) = %v, %q, %v; want nothing", ids(cs), next, err)
	}
	cs, next, err = s.ListClients(ctx, "us-east-1_none", store.PageRequest{Limit: 5})
	if err != nil || len(cs) != 0 || next != "" {
		t.Errorf("ListClients(unknown pool) = %v, %q, %v; want nothing", ids(cs), next, err)
	}
	for _, limit := range []int{0, -5} {
		if _, _, err := s.ListClients(ctx, p.ID, store.PageRequest{Limit: limit}); err == nil {
			t.Errorf("ListClients with limit %d: no error", limit)
		}
	}
	for _, id := range []string{"B", "a", "A", "b", "0"} {
		createClient(t, s, client(p.ID, id))
	}
	cs, next, err = s.ListClients(ctx, p.ID, store.PageRequest{After: "A", Limit: 3})
	if err != nil || !slices.Equal(ids(cs), []string{"B", "a", "b"}) || next != "" {
		t.Errorf("ListClients(after A, limit 3) = %v, %q, %v; want [B a b] and no cursor", ids(cs), next, err)
	}
}

func testClientCount(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	for i := range 5 {
		createClient(t, s, client(p.ID, fmt.Sprintf("p%d", i)))
	}
	for i := range 2 {
		createClient(t, s, client(q.ID, fmt.Sprintf("q%d", i)))
	}
	n, err := s.CountClients(t.Context(), p.ID)
	wantCount(t, "CountClients(p)", n, err, 5)
	n, err = s.CountClients(t.Context(), q.ID)
	wantCount(t, "CountClients(q)", n, err, 2)
	n, err = s.CountClients(t.Context(), "us-east-1_none")
	wantCount(t, "CountClients(unknown pool)", n, err, 0)
	if err := s.DeleteClient(t.Context(), p.ID, "p2"); err != nil {
		t.Fatal(err)
	}
	n, err = s.CountClients(t.Context(), p.ID)
	wantCount(t, "CountClients(p) after a delete", n, err, 4)
}

func testDeletePoolCascades(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	for i := range 4 {
		createClient(t, s, client(p.ID, fmt.Sprintf("p%d", i)))
	}
	kept := createClient(t, s, client(q.ID, "q0"))
	if err := s.DeleteUserPool(ctx, p.ID); err != nil {
		t.Fatalf("DeleteUserPool: %v", err)
	}
	for i := range 4 {
		id := fmt.Sprintf("p%d", i)
		if _, _, err := s.GetClientWithPool(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetClientWithPool(%q) after its pool was deleted: %v, want ErrNotFound", id, err)
		}
	}
	n, err := s.CountClients(ctx, p.ID)
	wantCount(t, "CountClients(deleted pool)", n, err, 0)
	cs, _, err := s.ListClients(ctx, p.ID, store.PageRequest{Limit: 10})
	if err != nil || len(cs) != 0 {
		t.Errorf("ListClients(deleted pool) = %v, %v; want nothing", ids(cs), err)
	}
	sameClient(t, "client of another pool", mustGetClient(t, s, q.ID, kept.ID), kept)
	// Recreating the pool does not bring its clients back, and their IDs
	// are free.
	createPool(t, s, pool(p.ID))
	n, err = s.CountClients(ctx, p.ID)
	wantCount(t, "CountClients(recreated pool)", n, err, 0)
	createClient(t, s, client(q.ID, "p0"))
}

// ---- values ----------------------------------------------------------------

func testTimeRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	zone := time.FixedZone("IST", 5*3600+30*60)
	created := time.Date(2031, 12, 31, 23, 59, 59, 999_000_000, zone)
	updated := time.Date(1999, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	p := pool("us-east-1_time")
	p.CreatedAt, p.UpdatedAt = created, updated
	createPool(t, s, p)
	got := mustGetPool(t, s, p.ID)
	checkTime(t, "pool CreatedAt", got.CreatedAt, created)
	checkTime(t, "pool UpdatedAt", got.UpdatedAt, updated)

	c := client(p.ID, "c1")
	c.CreatedAt, c.UpdatedAt = created, time.Time{}
	createClient(t, s, c)
	gotC := mustGetClient(t, s, p.ID, c.ID)
	checkTime(t, "client CreatedAt", gotC.CreatedAt, created)
	if !gotC.UpdatedAt.IsZero() {
		t.Errorf("client zero UpdatedAt read back as %v", gotC.UpdatedAt)
	}

	// Update results carry the stored times too.
	later := time.Date(2032, 1, 1, 0, 0, 0, 1_000_000, zone)
	up, err := s.UpdateUserPool(ctx, p.ID, func(p *store.UserPool) error { p.UpdatedAt = later; return nil })
	if err != nil {
		t.Fatal(err)
	}
	checkTime(t, "UpdateUserPool result UpdatedAt", up.UpdatedAt, later)
	checkTime(t, "UpdateUserPool result CreatedAt", up.CreatedAt, created)
	checkTime(t, "pool UpdatedAt after update", mustGetPool(t, s, p.ID).UpdatedAt, later)
	upC, err := s.UpdateClient(ctx, p.ID, c.ID, func(c *store.Client) error { c.UpdatedAt = later; return nil })
	if err != nil {
		t.Fatal(err)
	}
	checkTime(t, "UpdateClient result UpdatedAt", upC.UpdatedAt, later)
	checkTime(t, "UpdateClient result CreatedAt", upC.CreatedAt, created)

	// Listings return the same times.
	ps, _, err := s.ListUserPools(ctx, store.PageRequest{Limit: 10})
	if err != nil || len(ps) != 1 {
		t.Fatalf("ListUserPools = %d pools, %v", len(ps), err)
	}
	checkTime(t, "listed pool CreatedAt", ps[0].CreatedAt, created)

	// Precision below the millisecond may be dropped, but nothing more.
	fine := time.Date(2024, 2, 29, 12, 0, 0, 123_456_789, time.UTC)
	p2 := pool("us-east-1_fine")
	p2.CreatedAt = fine
	createPool(t, s, p2)
	gotFine := mustGetPool(t, s, p2.ID).CreatedAt
	if d := gotFine.Sub(fine); d > 0 || d <= -time.Millisecond {
		t.Errorf("CreatedAt %v read back as %v", fine, gotFine)
	}
}

func checkTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s is in %v, want UTC", what, got.Location())
	}
}

func testSettingsRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(3, 4))
	binary := make([]byte, 64<<10)
	for i := range binary {
		binary[i] = byte(rng.UintN(256))
	}
	binary[0], binary[1], binary[len(binary)-1] = 0x00, 0xff, 0x00
	cases := map[string][]byte{
		"json":    []byte(`{"mfa":"OPTIONAL","nested":{"a":[1,2,3]},"unicode":"ünï©ødé ✓"}`),
		"binary":  binary,
		"nul":     {0},
		"invalid": {0xc3, 0x28, 0xa0, 0xa1},
	}
	for name, settings := range cases {
		id := "us-east-1_" + name
		p := pool(id)
		p.Settings = settings
		createPool(t, s, p)
		if got := mustGetPool(t, s, id).Settings; !bytes.Equal(got, settings) {
			t.Errorf("%s pool settings: got %d bytes, want %d bytes exactly", name, len(got), len(settings))
		}
		c := client(id, "c-"+name)
		c.Settings = settings
		createClient(t, s, c)
		if got := mustGetClient(t, s, id, c.ID).Settings; !bytes.Equal(got, settings) {
			t.Errorf("%s client settings: got %d bytes, want %d bytes exactly", name, len(got), len(settings))
		}
	}
	// No settings at all read back as empty.
	p := pool("us-east-1_nil")
	p.Settings = nil
	createPool(t, s, p)
	if got := mustGetPool(t, s, p.ID).Settings; len(got) != 0 {
		t.Errorf("nil settings read back as %q", got)
	}
	// An update can replace settings with different bytes and with none.
	up, err := s.UpdateUserPool(ctx, "us-east-1_json", func(p *store.UserPool) error {
		p.Settings = binary[:1000]
		return nil
	})
	if err != nil || !bytes.Equal(up.Settings, binary[:1000]) {
		t.Fatalf("UpdateUserPool settings: %v", err)
	}
	if got := mustGetPool(t, s, "us-east-1_json").Settings; !bytes.Equal(got, binary[:1000]) {
		t.Errorf("settings after update: got %d bytes, want the 1000 bytes written", len(got))
	}
	if _, err := s.UpdateUserPool(ctx, "us-east-1_json", func(p *store.UserPool) error {
		p.Settings = nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := mustGetPool(t, s, "us-east-1_json").Settings; len(got) != 0 {
		t.Errorf("settings cleared by update read back as %d bytes", len(got))
	}
}

// testNoAliasing checks that the store keeps its own copy of Settings: a
// caller changing a slice it passed in or got back changes nothing stored.
func testNoAliasing(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := pool("us-east-1_alias")
	p.Settings = []byte(`{"a":1}`)
	createPool(t, s, p)
	p.Settings[2] = 'X'
	got := mustGetPool(t, s, p.ID)
	if string(got.Settings) != `{"a":1}` {
		t.Fatalf("settings changed through the slice passed to CreateUserPool: %q", got.Settings)
	}
	got.Settings[2] = 'Y'
	if again := mustGetPool(t, s, p.ID); string(again.Settings) != `{"a":1}` {
		t.Fatalf("settings changed through the slice GetUserPool returned: %q", again.Settings)
	}
	var inFn []byte
	up, err := s.UpdateUserPool(ctx, p.ID, func(p *store.UserPool) error {
		inFn = p.Settings
		p.Settings = []byte(`{"a":2}`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	inFn[2] = 'Z'
	up.Settings[2] = 'W'
	if again := mustGetPool(t, s, p.ID); string(again.Settings) != `{"a":2}` {
		t.Fatalf("settings changed through slices of an update: %q", again.Settings)
	}

	c := client(p.ID, "c1")
	c.Settings = []byte(`{"c":1}`)
	createClient(t, s, c)
	c.Settings[2] = 'X'
	gotC, _, err := s.GetClientWithPool(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(gotC.Settings) != `{"c":1}` {
		t.Fatalf("client settings changed through the slice passed to CreateClient: %q", gotC.Settings)
	}
	gotC.Settings[2] = 'Y'
	if again := mustGetClient(t, s, p.ID, c.ID); string(again.Settings) != `{"c":1}` {
		t.Fatalf("client settings changed through the slice GetClientWithPool returned: %q", again.Settings)
	}
}

// ---- concurrency -----------------------------------------------------------

const (
	workers          = 8
	updatesPerWorker = 25
)

// increment parses a decimal counter, adds one and formats it back.
func increment(b []byte) ([]byte, int, error) {
	n := 0
	if len(b) > 0 {
		var err error
		if n, err = strconv.Atoi(string(b)); err != nil {
			return nil, 0, fmt.Errorf("counter %q: %w", b, err)
		}
	}
	n++
	return []byte(strconv.Itoa(n)), n, nil
}

// runWorkers runs fn on workers goroutines released together and waits for
// them all.
func runWorkers(fn func(w int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(w)
		}()
	}
	close(start)
	wg.Wait()
}

// runCounterUpdates runs update updatesPerWorker times on each of workers
// goroutines released together. update increments a counter stored in one
// record (with increment) and returns the value it wrote. Once all are
// done, final reads the stored counter, and runCounterUpdates checks that
// no update was lost or duplicated; what names the operation in failures.
func runCounterUpdates(t *testing.T, what string, update func() (int, error), final func() []byte) {
	t.Helper()
	seen := make([][]int, workers)
	errs := make([]error, workers)
	runWorkers(func(w int) {
		for range updatesPerWorker {
			n, err := update()
			if err != nil {
				errs[w] = err
				return
			}
			seen[w] = append(seen[w], n)
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	checkCounter(t, what, seen, final())
}

// checkCounter checks that the values the updates returned are exactly
// 1..total: no update saw another's result twice or lost one.
func checkCounter(t *testing.T, what string, seen [][]int, final []byte) {
	t.Helper()
	total := workers * updatesPerWorker
	var all []int
	for _, s := range seen {
		all = append(all, s...)
	}
	slices.Sort(all)
	if len(all) != total {
		t.Fatalf("%s: %d updates succeeded, want %d", what, len(all), total)
	}
	for i, v := range all {
		if v != i+1 {
			t.Fatalf("%s: update results are not 1..%d (value %d at position %d): lost or duplicated updates", what, total, v, i)
		}
	}
	if string(final) != strconv.Itoa(total) {
		t.Fatalf("%s: final counter %q, want %d", what, final, total)
	}
}

func testConcurrentPoolUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := pool("us-east-1_counter")
	p.Settings = nil
	createPool(t, s, p)
	runCounterUpdates(t, "concurrent UpdateUserPool", func() (int, error) {
		var n int
		got, err := s.UpdateUserPool(ctx, p.ID, func(p *store.UserPool) error {
			var err error
			p.Settings, n, err = increment(p.Settings)
			return err
		})
		if err == nil && string(got.Settings) != strconv.Itoa(n) {
			err = fmt.Errorf("update returned settings %q, fn wrote %d", got.Settings, n)
		}
		return n, err
	}, func() []byte { return mustGetPool(t, s, p.ID).Settings })
}

func testConcurrentClientUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	c := client(p.ID, "counter")
	c.Settings = nil
	createClient(t, s, c)
	runCounterUpdates(t, "concurrent UpdateClient", func() (int, error) {
		var n int
		_, err := s.UpdateClient(ctx, p.ID, c.ID, func(c *store.Client) error {
			var err error
			c.Settings, n, err = increment(c.Settings)
			return err
		})
		return n, err
	}, func() []byte { return mustGetClient(t, s, p.ID, c.ID).Settings })
}

func testConcurrentCreateSameClientID(t *testing.T, s store.Store) {
	ctx := t.Context()
	pools := []string{"us-east-1_p", "us-east-1_q"}
	for _, id := range pools {
		createPool(t, s, pool(id))
	}
	errs := make([]error, workers)
	runWorkers(func(w int) {
		c := client(pools[w%2], "contested")
		c.Name = fmt.Sprintf("worker %d", w)
		errs[w] = s.CreateClient(ctx, c)
	})
	winner := -1
	for w, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Fatalf("workers %d and %d both created client %q", winner, w, "contested")
			}
			winner = w
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("worker %d: CreateClient: %v, want nil or ErrConflict", w, err)
		}
	}
	if winner < 0 {
		t.Fatal("no worker created the client")
	}
	got, _, err := s.GetClientWithPool(ctx, "contested")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("worker %d", winner); got.Name != want || got.PoolID != pools[winner%2] {
		t.Errorf("stored client is %q in %q, want the winner's %q in %q", got.Name, got.PoolID, want, pools[winner%2])
	}
	total := 0
	for _, id := range pools {
		n, err := s.CountClients(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != 1 {
		t.Errorf("%d clients stored, want 1", total)
	}
}

func testConcurrentCreateSamePoolID(t *testing.T, s store.Store) {
	ctx := t.Context()
	errs := make([]error, workers)
	runWorkers(func(w int) {
		p := pool("us-east-1_contested")
		p.Name = fmt.Sprintf("worker %d", w)
		errs[w] = s.CreateUserPool(ctx, p)
	})
	wins := 0
	for w, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("worker %d: CreateUserPool: %v, want nil or ErrConflict", w, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d workers created the pool, want exactly 1", wins)
	}
	n, err := s.CountUserPools(ctx)
	wantCount(t, "CountUserPools", n, err, 1)
}

// ---- context and lifecycle -------------------------------------------------

// calls exercises every method of s with ctx, on the records callFixture
// creates, and returns each call's error by name.
func calls(ctx context.Context, s store.Store) map[string]error {
	noop := func(*store.UserPool) error { return nil }
	noopC := func(*store.Client) error { return nil }
	errs := map[string]error{}
	errs["CreateUserPool"] = s.CreateUserPool(ctx, pool("us-east-1_new"))
	_, errs["GetUserPool"] = s.GetUserPool(ctx, "us-east-1_p")
	_, errs["UpdateUserPool"] = s.UpdateUserPool(ctx, "us-east-1_p", noop)
	_, _, errs["ListUserPools"] = s.ListUserPools(ctx, store.PageRequest{Limit: 10})
	_, errs["CountUserPools"] = s.CountUserPools(ctx)
	errs["CreateClient"] = s.CreateClient(ctx, client("us-east-1_p", "c-new"))
	_, errs["GetClient"] = s.GetClient(ctx, "us-east-1_p", "c1")
	_, _, errs["GetClientWithPool"] = s.GetClientWithPool(ctx, "c1")
	_, errs["UpdateClient"] = s.UpdateClient(ctx, "us-east-1_p", "c1", noopC)
	_, _, errs["ListClients"] = s.ListClients(ctx, "us-east-1_p", store.PageRequest{Limit: 10})
	_, errs["CountClients"] = s.CountClients(ctx, "us-east-1_p")
	errs["Ping"] = s.Ping(ctx)

	noopU := func(*store.User) error { return nil }
	noopG := func(*store.Group) error { return nil }
	page := store.PageRequest{Limit: 10}
	errs["CreateUser"] = s.CreateUser(ctx, user("us-east-1_p", "u-new"))
	_, errs["GetUser"] = s.GetUser(ctx, "us-east-1_p", "u1")
	_, errs["GetUserBySub"] = s.GetUserBySub(ctx, "us-east-1_p", "sub-u1")
	_, errs["GetUserByAlias"] = s.GetUserByAlias(ctx, "us-east-1_p", "email:u1@example.com")
	_, errs["UpdateUser"] = s.UpdateUser(ctx, "us-east-1_p", "u1", noopU)
	_, _, errs["ListUsers"] = s.ListUsers(ctx, "us-east-1_p", nil, page)
	_, _, errs["ListUsers(filter)"] = s.ListUsers(ctx, "us-east-1_p", &store.UserFilter{Field: store.FilterEmail, Value: "u", Prefix: true}, page)
	_, errs["CountUsers"] = s.CountUsers(ctx, "us-east-1_p")
	errs["CreateGroup"] = s.CreateGroup(ctx, group("us-east-1_p", "g-new"))
	_, errs["GetGroup"] = s.GetGroup(ctx, "us-east-1_p", "g1")
	_, errs["UpdateGroup"] = s.UpdateGroup(ctx, "us-east-1_p", "g1", noopG)
	_, _, errs["ListGroups"] = s.ListGroups(ctx, "us-east-1_p", page)
	_, errs["CountGroups"] = s.CountGroups(ctx, "us-east-1_p")
	errs["AddUserToGroup"] = s.AddUserToGroup(ctx, "us-east-1_p", "g1", "u2")
	errs["RemoveUserFromGroup"] = s.RemoveUserFromGroup(ctx, "us-east-1_p", "g1", "u1")
	_, _, errs["ListGroupsForUser"] = s.ListGroupsForUser(ctx, "us-east-1_p", "u1", page)
	_, _, errs["ListUsersInGroup"] = s.ListUsersInGroup(ctx, "us-east-1_p", "g1", page)
	_, errs["AddMessage"] = s.AddMessage(ctx, message("us-east-1_p", "u1", "u1@example.com", 2))
	_, errs["ListMessages"] = s.ListMessages(ctx, store.MessageFilter{}, 10)
	_, errs["DeleteMessages"] = s.DeleteMessages(ctx, store.MessageFilter{})

	// The sweeps use a time after every fixture's expiry, so they would
	// delete them if they ran.
	sweep := at(10_000_000)
	errs["CreateSigningKey"] = s.CreateSigningKey(ctx, signingKey("us-east-1_p", "k-new"))
	_, errs["ListSigningKeys"] = s.ListSigningKeys(ctx, "us-east-1_p")
	errs["CreateRefreshToken"] = s.CreateRefreshToken(ctx, refresh("us-east-1_p", "rt-new", "fam-new", "u1"))
	_, errs["GetRefreshToken"] = s.GetRefreshToken(ctx, hashOf("rt1"))
	errs["MarkRefreshTokenReplaced"] = s.MarkRefreshTokenReplaced(ctx, hashOf("rt1"), at(50))
	_, errs["RevokeTokenFamily"] = s.RevokeTokenFamily(ctx, "us-east-1_p", "fam-1", at(60))
	_, errs["RevokeUserTokens"] = s.RevokeUserTokens(ctx, "us-east-1_p", "u1", "", at(70))
	_, errs["RevokeUserTokens(device)"] = s.RevokeUserTokens(ctx, "us-east-1_p", "u1", "d1", at(70))
	_, errs["IsFamilyRevoked"] = s.IsFamilyRevoked(ctx, "us-east-1_p", "fam-1")
	_, _, errs["GetUserWithFamily"] = s.GetUserWithFamily(ctx, "us-east-1_p", "u1", "fam-1")
	_, errs["DeleteExpiredRefreshTokens"] = s.DeleteExpiredRefreshTokens(ctx, sweep)
	errs["CreateAuthSession"] = s.CreateAuthSession(ctx, session("us-east-1_p", "s-new", at(100_000)))
	_, errs["TakeAuthSession"] = s.TakeAuthSession(ctx, hashOf("s1"))
	_, errs["DeleteExpiredAuthSessions"] = s.DeleteExpiredAuthSessions(ctx, sweep)
	errs["CreateDevice"] = s.CreateDevice(ctx, device("us-east-1_p", "u1", "d-new"))
	_, errs["GetDevice"] = s.GetDevice(ctx, "us-east-1_p", "d1")
	_, errs["UpdateDevice"] = s.UpdateDevice(ctx, "us-east-1_p", "d1", func(d *store.Device) error { d.Remembered = true; return nil })
	_, _, errs["ListDevices"] = s.ListDevices(ctx, "us-east-1_p", "u1", false, page)
	_, _, errs["ListDevices(remembered)"] = s.ListDevices(ctx, "us-east-1_p", "u1", true, page)
	errs["DeleteDevice"] = s.DeleteDevice(ctx, "us-east-1_p", "d1")

	errs["DeleteGroup"] = s.DeleteGroup(ctx, "us-east-1_p", "g1")
	errs["DeleteUser"] = s.DeleteUser(ctx, "us-east-1_p", "u1")

	errs["DeleteClient"] = s.DeleteClient(ctx, "us-east-1_p", "c1")
	errs["DeleteUserPool"] = s.DeleteUserPool(ctx, "us-east-1_p")
	return errs
}

// callFixture creates the records calls works on: pool "us-east-1_p", its
// client "c1", users "u1" and "u2", group "g1" with member "u1", one inbox
// message, signing key "k1", refresh token "rt1" of "u1" (family "fam-1",
// device "d1"), sign-in session "s1" and device "d1" of "u1".
func callFixture(t *testing.T, s store.Store) (store.UserPool, store.Client) {
	t.Helper()
	p := createPool(t, s, pool("us-east-1_p"))
	c := createClient(t, s, client(p.ID, "c1"))
	createUser(t, s, user(p.ID, "u1"))
	createUser(t, s, user(p.ID, "u2"))
	createGroup(t, s, group(p.ID, "g1"))
	if err := s.AddUserToGroup(t.Context(), p.ID, "g1", "u1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMessage(t.Context(), message(p.ID, "u1", "u1@example.com", 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSigningKey(t.Context(), signingKey(p.ID, "k1")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRefreshToken(t.Context(), fixtureToken(p.ID)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAuthSession(t.Context(), session(p.ID, "s1", at(100_000))); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateDevice(t.Context(), device(p.ID, "u1", "d1")); err != nil {
		t.Fatal(err)
	}
	return p, c
}

// fixtureToken is the refresh token callFixture creates.
func fixtureToken(poolID string) store.RefreshToken {
	rt := refresh(poolID, "rt1", "fam-1", "u1")
	rt.DeviceKey = "d1"
	return rt
}

func testContextCanceled(t *testing.T, s store.Store) {
	p, c := callFixture(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for name, err := range calls(ctx, s) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: error %v, want context.Canceled", name, err)
		}
	}
	// None of the writes happened.
	samePool(t, "pool", mustGetPool(t, s, p.ID), p)
	sameClient(t, "client", mustGetClient(t, s, p.ID, c.ID), c)
	n, err := s.CountUserPools(t.Context())
	wantCount(t, "CountUserPools", n, err, 1)
	n, err = s.CountClients(t.Context(), p.ID)
	wantCount(t, "CountClients", n, err, 1)
	sameUser(t, "user", mustGetUser(t, s, p.ID, "u1"), user(p.ID, "u1"))
	n, err = s.CountUsers(t.Context(), p.ID)
	wantCount(t, "CountUsers", n, err, 2)
	sameGroup(t, "group", mustGetGroup(t, s, p.ID, "g1"), group(p.ID, "g1"))
	if got := membersOf(t, s, p.ID, "g1"); !slices.Equal(got, []string{"u1"}) {
		t.Errorf("members = %q, want [u1]", got)
	}
	ms, err := s.ListMessages(t.Context(), store.MessageFilter{}, 10)
	if err != nil || len(ms) != 1 {
		t.Errorf("ListMessages = %d messages, %v; want 1", len(ms), err)
	}
	keys, err := s.ListSigningKeys(t.Context(), p.ID)
	if err != nil || len(keys) != 1 || keys[0].KeyID != "k1" {
		t.Errorf("ListSigningKeys = %+v, %v; want k1 only", keys, err)
	}
	rt, err := s.GetRefreshToken(t.Context(), hashOf("rt1"))
	if err != nil || rt.RevokedAt != nil || rt.ReplacedAt != nil {
		t.Errorf("refresh token = %+v, %v; want it neither revoked nor replaced", rt, err)
	}
	if _, err := s.GetRefreshToken(t.Context(), hashOf("rt-new")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("refresh token created with a canceled context: %v, want ErrNotFound", err)
	}
	if _, err := s.TakeAuthSession(t.Context(), hashOf("s-new")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session created with a canceled context: %v, want ErrNotFound", err)
	}
	if _, err := s.TakeAuthSession(t.Context(), hashOf("s1")); err != nil {
		t.Errorf("session s1 after canceled calls: %v", err)
	}
	d, err := s.GetDevice(t.Context(), p.ID, "d1")
	if err != nil || d.Remembered {
		t.Errorf("device = %+v, %v; want it unchanged", d, err)
	}
	devs, _, err := s.ListDevices(t.Context(), p.ID, "u1", false, store.PageRequest{Limit: 10})
	if err != nil || len(devs) != 1 {
		t.Errorf("ListDevices = %d devices, %v; want 1", len(devs), err)
	}
}

func testContextCanceledDuringUpdate(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	c := createClient(t, s, client(p.ID, "c1"))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := s.UpdateUserPool(ctx, p.ID, func(p *store.UserPool) error {
		p.Name = "should not stick"
		cancel()
		return nil
	})
	if err == nil {
		t.Error("UpdateUserPool whose context was canceled during fn: no error")
	}
	samePool(t, "pool after canceled update", mustGetPool(t, s, p.ID), p)

	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	_, err = s.UpdateClient(ctx, p.ID, c.ID, func(c *store.Client) error {
		c.Name = "should not stick"
		cancel()
		return nil
	})
	if err == nil {
		t.Error("UpdateClient whose context was canceled during fn: no error")
	}
	sameClient(t, "client after canceled update", mustGetClient(t, s, p.ID, c.ID), c)

	u := createUser(t, s, user(p.ID, "u1"))
	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	_, err = s.UpdateUser(ctx, p.ID, u.Key, func(u *store.User) error {
		u.Status = "should not stick"
		u.Aliases = []string{"email:should-not-stick@example.com"}
		cancel()
		return nil
	})
	if err == nil {
		t.Error("UpdateUser whose context was canceled during fn: no error")
	}
	sameUser(t, "user after canceled update", mustGetUser(t, s, p.ID, u.Key), u)
	wantAliasHeld(t, s, u.Aliases[0], u)
	wantAliasFree(t, s, p.ID, "email:should-not-stick@example.com")
}

func testPing(t *testing.T, s store.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testClosed(t *testing.T, s store.Store) {
	callFixture(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for name, err := range calls(t.Context(), s) {
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: error %v, want ErrClosed", name, err)
		}
	}
	wantErr(t, "second Close", s.Close(), store.ErrClosed)
}
