package benchproc

import (
	"os"
	"slices"
	"testing"
	"time"
)

func TestCPU(t *testing.T) {
	if _, ok := MachineBusy(); !ok {
		t.Skip("no /proc/stat")
	}
	before, ok := CPU(os.Getpid())
	if !ok {
		t.Fatal("cannot read this process's CPU time")
	}
	if Switches(os.Getpid()) <= 0 {
		t.Error("no context switches read")
	}
	// Burn CPU until the clock-tick counters move (at most 2s).
	x := 1
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		for i := range 1_000_000 {
			x = x*31 + i
		}
		if now, _ := CPU(os.Getpid()); now > before {
			return
		}
	}
	t.Errorf("CPU time did not grow (%d)", x)
}

func TestParseLevels(t *testing.T) {
	got, err := ParseLevels("1, 8,16")
	if err != nil || !slices.Equal(got, []int{1, 8, 16}) {
		t.Errorf("ParseLevels(\"1, 8,16\") = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "1,x", "1,,8", "-2"} {
		if _, err := ParseLevels(bad); err == nil {
			t.Errorf("ParseLevels(%q): no error", bad)
		}
	}
}
