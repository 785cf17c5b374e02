package main

import (
	"os"
	"time"

	"github.com/gognito/gognito/tools/internal/benchproc"
)

// snapshot is cumulative CPU time at one moment: of the loadbench process,
// of the server process when it is another one, and of the whole machine
// (busy, all CPUs). The machine is shared, so that what other processes
// took during a run tells how far to trust it.
type snapshot struct {
	self, server, machine time.Duration
	ok                    bool
	// serverSys is the server's system (kernel) share of server, and
	// serverSwitches its threads' context switches so far, voluntary
	// (a thread went to sleep) and not; zero when unknown.
	serverSys      time.Duration
	serverSwitches int64
}

// snapshotter returns a function taking snapshots; serverPID is 0 for an
// in-process server.
func snapshotter(serverPID int) func() *snapshot {
	self := os.Getpid()
	return func() *snapshot {
		var s snapshot
		var ok1, ok2, ok3 bool
		s.self, ok1 = benchproc.CPU(self)
		s.server, ok2 = s.self, ok1
		pid := self
		if serverPID > 0 {
			pid = serverPID
			s.server, ok2 = benchproc.CPU(serverPID)
		}
		_, s.serverSys, _ = benchproc.Times(pid)
		s.serverSwitches = benchproc.Switches(pid)
		s.machine, ok3 = benchproc.MachineBusy()
		s.ok = ok1 && ok2 && ok3
		return &s
	}
}

// usage is what a result's snapshots tell: the server's CPU time (with the
// SDK client's too in process) and the CPU that processes other than the
// loadbench and the server took, in cores.
func (r result) usage(serverPID int) (server time.Duration, others float64, ok bool) {
	if r.before == nil || r.after == nil || !r.before.ok || !r.after.ok || r.elapsed <= 0 {
		return 0, 0, false
	}
	server = r.after.server - r.before.server
	ours := r.after.self - r.before.self
	if serverPID > 0 {
		ours += server
	}
	other := r.after.machine - r.before.machine - ours
	return server, max(0, float64(other)/float64(r.elapsed)), true
}

// quietGate returns a function that, before a measurement, waits until
// the rest of the machine uses less than limit cores (sampled over
// 500ms), for at most wait each time and budget in all, so that a busy
// machine cannot stretch a run much. It reports on stderr when it gives
// up. A limit of 0 disables it.
func quietGate(limit float64, wait, budget time.Duration, ourPIDs ...int) func() {
	if limit <= 0 {
		return func() {}
	}
	var spent time.Duration
	return func() {
		if spent >= budget {
			return
		}
		start := time.Now()
		defer func() { spent += time.Since(start) }()
		for {
			others, ok := othersOver(500*time.Millisecond, ourPIDs)
			if !ok || others < limit {
				return
			}
			if time.Since(start) >= wait || spent+time.Since(start) >= budget {
				progress("  the machine stayed busy (%.2f cores used by other processes); measuring anyway", others)
				return
			}
		}
	}
}

// othersOver samples, over d, the cores busy with processes other than
// ours (the loadbench itself and pids).
func othersOver(d time.Duration, pids []int) (float64, bool) {
	ours := func() (time.Duration, bool) {
		t, ok := benchproc.CPU(os.Getpid())
		for _, p := range pids {
			c, ok2 := benchproc.CPU(p)
			t, ok = t+c, ok && ok2
		}
		return t, ok
	}
	m0, ok1 := benchproc.MachineBusy()
	o0, ok2 := ours()
	time.Sleep(d)
	m1, ok3 := benchproc.MachineBusy()
	o1, ok4 := ours()
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return 0, false
	}
	return max(0, float64(m1-m0-(o1-o0))/float64(d)), true
}
