package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/gognito/gognito/gognitotest"
)

// TestScenarios runs every scenario briefly against an in-process server,
// so that the load bench keeps working as the server changes.
func TestScenarios(t *testing.T) {
	dir := t.TempDir()
	srv := gognitotest.Start(t, gognitotest.WithDataDir(dir))
	e := &env{c: newClient(srv.URL, "buffered"), seed: storeSeeder(dir), poolUsers: 200, signers: 3, tag: "test"}
	ctx := context.Background()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			b, err := sc.setup(ctx, e)
			if err != nil {
				t.Fatalf("setup: %v", err)
			}
			r := measure(ctx, b.call, 2, 100*time.Millisecond, snapshotter(0))
			if r.errors > 0 || r.ops == 0 {
				t.Fatalf("%d ops, %d errors, the first: %v", r.ops, r.errors, r.firstErr)
			}
			if b.clientMath != nil && b.clientMath.ops.Load() == 0 {
				t.Error("no client SRP math recorded")
			}
		})
	}
}

func TestCryptoFixture(t *testing.T) {
	f, err := newCryptoFixture()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := f.serverSignIn(ctx, 0); err != nil {
		t.Fatalf("server: %v", err)
	}
	if err := f.clientSignIn(ctx, 0); err != nil {
		t.Fatalf("client: %v", err)
	}
}

func TestProcCPU(t *testing.T) {
	if _, ok := machineBusy(); !ok {
		t.Skip("no /proc/stat")
	}
	before, ok := procCPU(os.Getpid())
	if !ok {
		t.Fatal("cannot read this process's CPU time")
	}
	// Burn CPU until the clock-tick counters move (at most 2s).
	x := 1
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		for i := range 1_000_000 {
			x = x*31 + i
		}
		if now, _ := procCPU(os.Getpid()); now > before {
			return
		}
	}
	t.Errorf("CPU time did not grow (%d)", x)
}
