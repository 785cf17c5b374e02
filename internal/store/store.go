package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors returned by every backend. Callers test them with errors.Is.
var (
	// ErrNotFound means the addressed record does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict means a uniqueness constraint enforced by the database was violated.
	ErrConflict = errors.New("store: conflict")
	// ErrClosed means the store has been closed.
	ErrClosed = errors.New("store: closed")
	// ErrInvalidCursor means a page cursor was not made by this listing.
	ErrInvalidCursor = errors.New("store: invalid page cursor")
)

// UserPool is one user pool. Settings is a JSON document owned by the
// userpool package; the store persists it verbatim and never interprets it.
type UserPool struct {
	ID        string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Settings  []byte
}

// Client is one app client of a user pool. Secret is empty for public clients.
// Settings is a JSON document owned by the userpool package.
type Client struct {
	PoolID    string
	ID        string
	Name      string
	Secret    string
	CreatedAt time.Time
	UpdatedAt time.Time
	Settings  []byte
}

// PageRequest asks for one page of a keyset-paginated listing. After is the
// cursor returned with the previous page ("" for the first page); Limit is the
// maximum number of records to return and must be positive.
type PageRequest struct {
	After string
	Limit int
}

// UserPools stores user pools.
type UserPools interface {
	// CreateUserPool inserts p; ErrConflict if its ID is taken.
	CreateUserPool(ctx context.Context, p UserPool) error
	// GetUserPool returns the pool or ErrNotFound.
	GetUserPool(ctx context.Context, id string) (UserPool, error)
	// UpdateUserPool applies fn to the stored pool atomically and stores the
	// result. fn may run more than once; an error from fn aborts the update and
	// is returned unchanged. ID and CreatedAt cannot be changed by fn.
	UpdateUserPool(ctx context.Context, id string, fn func(*UserPool) error) (UserPool, error)
	// DeleteUserPool deletes the pool and everything that belongs to it
	// (clients, users with their aliases, devices and group memberships,
	// groups, signing keys, refresh tokens, sign-in sessions); ErrNotFound
	// if absent. Inbox messages are kept.
	DeleteUserPool(ctx context.Context, id string) error
	// ListUserPools returns pools ordered by ID after page.After, at most
	// page.Limit of them, and the cursor of the next page ("" when done).
	ListUserPools(ctx context.Context, page PageRequest) ([]UserPool, string, error)
	// CountUserPools returns the number of pools.
	CountUserPools(ctx context.Context) (int, error)
}

// Clients stores app clients.
type Clients interface {
	// CreateClient inserts c; ErrNotFound if its pool does not exist,
	// ErrConflict if its ID is taken.
	CreateClient(ctx context.Context, c Client) error
	// GetClient returns the client of the pool or ErrNotFound.
	GetClient(ctx context.Context, poolID, clientID string) (Client, error)
	// GetClientWithPool returns a client by its ID alone (client IDs are
	// unique across pools) with its pool, both read in one statement, or
	// ErrNotFound. Unauthenticated operations address a pool through its
	// client ID.
	GetClientWithPool(ctx context.Context, clientID string) (Client, UserPool, error)
	// UpdateClient applies fn atomically, like UpdateUserPool. PoolID, ID and
	// CreatedAt cannot be changed by fn.
	UpdateClient(ctx context.Context, poolID, clientID string, fn func(*Client) error) (Client, error)
	// DeleteClient deletes the client; ErrNotFound if absent.
	DeleteClient(ctx context.Context, poolID, clientID string) error
	// ListClients returns the pool's clients ordered by ID, paginated like
	// ListUserPools.
	ListClients(ctx context.Context, poolID string, page PageRequest) ([]Client, string, error)
	// CountClients returns the number of clients of the pool.
	CountClients(ctx context.Context, poolID string) (int, error)
}

// Store is the whole storage contract. Implementations are safe for
// concurrent use; every method honours ctx cancellation.
type Store interface {
	UserPools
	Clients
	Users
	Groups
	Messages
	SigningKeys
	RefreshTokens
	AuthSessions
	Devices
	// Ping checks that the backend is reachable.
	Ping(ctx context.Context) error
	// Close releases the backend. Calls after Close return ErrClosed.
	Close() error
}
