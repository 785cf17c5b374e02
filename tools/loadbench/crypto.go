package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"time"

	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/tokens"
)

// cryptoFixture holds what one sign-in's crypto works on: a user's
// verifier, a client's A, a pool signing key and the claims of a token.
type cryptoFixture struct {
	poolName, user string
	salt           []byte
	verifierHex    string
	srpA           string
	challenge      srp.Challenge
	secretBlock    string
	key            *rsa.PrivateKey
	kid            string
	in             tokens.Input
}

func newCryptoFixture() (*cryptoFixture, error) {
	const pool = "us-east-1_LoadBench1"
	f := &cryptoFixture{poolName: srp.PoolName(pool), user: "signer00"}
	var err error
	if f.salt, err = srp.GenerateSalt(rand.Reader); err != nil {
		return nil, err
	}
	v := srp.NewVerifier(f.poolName, f.user, benchPassword, f.salt)
	f.verifierHex = srp.EncodeHex(v)
	client, err := srp.NewClient(rand.Reader)
	if err != nil {
		return nil, err
	}
	f.srpA = client.AHex()
	s, err := srp.NewServerSession(rand.Reader, v)
	if err != nil {
		return nil, err
	}
	block := make([]byte, 63) // the server's SECRET_BLOCK size
	_, _ = rand.Read(block)
	f.secretBlock = base64.RawStdEncoding.EncodeToString(block)
	f.challenge = srp.Challenge{SRPB: s.BHex(), Salt: srp.EncodeSalt(f.salt), SecretBlock: f.secretBlock}
	if f.key, err = tokens.GenerateKey(rand.Reader); err != nil {
		return nil, err
	}
	f.kid = tokens.KeyID(&f.key.PublicKey)
	now := time.Now()
	f.in = tokens.Input{
		Issuer: "http://127.0.0.1:9229/" + pool, ClientID: "4kq0b7ecl1k9c5t2n8m3r6v1ab",
		Sub: newUUID(), Username: f.user,
		Attributes: []tokens.Attribute{{Name: "email", Value: f.user + "@example.com"}, {Name: "email_verified", Value: "true"}},
		AuthTime:   now, Now: now, Lifetime: time.Hour,
		OriginJTI: newUUID(), EventID: newUUID(), JTI: newUUID(),
	}
	return f, nil
}

// serverSignIn is the crypto the server does for one USER_SRP_AUTH
// sign-in, in the forms it does it in. InitiateAuth: a fresh b and
// B = kv + g^b (one exponentiation), kept as hex. RespondToAuthChallenge:
// the session rebuilt from hex, S = (A·v^u)^b and the key (two
// exponentiations), the claim's HMAC (it fails here, as the fixture's
// signature was made for another B, but costs the same), then the RS256
// signatures of the ID and the access token.
func (f *cryptoFixture) serverSignIn(context.Context) error {
	v, err := srp.DecodeHex(f.verifierHex)
	if err != nil {
		return err
	}
	s, err := srp.NewServerSession(rand.Reader, v)
	if err != nil {
		return err
	}
	bHex, BHex := srp.EncodeHex(s.Secret()), s.BHex()

	b, err1 := srp.DecodeHex(bHex)
	B, err2 := srp.DecodeHex(BHex)
	v, err3 := srp.DecodeHex(f.verifierHex)
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	resumed, err := srp.ResumeServerSession(v, b, B)
	if err != nil {
		return err
	}
	key, err := resumed.SessionKeyHex(f.srpA)
	if err != nil {
		return err
	}
	block, err := srp.DecodeSecretBlock(f.secretBlock)
	if err != nil {
		return err
	}
	_ = srp.VerifyPasswordClaim(key, f.poolName, f.user, block, "Thu Jan 8 09:10:11 UTC 2026", "c2lnbmF0dXJl")

	if _, err := tokens.Sign(f.key, f.kid, tokens.BuildID(f.in)); err != nil {
		return err
	}
	_, err = tokens.Sign(f.key, f.kid, tokens.BuildAccess(f.in))
	return err
}

// clientSignIn is the client's SRP math of one sign-in, as the SignInSRP
// scenario does it: a fresh a and A = g^a, then the password claim (x,
// g^x and S = (B - k·g^x)^(a + u·x)). Its a is 1024 bits, as
// amazon-cognito-identity-js draws it, against the server's 256-bit b.
func (f *cryptoFixture) clientSignIn(context.Context) error {
	cl, err := srp.NewClient(rand.Reader)
	if err != nil {
		return err
	}
	_ = cl.AHex()
	_, err = cl.PasswordClaim(f.poolName, f.user, benchPassword, f.challenge, srp.FormatTimestamp(time.Now()))
	return err
}

// cryptoLimit is the raw crypto throughput at one concurrency level.
type cryptoLimit struct {
	Concurrency int `json:"concurrency"`
	// Server is server-side SRP sign-ins' crypto per second; Client the
	// client-side SRP math per second; Both a whole sign-in's, both
	// halves on the same cores (1 / (1/Server + 1/Client)).
	Server float64 `json:"serverSignInsPerSec"`
	Client float64 `json:"clientSignInsPerSec"`
	Both   float64 `json:"bothHalvesPerSec"`
	// OtherCores is the CPU that other processes took meanwhile (the
	// larger of the two runs'), in cores.
	OtherCores float64 `json:"otherCores"`
}

func measureCrypto(ctx context.Context, f *cryptoFixture, n int, d time.Duration, tries int, gate func()) (cryptoLimit, error) {
	snap := snapshotter(0)
	s := best(tries, gate, func() result { return measure(ctx, f.serverSignIn, n, d, snap) })
	if s.firstErr != nil {
		return cryptoLimit{}, s.firstErr
	}
	c := best(tries, gate, func() result { return measure(ctx, f.clientSignIn, n, d, snap) })
	if c.firstErr != nil {
		return cryptoLimit{}, c.firstErr
	}
	l := cryptoLimit{Concurrency: n, Server: s.rate(), Client: c.rate()}
	_, o1, _ := s.usage(0)
	_, o2, _ := c.usage(0)
	l.OtherCores = max(o1, o2)
	if l.Server > 0 && l.Client > 0 {
		l.Both = 1 / (1/l.Server + 1/l.Client)
	}
	return l, nil
}
