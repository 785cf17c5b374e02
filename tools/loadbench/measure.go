package main

import (
	"context"
	"slices"
	"sync"
	"time"
)

// opTimeout bounds one operation, so that a wedged server fails the
// operations instead of hanging the run (-timeout).
var opTimeout = 30 * time.Second

func withTimeout(call func(ctx context.Context) error, d time.Duration) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return call(ctx)
	}
}

// result is one scenario run at one concurrency level.
type result struct {
	ops       int             // successful operations
	errors    int             // failed operations
	firstErr  error           // the first failure seen
	elapsed   time.Duration   // wall time of the measured window
	latencies []time.Duration // of the successful operations, sorted
	// before and after are CPU snapshots around the measured window, when
	// measure was given a way to take them.
	before, after *snapshot
}

// rate is successful operations per second.
func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ops) / r.elapsed.Seconds()
}

// p returns the q-th percentile latency of the successful operations.
func (r result) p(q int) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[(len(r.latencies)-1)*q/100]
}

// measure runs call from n workers for d, after a short warm-up whose
// calls are not recorded (it opens the connections and fills caches).
// snap, when not nil, takes CPU snapshots around the
// measured window.
func measure(ctx context.Context, call func(ctx context.Context) error, n int, d time.Duration, snap func() *snapshot) result {
	call = withTimeout(call, opTimeout)
	warm := min(d/10, 300*time.Millisecond)
	loop(ctx, call, n, time.Now().Add(warm))
	var before *snapshot
	if snap != nil {
		before = snap()
	}
	start := time.Now()
	r := loop(ctx, call, n, start.Add(d))
	r.elapsed = time.Since(start)
	if snap != nil {
		r.before, r.after = before, snap()
	}
	slices.Sort(r.latencies)
	return r
}

func loop(ctx context.Context, call func(ctx context.Context) error, n int, deadline time.Time) result {
	var (
		mu  sync.Mutex
		all result
		wg  sync.WaitGroup
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local result
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := call(ctx)
				took := time.Since(t0)
				if err != nil {
					local.errors++
					if local.firstErr == nil {
						local.firstErr = err
					}
					continue
				}
				local.ops++
				local.latencies = append(local.latencies, took)
			}
			mu.Lock()
			all.ops += local.ops
			all.errors += local.errors
			all.latencies = append(all.latencies, local.latencies...)
			if all.firstErr == nil {
				all.firstErr = local.firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all
}

// best runs a measurement tries times, each after gate, and keeps the
// fastest: on a shared machine, the least disturbed.
func best(tries int, gate func(), m func() result) result {
	var b result
	for i := range max(tries, 1) {
		gate()
		if r := m(); i == 0 || r.rate() > b.rate() {
			b = r
		}
	}
	return b
}
