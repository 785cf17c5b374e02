package storetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

// deviceTests are the subtests of devices; Run runs them after authTests.
var deviceTests = []subtest{
	{"DeviceCRUD", testDeviceCRUD},
	{"DeviceListing", testDeviceListing},
	{"DeviceCascade", testDeviceCascade},
}

func device(poolID, userKey, key string) store.Device {
	return store.Device{
		PoolID: poolID, UserKey: userKey, Key: key, GroupKey: "group-" + userKey,
		Verifier: []byte{1, 2, 3}, Salt: []byte{4, 5}, Data: []byte(`{"name":"` + key + `"}`),
		CreatedAt: at(0), UpdatedAt: at(1), LastAuthAt: at(2), LastModifiedAt: at(3),
	}
}

func testDeviceCRUD(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_dev"))
	createUser(t, s, user("us-east-1_dev", "alice"))
	if err := s.CreateDevice(ctx, device("us-east-1_dev", "nobody", "d0")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("device of a missing user: %v, want ErrNotFound", err)
	}
	d := device("us-east-1_dev", "alice", "us-east-1_d1")
	if err := s.CreateDevice(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateDevice(ctx, d); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate device key: %v, want ErrConflict", err)
	}
	got, err := s.GetDevice(ctx, "us-east-1_dev", "us-east-1_d1")
	if err != nil {
		t.Fatal(err)
	}
	if got.UserKey != "alice" || got.GroupKey != d.GroupKey || !bytes.Equal(got.Verifier, d.Verifier) || !bytes.Equal(got.Salt, d.Salt) ||
		!bytes.Equal(got.Data, d.Data) || got.Remembered || !got.LastAuthAt.Equal(d.LastAuthAt) || !got.LastModifiedAt.Equal(d.LastModifiedAt) {
		t.Fatalf("round trip: %+v", got)
	}
	up, err := s.UpdateDevice(ctx, "us-east-1_dev", "us-east-1_d1", func(x *store.Device) error {
		x.Remembered, x.UserKey, x.Data, x.LastAuthAt = true, "mallory", []byte(`{"name":"renamed"}`), at(50)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !up.Remembered || up.UserKey != "alice" || string(up.Data) != `{"name":"renamed"}` || !up.LastAuthAt.Equal(at(50)) {
		t.Fatalf("update: %+v", up)
	}
	boom := errors.New("boom")
	if _, err := s.UpdateDevice(ctx, "us-east-1_dev", "us-east-1_d1", func(*store.Device) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("fn error: %v", err)
	}
	if err := s.DeleteDevice(ctx, "us-east-1_dev", "us-east-1_d1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDevice(ctx, "us-east-1_dev", "us-east-1_d1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.DeleteDevice(ctx, "us-east-1_dev", "us-east-1_d1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func testDeviceListing(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_dl"))
	createUser(t, s, user("us-east-1_dl", "alice"))
	createUser(t, s, user("us-east-1_dl", "bob"))
	for i, k := range []string{"d1", "d2", "d3", "d4", "d5"} {
		d := device("us-east-1_dl", "alice", k)
		d.Remembered = i%2 == 0
		if err := s.CreateDevice(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateDevice(ctx, device("us-east-1_dl", "bob", "d9")); err != nil {
		t.Fatal(err)
	}
	walk := func(remembered bool) []string {
		var keys []string
		after := ""
		for {
			page, next, err := s.ListDevices(ctx, "us-east-1_dl", "alice", remembered, store.PageRequest{After: after, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range page {
				keys = append(keys, d.Key)
			}
			if next == "" {
				return keys
			}
			after = next
		}
	}
	if got := walk(false); len(got) != 5 || got[0] != "d1" || got[4] != "d5" {
		t.Fatalf("all devices %v", got)
	}
	if got := walk(true); len(got) != 3 || got[0] != "d1" || got[1] != "d3" || got[2] != "d5" {
		t.Fatalf("remembered devices %v", got)
	}
}

func testDeviceCascade(t *testing.T, s store.Store) {
	ctx := t.Context()
	createPool(t, s, pool("us-east-1_dc"))
	createUser(t, s, user("us-east-1_dc", "alice"))
	if err := s.CreateDevice(ctx, device("us-east-1_dc", "alice", "d1")); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, "us-east-1_dc", "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDevice(ctx, "us-east-1_dc", "d1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("device outlived its user")
	}
}
