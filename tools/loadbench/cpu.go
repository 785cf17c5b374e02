package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// tick is a /proc clock tick: USER_HZ is 100 on Linux.
const tick = 10 * time.Millisecond

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
		s.self, ok1 = procCPU(self)
		s.server, ok2 = s.self, ok1
		pid := self
		if serverPID > 0 {
			pid = serverPID
			s.server, ok2 = procCPU(serverPID)
		}
		s.serverSys, _ = procSys(pid)
		s.serverSwitches = procSwitches(pid)
		s.machine, ok3 = machineBusy()
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

// procCPU returns the user+system CPU time of process pid so far, from
// /proc/PID/stat (Linux).
func procCPU(pid int) (time.Duration, bool) {
	ut, st, ok := procTimes(pid)
	return ut + st, ok
}

// procSys returns the system CPU time of process pid so far.
func procSys(pid int) (time.Duration, bool) {
	_, st, ok := procTimes(pid)
	return st, ok
}

// procSwitches returns the context switches of process pid's threads so
// far (voluntary and not, from /proc/PID/task/*/status), or 0. Threads
// that have exited are not counted.
func procSwitches(pid int) int64 {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0
	}
	var n int64
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, t.Name()))
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && (k == "voluntary_ctxt_switches" || k == "nonvoluntary_ctxt_switches") {
				c, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				n += c
			}
		}
	}
	return n
}

// procTimes returns the user and system CPU time of process pid so far.
func procTimes(pid int) (user, sys time.Duration, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, 0, false
	}
	// f[0] is field 3 (state): utime and stime are fields 14 and 15.
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return time.Duration(ut) * tick, time.Duration(st) * tick, true
}

// machineBusy returns the busy CPU time of all CPUs so far, from
// /proc/stat: everything but idle and iowait.
func machineBusy() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	var busy int64
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		if i != 3 && i != 4 {
			busy += n
		}
	}
	return time.Duration(busy) * tick, true
}

// loadAvg returns the 1-minute load average, or "".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
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
		t, ok := procCPU(os.Getpid())
		for _, p := range pids {
			c, ok2 := procCPU(p)
			t, ok = t+c, ok && ok2
		}
		return t, ok
	}
	m0, ok1 := machineBusy()
	o0, ok2 := ours()
	time.Sleep(d)
	m1, ok3 := machineBusy()
	o1, ok4 := ours()
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return 0, false
	}
	return max(0, float64(m1-m0-(o1-o0))/float64(d)), true
}
