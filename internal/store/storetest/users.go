package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

// userTests are the subtests of users, groups and the inbox; Run runs them
// after the pool and client tests.
var userTests = []subtest{
	{"UserCreateGet", testUserCreateGet},
	{"UserCreateMissingPool", testUserCreateMissingPool},
	{"UserCreateConflicts", testUserCreateConflicts},
	{"UserCreateInvalid", testUserCreateInvalid},
	{"UserDuplicateAliasesOfOneUser", testUserDuplicateAliasesOfOneUser},
	{"UserUpdate", testUserUpdate},
	{"UserUpdateMissing", testUserUpdateMissing},
	{"UserUpdateFnErrorAborts", testUserUpdateFnErrorAborts},
	{"UserUpdateKeepsIdentity", testUserUpdateKeepsIdentity},
	{"UserUpdateAliasConflict", testUserUpdateAliasConflict},
	{"UserAliasMove", testUserAliasMove},
	{"UserDelete", testUserDelete},
	{"UserNoAliasing", testUserNoAliasing},
	{"UserListPagination", testUserListPagination},
	{"UserListFilters", testUserListFilters},
	{"UserListFilterPagesAcrossEqualValues", testUserListFilterPagesAcrossEqualValues},
	{"UserListEdgeCases", testUserListEdgeCases},
	{"UserCount", testUserCount},
	{"DeletePoolCascadesUsers", testDeletePoolCascadesUsers},
	{"GroupCreateGet", testGroupCreateGet},
	{"GroupCreateConflict", testGroupCreateConflict},
	{"GroupUpdate", testGroupUpdate},
	{"GroupUpdateMissingAndAbort", testGroupUpdateMissingAndAbort},
	{"GroupDelete", testGroupDelete},
	{"GroupListPagination", testGroupListPagination},
	{"GroupMembership", testGroupMembership},
	{"GroupMembershipListings", testGroupMembershipListings},
	{"GroupMembershipCascades", testGroupMembershipCascades},
	{"Messages", testMessages},
	{"MessagesOutlivePools", testMessagesOutlivePools},
	{"ConcurrentCreateSameUser", testConcurrentCreateSameUser},
	{"ConcurrentCreateSameAlias", testConcurrentCreateSameAlias},
	{"ConcurrentUserUpdates", testConcurrentUserUpdates},
	{"ConcurrentMemberships", testConcurrentMemberships},
}

// ---- fixtures and helpers --------------------------------------------------

func user(poolID, key string) store.User {
	return store.User{
		PoolID:   poolID,
		Key:      key,
		Username: strings.ToUpper(key), // the case the user chose
		Sub:      "sub-" + key,
		Status:   "CONFIRMED",
		Enabled:  true,
		Attributes: []store.Attribute{
			{Name: "sub", Value: "sub-" + key},
			{Name: "email", Value: key + "@example.com"},
			{Name: "email_verified", Value: "true"},
			{Name: "name", Value: "Name of " + key},
		},
		Aliases:   []string{"email:" + key + "@example.com"},
		CreatedAt: at(20),
		UpdatedAt: at(21),
		Data:      []byte(`{"user":"` + key + `"}`),
	}
}

func createUser(t *testing.T, s store.Store, u store.User) store.User {
	t.Helper()
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%q, %q): %v", u.PoolID, u.Key, err)
	}
	return u
}

func mustGetUser(t *testing.T, s store.Store, poolID, key string) store.User {
	t.Helper()
	u, err := s.GetUser(t.Context(), poolID, key)
	if err != nil {
		t.Fatalf("GetUser(%q, %q): %v", poolID, key, err)
	}
	return u
}

// sameUser compares users field by field: attributes in order, aliases as
// sets (their order is not part of the contract), nil and empty slices
// alike.
func sameUser(t *testing.T, what string, got, want store.User) {
	t.Helper()
	if !equalUsers(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func equalUsers(got, want store.User) bool {
	return got.PoolID == want.PoolID && got.Key == want.Key && got.Username == want.Username &&
		got.Sub == want.Sub && got.Status == want.Status && got.Enabled == want.Enabled &&
		slices.Equal(got.Attributes, want.Attributes) &&
		slices.Equal(sortedCopy(got.Aliases), sortedCopy(want.Aliases)) &&
		got.CreatedAt.Equal(want.CreatedAt) && got.UpdatedAt.Equal(want.UpdatedAt) &&
		bytes.Equal(got.Data, want.Data)
}

// wantConflict checks that err is a *store.ConflictError on field and key
// that is also store.ErrConflict.
func wantConflict(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	c, ok := store.AsConflict(err)
	switch {
	case !ok:
		t.Errorf("%s: error %v, want a *store.ConflictError on %s %q", what, err, field, key)
	case c.Field != field || c.Key != key:
		t.Errorf("%s: conflict on %s %q, want on %s %q", what, c.Field, c.Key, field, key)
	case !errors.Is(err, store.ErrConflict):
		t.Errorf("%s: errors.Is(%v, ErrConflict) is false", what, err)
	}
}

// wantAliasFree checks that no user of the pool holds alias.
func wantAliasFree(t *testing.T, s store.Store, poolID, alias string) {
	t.Helper()
	u, err := s.GetUserByAlias(t.Context(), poolID, alias)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetUserByAlias(%q, %q) = user %q, %v; want ErrNotFound", poolID, alias, u.Key, err)
	}
}

// wantAliasHeld checks that alias resolves to the user want.
func wantAliasHeld(t *testing.T, s store.Store, alias string, want store.User) {
	t.Helper()
	u, err := s.GetUserByAlias(t.Context(), want.PoolID, alias)
	if err != nil {
		t.Errorf("GetUserByAlias(%q, %q): %v", want.PoolID, alias, err)
		return
	}
	sameUser(t, "GetUserByAlias("+alias+")", u, want)
}

func userKeys(us []store.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Key
	}
	return out
}

// walkOpaque pages through a listing with the given limit and returns
// every key in order. Cursors are opaque; it checks that every page but
// the last is full, that the last is not empty (unless nothing matches),
// that no key comes twice, and that the listing ends.
func walkOpaque(t *testing.T, what string, limit, total int, list pager) []string {
	t.Helper()
	var all []string
	seen := map[string]bool{}
	after := ""
	for pages := 0; ; pages++ {
		if pages > total+1 {
			t.Fatalf("%s: limit %d: pagination does not terminate", what, limit)
		}
		keys, next, err := list(store.PageRequest{After: after, Limit: limit})
		if err != nil {
			t.Fatalf("%s: limit %d after %q: %v", what, limit, after, err)
		}
		for _, k := range keys {
			if seen[k] {
				t.Fatalf("%s: limit %d: %q listed twice (pages %q)", what, limit, k, all)
			}
			seen[k] = true
		}
		all = append(all, keys...)
		if next == "" {
			if len(keys) == 0 && len(all) > 0 {
				t.Errorf("%s: limit %d: last page is empty: a cursor was returned though no records remained", what, limit)
			}
			return all
		}
		if len(keys) != limit {
			t.Fatalf("%s: limit %d: page of %d records with next cursor %q; want full pages before the last", what, limit, len(keys), next)
		}
		after = next
	}
}

// userPager lists the pool's users matching filter, checking each listed
// user against want.
func userPager(t *testing.T, s store.Store, poolID string, filter *store.UserFilter, want map[string]store.User) pager {
	return func(page store.PageRequest) ([]string, string, error) {
		us, next, err := s.ListUsers(t.Context(), poolID, filter, page)
		for _, u := range us {
			if w, ok := want[u.Key]; !ok {
				t.Errorf("listed user %q is not in the pool", u.Key)
			} else if !equalUsers(u, w) {
				t.Errorf("listed user:\n got  %+v\n want %+v", u, w)
			}
		}
		return userKeys(us), next, err
	}
}

// ---- users -----------------------------------------------------------------

func testUserCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	want := user(p.ID, "jane")
	want.Enabled = false
	want.Status = "UNCONFIRMED"
	want.Attributes = append(want.Attributes,
		store.Attribute{Name: "custom:note", Value: "ünïcødé ✓ \"quoted\" \\ <&>"},
		store.Attribute{Name: "phone_number", Value: "+15550100"},
		store.Attribute{Name: "given_name", Value: ""})
	want.Aliases = []string{"email:jane@example.com", "phone:+15550100", "preferred:jd"}
	want.Data = []byte{0, 1, 2, 0xff, '{', 0}
	createUser(t, s, want)
	createUser(t, s, user(p.ID, "john"))

	sameUser(t, "GetUser", mustGetUser(t, s, p.ID, "jane"), want)
	got, err := s.GetUserBySub(ctx, p.ID, want.Sub)
	if err != nil {
		t.Fatalf("GetUserBySub: %v", err)
	}
	sameUser(t, "GetUserBySub", got, want)
	for _, a := range want.Aliases {
		wantAliasHeld(t, s, a, want)
	}
	checkTime(t, "CreatedAt", got.CreatedAt, want.CreatedAt)

	// Lookups are exact and confined to the pool.
	_, err = s.GetUser(ctx, p.ID, "Jane")
	wantErr(t, "GetUser(other case)", err, store.ErrNotFound)
	_, err = s.GetUser(ctx, q.ID, "jane")
	wantErr(t, "GetUser(other pool)", err, store.ErrNotFound)
	_, err = s.GetUser(ctx, p.ID, "nobody")
	wantErr(t, "GetUser(missing)", err, store.ErrNotFound)
	_, err = s.GetUserBySub(ctx, q.ID, want.Sub)
	wantErr(t, "GetUserBySub(other pool)", err, store.ErrNotFound)
	_, err = s.GetUserBySub(ctx, p.ID, "sub-nobody")
	wantErr(t, "GetUserBySub(missing)", err, store.ErrNotFound)
	wantAliasFree(t, s, q.ID, "email:jane@example.com")
	wantAliasFree(t, s, p.ID, "email:JANE@example.com")
	wantAliasFree(t, s, p.ID, "email:nobody@example.com")

	// A bare user reads back bare.
	bare := store.User{PoolID: p.ID, Key: "bare", Username: "bare", Sub: "sub-bare"}
	createUser(t, s, bare)
	gotBare := mustGetUser(t, s, p.ID, "bare")
	sameUser(t, "bare user", gotBare, bare)
	if len(gotBare.Attributes) != 0 || len(gotBare.Aliases) != 0 || len(gotBare.Data) != 0 || !gotBare.CreatedAt.IsZero() {
		t.Errorf("bare user read back as %+v", gotBare)
	}

	// Key, sub and aliases are unique per pool only.
	other := user(q.ID, "jane")
	other.Aliases = want.Aliases
	createUser(t, s, other)
	sameUser(t, "same user in another pool", mustGetUser(t, s, q.ID, "jane"), other)
	wantAliasHeld(t, s, "preferred:jd", other)
	wantAliasHeld(t, s, "preferred:jd", want)
}

func testUserCreateMissingPool(t *testing.T, s store.Store) {
	createPool(t, s, pool("us-east-1_p"))
	u := user("us-east-1_none", "jane")
	wantErr(t, "CreateUser(missing pool)", s.CreateUser(t.Context(), u), store.ErrNotFound)
	_, err := s.GetUser(t.Context(), u.PoolID, u.Key)
	wantErr(t, "GetUser after failed create", err, store.ErrNotFound)
	// Nothing of it blocks the same user in an existing pool.
	createUser(t, s, user("us-east-1_p", "jane"))
}

func testUserCreateConflicts(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	orig := user(p.ID, "jane")
	orig.Aliases = []string{"email:jane@example.com", "phone:+15550100"}
	createUser(t, s, orig)

	// The key is taken: a username conflict, and nothing of the new user
	// (not even its free alias) is stored.
	dup := user(p.ID, "jane")
	dup.Sub = "sub-other"
	dup.Aliases = []string{"email:free@example.com"}
	wantConflict(t, "CreateUser(taken key)", s.CreateUser(ctx, dup), store.ConflictUsername, "jane")
	wantAliasFree(t, s, p.ID, "email:free@example.com")
	_, err := s.GetUserBySub(ctx, p.ID, "sub-other")
	wantErr(t, "GetUserBySub after failed create", err, store.ErrNotFound)

	// The sub is taken.
	sameSub := user(p.ID, "john")
	sameSub.Sub = orig.Sub
	sameSub.Aliases = []string{"email:free@example.com"}
	wantConflict(t, "CreateUser(taken sub)", s.CreateUser(ctx, sameSub), store.ConflictSub, orig.Sub)
	wantAliasFree(t, s, p.ID, "email:free@example.com")

	// One alias of several is taken: the conflict names it.
	sameAlias := user(p.ID, "jim")
	sameAlias.Aliases = []string{"email:free@example.com", "phone:+15550100", "preferred:zz"}
	wantConflict(t, "CreateUser(taken alias)", s.CreateUser(ctx, sameAlias), store.ConflictAlias, "phone:+15550100")
	wantAliasFree(t, s, p.ID, "email:free@example.com")
	wantAliasFree(t, s, p.ID, "preferred:zz")
	_, err = s.GetUser(ctx, p.ID, "jim")
	wantErr(t, "GetUser after an alias conflict", err, store.ErrNotFound)

	// Several rules broken at once: the key is reported first, then the
	// sub, as Cognito reports a taken username before anything else.
	all := user(p.ID, "jane")
	all.Aliases = orig.Aliases
	wantConflict(t, "CreateUser(taken key, sub and aliases)", s.CreateUser(ctx, all), store.ConflictUsername, "jane")
	subAndAlias := user(p.ID, "jill")
	subAndAlias.Sub, subAndAlias.Aliases = orig.Sub, orig.Aliases
	wantConflict(t, "CreateUser(taken sub and aliases)", s.CreateUser(ctx, subAndAlias), store.ConflictSub, orig.Sub)

	sameUser(t, "user after conflicting creates", mustGetUser(t, s, p.ID, "jane"), orig)
	for _, a := range orig.Aliases {
		wantAliasHeld(t, s, a, orig)
	}
	n, err := s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers", n, err, 1)
	// The rejected users' free parts can be used.
	sameAlias.Aliases = []string{"email:free@example.com", "preferred:zz"}
	createUser(t, s, sameAlias)
}

func testUserCreateInvalid(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	noKey := user(p.ID, "x")
	noKey.Key = ""
	if err := s.CreateUser(t.Context(), noKey); err == nil {
		t.Error("CreateUser with an empty key: no error")
	}
	n, err := s.CountUsers(t.Context(), p.ID)
	wantCount(t, "CountUsers", n, err, 0)
}

func testUserDuplicateAliasesOfOneUser(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	u := user(p.ID, "jane")
	u.Aliases = []string{"email:jane@example.com", "email:jane@example.com"}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser with an alias listed twice: %v", err)
	}
	got := mustGetUser(t, s, p.ID, "jane")
	if len(got.Aliases) != 1 || got.Aliases[0] != "email:jane@example.com" {
		t.Errorf("aliases read back as %q, want the alias once", got.Aliases)
	}
	if _, err := s.UpdateUser(t.Context(), p.ID, "jane", func(u *store.User) error {
		u.Aliases = []string{"phone:+1", "phone:+1", "email:jane@example.com"}
		return nil
	}); err != nil {
		t.Fatalf("UpdateUser with an alias listed twice: %v", err)
	}
	got = mustGetUser(t, s, p.ID, "jane")
	if len(got.Aliases) != 2 {
		t.Errorf("aliases after update read back as %q, want each alias once", got.Aliases)
	}
	wantAliasHeld(t, s, "phone:+1", got)
}

func testUserUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	orig := user(p.ID, "jane")
	orig.Aliases = []string{"email:jane@example.com", "phone:+15550100"}
	createUser(t, s, orig)
	other := createUser(t, s, user(p.ID, "john"))

	got, err := s.UpdateUser(ctx, p.ID, "jane", func(u *store.User) error {
		sameUser(t, "fn argument", *u, orig)
		u.Status = "RESET_REQUIRED"
		u.Enabled = false
		u.Attributes = []store.Attribute{
			{Name: "family_name", Value: "Doe"},
			{Name: "sub", Value: orig.Sub},
			{Name: "email", Value: "jane.doe@example.com"},
		}
		u.Aliases = []string{"email:jane.doe@example.com", "phone:+15550100"}
		u.Data = []byte(`{"v":2}`)
		u.UpdatedAt = at(9000)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	want := orig
	want.Status, want.Enabled, want.Data, want.UpdatedAt = "RESET_REQUIRED", false, []byte(`{"v":2}`), at(9000)
	want.Attributes = []store.Attribute{
		{Name: "family_name", Value: "Doe"},
		{Name: "sub", Value: orig.Sub},
		{Name: "email", Value: "jane.doe@example.com"},
	}
	want.Aliases = []string{"email:jane.doe@example.com", "phone:+15550100"}
	sameUser(t, "UpdateUser result", got, want)
	sameUser(t, "user after update", mustGetUser(t, s, p.ID, "jane"), want)
	bySub, err := s.GetUserBySub(ctx, p.ID, orig.Sub)
	if err != nil {
		t.Fatal(err)
	}
	sameUser(t, "GetUserBySub after update", bySub, want)
	wantAliasFree(t, s, p.ID, "email:jane@example.com")
	wantAliasHeld(t, s, "email:jane.doe@example.com", want)
	wantAliasHeld(t, s, "phone:+15550100", want)
	sameUser(t, "untouched user", mustGetUser(t, s, p.ID, "john"), other)

	// The filters follow the attributes.
	for _, tc := range []struct {
		filter store.UserFilter
		want   []string
	}{
		{store.UserFilter{Field: store.FilterEmail, Value: "jane@example.com"}, nil},
		{store.UserFilter{Field: store.FilterEmail, Value: "jane.doe@example.com"}, []string{"jane"}},
		{store.UserFilter{Field: store.FilterEmail, Value: "j", Prefix: true}, []string{"jane", "john"}},
		{store.UserFilter{Field: store.FilterFamilyName, Value: "Doe"}, []string{"jane"}},
		{store.UserFilter{Field: store.FilterName, Value: "", Prefix: true}, []string{"john"}},
		{store.UserFilter{Field: store.FilterStatus, Value: "RESET_REQUIRED"}, []string{"jane"}},
		{store.UserFilter{Field: store.FilterStatus, Value: "CONFIRMED"}, []string{"john"}},
		{store.UserFilter{Field: store.FilterEnabled, Value: "false"}, []string{"jane"}},
		{store.UserFilter{Field: store.FilterEnabled, Value: "true"}, []string{"john"}},
	} {
		us, _, err := s.ListUsers(ctx, p.ID, &tc.filter, store.PageRequest{Limit: 10})
		if err != nil || !slices.Equal(userKeys(us), tc.want) {
			t.Errorf("ListUsers(%+v) after update = %q, %v; want %q", tc.filter, userKeys(us), err, tc.want)
		}
	}
}

func testUserUpdateMissing(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	for _, tc := range []struct{ pool, key string }{{p.ID, "nobody"}, {"us-east-1_none", "nobody"}} {
		_, err := s.UpdateUser(t.Context(), tc.pool, tc.key, func(*store.User) error {
			t.Error("fn called for a missing user")
			return nil
		})
		wantErr(t, fmt.Sprintf("UpdateUser(%q, %q)", tc.pool, tc.key), err, store.ErrNotFound)
	}
	n, err := s.CountUsers(t.Context(), p.ID)
	wantCount(t, "CountUsers", n, err, 0)
}

func testUserUpdateFnErrorAborts(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	orig := createUser(t, s, user(p.ID, "jane"))
	boom := fmt.Errorf("wrapped: %w", errors.New("boom"))
	_, err := s.UpdateUser(t.Context(), p.ID, "jane", func(u *store.User) error {
		u.Status = "half-done"
		u.Aliases = []string{"email:new@example.com"}
		u.Attributes = nil
		return boom
	})
	wantErr(t, "UpdateUser with failing fn", err, boom)
	sameUser(t, "user after aborted update", mustGetUser(t, s, p.ID, "jane"), orig)
	wantAliasHeld(t, s, orig.Aliases[0], orig)
	wantAliasFree(t, s, p.ID, "email:new@example.com")
	// fn's errors keep their identity even when they are store errors.
	_, err = s.UpdateUser(t.Context(), p.ID, "jane", func(*store.User) error { return store.ErrNotFound })
	wantErr(t, "UpdateUser with fn returning ErrNotFound", err, store.ErrNotFound)
}

func testUserUpdateKeepsIdentity(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	orig := createUser(t, s, user(p.ID, "jane"))
	got, err := s.UpdateUser(ctx, p.ID, "jane", func(u *store.User) error {
		u.PoolID = q.ID
		u.Key = "hijack"
		u.Username = "Hijack"
		u.Sub = "sub-hijack"
		u.CreatedAt = at(-5000)
		u.Status = "kept"
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	want := orig
	want.Status = "kept"
	sameUser(t, "UpdateUser result", got, want)
	sameUser(t, "user after update", mustGetUser(t, s, p.ID, "jane"), want)
	_, err = s.GetUser(ctx, p.ID, "hijack")
	wantErr(t, "GetUser(key set by fn)", err, store.ErrNotFound)
	_, err = s.GetUserBySub(ctx, p.ID, "sub-hijack")
	wantErr(t, "GetUserBySub(sub set by fn)", err, store.ErrNotFound)
	bySub, err := s.GetUserBySub(ctx, p.ID, orig.Sub)
	if err != nil {
		t.Fatalf("GetUserBySub(original sub): %v", err)
	}
	sameUser(t, "GetUserBySub(original sub)", bySub, want)
	n, err := s.CountUsers(ctx, q.ID)
	wantCount(t, "CountUsers(pool set by fn)", n, err, 0)
}

func testUserUpdateAliasConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	a := user(p.ID, "alice")
	a.Aliases = []string{"email:shared@example.com", "phone:+1"}
	createUser(t, s, a)
	b := createUser(t, s, user(p.ID, "bob"))
	_, err := s.UpdateUser(ctx, p.ID, "bob", func(u *store.User) error {
		u.Status = "should not stick"
		u.Aliases = []string{"preferred:bobby", "email:shared@example.com"}
		return nil
	})
	wantConflict(t, "UpdateUser(alias held by another user)", err, store.ConflictAlias, "email:shared@example.com")
	sameUser(t, "user after conflicting update", mustGetUser(t, s, p.ID, "bob"), b)
	wantAliasHeld(t, s, "email:shared@example.com", a)
	wantAliasHeld(t, s, b.Aliases[0], b)
	wantAliasFree(t, s, p.ID, "preferred:bobby")
}

// testUserAliasMove moves an alias from one user to another: the holder
// gives it up first, then the other user claims it.
func testUserAliasMove(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	a := user(p.ID, "alice")
	a.Aliases = []string{"email:moving@example.com", "phone:+1"}
	createUser(t, s, a)
	createUser(t, s, user(p.ID, "bob"))
	a2, err := s.UpdateUser(ctx, p.ID, "alice", func(u *store.User) error {
		u.Aliases = []string{"phone:+1"}
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateUser(holder gives the alias up): %v", err)
	}
	wantAliasFree(t, s, p.ID, "email:moving@example.com")
	b2, err := s.UpdateUser(ctx, p.ID, "bob", func(u *store.User) error {
		u.Aliases = append(u.Aliases, "email:moving@example.com")
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateUser(other user claims the alias): %v", err)
	}
	wantAliasHeld(t, s, "email:moving@example.com", b2)
	wantAliasHeld(t, s, "phone:+1", a2)
	// Dropping every alias frees them all.
	if _, err := s.UpdateUser(ctx, p.ID, "bob", func(u *store.User) error { u.Aliases = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	wantAliasFree(t, s, p.ID, "email:moving@example.com")
	wantAliasFree(t, s, p.ID, "email:bob@example.com")
	if got := mustGetUser(t, s, p.ID, "bob"); len(got.Aliases) != 0 {
		t.Errorf("aliases after dropping them all: %q", got.Aliases)
	}
}

func testUserDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	jane := user(p.ID, "jane")
	jane.Aliases = []string{"email:jane@example.com", "phone:+1"}
	createUser(t, s, jane)
	john := createUser(t, s, user(p.ID, "john"))
	wantErr(t, "DeleteUser(wrong pool)", s.DeleteUser(ctx, q.ID, "jane"), store.ErrNotFound)
	if err := s.DeleteUser(ctx, p.ID, "jane"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err := s.GetUser(ctx, p.ID, "jane")
	wantErr(t, "GetUser(deleted)", err, store.ErrNotFound)
	_, err = s.GetUserBySub(ctx, p.ID, jane.Sub)
	wantErr(t, "GetUserBySub(deleted)", err, store.ErrNotFound)
	for _, a := range jane.Aliases {
		wantAliasFree(t, s, p.ID, a)
	}
	wantErr(t, "DeleteUser(deleted)", s.DeleteUser(ctx, p.ID, "jane"), store.ErrNotFound)
	wantErr(t, "DeleteUser(never existed)", s.DeleteUser(ctx, p.ID, "nobody"), store.ErrNotFound)
	sameUser(t, "surviving user", mustGetUser(t, s, p.ID, "john"), john)
	n, err := s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers", n, err, 1)
	// Key, sub and aliases are free again, for another user too.
	other := user(p.ID, "jim")
	other.Sub = jane.Sub
	other.Aliases = jane.Aliases
	createUser(t, s, other)
	wantAliasHeld(t, s, "phone:+1", other)
	again := user(p.ID, "jane")
	again.Sub, again.Aliases = "sub-jane-2", nil
	createUser(t, s, again)
}

// testUserNoAliasing checks that the store keeps its own copies of a
// user's slices.
func testUserNoAliasing(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	u := user(p.ID, "jane")
	want := user(p.ID, "jane")
	createUser(t, s, u)
	u.Attributes[1].Value = "changed"
	u.Aliases[0] = "changed"
	u.Data[2] = 'X'
	got := mustGetUser(t, s, p.ID, "jane")
	sameUser(t, "user after changing the slices passed to CreateUser", got, want)
	got.Attributes[1].Value = "changed"
	got.Aliases[0] = "changed"
	got.Data[2] = 'Y'
	sameUser(t, "user after changing the slices GetUser returned", mustGetUser(t, s, p.ID, "jane"), want)

	var inFn store.User
	up, err := s.UpdateUser(ctx, p.ID, "jane", func(u *store.User) error {
		inFn = *u
		u.Data = []byte(`{"v":2}`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want.Data = []byte(`{"v":2}`)
	inFn.Attributes[0].Value = "changed"
	inFn.Aliases[0] = "changed"
	up.Attributes[0].Value = "changed"
	up.Aliases[0] = "changed"
	up.Data[0] = 'W'
	sameUser(t, "user after changing the slices of an update", mustGetUser(t, s, p.ID, "jane"), want)
}

func testUserListPagination(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	r := createPool(t, s, pool("us-east-1_r"))
	// Users of p and r interleave with q's in key order; q's listing must
	// skip them. Keys sort bytewise: upper case first.
	keys := []string{"zed", "Zed", "alpha", "Alpha", "a-b", "a_b", "aB", "ab", "0", "9", "10", "beta", "gamma", "delta",
		"epsilon", "b", "B", "c", "x.y", "x-y", "ünï", "~tilde", "a", "aa", "aaa", "é", "e"}
	want := map[string]store.User{}
	var inQ []string
	for i, j := range rand.New(rand.NewPCG(5, 6)).Perm(len(keys)) {
		owner := []string{q.ID, p.ID, r.ID}[i%3]
		u := user(owner, keys[j])
		createUser(t, s, u)
		if owner == q.ID {
			want[u.Key] = u
			inQ = append(inQ, u.Key)
		}
	}
	sorted := sortedCopy(inQ)
	for _, limit := range []int{1, 2, 4, len(sorted) - 1, len(sorted), len(sorted) + 1} {
		got := walkOpaque(t, "ListUsers", limit, len(sorted), userPager(t, s, q.ID, nil, want))
		if !slices.Equal(got, sorted) {
			t.Fatalf("ListUsers with limit %d:\n got  %q\n want %q", limit, got, sorted)
		}
	}
}

// filterFixture is the user population of testUserListFilters.
func filterFixture(poolID string) []store.User {
	const absent = "\x00absent"
	emails := func(i int) string {
		switch {
		case i%5 == 0:
			return "shared@example.com"
		case i == 7:
			return "Shared@example.com"
		case i%7 == 3:
			return absent
		}
		return fmt.Sprintf("user%02d@example.com", i)
	}
	families := []string{"Smith", "Smythe", "smith", "Smi\U0010FFFFx", "Sm", "Jones", "Smith-Jones", "", absent, "Smith"}
	givens := []string{"Ann", "Anna", "Annabel", "Bob", "anna", "Ånna", absent}
	statuses := []string{"CONFIRMED", "UNCONFIRMED", "FORCE_CHANGE_PASSWORD", "CONFIRMED", "RESET_REQUIRED", "CONFIRMED"}
	var users []store.User
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 26 {
		key := fmt.Sprintf("user%02d", i)
		switch i {
		case 4:
			key = "User04"
		case 9:
			key = "user9"
		case 17:
			key = "üser17"
		}
		u := store.User{
			PoolID: poolID, Key: key, Username: strings.ToUpper(key),
			Sub:       fmt.Sprintf("%c%02d-%x", "abcab"[i%5], (i*37)%100, i),
			Status:    statuses[i%len(statuses)],
			Enabled:   i%4 != 1,
			CreatedAt: at(100 + i), UpdatedAt: at(200 + i),
			Data: []byte(fmt.Sprintf(`{"i":%d}`, i)),
		}
		attrs := []store.Attribute{
			{Name: "sub", Value: u.Sub},
			{Name: "email", Value: emails(i)},
			{Name: "family_name", Value: families[i%len(families)]},
			{Name: "given_name", Value: givens[i%len(givens)]},
			{Name: "custom:tier", Value: fmt.Sprint(i % 3)},
		}
		if i%2 == 0 {
			attrs = append(attrs, store.Attribute{Name: "phone_number", Value: fmt.Sprintf("+1555000%04d", i%6)})
		}
		if i%9 != 0 {
			attrs = append(attrs, store.Attribute{Name: "name", Value: fmt.Sprintf("Name %c", 'A'+i%4)})
		}
		if i%3 == 0 {
			attrs = append(attrs, store.Attribute{Name: "preferred_username", Value: fmt.Sprintf("pref%d", i%4)})
		}
		rng.Shuffle(len(attrs), func(a, b int) { attrs[a], attrs[b] = attrs[b], attrs[a] })
		for _, a := range attrs {
			if a.Value != absent {
				u.Attributes = append(u.Attributes, a)
			}
		}
		if v, ok := u.Attribute("email"); ok && v != "shared@example.com" {
			u.Aliases = append(u.Aliases, "email:"+v)
		}
		users = append(users, u)
	}
	return users
}

// filterFieldValue returns the value a filter on field compares for u and
// whether u has one.
func filterFieldValue(u *store.User, field string) (string, bool) {
	switch field {
	case store.FilterUsername:
		return u.Key, true
	case store.FilterSub:
		return u.Sub, true
	case store.FilterStatus:
		return u.Status, true
	case store.FilterEnabled:
		if u.Enabled {
			return "true", true
		}
		return "false", true
	}
	return u.Attribute(field)
}

// expectFilter returns the keys of the users f selects, in listing order:
// by key for an equality, by (value, key) for a prefix.
func expectFilter(users []store.User, f store.UserFilter) []string {
	type hit struct{ value, key string }
	var hits []hit
	for i := range users {
		v, ok := filterFieldValue(&users[i], f.Field)
		if ok && (v == f.Value || f.Prefix && strings.HasPrefix(v, f.Value)) {
			hits = append(hits, hit{v, users[i].Key})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if f.Prefix {
			if c := strings.Compare(a.value, b.value); c != 0 {
				return c
			}
		}
		return strings.Compare(a.key, b.key)
	})
	keys := make([]string, len(hits))
	for i, h := range hits {
		keys[i] = h.key
	}
	return keys
}

var allFilterFields = []string{
	store.FilterUsername, store.FilterEmail, store.FilterPhoneNumber, store.FilterName, store.FilterGivenName,
	store.FilterFamilyName, store.FilterPreferredUsername, store.FilterStatus, store.FilterEnabled, store.FilterSub,
}

// filterCases returns the filters testUserListFilters runs on field: an
// equality with every value the users have, and prefixes of them, plus
// values nobody has.
func filterCases(users []store.User, field string) []store.UserFilter {
	values := map[string]bool{"": true, "nobody": true}
	prefixes := map[string]bool{"": true, "\U0010FFFF": true, "nobody": true}
	for i := range users {
		v, ok := filterFieldValue(&users[i], field)
		if !ok {
			continue
		}
		values[v] = true
		prefixes[v] = true
		prefixes[v+"x"] = true
		r := []rune(v)
		for n := 1; n <= min(3, len(r)); n++ {
			prefixes[string(r[:n])] = true
		}
	}
	if field == store.FilterEnabled {
		for _, v := range []string{"yes", "True", "1", "tru"} {
			values[v] = true
		}
	}
	var out []store.UserFilter
	for _, v := range sortedCopy(mapKeys(values)) {
		out = append(out, store.UserFilter{Field: field, Value: v})
	}
	for _, v := range sortedCopy(mapKeys(prefixes)) {
		out = append(out, store.UserFilter{Field: field, Value: v, Prefix: true})
	}
	return out
}

func mapKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// testUserListFilters lists every filter field by equality and by prefix,
// page by page, and checks the exact result sets and orders.
func testUserListFilters(t *testing.T, s store.Store) {
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	users := filterFixture(p.ID)
	byKey := map[string]store.User{}
	for _, u := range users {
		createUser(t, s, u)
		byKey[u.Key] = u
	}
	// The same population in another pool must never show up.
	for _, u := range filterFixture(q.ID)[:8] {
		createUser(t, s, u)
	}
	checked := 0
	for _, field := range allFilterFields {
		for _, f := range filterCases(users, field) {
			want := expectFilter(users, f)
			limits := []int{3, 1000}
			if len(want) > 3 {
				limits = append(limits, 1, 7)
			}
			what := fmt.Sprintf("ListUsers(%s %q, prefix %v)", f.Field, f.Value, f.Prefix)
			for _, limit := range limits {
				got := walkOpaque(t, what, limit, len(want), userPager(t, s, p.ID, &f, byKey))
				if !slices.Equal(got, want) {
					t.Fatalf("%s with limit %d:\n got  %q\n want %q", what, limit, got, want)
				}
			}
			if len(want) > 0 {
				checked++
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d filters matched anyone: the fixture is too thin", checked)
	}
}

// testUserListFilterPagesAcrossEqualValues pages through a prefix filter
// whose matches share a few values, while users are added and removed
// between pages: pages resume exactly after the cursor.
func testUserListFilterPagesAcrossEqualValues(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	for i := range 12 {
		u := user(p.ID, fmt.Sprintf("u%02d", i))
		u.Attributes = []store.Attribute{{Name: "family_name", Value: []string{"Smith", "Smyth", "Smith"}[i%3]}}
		u.Aliases = nil
		createUser(t, s, u)
	}
	f := &store.UserFilter{Field: store.FilterFamilyName, Value: "Sm", Prefix: true}
	page := func(after string) ([]string, string) {
		t.Helper()
		us, next, err := s.ListUsers(ctx, p.ID, f, store.PageRequest{After: after, Limit: 3})
		if err != nil {
			t.Fatalf("ListUsers after %q: %v", after, err)
		}
		return userKeys(us), next
	}
	// Smith: u00 u02 u03 u05 u06 u08 u09 u11; Smyth: u01 u04 u07 u10.
	got, next := page("")
	if !slices.Equal(got, []string{"u00", "u02", "u03"}) || next == "" {
		t.Fatalf("first page %q, cursor %q", got, next)
	}
	// A user sorting before the cursor appears on no later page; one
	// sorting after it does; a deleted one disappears.
	for _, k := range []string{"u01x", "u05x"} {
		u := user(p.ID, k)
		u.Aliases = nil
		u.Attributes = []store.Attribute{{Name: "family_name", Value: "Smith"}}
		createUser(t, s, u)
	}
	if err := s.DeleteUser(ctx, p.ID, "u05"); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for next != "" {
		got, next = page(next)
		rest = append(rest, got...)
	}
	want := []string{"u05x", "u06", "u08", "u09", "u11", "u01", "u04", "u07", "u10"}
	if !slices.Equal(rest, want) {
		t.Errorf("later pages %q, want %q", rest, want)
	}
}

func testUserListEdgeCases(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	us, next, err := s.ListUsers(ctx, p.ID, nil, store.PageRequest{Limit: 5})
	if err != nil || len(us) != 0 || next != "" {
		t.Errorf("ListUsers(empty pool) = %q, %q, %v; want nothing", userKeys(us), next, err)
	}
	us, next, err = s.ListUsers(ctx, "us-east-1_none", nil, store.PageRequest{Limit: 5})
	if err != nil || len(us) != 0 || next != "" {
		t.Errorf("ListUsers(unknown pool) = %q, %q, %v; want nothing", userKeys(us), next, err)
	}
	for _, limit := range []int{0, -1} {
		if _, _, err := s.ListUsers(ctx, p.ID, nil, store.PageRequest{Limit: limit}); err == nil {
			t.Errorf("ListUsers with limit %d: no error", limit)
		}
		f := &store.UserFilter{Field: store.FilterEmail, Value: "x", Prefix: true}
		if _, _, err := s.ListUsers(ctx, p.ID, f, store.PageRequest{Limit: limit}); err == nil {
			t.Errorf("ListUsers(filter) with limit %d: no error", limit)
		}
	}
	for _, field := range []string{"", "address", "Email", "custom:tier", "email_verified"} {
		if _, _, err := s.ListUsers(ctx, p.ID, &store.UserFilter{Field: field, Value: "x"}, store.PageRequest{Limit: 5}); err == nil {
			t.Errorf("ListUsers with filter field %q: no error", field)
		}
	}
	for _, k := range []string{"u1", "u2", "u3", "u4", "u5", "u6"} {
		createUser(t, s, user(p.ID, k))
	}
	// A cursor whose user was deleted meanwhile still resumes after it.
	us, next, err = s.ListUsers(ctx, p.ID, nil, store.PageRequest{Limit: 2})
	if err != nil || !slices.Equal(userKeys(us), []string{"u1", "u2"}) || next == "" {
		t.Fatalf("ListUsers(limit 2) = %q, %q, %v", userKeys(us), next, err)
	}
	if err := s.DeleteUser(ctx, p.ID, "u2"); err != nil {
		t.Fatal(err)
	}
	us, _, err = s.ListUsers(ctx, p.ID, nil, store.PageRequest{After: next, Limit: 2})
	if err != nil || !slices.Equal(userKeys(us), []string{"u3", "u4"}) {
		t.Errorf("ListUsers after a deleted user = %q, %v; want [u3 u4]", userKeys(us), err)
	}
	// Exactly full last page: no cursor.
	us, next, err = s.ListUsers(ctx, p.ID, &store.UserFilter{Field: store.FilterUsername, Value: "u", Prefix: true}, store.PageRequest{Limit: 5})
	if err != nil || len(us) != 5 || next != "" {
		t.Errorf("ListUsers(5 matches, limit 5) = %q, %q, %v; want 5 users and no cursor", userKeys(us), next, err)
	}
}

func testUserCount(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	n, err := s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers(empty pool)", n, err, 0)
	for i := range 6 {
		createUser(t, s, user(p.ID, fmt.Sprintf("p%d", i)))
	}
	createUser(t, s, user(q.ID, "q0"))
	n, err = s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers(p)", n, err, 6)
	n, err = s.CountUsers(ctx, q.ID)
	wantCount(t, "CountUsers(q)", n, err, 1)
	n, err = s.CountUsers(ctx, "us-east-1_none")
	wantCount(t, "CountUsers(unknown pool)", n, err, 0)
	if err := s.DeleteUser(ctx, p.ID, "p3"); err != nil {
		t.Fatal(err)
	}
	n, err = s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers(p) after a delete", n, err, 5)
}

func testDeletePoolCascadesUsers(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	for _, poolID := range []string{p.ID, q.ID} {
		for i := range 3 {
			createUser(t, s, user(poolID, fmt.Sprintf("u%d", i)))
		}
		createGroup(t, s, group(poolID, "admins"))
		createGroup(t, s, group(poolID, "staff"))
		for _, m := range [][2]string{{"admins", "u0"}, {"staff", "u0"}, {"staff", "u1"}} {
			if err := s.AddUserToGroup(ctx, poolID, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.DeleteUserPool(ctx, p.ID); err != nil {
		t.Fatalf("DeleteUserPool: %v", err)
	}
	n, err := s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers(deleted pool)", n, err, 0)
	n, err = s.CountGroups(ctx, p.ID)
	wantCount(t, "CountGroups(deleted pool)", n, err, 0)
	_, err = s.GetUser(ctx, p.ID, "u0")
	wantErr(t, "GetUser(user of a deleted pool)", err, store.ErrNotFound)
	_, err = s.GetGroup(ctx, p.ID, "admins")
	wantErr(t, "GetGroup(group of a deleted pool)", err, store.ErrNotFound)
	wantAliasFree(t, s, p.ID, "email:u0@example.com")
	gs, _, err := s.ListGroupsForUser(ctx, p.ID, "u0", store.PageRequest{Limit: 10})
	if err != nil || len(gs) != 0 {
		t.Errorf("ListGroupsForUser(deleted pool) = %d groups, %v", len(gs), err)
	}
	// The other pool is untouched.
	n, err = s.CountUsers(ctx, q.ID)
	wantCount(t, "CountUsers(other pool)", n, err, 3)
	members, _, err := s.ListUsersInGroup(ctx, q.ID, "staff", store.PageRequest{Limit: 10})
	if err != nil || !slices.Equal(userKeys(members), []string{"u0", "u1"}) {
		t.Errorf("ListUsersInGroup(other pool) = %q, %v", userKeys(members), err)
	}
	// A recreated pool starts empty, with every key, sub, alias and group
	// name free.
	createPool(t, s, pool(p.ID))
	n, err = s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers(recreated pool)", n, err, 0)
	createUser(t, s, user(p.ID, "u0"))
	createGroup(t, s, group(p.ID, "admins"))
	gs, _, err = s.ListGroupsForUser(ctx, p.ID, "u0", store.PageRequest{Limit: 10})
	if err != nil || len(gs) != 0 {
		t.Errorf("ListGroupsForUser(recreated user) = %d groups, %v; want none", len(gs), err)
	}
}
