package storetest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

func group(poolID, name string) store.Group {
	return store.Group{
		PoolID:      poolID,
		Name:        name,
		Description: "group " + name,
		RoleArn:     "arn:aws:iam::123456789012:role/" + name,
		CreatedAt:   at(30),
		UpdatedAt:   at(31),
	}
}

func createGroup(t *testing.T, s store.Store, g store.Group) store.Group {
	t.Helper()
	if err := s.CreateGroup(t.Context(), g); err != nil {
		t.Fatalf("CreateGroup(%q, %q): %v", g.PoolID, g.Name, err)
	}
	return g
}

func mustGetGroup(t *testing.T, s store.Store, poolID, name string) store.Group {
	t.Helper()
	g, err := s.GetGroup(t.Context(), poolID, name)
	if err != nil {
		t.Fatalf("GetGroup(%q, %q): %v", poolID, name, err)
	}
	return g
}

func equalGroups(got, want store.Group) bool {
	samePrecedence := (got.Precedence == nil) == (want.Precedence == nil) &&
		(got.Precedence == nil || *got.Precedence == *want.Precedence)
	return got.PoolID == want.PoolID && got.Name == want.Name && got.Description == want.Description &&
		got.RoleArn == want.RoleArn && samePrecedence &&
		got.CreatedAt.Equal(want.CreatedAt) && got.UpdatedAt.Equal(want.UpdatedAt)
}

func sameGroup(t *testing.T, what string, got, want store.Group) {
	t.Helper()
	if !equalGroups(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, fmtGroup(got), fmtGroup(want))
	}
}

func fmtGroup(g store.Group) string {
	p := "nil"
	if g.Precedence != nil {
		p = strconv.Itoa(int(*g.Precedence))
	}
	return fmt.Sprintf("%+v (precedence %s)", g, p)
}

func groupNames(gs []store.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// ---- groups ----------------------------------------------------------------

func testGroupCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	plain := createGroup(t, s, group(p.ID, "admins"))
	withPrec := group(p.ID, "Admins")
	withPrec.Precedence = ptr(int32(0))
	withPrec.Description = "ünïcødé ✓"
	withPrec.RoleArn = ""
	createGroup(t, s, withPrec)
	for i, prec := range []int32{math.MaxInt32, math.MinInt32, 7} {
		g := group(p.ID, fmt.Sprintf("g%d", i))
		g.Precedence = ptr(prec)
		createGroup(t, s, g)
		sameGroup(t, "GetGroup(precedence "+strconv.Itoa(int(prec))+")", mustGetGroup(t, s, p.ID, g.Name), g)
	}
	sameGroup(t, "GetGroup", mustGetGroup(t, s, p.ID, "admins"), plain)
	got := mustGetGroup(t, s, p.ID, "Admins")
	sameGroup(t, "GetGroup(precedence 0)", got, withPrec)
	checkTime(t, "group CreatedAt", got.CreatedAt, withPrec.CreatedAt)
	_, err := s.GetGroup(ctx, p.ID, "ADMINS")
	wantErr(t, "GetGroup(other case)", err, store.ErrNotFound)
	_, err = s.GetGroup(ctx, q.ID, "admins")
	wantErr(t, "GetGroup(other pool)", err, store.ErrNotFound)
	wantErr(t, "CreateGroup(missing pool)", s.CreateGroup(ctx, group("us-east-1_none", "admins")), store.ErrNotFound)
	// The group's caller-held precedence is not the stored one.
	*withPrec.Precedence = 99
	if g := mustGetGroup(t, s, p.ID, "Admins"); *g.Precedence != 0 {
		t.Errorf("precedence changed through the pointer passed to CreateGroup: %d", *g.Precedence)
	}
}

func testGroupCreateConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	orig := createGroup(t, s, group(p.ID, "admins"))
	dup := group(p.ID, "admins")
	dup.Description = "impostor"
	wantConflict(t, "CreateGroup(taken name)", s.CreateGroup(ctx, dup), store.ConflictGroup, "admins")
	sameGroup(t, "group after conflicting create", mustGetGroup(t, s, p.ID, "admins"), orig)
	// Names are unique per pool.
	createGroup(t, s, group(q.ID, "admins"))
	n, err := s.CountGroups(ctx, p.ID)
	wantCount(t, "CountGroups", n, err, 1)
}

func testGroupUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	orig := createGroup(t, s, group(p.ID, "admins"))
	other := createGroup(t, s, group(p.ID, "staff"))
	got, err := s.UpdateGroup(ctx, p.ID, "admins", func(g *store.Group) error {
		sameGroup(t, "fn argument", *g, orig)
		g.PoolID, g.Name, g.CreatedAt = q.ID, "hijack", at(-1)
		g.Description, g.RoleArn, g.Precedence, g.UpdatedAt = "new", "arn:new", ptr(int32(5)), at(8000)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateGroup: %v", err)
	}
	want := orig
	want.Description, want.RoleArn, want.Precedence, want.UpdatedAt = "new", "arn:new", ptr(int32(5)), at(8000)
	sameGroup(t, "UpdateGroup result", got, want)
	sameGroup(t, "group after update", mustGetGroup(t, s, p.ID, "admins"), want)
	sameGroup(t, "untouched group", mustGetGroup(t, s, p.ID, "staff"), other)
	_, err = s.GetGroup(ctx, p.ID, "hijack")
	wantErr(t, "GetGroup(name set by fn)", err, store.ErrNotFound)
	n, err := s.CountGroups(ctx, q.ID)
	wantCount(t, "CountGroups(pool set by fn)", n, err, 0)
	// Precedence can be cleared again.
	got, err = s.UpdateGroup(ctx, p.ID, "admins", func(g *store.Group) error {
		if g.Precedence == nil || *g.Precedence != 5 {
			t.Errorf("fn argument precedence %v, want 5", g.Precedence)
		}
		g.Precedence = nil
		return nil
	})
	if err != nil || got.Precedence != nil {
		t.Fatalf("UpdateGroup(clear precedence) = %s, %v", fmtGroup(got), err)
	}
	if g := mustGetGroup(t, s, p.ID, "admins"); g.Precedence != nil {
		t.Errorf("precedence after clearing: %d", *g.Precedence)
	}
}

func testGroupUpdateMissingAndAbort(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	for _, tc := range []struct{ pool, name string }{{p.ID, "none"}, {"us-east-1_none", "none"}} {
		_, err := s.UpdateGroup(ctx, tc.pool, tc.name, func(*store.Group) error {
			t.Error("fn called for a missing group")
			return nil
		})
		wantErr(t, fmt.Sprintf("UpdateGroup(%q, %q)", tc.pool, tc.name), err, store.ErrNotFound)
	}
	orig := createGroup(t, s, group(p.ID, "admins"))
	boom := errors.New("boom")
	_, err := s.UpdateGroup(ctx, p.ID, "admins", func(g *store.Group) error {
		g.Description = "half-done"
		return boom
	})
	wantErr(t, "UpdateGroup with failing fn", err, boom)
	sameGroup(t, "group after aborted update", mustGetGroup(t, s, p.ID, "admins"), orig)
}

func testGroupDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	createGroup(t, s, group(p.ID, "admins"))
	staff := createGroup(t, s, group(p.ID, "staff"))
	wantErr(t, "DeleteGroup(wrong pool)", s.DeleteGroup(ctx, q.ID, "admins"), store.ErrNotFound)
	if err := s.DeleteGroup(ctx, p.ID, "admins"); err != nil {
		t.Fatalf("DeleteGroup: %v", err)
	}
	_, err := s.GetGroup(ctx, p.ID, "admins")
	wantErr(t, "GetGroup(deleted)", err, store.ErrNotFound)
	wantErr(t, "DeleteGroup(deleted)", s.DeleteGroup(ctx, p.ID, "admins"), store.ErrNotFound)
	sameGroup(t, "surviving group", mustGetGroup(t, s, p.ID, "staff"), staff)
	n, err := s.CountGroups(ctx, p.ID)
	wantCount(t, "CountGroups", n, err, 1)
	createGroup(t, s, group(p.ID, "admins"))
}

func testGroupListPagination(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	names := []string{"admins", "Admins", "staff", "a", "A", "_x", "0", "10", "9", "z", "Ω", "ab", "a b", "a-b", "beta"}
	var inP []string
	for i, j := range rand.New(rand.NewPCG(9, 10)).Perm(len(names)) {
		g := group(p.ID, names[j])
		if i%2 == 0 {
			g.Precedence = ptr(int32(i))
		}
		createGroup(t, s, g)
		inP = append(inP, g.Name)
		if i%3 == 0 {
			createGroup(t, s, group(q.ID, names[j]+"-q"))
		}
	}
	want := sortedCopy(inP)
	for _, limit := range []int{1, 2, 5, len(want), len(want) + 1} {
		got := walkOpaque(t, "ListGroups", limit, len(want), func(page store.PageRequest) ([]string, string, error) {
			gs, next, err := s.ListGroups(ctx, p.ID, page)
			for _, g := range gs {
				if g.PoolID != p.ID || g.Description != "group "+g.Name {
					t.Errorf("listed group %s", fmtGroup(g))
				}
			}
			return groupNames(gs), next, err
		})
		if !slices.Equal(got, want) {
			t.Fatalf("ListGroups with limit %d:\n got  %q\n want %q", limit, got, want)
		}
	}
	n, err := s.CountGroups(ctx, p.ID)
	wantCount(t, "CountGroups(p)", n, err, len(names))
	n, err = s.CountGroups(ctx, "us-east-1_none")
	wantCount(t, "CountGroups(unknown pool)", n, err, 0)
	gs, next, err := s.ListGroups(ctx, "us-east-1_none", store.PageRequest{Limit: 5})
	if err != nil || len(gs) != 0 || next != "" {
		t.Errorf("ListGroups(unknown pool) = %q, %q, %v", groupNames(gs), next, err)
	}
	if _, _, err := s.ListGroups(ctx, p.ID, store.PageRequest{Limit: 0}); err == nil {
		t.Error("ListGroups with limit 0: no error")
	}
}

// groupsOf lists every group of the user in one page.
func groupsOf(t *testing.T, s store.Store, poolID, key string) []string {
	t.Helper()
	gs, next, err := s.ListGroupsForUser(t.Context(), poolID, key, store.PageRequest{Limit: 1000})
	if err != nil || next != "" {
		t.Fatalf("ListGroupsForUser(%q, %q) = %q, %q, %v", poolID, key, groupNames(gs), next, err)
	}
	return groupNames(gs)
}

// membersOf lists every member of the group in one page.
func membersOf(t *testing.T, s store.Store, poolID, name string) []string {
	t.Helper()
	us, next, err := s.ListUsersInGroup(t.Context(), poolID, name, store.PageRequest{Limit: 1000})
	if err != nil || next != "" {
		t.Fatalf("ListUsersInGroup(%q, %q) = %q, %q, %v", poolID, name, userKeys(us), next, err)
	}
	return userKeys(us)
}

func testGroupMembership(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	q := createPool(t, s, pool("us-east-1_q"))
	createUser(t, s, user(p.ID, "jane"))
	createUser(t, s, user(p.ID, "john"))
	createUser(t, s, user(q.ID, "jim"))
	createGroup(t, s, group(p.ID, "admins"))
	createGroup(t, s, group(q.ID, "staff"))

	for range 2 { // idempotent
		if err := s.AddUserToGroup(ctx, p.ID, "admins", "jane"); err != nil {
			t.Fatalf("AddUserToGroup: %v", err)
		}
	}
	if got := membersOf(t, s, p.ID, "admins"); !slices.Equal(got, []string{"jane"}) {
		t.Errorf("members after adding jane twice: %q", got)
	}
	if got := groupsOf(t, s, p.ID, "jane"); !slices.Equal(got, []string{"admins"}) {
		t.Errorf("groups of jane: %q", got)
	}
	for _, tc := range []struct{ pool, group, user, what string }{
		{p.ID, "admins", "nobody", "missing user"},
		{p.ID, "nogroup", "jane", "missing group"},
		{p.ID, "staff", "jane", "group of another pool"},
		{p.ID, "admins", "jim", "user of another pool"},
		{"us-east-1_none", "admins", "jane", "missing pool"},
	} {
		wantErr(t, "AddUserToGroup("+tc.what+")", s.AddUserToGroup(ctx, tc.pool, tc.group, tc.user), store.ErrNotFound)
		wantErr(t, "RemoveUserFromGroup("+tc.what+")", s.RemoveUserFromGroup(ctx, tc.pool, tc.group, tc.user), store.ErrNotFound)
	}
	if got := membersOf(t, s, p.ID, "admins"); !slices.Equal(got, []string{"jane"}) {
		t.Errorf("members after failed adds: %q", got)
	}
	// Removing a membership that does not exist is fine; removing twice too.
	if err := s.RemoveUserFromGroup(ctx, p.ID, "admins", "john"); err != nil {
		t.Errorf("RemoveUserFromGroup(non-member): %v", err)
	}
	for range 2 {
		if err := s.RemoveUserFromGroup(ctx, p.ID, "admins", "jane"); err != nil {
			t.Errorf("RemoveUserFromGroup: %v", err)
		}
	}
	if got := membersOf(t, s, p.ID, "admins"); len(got) != 0 {
		t.Errorf("members after removal: %q", got)
	}
	if got := groupsOf(t, s, p.ID, "jane"); len(got) != 0 {
		t.Errorf("groups of jane after removal: %q", got)
	}
	// Unknown users and groups list nothing.
	if got := groupsOf(t, s, p.ID, "nobody"); len(got) != 0 {
		t.Errorf("groups of an unknown user: %q", got)
	}
	if got := membersOf(t, s, p.ID, "nogroup"); len(got) != 0 {
		t.Errorf("members of an unknown group: %q", got)
	}
}

func testGroupMembershipListings(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	users := map[string]store.User{}
	var userKeysAll []string
	for _, k := range []string{"zoe", "Zed", "amy", "bob", "al", "Al", "0x", "carl", "dan", "eve", "fay", "gus", "hal", "ivy", "jo", "ken"} {
		u := createUser(t, s, user(p.ID, k))
		users[k] = u
		userKeysAll = append(userKeysAll, k)
	}
	groups := map[string]store.Group{}
	var groupNamesAll []string
	for i, n := range []string{"g9", "G1", "g10", "admins", "Admins", "a", "b", "c", "d", "e", "f", "g", "h"} {
		g := group(p.ID, n)
		if i%2 == 1 {
			g.Precedence = ptr(int32(i))
		}
		groups[n] = createGroup(t, s, g)
		groupNamesAll = append(groupNamesAll, n)
	}
	// Everyone in "admins"; "ken" in every group; the others in some.
	rng := rand.New(rand.NewPCG(11, 12))
	member := map[[2]string]bool{}
	for _, g := range groupNamesAll {
		for _, u := range userKeysAll {
			if g == "admins" || u == "ken" || rng.IntN(3) == 0 {
				member[[2]string{g, u}] = true
				if err := s.AddUserToGroup(ctx, p.ID, g, u); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, g := range []string{"admins", "G1", "h"} {
		var want []string
		for _, u := range userKeysAll {
			if member[[2]string{g, u}] {
				want = append(want, u)
			}
		}
		want = sortedCopy(want)
		for _, limit := range []int{1, 3, len(want), len(want) + 1} {
			got := walkOpaque(t, "ListUsersInGroup("+g+")", limit, len(want), userPager2(t, s, p.ID, g, users))
			if !slices.Equal(got, want) {
				t.Fatalf("ListUsersInGroup(%s) with limit %d:\n got  %q\n want %q", g, limit, got, want)
			}
		}
	}
	for _, u := range []string{"ken", "amy", "Zed"} {
		var want []string
		for _, g := range groupNamesAll {
			if member[[2]string{g, u}] {
				want = append(want, g)
			}
		}
		want = sortedCopy(want)
		for _, limit := range []int{1, 4, len(want) + 1} {
			got := walkOpaque(t, "ListGroupsForUser("+u+")", limit, len(want), func(page store.PageRequest) ([]string, string, error) {
				gs, next, err := s.ListGroupsForUser(ctx, p.ID, u, page)
				for _, g := range gs {
					sameGroup(t, "listed group", g, groups[g.Name])
				}
				return groupNames(gs), next, err
			})
			if !slices.Equal(got, want) {
				t.Fatalf("ListGroupsForUser(%s) with limit %d:\n got  %q\n want %q", u, limit, got, want)
			}
		}
	}
	for _, limit := range []int{0, -1} {
		if _, _, err := s.ListGroupsForUser(ctx, p.ID, "ken", store.PageRequest{Limit: limit}); err == nil {
			t.Errorf("ListGroupsForUser with limit %d: no error", limit)
		}
		if _, _, err := s.ListUsersInGroup(ctx, p.ID, "admins", store.PageRequest{Limit: limit}); err == nil {
			t.Errorf("ListUsersInGroup with limit %d: no error", limit)
		}
	}
}

// userPager2 lists the members of a group, checking each against want.
func userPager2(t *testing.T, s store.Store, poolID, name string, want map[string]store.User) pager {
	return func(page store.PageRequest) ([]string, string, error) {
		us, next, err := s.ListUsersInGroup(t.Context(), poolID, name, page)
		for _, u := range us {
			sameUser(t, "listed member", u, want[u.Key])
		}
		return userKeys(us), next, err
	}
}

func testGroupMembershipCascades(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	for _, k := range []string{"jane", "john"} {
		createUser(t, s, user(p.ID, k))
	}
	for _, g := range []string{"admins", "staff"} {
		createGroup(t, s, group(p.ID, g))
		for _, k := range []string{"jane", "john"} {
			if err := s.AddUserToGroup(ctx, p.ID, g, k); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Deleting a user ends its memberships.
	if err := s.DeleteUser(ctx, p.ID, "jane"); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"admins", "staff"} {
		if got := membersOf(t, s, p.ID, g); !slices.Equal(got, []string{"john"}) {
			t.Errorf("members of %s after deleting jane: %q", g, got)
		}
	}
	// A new user under the same key starts without groups.
	createUser(t, s, user(p.ID, "jane"))
	if got := groupsOf(t, s, p.ID, "jane"); len(got) != 0 {
		t.Errorf("groups of a recreated user: %q", got)
	}
	// Deleting a group ends its memberships; the users stay.
	if err := s.DeleteGroup(ctx, p.ID, "admins"); err != nil {
		t.Fatal(err)
	}
	if got := groupsOf(t, s, p.ID, "john"); !slices.Equal(got, []string{"staff"}) {
		t.Errorf("groups of john after deleting admins: %q", got)
	}
	createGroup(t, s, group(p.ID, "admins"))
	if got := membersOf(t, s, p.ID, "admins"); len(got) != 0 {
		t.Errorf("members of a recreated group: %q", got)
	}
	n, err := s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers", n, err, 2)
}

// ---- messages --------------------------------------------------------------

func message(poolID, username, dest string, i int) store.Message {
	return store.Message{
		PoolID: poolID, Username: username, Channel: "EMAIL", Destination: dest,
		Subject: fmt.Sprintf("subject %d", i), Body: fmt.Sprintf("body %d ✓\nline 2", i), Kind: "SignUp",
		CreatedAt: at(1000 + i),
	}
}

func sameMessage(t *testing.T, what string, got, want store.Message) {
	t.Helper()
	if got.ID != want.ID || got.PoolID != want.PoolID || got.Username != want.Username || got.Channel != want.Channel ||
		got.Destination != want.Destination || got.Subject != want.Subject || got.Body != want.Body ||
		got.Kind != want.Kind || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func testMessages(t *testing.T, s store.Store) {
	ctx := t.Context()
	var all []store.Message // in insertion order
	add := func(m store.Message) {
		t.Helper()
		id, err := s.AddMessage(ctx, m)
		if err != nil {
			t.Fatalf("AddMessage: %v", err)
		}
		if len(all) > 0 && id <= all[len(all)-1].ID {
			t.Fatalf("AddMessage returned ID %d after %d", id, all[len(all)-1].ID)
		}
		m.ID = id
		all = append(all, m)
	}
	for i := range 12 {
		m := message([]string{"us-east-1_p", "us-east-1_q"}[i%2], []string{"jane", "john", "jim"}[i%3],
			[]string{"jane@example.com", "+15550100"}[i%2], i)
		if i%2 == 1 {
			m.Channel, m.Subject = "SMS", ""
		}
		m.ID = 424242 // ignored
		add(m)
	}
	list := func(f store.MessageFilter, limit int) []store.Message {
		t.Helper()
		ms, err := s.ListMessages(ctx, f, limit)
		if err != nil {
			t.Fatalf("ListMessages(%+v, %d): %v", f, limit, err)
		}
		return ms
	}
	expect := func(f store.MessageFilter, limit int) []store.Message {
		var out []store.Message
		for i := len(all) - 1; i >= 0 && len(out) < limit; i-- {
			m := all[i]
			if (f.PoolID == "" || m.PoolID == f.PoolID) && (f.Username == "" || m.Username == f.Username) &&
				(f.Destination == "" || m.Destination == f.Destination) {
				out = append(out, m)
			}
		}
		return out
	}
	check := func(f store.MessageFilter, limit int) {
		t.Helper()
		got, want := list(f, limit), expect(f, limit)
		if len(got) != len(want) {
			t.Errorf("ListMessages(%+v, %d) = %d messages, want %d", f, limit, len(got), len(want))
			return
		}
		for i := range got {
			sameMessage(t, fmt.Sprintf("ListMessages(%+v, %d)[%d]", f, limit, i), got[i], want[i])
		}
	}
	filters := []store.MessageFilter{
		{},
		{PoolID: "us-east-1_p"},
		{PoolID: "us-east-1_q", Username: "jim"},
		{Username: "jane"},
		{Destination: "+15550100"},
		{PoolID: "us-east-1_p", Username: "john", Destination: "jane@example.com"},
		{PoolID: "us-east-1_p", Destination: "+15550100"},
		{PoolID: "us-east-1_none"},
	}
	for _, f := range filters {
		for _, limit := range []int{1, 3, 100} {
			check(f, limit)
		}
	}
	// Deleting by filter returns the count and leaves the others.
	n, err := s.DeleteMessages(ctx, store.MessageFilter{PoolID: "us-east-1_p", Username: "jane"})
	wantCount(t, "DeleteMessages(p, jane)", n, err, 2)
	kept := all[:0:0]
	for _, m := range all {
		if m.PoolID != "us-east-1_p" || m.Username != "jane" {
			kept = append(kept, m)
		}
	}
	all = kept
	for _, f := range filters {
		check(f, 100)
	}
	n, err = s.DeleteMessages(ctx, store.MessageFilter{Destination: "nobody"})
	wantCount(t, "DeleteMessages(no match)", n, err, 0)
	// Deleting the newest does not make its ID reusable.
	newest := all[len(all)-1]
	n, err = s.DeleteMessages(ctx, store.MessageFilter{PoolID: newest.PoolID, Username: newest.Username, Destination: newest.Destination})
	if err != nil || n == 0 {
		t.Fatalf("DeleteMessages(newest) = %d, %v", n, err)
	}
	id, err := s.AddMessage(ctx, message("us-east-1_p", "late", "late@example.com", 99))
	if err != nil {
		t.Fatal(err)
	}
	if id <= newest.ID {
		t.Errorf("ID %d assigned after deleting ID %d: IDs must keep increasing", id, newest.ID)
	}
	// Deleting with an empty filter empties the inbox; IDs still increase.
	total := len(list(store.MessageFilter{}, 1000))
	n, err = s.DeleteMessages(ctx, store.MessageFilter{})
	wantCount(t, "DeleteMessages(all)", n, err, total)
	if ms := list(store.MessageFilter{}, 10); len(ms) != 0 {
		t.Errorf("%d messages after deleting all", len(ms))
	}
	again, err := s.AddMessage(ctx, message("us-east-1_p", "later", "later@example.com", 100))
	if err != nil {
		t.Fatal(err)
	}
	if again <= id {
		t.Errorf("ID %d assigned after emptying the inbox whose last ID was %d", again, id)
	}
}

func testMessagesOutlivePools(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	createUser(t, s, user(p.ID, "jane"))
	m := message(p.ID, "jane", "jane@example.com", 1)
	id, err := s.AddMessage(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	m.ID = id
	// No pool needed either.
	if _, err := s.AddMessage(ctx, message("us-east-1_none", "x", "x@example.com", 2)); err != nil {
		t.Fatalf("AddMessage(unknown pool): %v", err)
	}
	if err := s.DeleteUserPool(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	ms, err := s.ListMessages(ctx, store.MessageFilter{PoolID: p.ID}, 10)
	if err != nil || len(ms) != 1 {
		t.Fatalf("ListMessages after deleting the pool = %d messages, %v; want 1", len(ms), err)
	}
	sameMessage(t, "message of a deleted pool", ms[0], m)
}

// ---- concurrency on users --------------------------------------------------

func testConcurrentCreateSameUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	errs := make([]error, workers)
	runWorkers(func(w int) {
		u := user(p.ID, "contested")
		u.Sub = fmt.Sprintf("sub-%d", w)
		u.Aliases = []string{fmt.Sprintf("email:w%d@example.com", w)}
		u.Status = fmt.Sprintf("worker %d", w)
		errs[w] = s.CreateUser(ctx, u)
	})
	winner := -1
	for w, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("workers %d and %d both created the user", winner, w)
			}
			winner = w
			continue
		}
		wantConflict(t, fmt.Sprintf("worker %d", w), err, store.ConflictUsername, "contested")
	}
	if winner < 0 {
		t.Fatal("no worker created the user")
	}
	got := mustGetUser(t, s, p.ID, "contested")
	if got.Status != fmt.Sprintf("worker %d", winner) || got.Sub != fmt.Sprintf("sub-%d", winner) {
		t.Errorf("stored user is %q / %q, want worker %d's", got.Status, got.Sub, winner)
	}
	for w := range workers {
		alias := fmt.Sprintf("email:w%d@example.com", w)
		if w == winner {
			wantAliasHeld(t, s, alias, got)
		} else {
			wantAliasFree(t, s, p.ID, alias)
		}
	}
	n, err := s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers", n, err, 1)
}

func testConcurrentCreateSameAlias(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	const alias = "email:contested@example.com"
	errs := make([]error, workers)
	runWorkers(func(w int) {
		u := user(p.ID, fmt.Sprintf("user%d", w))
		// Every worker claims the contested alias and one of its own,
		// listed on either side of it.
		own := fmt.Sprintf("phone:+1555%04d", w)
		u.Aliases = []string{alias, own}
		if w%2 == 1 {
			u.Aliases = []string{own, alias, "zz:" + own}
		}
		errs[w] = s.CreateUser(ctx, u)
	})
	winner := -1
	for w, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("workers %d and %d both claimed the alias", winner, w)
			}
			winner = w
			continue
		}
		wantConflict(t, fmt.Sprintf("worker %d", w), err, store.ConflictAlias, alias)
	}
	if winner < 0 {
		t.Fatal("no worker created its user")
	}
	got, err := s.GetUserByAlias(ctx, p.ID, alias)
	if err != nil || got.Key != fmt.Sprintf("user%d", winner) {
		t.Fatalf("GetUserByAlias = %q, %v; want user%d", got.Key, err, winner)
	}
	for w := range workers {
		if w != winner {
			wantAliasFree(t, s, p.ID, fmt.Sprintf("phone:+1555%04d", w))
		}
	}
	n, err := s.CountUsers(ctx, p.ID)
	wantCount(t, "CountUsers", n, err, 1)
}

func testConcurrentUserUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	u := user(p.ID, "counter")
	u.Data = nil
	createUser(t, s, u)
	var final store.User
	runCounterUpdates(t, "concurrent UpdateUser", func() (int, error) {
		var n int
		_, err := s.UpdateUser(ctx, p.ID, "counter", func(u *store.User) error {
			var err error
			u.Data, n, err = increment(u.Data)
			// The aliases change on every update too.
			u.Aliases = []string{"counter:" + strconv.Itoa(n)}
			return err
		})
		return n, err
	}, func() []byte {
		final = mustGetUser(t, s, p.ID, "counter")
		return final.Data
	})
	wantAliasHeld(t, s, "counter:"+string(final.Data), final)
	wantAliasFree(t, s, p.ID, "counter:1")
}

func testConcurrentMemberships(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := createPool(t, s, pool("us-east-1_p"))
	createGroup(t, s, group(p.ID, "g"))
	for w := range workers {
		createUser(t, s, user(p.ID, fmt.Sprintf("u%d", w)))
	}
	errs := make([]error, workers)
	runWorkers(func(w int) {
		for i := range 2 * workers {
			// Every worker adds every user, twice.
			target := fmt.Sprintf("u%d", (w+i)%workers)
			if err := s.AddUserToGroup(ctx, p.ID, "g", target); err != nil {
				errs[w] = err
				return
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent AddUserToGroup: %v", err)
	}
	if got := membersOf(t, s, p.ID, "g"); len(got) != workers {
		t.Errorf("group has %d members, want %d: %q", len(got), workers, got)
	}
}
