package sdk

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/gognitotest"
	"github.com/gognito/gognito/internal/srp"
)

// A sign-in in the same second (here: the same instant) as a global
// sign-out gets working tokens; the tokens from before the sign-out are
// refused.
func TestSignInRightAfterGlobalSignOut(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := newAuthEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), nil)
	signIn := func() *types.AuthenticationResultType {
		t.Helper()
		out, err := a.passwordAuth("sam", testPassword)
		ok(t, err)
		return out.AuthenticationResult
	}
	getUser := func(token *string) error {
		_, err := a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: token})
		return err
	}
	refresh := func(token *string) (*idp.InitiateAuthOutput, error) {
		return a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *token}})
	}
	signOuts := map[string]func(old *types.AuthenticationResultType) error{
		"GlobalSignOut": func(old *types.AuthenticationResultType) error {
			_, err := a.idp.GlobalSignOut(a.ctx, &idp.GlobalSignOutInput{AccessToken: old.AccessToken})
			return err
		},
		"AdminUserGlobalSignOut": func(*types.AuthenticationResultType) error {
			_, err := a.idp.AdminUserGlobalSignOut(a.ctx, &idp.AdminUserGlobalSignOutInput{UserPoolId: &a.pool, Username: aws.String("sam")})
			return err
		},
	}
	for _, name := range []string{"GlobalSignOut", "AdminUserGlobalSignOut"} {
		t.Run(name, func(t *testing.T) {
			old := signIn()
			ok(t, signOuts[name](old))
			fresh := signIn()
			ok(t, getUser(fresh.AccessToken))
			apiErr(t, getUser(old.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
			r, err := refresh(fresh.RefreshToken)
			ok(t, err)
			ok(t, getUser(r.AuthenticationResult.AccessToken))
			_, err = refresh(old.RefreshToken)
			apiErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
			// Tokens of a later second are not affected either.
			clock.Advance(1500 * time.Millisecond)
			ok(t, getUser(fresh.AccessToken))
			apiErr(t, getUser(old.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
		})
	}
}

// With PreventUserExistenceErrors, the USER_SRP_AUTH challenge of an
// unknown user looks like a real user's: a salt that does not change
// between calls (and differs between usernames), and an answer refused as a
// wrong password is.
func TestFakeSRPChallengeIsStable(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), &idp.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	challenge := func(username string) map[string]string {
		t.Helper()
		client, err := srp.NewClient(rand.Reader)
		ok(t, err)
		out, err := a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": username, "SRP_A": client.AHex()}})
		ok(t, err)
		if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
			t.Fatalf("challenge %s, want PASSWORD_VERIFIER", out.ChallengeName)
		}
		return out.ChallengeParameters
	}
	real1, real2 := challenge("sam"), challenge("sam")
	if real1["SALT"] != real2["SALT"] {
		t.Fatalf("a real user's salt changed: %s, %s", real1["SALT"], real2["SALT"])
	}
	first, second := challenge("nobody"), challenge("nobody")
	if first["SALT"] != second["SALT"] {
		t.Fatalf("the fake salt changes between calls: %s, %s", first["SALT"], second["SALT"])
	}
	if len(first["SALT"]) != len(real1["SALT"]) {
		t.Fatalf("fake salt %q is not shaped like a real one %q", first["SALT"], real1["SALT"])
	}
	if first["SRP_B"] == second["SRP_B"] || first["SECRET_BLOCK"] == second["SECRET_BLOCK"] {
		t.Fatal("SRP_B and SECRET_BLOCK must be fresh on every call")
	}
	if other := challenge("somebody-else"); other["SALT"] == first["SALT"] {
		t.Fatalf("two unknown usernames get the same salt %s", other["SALT"])
	}

	_, err := a.srpAuth(t, "nobody", testPassword, nil)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = a.srpAuth(t, "sam", "Wrong-Passw0rd!", nil)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = a.passwordAuth("nobody", testPassword)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
}
