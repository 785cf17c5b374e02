package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/gognito/gognito/gognitotest"
)

// scenario prepares state once and returns the call each worker repeats.
type scenario struct {
	name  string
	setup func(ctx context.Context, c *idp.Client) (func(ctx context.Context) error, error)
}

var scenarios = []scenario{
	{"DescribeUserPool", func(ctx context.Context, c *idp.Client) (func(context.Context) error, error) {
		out, err := c.CreateUserPool(ctx, &idp.CreateUserPoolInput{PoolName: aws.String("load")})
		if err != nil {
			return nil, err
		}
		id := out.UserPool.Id
		return func(ctx context.Context) error {
			_, err := c.DescribeUserPool(ctx, &idp.DescribeUserPoolInput{UserPoolId: id})
			return err
		}, nil
	}},
}

func main() {
	duration := flag.Duration("duration", 5*time.Second, "how long each scenario runs at each concurrency")
	levels := flag.String("concurrency", "1,8", "comma-separated concurrency levels")
	only := flag.String("scenario", "", "run only this scenario")
	flag.Parse()
	if err := run(*duration, *levels, *only); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, levels, only string) error {
	ctx := context.Background()
	srv, err := gognitotest.New(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	client := idp.New(idp.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(gognitotest.AccessKeyID, gognitotest.SecretAccessKey, ""),
	})
	fmt.Printf("%-22s %5s %10s %10s %10s %10s %8s\n", "scenario", "conc", "req/s", "p50", "p90", "p99", "errors")
	for _, sc := range scenarios {
		if only != "" && sc.name != only {
			continue
		}
		call, err := sc.setup(ctx, client)
		if err != nil {
			return fmt.Errorf("%s setup: %w", sc.name, err)
		}
		for _, l := range strings.Split(levels, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(l))
			if err != nil || n < 1 {
				return fmt.Errorf("bad concurrency %q", l)
			}
			r := measure(ctx, call, n, duration)
			fmt.Printf("%-22s %5d %10.0f %10s %10s %10s %8d\n", sc.name, n, r.rate, r.p(50), r.p(90), r.p(99), r.errors)
			if r.firstErr != nil {
				fmt.Fprintf(os.Stderr, "  first error: %v\n", r.firstErr)
			}
		}
	}
	return nil
}

type result struct {
	rate      float64
	latencies []time.Duration
	errors    int
	firstErr  error
}

func (r result) p(q int) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[(len(r.latencies)-1)*q/100].Round(time.Microsecond)
}

// measure runs call from n workers for d and collects latencies.
func measure(ctx context.Context, call func(context.Context) error, n int, d time.Duration) result {
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var first error
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			localErrs := 0
			var localFirst error
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := call(ctx); err != nil {
					localErrs++
					if localFirst == nil {
						localFirst = err
					}
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			all = append(all, local...)
			errs += localErrs
			if first == nil {
				first = localFirst
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	return result{rate: float64(len(all)) / elapsed.Seconds(), latencies: all, errors: errs, firstErr: first}
}
