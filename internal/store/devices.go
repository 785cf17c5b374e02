package store

import (
	"context"
	"time"
)

// Device is a device a user signed in from and confirmed (ConfirmDevice).
// Its SRP verifier and salt let it sign in with DEVICE_SRP_AUTH; Data is a
// JSON document owned by the userpool package (name, status, last IP).
type Device struct {
	PoolID         string
	UserKey        string
	Key            string // the DeviceKey, <region>_<uuid>, unique in the pool
	GroupKey       string
	Verifier       []byte
	Salt           []byte
	Remembered     bool
	Data           []byte
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastAuthAt     time.Time
	LastModifiedAt time.Time
}

// Devices stores users' devices.
type Devices interface {
	// CreateDevice inserts d; ErrNotFound if its pool or user does not
	// exist, ErrConflict if its key is taken.
	CreateDevice(ctx context.Context, d Device) error
	// GetDevice returns the device of the pool with this key, or ErrNotFound.
	GetDevice(ctx context.Context, poolID, key string) (Device, error)
	// UpdateDevice applies fn atomically; PoolID, UserKey, Key and
	// CreatedAt are kept. fn must not call the store.
	UpdateDevice(ctx context.Context, poolID, key string, fn func(*Device) error) (Device, error)
	// DeleteDevice deletes the device; ErrNotFound if absent.
	DeleteDevice(ctx context.Context, poolID, key string) error
	// ListDevices returns the user's devices ordered by key, paginated;
	// with rememberedOnly, only remembered ones.
	ListDevices(ctx context.Context, poolID, userKey string, rememberedOnly bool, page PageRequest) ([]Device, string, error)
}
