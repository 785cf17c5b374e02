package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/gognito/gognito/gognitotest"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlstore"
	"github.com/gognito/gognito/tools/internal/benchproc"
)

type options struct {
	duration    time.Duration
	levels      []int
	only        map[string]bool
	poolUsers   int
	signers     int
	endpoint    string
	serverPID   int
	label       string
	crypto      bool
	jsonOut     bool
	out         string
	quiet       float64
	quietWait   time.Duration
	quietBudget time.Duration
	httpClient  string
	cpuProfile  string
	tries       int
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "how long each scenario runs at each concurrency level")
	levels := flag.String("concurrency", "1,8", "comma-separated concurrency levels (workers)")
	only := flag.String("scenario", "", "comma-separated scenarios to run (default all): "+scenarioNames())
	flag.IntVar(&o.poolUsers, "users", 0, "users in the ListUsersFilter pool (default 10000 in process, 1000 with -endpoint, where they are created through AdminCreateUser)")
	flag.IntVar(&o.signers, "signers", 16, "users the sign-in scenarios rotate through")
	flag.StringVar(&o.endpoint, "endpoint", "", "URL of a running server to target instead of an in-process Gognito")
	flag.IntVar(&o.serverPID, "server-pid", 0, "with -endpoint: the server's process ID, to report its CPU time per operation")
	flag.StringVar(&o.label, "label", "", "name of the target in the output (default: gognito (in-process), or the endpoint)")
	flag.BoolVar(&o.crypto, "crypto", true, "measure the raw crypto limit of SRP sign-ins and SignInSRP's share of it")
	flag.BoolVar(&o.jsonOut, "json", false, "print a JSON report on stdout instead of the table (progress still goes to stderr)")
	flag.StringVar(&o.out, "out", "", "also write the JSON report to this file (for -compare)")
	flag.Float64Var(&o.quiet, "quiet", 0, "before each measurement, wait until other processes use fewer than this many cores (0: do not wait)")
	flag.DurationVar(&o.quietWait, "quiet-wait", 15*time.Second, "with -quiet: the longest wait before each measurement")
	flag.DurationVar(&o.quietBudget, "quiet-budget", time.Minute, "with -quiet: the longest wait in all, after which measurements start at once")
	flag.StringVar(&o.httpClient, "http-client", "buffered", "the SDK client's HTTP client: buffered (the SDK's default one, handed a private copy of each request body: gognitotest.HTTPClient) or sdk (the SDK's default one as is)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the scenario runs to this file (in process, it covers the server too)")
	flag.IntVar(&o.tries, "best-of", 1, "measure each level this many times and keep the fastest run (the least disturbed on a shared machine)")
	flag.DurationVar(&opTimeout, "timeout", opTimeout, "the longest one operation may take (a wedged server then fails operations instead of hanging the run); setups get 10 times as long")
	compare := flag.String("compare", "", "print JSON reports (comma-separated files, from -json) side by side, and exit")
	freePort := flag.Bool("freeport", false, "print a free TCP port on 127.0.0.1 and exit")
	flag.Usage = func() {
		out := flag.CommandLine.Output()
		fmt.Fprintf(out, "Usage: loadbench [flags]\n\nScenarios (one operation each):\n")
		for _, sc := range scenarios {
			fmt.Fprintf(out, "  %-17s %s\n", sc.name, sc.about)
		}
		fmt.Fprintf(out, "\nFlags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	var err error
	switch {
	case *freePort:
		err = printFreePort()
	case *compare != "":
		err = compareReports(os.Stdout, strings.Split(*compare, ","))
	default:
		if o.levels, err = benchproc.ParseLevels(*levels); err == nil {
			o.only, err = parseScenarios(*only)
		}
		if err == nil && o.httpClient != "buffered" && o.httpClient != "sdk" {
			err = fmt.Errorf("-http-client %q: want buffered or sdk", o.httpClient)
		}
		if err == nil {
			err = runAll(context.Background(), o)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func scenarioNames() string {
	names := make([]string, len(scenarios))
	for i, sc := range scenarios {
		names[i] = sc.name
	}
	return strings.Join(names, ",")
}

func parseScenarios(s string) (map[string]bool, error) {
	if s == "" {
		return nil, nil
	}
	known := map[string]bool{}
	for _, sc := range scenarios {
		known[sc.name] = true
	}
	out := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !known[name] {
			return nil, fmt.Errorf("unknown scenario %q (known: %s)", name, scenarioNames())
		}
		out[name] = true
	}
	return out, nil
}

func printFreePort() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	return nil
}

// progress reports on stderr, so that -json output stays clean.
func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// report is what -json prints and -compare reads.
type report struct {
	Target    string `json:"target"`
	Endpoint  string `json:"endpoint,omitempty"`
	Date      string `json:"date"`
	Machine   string `json:"machine"`
	GoVersion string `json:"goVersion"`
	Duration  string `json:"durationPerLevel"`
	PoolUsers int    `json:"listUsersPoolSize"`
	Signers   int    `json:"signers"`
	HTTP      string `json:"httpClient"`
	BestOf    int    `json:"bestOf"`
	CPUProbe  string `json:"cpuProbe,omitempty"` // whose CPU time cpuMsPerOp counts
	// LoadAvgStart and LoadAvgEnd are the machine's 1-minute load
	// averages (it may be shared).
	LoadAvgStart string        `json:"loadAvgStart,omitempty"`
	LoadAvgEnd   string        `json:"loadAvgEnd,omitempty"`
	Results      []row         `json:"results"`
	Crypto       []cryptoLimit `json:"crypto,omitempty"`
	SRP          []srpShare    `json:"srp,omitempty"`
}

// row is one scenario at one concurrency level. Latencies are of whole
// operations (two requests for SignInSRP and ListUsersFilter).
type row struct {
	Scenario    string  `json:"scenario"`
	Concurrency int     `json:"concurrency"`
	Ops         int     `json:"ops"`
	OpsPerSec   float64 `json:"opsPerSec"`
	P50Ms       float64 `json:"p50Ms"`
	P90Ms       float64 `json:"p90Ms"`
	P99Ms       float64 `json:"p99Ms"`
	Errors      int     `json:"errors"`
	FirstError  string  `json:"firstError,omitempty"`
	// CPUMsPerOp is the probed process's CPU time per successful
	// operation (see report.CPUProbe).
	CPUMsPerOp float64 `json:"cpuMsPerOp,omitempty"`
	// SysMsPerOp is the system (kernel) part of CPUMsPerOp, and
	// SwitchesPerOp the probed process's context switches per operation.
	SysMsPerOp    float64 `json:"sysMsPerOp,omitempty"`
	SwitchesPerOp float64 `json:"switchesPerOp,omitempty"`
	// ClientMathMs is the mean wall time of SignInSRP's client-side SRP
	// math per sign-in.
	ClientMathMs float64 `json:"clientMathMs,omitempty"`
	// OtherCores is the CPU, in cores, that processes other than the
	// loadbench and the server took during the window: noise.
	OtherCores float64 `json:"otherCores"`
}

// srpShare sets SignInSRP's throughput against the crypto limit at the
// same concurrency.
type srpShare struct {
	Concurrency int     `json:"concurrency"`
	OpsPerSec   float64 `json:"opsPerSec"`
	// OfServer is the share of the server-side crypto limit (the target
	// is 85%); OfBoth of the limit of both halves' crypto, which is the
	// fair ceiling when the SDK client's SRP math runs on the same cores.
	OfServer float64 `json:"pctOfServerCryptoLimit"`
	OfBoth   float64 `json:"pctOfBothHalvesLimit"`
	// OfServerCPU, with an external server whose CPU time is probed, is
	// the server-side crypto's CPU time per sign-in over the server's
	// whole CPU time per sign-in: the share of the limit the server
	// would reach with the machine to itself.
	// In process, it is estimated: the process's CPU time per sign-in less
	// the client's SRP math (at 1 goroutine), so with the SDK client's
	// other work still counted as the server's.
	OfServerCPU float64 `json:"pctOfServerCPU,omitempty"`
	Estimated   bool    `json:"pctOfServerCPUEstimated,omitempty"`
}

func runAll(ctx context.Context, o options) error {
	rep := report{
		Date: time.Now().Format(time.RFC3339), Machine: machine(), GoVersion: runtime.Version(),
		Duration: o.duration.String(), Signers: o.signers, HTTP: o.httpClient, BestOf: max(o.tries, 1),
	}
	e := &env{signers: o.signers, poolUsers: o.poolUsers, tag: strconv.FormatInt(time.Now().UnixNano()%1e9, 36)}
	var url string
	if o.endpoint == "" {
		dir, err := os.MkdirTemp("", "loadbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		srv, err := newServer(ctx, dir)
		if err != nil {
			return err
		}
		defer srv.Close()
		url, rep.Target = srv.URL, "gognito (in-process)"
		e.seed = storeSeeder(dir)
		if e.poolUsers == 0 {
			e.poolUsers = 10000
		}
		rep.CPUProbe = "loadbench process: SDK client and server together"
	} else {
		url, rep.Target, rep.Endpoint = strings.TrimRight(o.endpoint, "/"), o.endpoint, o.endpoint
		if e.poolUsers == 0 {
			e.poolUsers = 1000
		}
		if o.serverPID > 0 {
			if _, ok := benchproc.CPU(o.serverPID); !ok {
				return fmt.Errorf("-server-pid %d: cannot read its CPU time", o.serverPID)
			}
			rep.CPUProbe = fmt.Sprintf("server process %d", o.serverPID)
		}
	}
	if o.label != "" {
		rep.Target = o.label
	}
	snap := snapshotter(o.serverPID)
	if o.endpoint != "" && o.serverPID == 0 {
		snap = nil // the server's CPU time is out of sight
	}
	rep.LoadAvgStart = benchproc.LoadAvg()
	var gate func()
	if o.serverPID > 0 {
		gate = quietGate(o.quiet, o.quietWait, o.quietBudget, o.serverPID)
	} else {
		gate = quietGate(o.quiet, o.quietWait, o.quietBudget)
	}
	rep.PoolUsers = e.poolUsers
	e.c = newClient(url, o.httpClient)

	runSRP := o.only == nil || o.only["SignInSRP"]
	var cf *cryptoFixture
	if o.crypto && runSRP {
		var err error
		if cf, err = newCryptoFixture(); err != nil {
			return fmt.Errorf("crypto fixture: %w", err)
		}
		for _, n := range o.levels {
			progress("raw crypto, %d goroutines…", n)
			l, err := measureCrypto(ctx, cf, n, o.duration, o.tries, gate)
			if err != nil {
				return fmt.Errorf("raw crypto: %w", err)
			}
			rep.Crypto = append(rep.Crypto, l)
		}
	}

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for _, sc := range scenarios {
		if o.only != nil && !o.only[sc.name] {
			continue
		}
		progress("%s: setup…", sc.name)
		setupCtx, cancel := context.WithTimeout(ctx, 10*opTimeout)
		b, err := sc.setup(setupCtx, e)
		cancel()
		if err != nil {
			return fmt.Errorf("%s setup: %w", sc.name, err)
		}
		for _, n := range o.levels {
			var mathNS, mathOps int64
			if b.clientMath != nil {
				mathNS, mathOps = b.clientMath.ns.Load(), b.clientMath.ops.Load()
			}
			r := best(o.tries, gate, func() result { return measure(ctx, b.call, n, o.duration, snap) })
			rw := row{
				Scenario: sc.name, Concurrency: n, Ops: r.ops, OpsPerSec: r.rate(),
				P50Ms: benchproc.Millis(r.p(50)), P90Ms: benchproc.Millis(r.p(90)), P99Ms: benchproc.Millis(r.p(99)), Errors: r.errors,
			}
			if r.firstErr != nil {
				rw.FirstError = r.firstErr.Error()
			}
			if cpu, others, ok := r.usage(o.serverPID); ok {
				rw.OtherCores = others
				if r.ops > 0 {
					rw.CPUMsPerOp = benchproc.Millis(cpu) / float64(r.ops)
					rw.SysMsPerOp = benchproc.Millis(r.after.serverSys-r.before.serverSys) / float64(r.ops)
					rw.SwitchesPerOp = float64(r.after.serverSwitches-r.before.serverSwitches) / float64(r.ops)
				}
			}
			if b.clientMath != nil {
				// A mean over the warm-up's sign-ins and the window's.
				if n := b.clientMath.ops.Load() - mathOps; n > 0 {
					rw.ClientMathMs = benchproc.Millis(time.Duration(b.clientMath.ns.Load()-mathNS)) / float64(n)
				}
			}
			progress("  %d workers: %.1f ops/s, p50 %.2fms, %d errors", n, rw.OpsPerSec, rw.P50Ms, rw.Errors)
			rep.Results = append(rep.Results, rw)
		}
	}

	rep.LoadAvgEnd = benchproc.LoadAvg()
	probe := ""
	switch {
	case o.serverPID > 0:
		probe = "server"
	case o.endpoint == "":
		probe = "process"
	}
	rep.SRP = srpShares(rep, probe)
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if o.out != "" {
		if err := os.WriteFile(o.out, js, 0o644); err != nil {
			return err
		}
	}
	if o.jsonOut {
		_, err := os.Stdout.Write(js)
		return err
	}
	printReport(os.Stdout, rep)
	return nil
}

// srpShares sets SignInSRP against the crypto limit. probe tells whose
// CPU time the rows' CPUMsPerOp counts: "server" (an external server's),
// "process" (in process: the SDK client's and the server's), or "".
func srpShares(rep report, probe string) []srpShare {
	var out []srpShare
	var single, client float64 // server and client crypto per second, one goroutine
	for _, l := range rep.Crypto {
		if l.Concurrency == 1 {
			single, client = l.Server, l.Client
		}
	}
	for _, r := range rep.Results {
		if r.Scenario != "SignInSRP" {
			continue
		}
		for _, l := range rep.Crypto {
			if l.Concurrency != r.Concurrency || l.Server == 0 {
				continue
			}
			s := srpShare{Concurrency: r.Concurrency, OpsPerSec: r.OpsPerSec, OfServer: 100 * r.OpsPerSec / l.Server}
			if l.Both > 0 {
				s.OfBoth = 100 * r.OpsPerSec / l.Both
			}
			serverMs := r.CPUMsPerOp
			if probe == "process" && client > 0 {
				// Take the client's SRP math out; its SDK work stays in,
				// so this underestimates the share.
				serverMs -= 1000 / client
				s.Estimated = true
			}
			if probe != "" && single > 0 && serverMs > 0 {
				s.OfServerCPU = 100 * (1000 / single) / serverMs
			}
			out = append(out, s)
		}
	}
	return out
}

// machine describes the CPU: count and model, from /proc/cpuinfo.
func machine() string {
	model := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs, %s, %s/%s", runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH)
}

// newServer starts an in-process Gognito whose data lives in dir (the
// caller removes it).
func newServer(ctx context.Context, dir string) (*gognitotest.Server, error) {
	return gognitotest.New(ctx, gognitotest.WithDataDir(dir))
}

// newClient returns the SDK client every scenario uses: no retries, so
// that every failure counts.
func newClient(url, httpKind string) *idp.Client {
	return idp.New(idp.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(gognitotest.AccessKeyID, gognitotest.SecretAccessKey, ""),
		HTTPClient:  httpClient(httpKind),
	})
}

// storeSeeder seeds users through a second handle on the SQLite database
// of an in-process server whose data directory is dir (WAL allows it),
// open only while seeding.
func storeSeeder(dir string) func(ctx context.Context, pool string, users []store.User) error {
	return func(ctx context.Context, pool string, users []store.User) error {
		st, err := sqlstore.OpenSQLiteDir(ctx, dir)
		if err != nil {
			return err
		}
		return errors.Join(st.SeedUsers(ctx, pool, users), st.Close())
	}
}

// httpClient returns the SDK client's HTTP client: the SDK's default
// (nil), or with "buffered" gognitotest.HTTPClient, the same handing the
// transport a private copy of each request body, which avoids
// aws-sdk-go-v2's loopback race (issues #1825 and #2737; see
// gognitotest.HTTPClient and bench/README.md).
func httpClient(kind string) idp.HTTPClient {
	if kind == "sdk" {
		return nil
	}
	return gognitotest.HTTPClient()
}
