package store

import (
	"context"
	"errors"
	"time"
)

// ConflictError is the ErrConflict of a write that violated one named
// uniqueness rule, so that callers can answer precisely (a taken username
// and a taken alias are different errors in Cognito).
type ConflictError struct {
	// Field is ConflictUsername, ConflictSub, ConflictAlias or ConflictGroup.
	Field string
	// Key is the conflicting key (the alias key for ConflictAlias).
	Key string
}

// Conflict fields.
const (
	ConflictUsername = "username"
	ConflictSub      = "sub"
	ConflictAlias    = "alias"
	ConflictGroup    = "group"
)

func (e *ConflictError) Error() string { return "store: conflict on " + e.Field + " " + e.Key }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// AsConflict returns the ConflictError in err, if any.
func AsConflict(err error) (*ConflictError, bool) {
	var c *ConflictError
	ok := errors.As(err, &c)
	return c, ok
}

// Attribute is one user attribute.
type Attribute struct {
	Name  string
	Value string
}

// User is one user of a pool.
//
// Key is the username as the pool compares it (lower-cased in a
// case-insensitive pool) and is unique in the pool; Username keeps the case
// it was created with. Sub is unique in the pool. Aliases are the alias keys
// the user can sign in with (the userpool package builds them, e.g.
// "email:jane@example.com"); each is unique in the pool. Data is a JSON
// document owned by the userpool package (credentials, codes, MFA
// settings); the store persists it verbatim.
type User struct {
	PoolID     string
	Key        string
	Username   string
	Sub        string
	Status     string
	Enabled    bool
	Attributes []Attribute
	Aliases    []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Data       []byte
}

// Attribute returns the value of the named attribute and whether it is set.
func (u *User) Attribute(name string) (string, bool) {
	for _, a := range u.Attributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Filterable user fields of UserFilter (Cognito's ListUsers filter
// attributes). FilterStatus is the user status (cognito:user_status);
// FilterEnabled compares "true"/"false" with the enabled flag.
const (
	FilterUsername          = "username"
	FilterEmail             = "email"
	FilterPhoneNumber       = "phone_number"
	FilterName              = "name"
	FilterGivenName         = "given_name"
	FilterFamilyName        = "family_name"
	FilterPreferredUsername = "preferred_username"
	FilterStatus            = "cognito:user_status"
	FilterEnabled           = "status"
	FilterSub               = "sub"
)

// UserFilter selects users whose Field equals Value, or starts with Value
// when Prefix is set. Comparisons are exact (byte-wise); FilterUsername
// compares with Key, so callers normalise the value as they normalise keys.
// The backend answers from an index, never by scanning the pool.
type UserFilter struct {
	Field  string
	Value  string
	Prefix bool
}

// Users stores users.
type Users interface {
	// CreateUser inserts u; ErrNotFound if the pool does not exist, a
	// *ConflictError if its key, sub or one of its aliases is taken.
	CreateUser(ctx context.Context, u User) error
	// GetUser returns the user with this key, or ErrNotFound.
	GetUser(ctx context.Context, poolID, key string) (User, error)
	// GetUserBySub returns the user with this sub, or ErrNotFound.
	GetUserBySub(ctx context.Context, poolID, sub string) (User, error)
	// GetUserByAlias returns the user holding this alias key, or ErrNotFound.
	GetUserByAlias(ctx context.Context, poolID, alias string) (User, error)
	// UpdateUser applies fn to the stored user atomically, like
	// UpdateUserPool; PoolID, Key, Username, Sub and CreatedAt cannot be
	// changed; a new alias taken by another user gives a *ConflictError.
	// fn must not call the store.
	UpdateUser(ctx context.Context, poolID, key string, fn func(*User) error) (User, error)
	// DeleteUser deletes the user, its aliases and group memberships;
	// ErrNotFound if absent.
	DeleteUser(ctx context.Context, poolID, key string) error
	// ListUsers returns the pool's users matching filter (nil = all),
	// ordered by key (or by the filtered field, then key), paginated.
	ListUsers(ctx context.Context, poolID string, filter *UserFilter, page PageRequest) ([]User, string, error)
	// CountUsers returns the number of users of the pool.
	CountUsers(ctx context.Context, poolID string) (int, error)
}

// Group is one group of a pool. Name is unique in the pool (case-sensitive).
type Group struct {
	PoolID      string
	Name        string
	Description string
	RoleArn     string
	Precedence  *int32
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Groups stores groups and memberships.
type Groups interface {
	// CreateGroup inserts g; ErrNotFound if the pool does not exist,
	// *ConflictError{Field: ConflictGroup} if the name is taken.
	CreateGroup(ctx context.Context, g Group) error
	// GetGroup returns the group or ErrNotFound.
	GetGroup(ctx context.Context, poolID, name string) (Group, error)
	// UpdateGroup applies fn atomically; PoolID, Name and CreatedAt are kept.
	UpdateGroup(ctx context.Context, poolID, name string, fn func(*Group) error) (Group, error)
	// DeleteGroup deletes the group and its memberships; ErrNotFound if absent.
	DeleteGroup(ctx context.Context, poolID, name string) error
	// ListGroups returns the pool's groups ordered by name, paginated.
	ListGroups(ctx context.Context, poolID string, page PageRequest) ([]Group, string, error)
	// CountGroups returns the number of groups of the pool.
	CountGroups(ctx context.Context, poolID string) (int, error)
	// AddUserToGroup adds a membership (idempotent); ErrNotFound if the user
	// or the group does not exist.
	AddUserToGroup(ctx context.Context, poolID, group, userKey string) error
	// RemoveUserFromGroup removes a membership (idempotent); ErrNotFound if
	// the user or the group does not exist.
	RemoveUserFromGroup(ctx context.Context, poolID, group, userKey string) error
	// ListGroupsForUser returns the user's groups ordered by name, paginated.
	ListGroupsForUser(ctx context.Context, poolID, userKey string, page PageRequest) ([]Group, string, error)
	// ListUsersInGroup returns the group's users ordered by key, paginated.
	ListUsersInGroup(ctx context.Context, poolID, group string, page PageRequest) ([]User, string, error)
}

// Message is one message Gognito delivered (email or SMS), kept in the
// development inbox.
type Message struct {
	ID          int64 // assigned by the store, increasing
	PoolID      string
	Username    string
	Channel     string // "EMAIL" or "SMS"
	Destination string
	Subject     string
	Body        string
	Kind        string // why it was sent, e.g. "SignUp", "ForgotPassword"
	CreatedAt   time.Time
}

// MessageFilter selects inbox messages; empty fields match everything.
type MessageFilter struct {
	PoolID      string
	Username    string
	Destination string
}

// Messages stores the development inbox.
type Messages interface {
	// AddMessage stores m and returns its ID.
	AddMessage(ctx context.Context, m Message) (int64, error)
	// ListMessages returns matching messages, newest first, at most limit.
	ListMessages(ctx context.Context, filter MessageFilter, limit int) ([]Message, error)
	// DeleteMessages deletes matching messages and returns how many.
	DeleteMessages(ctx context.Context, filter MessageFilter) (int, error)
}
