package sdk

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/srp"
)

// authEnv is a pool with one confirmed user and a client that allows every
// password flow.
type authEnv struct {
	*env
	pool, client string
	// now, when set, is the server's clock; srpAuth stamps its claim with it.
	now func() time.Time
}

const testPassword = "Corr3ct-Horse!"

func newAuthEnv(t *testing.T, e *env, clientIn *idp.CreateUserPoolClientInput) *authEnv {
	t.Helper()
	pool := newPool(t, e, &idp.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
	if clientIn == nil {
		clientIn = &idp.CreateUserPoolClientInput{}
	}
	clientIn.UserPoolId, clientIn.ClientName = &pool, aws.String("app")
	if clientIn.ExplicitAuthFlows == nil {
		clientIn.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		}
	}
	c, err := e.idp.CreateUserPoolClient(e.ctx, clientIn)
	ok(t, err)
	a := &authEnv{env: e, pool: pool, client: *c.UserPoolClient.ClientId}
	a.createUser(t, "sam", testPassword)
	return a
}

// createUser makes a confirmed user with a verified email.
func (a *authEnv) createUser(t *testing.T, name, password string) {
	t.Helper()
	_, err := a.idp.AdminCreateUser(a.ctx, &idp.AdminCreateUserInput{UserPoolId: &a.pool, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
	ok(t, err)
	_, err = a.idp.AdminSetUserPassword(a.ctx, &idp.AdminSetUserPasswordInput{UserPoolId: &a.pool, Username: &name, Password: &password, Permanent: true})
	ok(t, err)
}

func (a *authEnv) passwordAuth(username, password string) (*idp.InitiateAuthOutput, error) {
	return a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
}

// srpAuth signs in with real SRP: the Go client half computes A and the
// password claim exactly as amazon-cognito-identity-js does.
func (a *authEnv) srpAuth(t *testing.T, username, password string, extra map[string]string) (*idp.RespondToAuthChallengeOutput, error) {
	t.Helper()
	client, err := srp.NewClient(rand.Reader)
	ok(t, err)
	params := map[string]string{"USERNAME": username, "SRP_A": client.AHex()}
	for k, v := range extra {
		params[k] = v
	}
	init, err := a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: params})
	if err != nil {
		return nil, err
	}
	if init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("challenge %s, want PASSWORD_VERIFIER", init.ChallengeName)
	}
	cp := init.ChallengeParameters
	for _, k := range []string{"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"} {
		if cp[k] == "" {
			t.Fatalf("PASSWORD_VERIFIER lacks %s: %v", k, cp)
		}
	}
	now := time.Now
	if a.now != nil {
		now = a.now
	}
	ts := srp.FormatTimestamp(now())
	sig, err := client.PasswordClaim(srp.PoolName(a.pool), cp["USER_ID_FOR_SRP"], password,
		srp.Challenge{SRPB: cp["SRP_B"], Salt: cp["SALT"], SecretBlock: cp["SECRET_BLOCK"]}, ts)
	ok(t, err)
	resp := map[string]string{"USERNAME": cp["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}
	for k, v := range extra {
		if k != "SRP_A" {
			resp[k] = v
		}
	}
	return a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client,
		ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: init.Session, ChallengeResponses: resp})
}

// claims decodes a JWT's payload without verifying it.
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	ok(t, err)
	var m map[string]any
	ok(t, json.Unmarshal(raw, &m))
	return m
}

// verifyWithJWKS checks a token's RS256 signature against the key the
// server publishes for its kid.
func verifyWithJWKS(t *testing.T, url, pool, token string) {
	t.Helper()
	resp, err := http.Get(url + "/" + pool + "/.well-known/jwks.json")
	ok(t, err)
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kid, Kty, Alg, Use, N, E string }
	}
	ok(t, json.NewDecoder(resp.Body).Decode(&set))
	parts := strings.Split(token, ".")
	hdrRaw, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var hdr struct{ Kid, Alg string }
	ok(t, json.Unmarshal(hdrRaw, &hdr))
	for _, k := range set.Keys {
		if k.Kid != hdr.Kid {
			continue
		}
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || hdr.Alg != "RS256" {
			t.Fatalf("key %+v / header %+v", k, hdr)
		}
		n, _ := base64.RawURLEncoding.DecodeString(k.N)
		e, _ := base64.RawURLEncoding.DecodeString(k.E)
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			t.Fatalf("signature does not verify with the published key: %v", err)
		}
		return
	}
	t.Fatalf("kid %q not in the JWKS", hdr.Kid)
}
