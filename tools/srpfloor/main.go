package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/tools/internal/benchproc"
)

const (
	poolID   = "us-east-1_SrpFloor"
	user     = "signer"
	password = "Floor-Passw0rd!"
)

type initRequest struct{ SRPA string }
type challenge struct{ SRPB, Salt, SecretBlock string }
type claimRequest struct{ SecretBlock, Signature, Timestamp string }
type tokenPair struct{ IDToken, AccessToken string }

// floor is the server: one user, one signing key, sessions in memory.
type floor struct {
	salt     []byte
	verifier []byte // hex
	key      *rsa.PrivateKey
	kid      string
	sessions sync.Map // secret block → session
}

type session struct {
	srv  *srp.ServerSession
	srpA string
}

func newFloor() (*floor, error) {
	salt, err := srp.GenerateSalt(rand.Reader)
	if err != nil {
		return nil, err
	}
	key, err := tokens.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	v := srp.NewVerifier(srp.PoolName(poolID), user, password, salt)
	return &floor{salt: salt, verifier: []byte(srp.EncodeHex(v)), key: key, kid: tokens.KeyID(&key.PublicKey)}, nil
}

// begin is InitiateAuth's crypto: a fresh b and B = kv + g^b.
func (f *floor) begin(srpA string) (challenge, error) {
	v, err := srp.DecodeHex(string(f.verifier))
	if err != nil {
		return challenge{}, err
	}
	s, err := srp.NewServerSession(rand.Reader, v)
	if err != nil {
		return challenge{}, err
	}
	block := make([]byte, 63)
	if _, err := rand.Read(block); err != nil {
		return challenge{}, err
	}
	ch := challenge{SRPB: s.BHex(), Salt: srp.EncodeSalt(f.salt), SecretBlock: base64.RawStdEncoding.EncodeToString(block)}
	f.sessions.Store(ch.SecretBlock, session{srv: s, srpA: srpA})
	return ch, nil
}

var errRefused = errors.New("password claim refused")

// finish is RespondToAuthChallenge's: S, the claim's check, two tokens.
func (f *floor) finish(in claimRequest) (tokenPair, error) {
	x, ok := f.sessions.LoadAndDelete(in.SecretBlock)
	if !ok {
		return tokenPair{}, errRefused
	}
	s := x.(session)
	key, err := s.srv.SessionKeyHex(s.srpA)
	if err != nil {
		return tokenPair{}, errRefused
	}
	block, err := srp.DecodeSecretBlock(in.SecretBlock)
	if err != nil || !srp.VerifyPasswordClaim(key, srp.PoolName(poolID), user, block, in.Timestamp, in.Signature) {
		return tokenPair{}, errRefused
	}
	now := time.Now()
	t := tokens.Input{Issuer: "http://127.0.0.1/" + poolID, ClientID: "floor", Sub: "00000000-0000-4000-8000-000000000000",
		Username: user, AuthTime: now, Now: now, Lifetime: time.Hour, OriginJTI: "o", EventID: "e", JTI: "j"}
	id, err := tokens.Sign(f.key, f.kid, tokens.BuildID(t))
	if err != nil {
		return tokenPair{}, err
	}
	access, err := tokens.Sign(f.key, f.kid, tokens.BuildAccess(t))
	return tokenPair{IDToken: id, AccessToken: access}, err
}

func (f *floor) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /begin", func(w http.ResponseWriter, r *http.Request) {
		var in initRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ch, err := f.begin(in.SRPA)
		reply(w, ch, err)
	})
	mux.HandleFunc("POST /finish", func(w http.ResponseWriter, r *http.Request) {
		var in claimRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := f.finish(in)
		reply(w, out, err)
	})
	return mux
}

func reply(w http.ResponseWriter, v any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// signIn is one client sign-in over HTTP with the client's SRP math.
func signIn(c *http.Client, url, pw string) error {
	cl, err := srp.NewClient(rand.Reader)
	if err != nil {
		return err
	}
	var ch challenge
	if err := postJSON(c, url+"/begin", nil, initRequest{SRPA: cl.AHex()}, &ch); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	ts := srp.FormatTimestamp(time.Now())
	sig, err := cl.PasswordClaim(srp.PoolName(poolID), user, pw, srp.Challenge{SRPB: ch.SRPB, Salt: ch.Salt, SecretBlock: ch.SecretBlock}, ts)
	if err != nil {
		return err
	}
	var out tokenPair
	if err := postJSON(c, url+"/finish", nil, claimRequest{SecretBlock: ch.SecretBlock, Signature: sig, Timestamp: ts}, &out); err != nil {
		return fmt.Errorf("finish: %w", err)
	}
	if out.IDToken == "" || out.AccessToken == "" {
		return errors.New("no tokens")
	}
	return nil
}

// postJSON posts in, as JSON, to url with header's fields (Content-Type
// is application/json unless header says otherwise) and decodes the
// answer into out, unless out is nil. An answer other than 200 OK is an
// error naming the status, with the body the server sent.
func postJSON(c *http.Client, url string, header http.Header, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// loopCrypto runs the server's crypto of sign-ins in a plain loop on one
// goroutine for d and returns the time per sign-in: the raw crypto cost
// the served sign-ins are set against.
func loopCrypto(f *floor, d time.Duration) (time.Duration, error) {
	cl, err := srp.NewClient(rand.Reader)
	if err != nil {
		return 0, err
	}
	n, start := 0, time.Now()
	for time.Since(start) < d {
		ch, err := f.begin(cl.AHex())
		if err != nil {
			return 0, err
		}
		// The claim fails (no client math here) after the same crypto.
		if _, err := f.finish(claimRequest{SecretBlock: ch.SecretBlock, Signature: "c2ln", Timestamp: srp.FormatTimestamp(time.Now())}); !errors.Is(err, errRefused) {
			return 0, fmt.Errorf("loop: %v", err)
		}
		_, _ = tokens.Sign(f.key, f.kid, tokens.BuildID(tokens.Input{Issuer: "i", Username: user, Now: time.Now(), Lifetime: time.Hour}))
		_, _ = tokens.Sign(f.key, f.kid, tokens.BuildAccess(tokens.Input{Issuer: "i", Username: user, Now: time.Now(), Lifetime: time.Hour}))
		n++
	}
	return time.Since(start) / time.Duration(n), nil
}

// load runs n workers signing in for d and returns sign-ins per second and
// the server's CPU time per sign-in.
func load(signIn func(*http.Client) error, pid, n int, d time.Duration) (float64, time.Duration, error) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	var ops atomic.Int64
	var firstErr atomic.Value
	run := func(until time.Time, count bool) {
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				for time.Now().Before(until) {
					if err := signIn(c); err != nil {
						firstErr.CompareAndSwap(nil, err)
						return
					}
					if count {
						ops.Add(1)
					}
				}
			})
		}
		wg.Wait()
	}
	run(time.Now().Add(d/10), false)
	c0, ok0 := benchproc.CPU(pid)
	if !ok0 {
		return 0, 0, fmt.Errorf("cannot read the CPU time of process %d", pid)
	}
	t0 := time.Now()
	run(time.Now().Add(d), true)
	c1, ok1 := benchproc.CPU(pid)
	elapsed := time.Since(t0)
	if e, _ := firstErr.Load().(error); e != nil {
		return 0, 0, e
	}
	switch {
	case !ok1:
		return 0, 0, fmt.Errorf("cannot read the CPU time of process %d", pid)
	case ops.Load() == 0:
		return 0, 0, errors.New("no sign-in completed")
	}
	return float64(ops.Load()) / elapsed.Seconds(), (c1 - c0) / time.Duration(ops.Load()), nil
}

func main() {
	serveAddr := flag.String("serve", "", "run only the server, on this address (the command starts itself this way)")
	levels := flag.String("concurrency", "1,8", "worker counts")
	d := flag.Duration("duration", 8*time.Second, "measured time per level")
	endpoint := flag.String("endpoint", "", "also sign in, the same way, against this Gognito endpoint (a pool, a client and 16 users are created)")
	serverPID := flag.Int("server-pid", 0, "the process of -endpoint, whose CPU time is measured")
	flag.Parse()
	if *endpoint != "" && *serverPID == 0 {
		fmt.Fprintln(os.Stderr, "srpfloor: -endpoint needs -server-pid")
		os.Exit(2)
	}
	// A bad list fails here, before minutes of measuring.
	lv, err := benchproc.ParseLevels(*levels)
	if err != nil {
		fmt.Fprintln(os.Stderr, "srpfloor: -concurrency:", err)
		os.Exit(2)
	}
	if err := run(*serveAddr, lv, *d, *endpoint, *serverPID); err != nil {
		fmt.Fprintln(os.Stderr, "srpfloor:", err)
		os.Exit(1)
	}
}

func run(serveAddr string, levels []int, d time.Duration, endpoint string, endpointPID int) error {
	if serveAddr != "" {
		f, err := newFloor()
		if err != nil {
			return err
		}
		return http.ListenAndServe(serveAddr, f.handler())
	}
	if endpoint != "" {
		if _, ok := benchproc.CPU(endpointPID); !ok {
			return fmt.Errorf("-server-pid %d: cannot read its CPU time", endpointPID)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, self, "-serve", addr)
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Wait() }()
	defer cancel()
	url := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if conn, err := net.Dial("tcp", addr); err == nil {
			_ = conn.Close()
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the server did not start")
		}
	}
	f, err := newFloor()
	if err != nil {
		return err
	}
	per, err := loopCrypto(f, d/2)
	if err != nil {
		return err
	}
	type target struct {
		name   string
		pid    int
		signIn func(*http.Client) error
	}
	targets := []target{{"floor", srv.Process.Pid, func(c *http.Client) error { return signIn(c, url, password) }}}
	if endpoint != "" {
		g, err := setupCognito(endpoint, 16)
		if err != nil {
			return fmt.Errorf("setup at %s: %w", endpoint, err)
		}
		targets = append(targets, target{"gognito", endpointPID, func(c *http.Client) error { return g.signIn(c, password) }})
	}
	fmt.Printf("the server's crypto in a loop: %.2f ms per sign-in (1 goroutine)\n", benchproc.Millis(per))
	fmt.Printf("%-8s %7s %12s %18s %10s\n", "server", "workers", "sign-ins/s", "server CPU/sign-in", "% of loop")
	for _, t := range targets {
		for _, n := range levels {
			rate, cpu, err := load(t.signIn, t.pid, n, d)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			fmt.Printf("%-8s %7d %12.1f %15.2f ms %9.0f%%\n", t.name, n, rate, benchproc.Millis(cpu), 100*benchproc.Millis(per)/benchproc.Millis(cpu))
		}
	}
	return nil
}
