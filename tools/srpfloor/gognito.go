package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gognito/gognito/internal/srp"
)

// cognito drives a Gognito (or Cognito-compatible) endpoint with plain
// AWS JSON requests over net/http: the same sign-in as the floor's, with
// the real protocol and no SDK in the way.
type cognito struct {
	url, poolID, clientID string
	users                 []string
	next                  atomic.Int64
}

// call is one AWS JSON request of operation op.
func (c *cognito) call(hc *http.Client, op string, in, out any) error {
	h := http.Header{}
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	if err := postJSON(hc, c.url, h, in, out); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// setupCognito creates a pool, an SRP client and users signer00… with
// password.
func setupCognito(url string, users int) (*cognito, error) {
	c := &cognito{url: url}
	hc := http.DefaultClient
	var pool struct{ UserPool struct{ Id string } }
	if err := c.call(hc, "CreateUserPool", map[string]any{"PoolName": "srpfloor"}, &pool); err != nil {
		return nil, err
	}
	c.poolID = pool.UserPool.Id
	var client struct{ UserPoolClient struct{ ClientId string } }
	if err := c.call(hc, "CreateUserPoolClient", map[string]any{"UserPoolId": c.poolID, "ClientName": "srpfloor",
		"ExplicitAuthFlows": []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}, &client); err != nil {
		return nil, err
	}
	c.clientID = client.UserPoolClient.ClientId
	for i := range users {
		name := fmt.Sprintf("signer%02d", i)
		if err := c.call(hc, "AdminCreateUser", map[string]any{"UserPoolId": c.poolID, "Username": name, "MessageAction": "SUPPRESS"}, nil); err != nil {
			return nil, err
		}
		if err := c.call(hc, "AdminSetUserPassword", map[string]any{"UserPoolId": c.poolID, "Username": name, "Password": password, "Permanent": true}, nil); err != nil {
			return nil, err
		}
		c.users = append(c.users, name)
	}
	return c, nil
}

// signIn is USER_SRP_AUTH then PASSWORD_VERIFIER, rotating through the
// users.
func (c *cognito) signIn(hc *http.Client, pw string) error {
	user := c.users[int(c.next.Add(1))%len(c.users)]
	cl, err := srp.NewClient(rand.Reader)
	if err != nil {
		return err
	}
	var ch struct {
		ChallengeName       string
		ChallengeParameters map[string]string
	}
	if err := c.call(hc, "InitiateAuth", map[string]any{"ClientId": c.clientID, "AuthFlow": "USER_SRP_AUTH",
		"AuthParameters": map[string]string{"USERNAME": user, "SRP_A": cl.AHex()}}, &ch); err != nil {
		return err
	}
	p := ch.ChallengeParameters
	ts := srp.FormatTimestamp(time.Now())
	sig, err := cl.PasswordClaim(srp.PoolName(c.poolID), p["USER_ID_FOR_SRP"], pw,
		srp.Challenge{SRPB: p["SRP_B"], Salt: p["SALT"], SecretBlock: p["SECRET_BLOCK"]}, ts)
	if err != nil {
		return err
	}
	var out struct {
		AuthenticationResult struct{ IdToken, AccessToken string }
	}
	if err := c.call(hc, "RespondToAuthChallenge", map[string]any{"ClientId": c.clientID, "ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeResponses": map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}}, &out); err != nil {
		return err
	}
	if out.AuthenticationResult.IdToken == "" || out.AuthenticationResult.AccessToken == "" {
		return errors.New("no tokens")
	}
	return nil
}
