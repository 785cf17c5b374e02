package userpool

import (
	"context"
	"errors"
	"strings"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
)

// filterFields maps the attribute names Cognito's ListUsers filter accepts
// to store fields.
var filterFields = map[string]string{
	"username":            store.FilterUsername,
	"email":               store.FilterEmail,
	"phone_number":        store.FilterPhoneNumber,
	"name":                store.FilterName,
	"given_name":          store.FilterGivenName,
	"family_name":         store.FilterFamilyName,
	"preferred_username":  store.FilterPreferredUsername,
	"cognito:user_status": store.FilterStatus,
	"status":              store.FilterEnabled,
	"sub":                 store.FilterSub,
}

// parseFilter parses Cognito's filter grammar: `attr = "value"` or
// `attr ^= "value"` (spaces around the operator optional; an empty filter
// lists everyone).
func parseFilter(p poolView, raw string) (*store.UserFilter, error) {
	f := strings.TrimSpace(raw)
	if f == "" {
		return nil, nil
	}
	bad := func() error { return invalidParameter("Error while parsing filter.") }
	opAt := strings.IndexAny(f, "=^")
	if opAt <= 0 {
		return nil, bad()
	}
	name := strings.TrimSpace(f[:opAt])
	rest := f[opAt:]
	prefix := false
	switch {
	case strings.HasPrefix(rest, "^="):
		prefix, rest = true, rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return nil, bad()
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
		return nil, bad()
	}
	value := rest[1 : len(rest)-1]
	if strings.ContainsAny(value, "\"\x00") {
		return nil, bad()
	}
	field, ok := filterFields[name]
	if !ok {
		return nil, invalidParameter("Invalid search attribute: %s", name)
	}
	switch field {
	case store.FilterUsername:
		value = p.usernameKey(value)
	case store.FilterEnabled:
		switch strings.ToLower(value) {
		case "enabled":
			value = "true"
		case "disabled":
			value = "false"
		default:
			value = "none"
		}
		prefix = false
	}
	return &store.UserFilter{Field: field, Value: value, Prefix: prefix}, nil
}

// ListUsers lists users, optionally filtered, Limit (default and max 60) at
// a time.
func (s *Service) ListUsers(ctx context.Context, in *api.ListUsersRequest) (*api.ListUsersResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	filter, err := parseFilter(p, deref(in.Filter))
	if err != nil {
		return nil, err
	}
	var only func(string) bool
	if in.AttributesToGet != nil {
		for _, name := range in.AttributesToGet {
			if _, ok := schemaAttr(p, name); !ok {
				return nil, invalidParameter("One or more requested attributes do not exist.")
			}
		}
		want := map[string]bool{}
		for _, name := range in.AttributesToGet {
			want[canonicalAttrName(p, name)] = true
		}
		only = func(name string) bool { return want[name] }
	}
	page, err := pageRequest(in.PaginationToken, in.Limit)
	if err != nil {
		return nil, err
	}
	users, next, err := s.store.ListUsers(ctx, p.id(), filter, page)
	if errors.Is(err, store.ErrInvalidCursor) {
		return nil, invalidParameter("Invalid pagination token.")
	}
	if err != nil {
		return nil, err
	}
	out := &api.ListUsersResponse{Users: make([]api.UserType, 0, len(users)), PaginationToken: pageToken(next)}
	for _, u := range users {
		out.Users = append(out.Users, userType(u, only))
	}
	return out, nil
}
