package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
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
	if err := f.serverSignIn(ctx); err != nil {
		t.Fatalf("server: %v", err)
	}
	if err := f.clientSignIn(ctx); err != nil {
		t.Fatalf("client: %v", err)
	}
}

// TestSRPShares checks the percentages srpShares computes (the ones
// bench/README.md quotes) against values worked out by hand from the
// README's in-process figures.
func TestSRPShares(t *testing.T) {
	crypto := []cryptoLimit{
		{Concurrency: 1, Server: 213.4, Client: 134.5, Both: 82.5},
		{Concurrency: 8, Server: 450.0, Client: 270.6, Both: 169.0},
	}
	results := []row{
		{Scenario: "GetUser", Concurrency: 1, OpsPerSec: 2417.2, CPUMsPerOp: 0.47},
		{Scenario: "SignInSRP", Concurrency: 1, OpsPerSec: 61.1, CPUMsPerOp: 15.6, ClientMathMs: 7.59},
		{Scenario: "SignInSRP", Concurrency: 8, OpsPerSec: 119.8, CPUMsPerOp: 15.3, ClientMathMs: 7.9},
		{Scenario: "SignInSRP", Concurrency: 4, OpsPerSec: 100}, // no crypto limit at 4: no share
	}
	// By hand: % of server = 100·61.1/213.4 = 28.632; % of both =
	// 100·61.1/82.5 = 74.061. One sign-in's server crypto is 1000/213.4 =
	// 4.6860 ms, the client's SRP math 1000/134.5 = 7.4349 ms (from the
	// limit at 1 goroutine, not the measured 7.59 ms wall time, which
	// would give 58.50%). In process: 100·4.6860/(15.6-7.4349) = 57.391,
	// and at 8 workers 100·4.6860/(15.3-7.4349) = 59.580. Probing a server
	// process, nothing is taken out: 100·4.6860/15.6 = 30.039 and
	// 100·4.6860/15.3 = 30.628.
	// At 8: 100·119.8/450 = 26.622 and 100·119.8/169 = 70.888.
	for _, tc := range []struct {
		probe string
		want  []srpShare
	}{
		{"process", []srpShare{
			{Concurrency: 1, OpsPerSec: 61.1, OfServer: 28.632, OfBoth: 74.061, OfServerCPU: 57.391, Estimated: true},
			{Concurrency: 8, OpsPerSec: 119.8, OfServer: 26.622, OfBoth: 70.888, OfServerCPU: 59.580, Estimated: true},
		}},
		{"server", []srpShare{
			{Concurrency: 1, OpsPerSec: 61.1, OfServer: 28.632, OfBoth: 74.061, OfServerCPU: 30.039},
			{Concurrency: 8, OpsPerSec: 119.8, OfServer: 26.622, OfBoth: 70.888, OfServerCPU: 30.628},
		}},
		{"", []srpShare{ // the CPU time is out of sight: no % srv CPU
			{Concurrency: 1, OpsPerSec: 61.1, OfServer: 28.632, OfBoth: 74.061},
			{Concurrency: 8, OpsPerSec: 119.8, OfServer: 26.622, OfBoth: 70.888},
		}},
	} {
		got := srpShares(report{Crypto: crypto, Results: results}, tc.probe)
		if len(got) != len(tc.want) {
			t.Errorf("probe %q: %d shares %+v, want %d", tc.probe, len(got), got, len(tc.want))
			continue
		}
		near := func(a, b float64) bool { return math.Abs(a-b) < 0.001 }
		for i, w := range tc.want {
			g := got[i]
			if g.Concurrency != w.Concurrency || g.OpsPerSec != w.OpsPerSec || g.Estimated != w.Estimated ||
				!near(g.OfServer, w.OfServer) || !near(g.OfBoth, w.OfBoth) || !near(g.OfServerCPU, w.OfServerCPU) {
				t.Errorf("probe %q, share %d:\n got %+v\nwant %+v", tc.probe, i, g, w)
			}
		}
	}
}

// The -compare footer says, report by report, whose CPU time CPU/op is.
func TestCompareFooter(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i, probe := range []string{"loadbench process: SDK client and server together", "server process 4242", ""} {
		b, err := json.Marshal(report{Target: fmt.Sprint("t", i), CPUProbe: probe,
			Results: []row{{Scenario: "GetUser", Concurrency: 1, OpsPerSec: 100, CPUMsPerOp: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprint(i, ".json"))
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var out strings.Builder
	if err := compareReports(&out, files); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"[1] CPU/op: CPU time of the loadbench process: SDK client and server together per operation",
		"[2] CPU/op: CPU time of the server process 4242 per operation",
		"[3] CPU/op: not probed",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
}
