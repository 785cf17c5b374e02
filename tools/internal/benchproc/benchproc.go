package benchproc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// tick is a /proc clock tick: USER_HZ is 100 on Linux.
const tick = 10 * time.Millisecond

// Times returns the user and system CPU time of process pid so far, from
// /proc/PID/stat.
func Times(pid int) (user, sys time.Duration, ok bool) {
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

// CPU returns the user+system CPU time of process pid so far.
func CPU(pid int) (time.Duration, bool) {
	ut, st, ok := Times(pid)
	return ut + st, ok
}

// Switches returns the context switches of process pid's threads so far
// (voluntary and not, from /proc/PID/task/*/status), or 0. Threads that
// have exited are not counted.
func Switches(pid int) int64 {
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

// MachineBusy returns the busy CPU time of all CPUs so far, from
// /proc/stat: everything but idle and iowait.
func MachineBusy() (time.Duration, bool) {
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

// LoadAvg returns the machine's 1-minute load average, or "".
func LoadAvg() string {
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

// ParseLevels parses a -concurrency list: comma-separated worker counts,
// each at least 1.
func ParseLevels(s string) ([]int, error) {
	var out []int
	for _, l := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(l))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad concurrency %q", l)
		}
		out = append(out, n)
	}
	return out, nil
}

// Millis is d in milliseconds.
func Millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
