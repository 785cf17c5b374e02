package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gognito/gognito/internal/store"
)

// columnKind says how a filtered users column is compared and ordered.
type columnKind int

const (
	// textColumn: a filter lists users ordered by (column, key).
	textColumn columnKind = iota
	// uniqueColumn: the column is unique in the pool (key, sub), so a
	// filter lists users ordered by it alone.
	uniqueColumn
	// boolColumn: enabled, compared with "true" and "false".
	boolColumn
)

type filterColumn struct {
	column string
	kind   columnKind
}

// filterFields maps each UserFilter field to the users column holding it.
// Every column leads an index after pool_id (see 0002_users.sql).
var filterFields = map[string]filterColumn{
	store.FilterUsername:          {"key", uniqueColumn},
	store.FilterSub:               {"sub", uniqueColumn},
	store.FilterEmail:             {"email", textColumn},
	store.FilterPhoneNumber:       {"phone_number", textColumn},
	store.FilterName:              {"name", textColumn},
	store.FilterGivenName:         {"given_name", textColumn},
	store.FilterFamilyName:        {"family_name", textColumn},
	store.FilterPreferredUsername: {"preferred_username", textColumn},
	store.FilterStatus:            {"status", textColumn},
	store.FilterEnabled:           {"enabled", boolColumn},
}

// filterValue returns the value of field that a filter compares for u.
func filterValue(u *store.User, field string) string {
	switch field {
	case store.FilterUsername:
		return u.Key
	case store.FilterSub:
		return u.Sub
	case store.FilterStatus:
		return u.Status
	case store.FilterEnabled:
		return strconv.FormatBool(u.Enabled)
	}
	v, _ := u.Attribute(field)
	return v
}

// userListing is one page query of ListUsers.
type userListing struct {
	query string
	args  []any
	// cursor makes the cursor that resumes after u.
	cursor func(u *store.User) string
	// none is set when the filter can match no user; query is empty.
	none bool
}

// argList collects bind arguments and returns their placeholders.
type argList struct {
	d    *dialect
	args []any
}

func (a *argList) add(v any) string {
	a.args = append(a.args, v)
	return a.d.placeholder(len(a.args))
}

func byKey(u *store.User) string { return u.Key }

// buildUserListing writes the query of one ListUsers page: the pool's
// users matching filter after the cursor after, at most limit of them.
//
//   - no filter: ordered by key, cursor = last key;
//   - equality: WHERE column = value AND key > cursor ORDER BY key;
//   - prefix: the range value <= column < successor(value), ordered by
//     (column, key) with a composite cursor, or by column alone when it is
//     unique (key, sub);
//   - enabled: "true"/"false" compared with the flag; any other value
//     matches nothing, a prefix matching both lists everyone ordered by
//     (enabled, key).
func buildUserListing(d *dialect, poolID string, filter *store.UserFilter, after string, limit int) (userListing, error) {
	a := &argList{d: d}
	sel := "SELECT " + userColumns + " FROM users WHERE pool_id = " + a.add(poolID)
	if filter == nil {
		q := sel + " AND key > " + a.add(after) + " ORDER BY key LIMIT " + a.add(limit)
		return userListing{query: q, args: a.args, cursor: byKey}, nil
	}
	fc, ok := filterFields[filter.Field]
	if !ok {
		return userListing{}, fmt.Errorf("sqlstore: list users: unknown filter field %q", filter.Field)
	}
	col := fc.column
	equal := func(v any) userListing {
		q := sel + " AND " + col + " = " + a.add(v) + " AND key > " + a.add(after) + " ORDER BY key LIMIT " + a.add(limit)
		return userListing{query: q, args: a.args, cursor: byKey}
	}
	field := filter.Field
	composite := func(u *store.User) string { return encodeCursor(filterValue(u, field), u.Key) }

	if fc.kind == boolColumn {
		var match []bool
		for _, b := range []bool{false, true} {
			v := strconv.FormatBool(b)
			if v == filter.Value || filter.Prefix && strings.HasPrefix(v, filter.Value) {
				match = append(match, b)
			}
		}
		switch len(match) {
		case 0:
			return userListing{none: true}, nil
		case 1:
			return equal(match[0]), nil
		}
		// Everyone, ordered by (enabled, key).
		q := sel
		if after != "" {
			v, key, err := decodeCursor(after)
			if err != nil {
				return userListing{}, err
			}
			b, err := strconv.ParseBool(v)
			if err != nil || (v != "true" && v != "false") {
				return userListing{}, fmt.Errorf("sqlstore: list users: %w %q", store.ErrInvalidCursor, after)
			}
			q += " AND (" + col + ", key) > (" + a.add(b) + ", " + a.add(key) + ")"
		}
		q += " ORDER BY " + col + ", key LIMIT " + a.add(limit)
		return userListing{query: q, args: a.args, cursor: composite}, nil
	}

	if !filter.Prefix {
		return equal(filter.Value), nil
	}
	// The lower bound is the prefix or, on later pages, the cursor (which
	// is never below the prefix unless forged): SQLite bounds an index
	// range by one lower bound only, so the tighter one goes in alone.
	lo := filter.Value
	var q string
	switch {
	case fc.kind == uniqueColumn && after >= lo:
		q = sel + " AND " + col + " > " + a.add(after)
	case fc.kind == uniqueColumn || after == "":
		q = sel + " AND " + col + " >= " + a.add(lo)
	default:
		v, key, err := decodeCursor(after)
		if err != nil {
			return userListing{}, err
		}
		if v >= lo {
			q = sel + " AND (" + col + ", key) > (" + a.add(v) + ", " + a.add(key) + ")"
		} else {
			q = sel + " AND " + col + " >= " + a.add(lo)
		}
	}
	if hi, ok := prefixSuccessor(filter.Value); ok {
		q += " AND " + col + " < " + a.add(hi)
	}
	if fc.kind == uniqueColumn {
		q += " ORDER BY " + col + " LIMIT " + a.add(limit)
		cursor := byKey
		if field == store.FilterSub {
			cursor = func(u *store.User) string { return u.Sub }
		}
		return userListing{query: q, args: a.args, cursor: cursor}, nil
	}
	q += " ORDER BY " + col + ", key LIMIT " + a.add(limit)
	return userListing{query: q, args: a.args, cursor: composite}, nil
}

// encodeCursor makes the cursor of a listing ordered by (value, key):
// the length of value in decimal, a colon, value, key.
func encodeCursor(value, key string) string {
	return strconv.Itoa(len(value)) + ":" + value + key
}

func decodeCursor(c string) (value, key string, err error) {
	n, rest, ok := strings.Cut(c, ":")
	l, perr := strconv.Atoi(n)
	if !ok || perr != nil || l < 0 || l > len(rest) || n != strconv.Itoa(l) {
		return "", "", fmt.Errorf("sqlstore: list users: %w %q", store.ErrInvalidCursor, c)
	}
	return rest[:l], rest[l:], nil
}

// prefixSuccessor returns the least string above every string that starts
// with prefix, in bytewise order, so that prefix <= s < successor holds
// exactly for the strings s starting with prefix; ok is false when there
// is no such bound (every string from prefix on starts with it: prefix is
// empty or only U+10FFFF / 0xFF).
//
// For valid UTF-8 the successor increments the last code point (dropping
// trailing U+10FFFF), so it stays valid UTF-8 as PostgreSQL text requires;
// since UTF-8 byte order is code point order it is exact, where appending
// U+10FFFF to the prefix would miss values continuing with U+10FFFF. Other
// strings (SQLite only) increment the last byte below 0xFF.
func prefixSuccessor(prefix string) (string, bool) {
	if utf8.ValidString(prefix) {
		for prefix != "" {
			r, size := utf8.DecodeLastRuneInString(prefix)
			prefix = prefix[:len(prefix)-size]
			if r == utf8.MaxRune {
				continue
			}
			r++
			if r == 0xD800 { // surrogates are not code points of UTF-8
				r = 0xE000
			}
			return prefix + string(r), true
		}
		return "", false
	}
	b := []byte(prefix)
	for len(b) > 0 && b[len(b)-1] == 0xFF {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "", false
	}
	b[len(b)-1]++
	return string(b), true
}

// ListUsers returns up to page.Limit users of the pool matching filter
// (nil: all) after the cursor page.After, and the cursor of the next page
// ("" on the last page). See buildUserListing for the orders and cursors;
// an unknown filter field or a malformed cursor is an error. An unknown
// pool lists nothing.
func (s *Store) ListUsers(ctx context.Context, poolID string, filter *store.UserFilter, page store.PageRequest) ([]store.User, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	limit, err := pageLimit(page)
	if err != nil {
		return nil, "", err
	}
	l, err := buildUserListing(s.d, poolID, filter, page.After, limit+1)
	if err != nil {
		return nil, "", err
	}
	if l.none {
		return nil, "", nil
	}
	return queryPage(ctx, s, "list users", limit, scanUser, l.cursor, l.query, l.args...)
}
