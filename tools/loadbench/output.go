package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

func fmtMs(v float64) string {
	switch {
	case v == 0:
		return "-"
	case v < 10:
		return fmt.Sprintf("%.2fms", v)
	case v < 100:
		return fmt.Sprintf("%.1fms", v)
	}
	return fmt.Sprintf("%.0fms", v)
}

func printReport(w io.Writer, rep report) {
	fmt.Fprintf(w, "target: %s\n", rep.Target)
	fmt.Fprintf(w, "%s · %s · %s · %s per level, best of %d · ListUsersFilter pool of %d · %d sign-in users · %s HTTP client\n",
		rep.Date, rep.Machine, rep.GoVersion, rep.Duration, rep.BestOf, rep.PoolUsers, rep.Signers, rep.HTTP)
	if rep.CPUProbe != "" {
		fmt.Fprintf(w, "CPU/op: CPU time of the %s per operation\n", rep.CPUProbe)
	}
	fmt.Fprintf(w, "others: cores that other processes on the machine took during the window (load average %s at the start, %s at the end)\n",
		rep.LoadAvgStart, rep.LoadAvgEnd)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-18s %4s %9s %9s %9s %9s %7s %9s %7s\n", "scenario", "conc", "ops/s", "p50", "p90", "p99", "errors", "CPU/op", "others")
	for _, r := range rep.Results {
		others := "-" // unknown when the server's CPU time is out of sight
		if rep.CPUProbe != "" {
			others = fmt.Sprintf("%.2f", r.OtherCores)
		}
		fmt.Fprintf(w, "%-18s %4d %9.1f %9s %9s %9s %7d %9s %7s\n", r.Scenario, r.Concurrency, r.OpsPerSec,
			fmtMs(r.P50Ms), fmtMs(r.P90Ms), fmtMs(r.P99Ms), r.Errors, fmtMs(r.CPUMsPerOp), others)
	}
	for _, r := range rep.Results {
		if r.Scenario == "SignInSRP" && r.CPUMsPerOp > 0 {
			fmt.Fprintf(w, "SignInSRP, %d workers: %s of the CPU per sign-in in the kernel, %.0f context switches per sign-in (%s)\n",
				r.Concurrency, fmtMs(r.SysMsPerOp), r.SwitchesPerOp, rep.CPUProbe)
		}
	}
	for _, r := range rep.Results {
		if r.ClientMathMs > 0 {
			fmt.Fprintf(w, "SignInSRP, %d workers: the client's SRP math took %s (wall) of each sign-in\n", r.Concurrency, fmtMs(r.ClientMathMs))
		}
	}
	for _, r := range rep.Results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "%s, %d workers: %d errors, the first: %s\n", r.Scenario, r.Concurrency, r.Errors, r.FirstError)
		}
	}
	if len(rep.Crypto) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "raw crypto limit, SRP sign-ins per second (in process, goroutines = conc):")
		fmt.Fprintln(w, "  server = B = kv + g^b, S = (A·v^u)^b and key, claim HMAC, RS256 ID + access token")
		fmt.Fprintln(w, "  client = A = g^a (1024-bit a), x, g^x, (B - k·g^x)^(a+u·x), claim HMAC")
		fmt.Fprintf(w, "%4s %10s %10s %12s %7s\n", "conc", "server", "client", "both halves", "others")
		for _, l := range rep.Crypto {
			fmt.Fprintf(w, "%4d %10.1f %10.1f %12.1f %7.2f\n", l.Concurrency, l.Server, l.Client, l.Both, l.OtherCores)
		}
	}
	if len(rep.SRP) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "SignInSRP against the limit (target: >= 85% of the server limit):")
		fmt.Fprintf(w, "%4s %9s %12s %13s %13s\n", "conc", "ops/s", "% of server", "% of both", "% srv CPU")
		for _, s := range rep.SRP {
			cpu := "-"
			if s.OfServerCPU > 0 {
				cpu = fmt.Sprintf("%.0f%%", s.OfServerCPU)
				if s.Estimated {
					cpu = "~" + cpu
				}
			}
			fmt.Fprintf(w, "%4d %9.1f %11.0f%% %12.0f%% %13s\n", s.Concurrency, s.OpsPerSec, s.OfServer, s.OfBoth, cpu)
		}
		fmt.Fprintln(w, "  % of both: against the crypto of both halves, as the SDK client's SRP math shares these cores.")
		switch {
		case rep.SRP[0].Estimated:
			fmt.Fprintln(w, "  % srv CPU: one sign-in's server crypto (1 goroutine) over the CPU time per sign-in less the client's")
			fmt.Fprintln(w, "  SRP math; the SDK client's other work still counts, so the server's true share is higher.")
		case rep.SRP[0].OfServerCPU > 0:
			fmt.Fprintln(w, "  % srv CPU: one sign-in's server crypto (1 goroutine) over the server's CPU time per sign-in:")
			fmt.Fprintln(w, "  the share of the limit the server would reach with the machine to itself.")
		}
	}
}

// compareReports prints the scenarios of several -json reports side by
// side, with each target's throughput relative to the first's.
func compareReports(w io.Writer, files []string) error {
	var reps []report
	for _, f := range files {
		b, err := os.ReadFile(strings.TrimSpace(f))
		if err != nil {
			return err
		}
		var r report
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		reps = append(reps, r)
	}
	if len(reps) == 0 {
		return nil
	}
	type key struct {
		scenario string
		conc     int
	}
	var order []key
	seen := map[key]bool{}
	rows := make([]map[key]row, len(reps))
	for i, rep := range reps {
		rows[i] = map[key]row{}
		for _, r := range rep.Results {
			k := key{r.Scenario, r.Concurrency}
			rows[i][k] = r
			if !seen[k] {
				seen[k] = true
				order = append(order, k)
			}
		}
	}
	for i, rep := range reps {
		fmt.Fprintf(w, "[%d] %s: %s, %s per level, best of %d, ListUsersFilter pool of %d\n", i+1, rep.Target, rep.Date, rep.Duration, rep.BestOf, rep.PoolUsers)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-18s %4s", "", "")
	for i := range reps {
		fmt.Fprintf(w, " | %-45s", fmt.Sprintf("[%d] %s", i+1, reps[i].Target))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-18s %4s", "scenario", "conc")
	for i := range reps {
		fmt.Fprintf(w, " | %9s %8s %8s %8s %6s", "ops/s", "p50", "p99", "CPU/op", "errors")
		if i > 0 {
			fmt.Fprintf(w, " %7s", fmt.Sprintf("[1]/[%d]", i+1))
		}
	}
	fmt.Fprintln(w)
	for _, k := range order {
		fmt.Fprintf(w, "%-18s %4d", k.scenario, k.conc)
		first, hasFirst := rows[0][k]
		for i := range reps {
			r, ok := rows[i][k]
			if !ok {
				fmt.Fprintf(w, " | %9s %8s %8s %8s %6s", "n/a", "", "", "", "")
				if i > 0 {
					fmt.Fprintf(w, " %7s", "")
				}
				continue
			}
			fmt.Fprintf(w, " | %9.1f %8s %8s %8s %6d", r.OpsPerSec, fmtMs(r.P50Ms), fmtMs(r.P99Ms), fmtMs(r.CPUMsPerOp), r.Errors)
			if i > 0 {
				ratio := "-"
				if hasFirst && r.OpsPerSec > 0 {
					ratio = fmt.Sprintf("%.1fx", first.OpsPerSec/r.OpsPerSec)
				}
				fmt.Fprintf(w, " %7s", ratio)
			}
		}
		fmt.Fprintln(w)
	}
	for i, rep := range reps {
		if rep.CPUProbe != "" {
			fmt.Fprintf(w, "[%d] CPU/op: CPU time of the %s per operation\n", i+1, rep.CPUProbe)
		} else {
			fmt.Fprintf(w, "[%d] CPU/op: not probed (no -server-pid)\n", i+1)
		}
	}
	for i, rep := range reps {
		for _, r := range rep.Results {
			if r.FirstError != "" {
				fmt.Fprintf(w, "[%d] %s, %d workers: %d errors, the first: %s\n", i+1, r.Scenario, r.Concurrency, r.Errors, r.FirstError)
			}
		}
	}
	return nil
}
