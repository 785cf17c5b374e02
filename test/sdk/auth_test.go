package sdk

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/gognitotest"
	"github.com/gognito/gognito/internal/userpool"
)

func TestSRPSignIn(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), nil)
	out, err := a.srpAuth(t, "sam", testPassword, nil)
	ok(t, err)
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.TokenType) != "Bearer" || r.ExpiresIn != 3600 || r.RefreshToken == nil || len(out.ChallengeParameters) != 0 {
		t.Fatalf("SRP result %+v", out)
	}
	verifyWithJWKS(t, a.srv.URL, a.pool, *r.AccessToken)
	verifyWithJWKS(t, a.srv.URL, a.pool, *r.IdToken)
	// A wrong password is refused by the real SRP check.
	_, err = a.srpAuth(t, "sam", "Wrong-Passw0rd!", nil)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// Signing in by the verified email alias is not allowed without alias
	// attributes: the username is required.
	_, err = a.srpAuth(t, "sam@example.com", testPassword, nil)
	apiErr(t, err, "UserNotFoundException", "User does not exist.")
}

func TestTokenClaims(t *testing.T) {
	t.Parallel()
	for _, cognitoIssuer := range []bool{false, true} {
		var opts []gognitotest.Option
		if cognitoIssuer {
			opts = append(opts, gognitotest.WithCognitoIssuer())
		}
		a := newAuthEnv(t, newEnv(t, opts...), nil)
		_, err := a.idp.CreateGroup(a.ctx, &idp.CreateGroupInput{UserPoolId: &a.pool, GroupName: aws.String("staff"), Precedence: aws.Int32(2),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/staff")})
		ok(t, err)
		_, err = a.idp.AdminAddUserToGroup(a.ctx, &idp.AdminAddUserToGroupInput{UserPoolId: &a.pool, Username: aws.String("sam"), GroupName: aws.String("staff")})
		ok(t, err)
		out, err := a.passwordAuth("sam", testPassword)
		ok(t, err)
		access, id := claims(t, *out.AuthenticationResult.AccessToken), claims(t, *out.AuthenticationResult.IdToken)
		wantIss := a.srv.URL + "/" + a.pool
		if cognitoIssuer {
			wantIss = "https://cognito-idp.us-east-1.amazonaws.com/" + a.pool
		}
		for name, c := range map[string]map[string]any{"access": access, "id": id} {
			if c["iss"] != wantIss || c["origin_jti"] == nil || c["event_id"] == nil || c["jti"] == nil || c["token_use"] != name {
				t.Fatalf("%s token claims %v", name, c)
			}
			if exp, iat := c["exp"].(float64), c["iat"].(float64); exp-iat != 3600 {
				t.Fatalf("%s token lifetime %v", name, exp-iat)
			}
			if groups, _ := c["cognito:groups"].([]any); len(groups) != 1 || groups[0] != "staff" {
				t.Fatalf("%s token groups %v", name, c["cognito:groups"])
			}
		}
		if access["client_id"] != a.client || access["username"] != "sam" || access["scope"] != "aws.cognito.signin.user.admin" || access["aud"] != nil {
			t.Fatalf("access claims %v", access)
		}
		if id["aud"] != a.client || id["cognito:username"] != "sam" || id["email"] != "sam@example.com" || id["email_verified"] != true ||
			id["cognito:preferred_role"] != "arn:aws:iam::123456789012:role/staff" || id["origin_jti"] != access["origin_jti"] {
			t.Fatalf("id claims %v", id)
		}
	}
}

func TestPasswordFlowsAndUserStates(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), nil)
	_, err := a.passwordAuth("sam", "Wrong-Passw0rd!")
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = a.passwordAuth("nobody", testPassword)
	apiErr(t, err, "UserNotFoundException", "User does not exist.")
	adminOut, err := a.idp.AdminInitiateAuth(a.ctx, &idp.AdminInitiateAuthInput{UserPoolId: &a.pool, ClientId: &a.client,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": testPassword}})
	ok(t, err)
	if adminOut.AuthenticationResult == nil {
		t.Fatal("ADMIN_USER_PASSWORD_AUTH gave no tokens")
	}
	_, err = a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": testPassword}})
	apiErr(t, err, "InvalidParameterException", "Initiate Auth method not supported.")

	_, err = a.idp.AdminDisableUser(a.ctx, &idp.AdminDisableUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	_, err = a.passwordAuth("sam", testPassword)
	apiErr(t, err, "NotAuthorizedException", "User is disabled.")
	_, err = a.idp.AdminEnableUser(a.ctx, &idp.AdminEnableUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)

	_, err = a.idp.SignUp(a.ctx, &idp.SignUpInput{ClientId: &a.client, Username: aws.String("una"), Password: aws.String(testPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("una@example.com")}}})
	ok(t, err)
	_, err = a.passwordAuth("una", testPassword)
	apiErr(t, err, "UserNotConfirmedException", "User is not confirmed.")

	_, err = a.idp.AdminResetUserPassword(a.ctx, &idp.AdminResetUserPasswordInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	_, err = a.passwordAuth("sam", testPassword)
	apiErr(t, err, "PasswordResetRequiredException", "Password reset required for the user")

	only, err := a.idp.CreateUserPoolClient(a.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &a.pool, ClientName: aws.String("srp-only"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	ok(t, err)
	_, err = a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: only.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": testPassword}})
	apiErr(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
}

func TestLockoutAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := newAuthEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), nil)
	var last error
	for range 5 {
		_, last = a.passwordAuth("sam", "Wrong-Passw0rd!")
	}
	apiErr(t, last, "NotAuthorizedException", "Password attempts exceeded")
	_, err := a.passwordAuth("sam", testPassword)
	apiErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	clock.Advance(2 * time.Second)
	_, err = a.passwordAuth("sam", testPassword)
	ok(t, err)
}

func TestPreventUserExistenceErrorsOnSignIn(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), &idp.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	_, err := a.passwordAuth("nobody", testPassword)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = a.srpAuth(t, "nobody", testPassword, nil)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

func TestNewPasswordRequired(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), nil)
	_, err := a.idp.AdminCreateUser(a.ctx, &idp.AdminCreateUserInput{UserPoolId: &a.pool, Username: aws.String("vera"), TemporaryPassword: aws.String("Temp-Passw0rd!"),
		MessageAction: types.MessageActionTypeSuppress})
	ok(t, err)
	out, err := a.passwordAuth("vera", "Temp-Passw0rd!")
	ok(t, err)
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.Session == nil || out.ChallengeParameters["USER_ID_FOR_SRP"] != "vera" ||
		out.ChallengeParameters["requiredAttributes"] != "[]" || out.AuthenticationResult != nil {
		t.Fatalf("NEW_PASSWORD_REQUIRED challenge %+v", out)
	}
	_, err = a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "vera", "NEW_PASSWORD": "weak"}})
	apiErr(t, err, "InvalidPasswordException", "Password does not conform to policy: Password not long enough")
	out, err = a.passwordAuth("vera", "Temp-Passw0rd!")
	ok(t, err)
	done, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "vera", "NEW_PASSWORD": "Brand-N3w-Pass!", "userAttributes.given_name": "Vera"}})
	ok(t, err)
	if done.AuthenticationResult == nil || done.AuthenticationResult.RefreshToken == nil {
		t.Fatalf("no tokens after the new password: %+v", done)
	}
	_, err = a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "vera", "NEW_PASSWORD": "Another-N3w-Pass!"}})
	apiErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
	g, err := a.idp.AdminGetUser(a.ctx, &idp.AdminGetUserInput{UserPoolId: &a.pool, Username: aws.String("vera")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeConfirmed || attrMap(g.UserAttributes)["given_name"] != "Vera" {
		t.Fatalf("after NEW_PASSWORD_REQUIRED: %s %v", g.UserStatus, attrMap(g.UserAttributes))
	}
	_, err = a.srpAuth(t, "vera", "Brand-N3w-Pass!", nil)
	ok(t, err)
}

// A FORCE_CHANGE_PASSWORD user signing in through the admin flows gets
// NEW_PASSWORD_REQUIRED, answered with AdminRespondToAuthChallenge.
func TestAdminNewPasswordRequired(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), nil)
	for i, flow := range []types.AuthFlowType{types.AuthFlowTypeAdminNoSrpAuth, types.AuthFlowTypeAdminUserPasswordAuth} {
		user := []string{"nora", "otto"}[i]
		_, err := a.idp.AdminCreateUser(a.ctx, &idp.AdminCreateUserInput{UserPoolId: &a.pool, Username: &user, TemporaryPassword: aws.String("Temp-Passw0rd!"),
			MessageAction: types.MessageActionTypeSuppress})
		ok(t, err)
		out, err := a.idp.AdminInitiateAuth(a.ctx, &idp.AdminInitiateAuthInput{UserPoolId: &a.pool, ClientId: &a.client, AuthFlow: flow,
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Temp-Passw0rd!"}})
		ok(t, err)
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.Session == nil || out.AuthenticationResult != nil ||
			out.ChallengeParameters["USER_ID_FOR_SRP"] != user {
			t.Fatalf("%s: challenge %+v", flow, out)
		}
		done, err := a.idp.AdminRespondToAuthChallenge(a.ctx, &idp.AdminRespondToAuthChallengeInput{UserPoolId: &a.pool, ClientId: &a.client,
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": user, "NEW_PASSWORD": "Brand-N3w-Pass!"}})
		ok(t, err)
		r := done.AuthenticationResult
		if r == nil || r.AccessToken == nil || r.IdToken == nil || r.RefreshToken == nil || done.ChallengeName != "" {
			t.Fatalf("%s: no tokens after the new password: %+v", flow, done)
		}
		if c := claims(t, *r.AccessToken); c["username"] != user || c["client_id"] != a.client {
			t.Fatalf("%s: access token claims %v", flow, c)
		}
		verifyWithJWKS(t, a.srv.URL, a.pool, *r.AccessToken)
		g, err := a.idp.AdminGetUser(a.ctx, &idp.AdminGetUserInput{UserPoolId: &a.pool, Username: &user})
		ok(t, err)
		if g.UserStatus != types.UserStatusTypeConfirmed {
			t.Fatalf("%s: status %s after NEW_PASSWORD_REQUIRED", flow, g.UserStatus)
		}
		again, err := a.idp.AdminInitiateAuth(a.ctx, &idp.AdminInitiateAuthInput{UserPoolId: &a.pool, ClientId: &a.client, AuthFlow: flow,
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Brand-N3w-Pass!"}})
		ok(t, err)
		if again.AuthenticationResult == nil {
			t.Fatalf("%s: the new password gave no tokens: %+v", flow, again)
		}
		_, err = a.idp.AdminInitiateAuth(a.ctx, &idp.AdminInitiateAuthInput{UserPoolId: &a.pool, ClientId: &a.client, AuthFlow: flow,
			AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": "Temp-Passw0rd!"}})
		apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
}

func TestSecretHashOnSignIn(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), &idp.CreateUserPoolClientInput{GenerateSecret: true})
	d, err := a.idp.DescribeUserPoolClient(a.ctx, &idp.DescribeUserPoolClientInput{UserPoolId: &a.pool, ClientId: &a.client})
	ok(t, err)
	secret := *d.UserPoolClient.ClientSecret
	_, err = a.passwordAuth("sam", testPassword)
	apiErr(t, err, "NotAuthorizedException", "Client "+a.client+" is configured for secret but secret was not received")
	_, err = a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": testPassword, "SECRET_HASH": "bm9wZQ=="}})
	apiErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+a.client)
	hash := userpool.SecretHash(secret, "sam", a.client)
	out, err := a.srpAuth(t, "sam", testPassword, map[string]string{"SECRET_HASH": hash})
	ok(t, err)
	ref, err := a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken, "SECRET_HASH": hash}})
	ok(t, err)
	if ref.AuthenticationResult.AccessToken == nil {
		t.Fatal("no access token from refresh")
	}
}

func TestRefreshRevokeAndSignOut(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := newAuthEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), nil)
	signIn := func() *types.AuthenticationResultType {
		out, err := a.passwordAuth("sam", testPassword)
		ok(t, err)
		return out.AuthenticationResult
	}
	refresh := func(token string) (*idp.InitiateAuthOutput, error) {
		return a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": token}})
	}
	getUser := func(token string) error {
		_, err := a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: &token})
		return err
	}
	first := signIn()
	r, err := refresh(*first.RefreshToken)
	ok(t, err)
	if r.AuthenticationResult.RefreshToken != nil || claims(t, *r.AuthenticationResult.AccessToken)["origin_jti"] != claims(t, *first.AccessToken)["origin_jti"] {
		t.Fatalf("refresh without rotation must keep the family and return no refresh token: %+v", r.AuthenticationResult)
	}
	_, err = refresh("not-a-refresh-token")
	apiErr(t, err, "NotAuthorizedException", "Invalid Refresh Token.")
	ok(t, getUser(*r.AuthenticationResult.AccessToken))

	// RevokeToken revokes the refresh token and every token of its family.
	second := signIn()
	_, err = a.idp.RevokeToken(a.ctx, &idp.RevokeTokenInput{ClientId: &a.client, Token: first.RefreshToken})
	ok(t, err)
	_, err = refresh(*first.RefreshToken)
	apiErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	apiErr(t, getUser(*r.AuthenticationResult.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	ok(t, getUser(*second.AccessToken))

	// GlobalSignOut ends every session of the user.
	_, err = a.idp.GlobalSignOut(a.ctx, &idp.GlobalSignOutInput{AccessToken: second.AccessToken})
	ok(t, err)
	apiErr(t, getUser(*second.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	_, err = refresh(*second.RefreshToken)
	apiErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")

	// AdminUserGlobalSignOut and AdminDisableUser do the same. Tokens carry
	// whole seconds: each sign-in happens a second after the last sign-out.
	clock.Advance(time.Second)
	third := signIn()
	ok(t, getUser(*third.AccessToken))
	_, err = a.idp.AdminUserGlobalSignOut(a.ctx, &idp.AdminUserGlobalSignOutInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	apiErr(t, getUser(*third.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	clock.Advance(time.Second)
	fourth := signIn()
	ok(t, getUser(*fourth.AccessToken))
	_, err = a.idp.AdminDisableUser(a.ctx, &idp.AdminDisableUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	apiErr(t, getUser(*fourth.AccessToken), "NotAuthorizedException", "Access Token has been revoked")

	// Once the user is deleted, a token of a revoked family still reads as
	// revoked; one that was never revoked finds no user.
	_, err = a.idp.AdminEnableUser(a.ctx, &idp.AdminEnableUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	clock.Advance(time.Second)
	fifth := signIn()
	ok(t, getUser(*fifth.AccessToken))
	_, err = a.idp.AdminDeleteUser(a.ctx, &idp.AdminDeleteUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	apiErr(t, getUser(*r.AuthenticationResult.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	apiErr(t, getUser(*fifth.AccessToken), "UserNotFoundException", "User does not exist.")

	apiErr(t, getUser("garbage"), "NotAuthorizedException", "Invalid Access Token")
	apiErr(t, getUser(*fourth.IdToken), "NotAuthorizedException", "Invalid Access Token")
	parts := strings.Split(*fourth.AccessToken, ".")
	apiErr(t, getUser(parts[0]+"."+parts[1]+"."+strings.Repeat("A", len(parts[2]))), "NotAuthorizedException", "Invalid Access Token")
}

func TestAccessTokenExpiry(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := newAuthEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), nil)
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	clock.Advance(61 * time.Minute)
	_, err = a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	apiErr(t, err, "NotAuthorizedException", "Access Token has expired")
	r, err := a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken}})
	ok(t, err)
	_, err = a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: r.AuthenticationResult.AccessToken})
	ok(t, err)
	clock.Advance(31 * 24 * time.Hour)
	_, err = a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken}})
	apiErr(t, err, "NotAuthorizedException", "Refresh Token has expired")
}

func TestRefreshTokenRotation(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := newAuthEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), &idp.CreateUserPoolClientInput{RefreshTokenRotation: &types.RefreshTokenRotationType{
		Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(0)}})
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	rotated, err := a.idp.GetTokensFromRefreshToken(a.ctx, &idp.GetTokensFromRefreshTokenInput{ClientId: &a.client, RefreshToken: out.AuthenticationResult.RefreshToken})
	ok(t, err)
	next := rotated.AuthenticationResult.RefreshToken
	if next == nil || *next == *out.AuthenticationResult.RefreshToken {
		t.Fatalf("rotation gave no new refresh token: %+v", rotated.AuthenticationResult)
	}
	clock.Advance(time.Second)
	_, err = a.idp.GetTokensFromRefreshToken(a.ctx, &idp.GetTokensFromRefreshTokenInput{ClientId: &a.client, RefreshToken: out.AuthenticationResult.RefreshToken})
	apiErr(t, err, "NotAuthorizedException", "Invalid Refresh Token.")
	_, err = a.idp.GetTokensFromRefreshToken(a.ctx, &idp.GetTokensFromRefreshTokenInput{ClientId: &a.client, RefreshToken: next})
	ok(t, err)
}

// With a grace period the replaced refresh token keeps working for that
// long after its first rotation, and is refused after it.
func TestRefreshTokenRotationGracePeriod(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := newAuthEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), &idp.CreateUserPoolClientInput{RefreshTokenRotation: &types.RefreshTokenRotationType{
		Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(10)}})
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	old := out.AuthenticationResult.RefreshToken
	rotate := func(token *string) (*idp.GetTokensFromRefreshTokenOutput, error) {
		return a.idp.GetTokensFromRefreshToken(a.ctx, &idp.GetTokensFromRefreshTokenInput{ClientId: &a.client, RefreshToken: token})
	}
	rotated, err := rotate(old)
	ok(t, err)
	next := rotated.AuthenticationResult.RefreshToken
	if next == nil || *next == *old {
		t.Fatalf("rotation gave no new refresh token: %+v", rotated.AuthenticationResult)
	}
	// Inside the grace period (counted from the first rotation) the old
	// token still answers, with tokens and another new refresh token.
	clock.Advance(5 * time.Second)
	retry, err := rotate(old)
	ok(t, err)
	if r := retry.AuthenticationResult; r.AccessToken == nil || r.RefreshToken == nil || *r.RefreshToken == *old {
		t.Fatalf("retry inside the grace period: %+v", r)
	}
	_, err = a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: retry.AuthenticationResult.AccessToken})
	ok(t, err)
	clock.Advance(6 * time.Second)
	_, err = rotate(old)
	apiErr(t, err, "NotAuthorizedException", "Invalid Refresh Token.")
	_, err = rotate(next)
	ok(t, err)
}

func TestAccessTokenOperations(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), nil)
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	token := out.AuthenticationResult.AccessToken
	u, err := a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: token})
	ok(t, err)
	if aws.ToString(u.Username) != "sam" || attrMap(u.UserAttributes)["email"] != "sam@example.com" {
		t.Fatalf("GetUser %+v", u)
	}
	up, err := a.idp.UpdateUserAttributes(a.ctx, &idp.UpdateUserAttributesInput{AccessToken: token, UserAttributes: []types.AttributeType{
		{Name: aws.String("email"), Value: aws.String("sam@new.example")}, {Name: aws.String("nickname"), Value: aws.String("Sammy")}}})
	ok(t, err)
	if len(up.CodeDeliveryDetailsList) != 1 || aws.ToString(up.CodeDeliveryDetailsList[0].Destination) != "s***@n***" {
		t.Fatalf("UpdateUserAttributes delivery %+v", up.CodeDeliveryDetailsList)
	}
	_, err = a.idp.VerifyUserAttribute(a.ctx, &idp.VerifyUserAttributeInput{AccessToken: token, AttributeName: aws.String("email"), Code: aws.String("000000")})
	apiErr(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	_, err = a.idp.VerifyUserAttribute(a.ctx, &idp.VerifyUserAttributeInput{AccessToken: token, AttributeName: aws.String("email"), Code: aws.String(a.latestCode(t, "sam@new.example"))})
	ok(t, err)
	_, err = a.idp.GetUserAttributeVerificationCode(a.ctx, &idp.GetUserAttributeVerificationCodeInput{AccessToken: token, AttributeName: aws.String("email")})
	ok(t, err)
	u, err = a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: token})
	ok(t, err)
	if m := attrMap(u.UserAttributes); m["email"] != "sam@new.example" || m["email_verified"] != "true" || m["nickname"] != "Sammy" {
		t.Fatalf("after update and verification %v", m)
	}
	_, err = a.idp.DeleteUserAttributes(a.ctx, &idp.DeleteUserAttributesInput{AccessToken: token, UserAttributeNames: []string{"nickname"}})
	ok(t, err)

	_, err = a.idp.ChangePassword(a.ctx, &idp.ChangePasswordInput{AccessToken: token, PreviousPassword: aws.String("Wrong-Passw0rd!"), ProposedPassword: aws.String("N3w-Passw0rd!")})
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = a.idp.ChangePassword(a.ctx, &idp.ChangePasswordInput{AccessToken: token, PreviousPassword: aws.String(testPassword), ProposedPassword: aws.String("N3w-Passw0rd!")})
	ok(t, err)
	_, err = a.passwordAuth("sam", testPassword)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = a.srpAuth(t, "sam", "N3w-Passw0rd!", nil)
	ok(t, err)

	_, err = a.idp.DeleteUser(a.ctx, &idp.DeleteUserInput{AccessToken: token})
	ok(t, err)
	_, err = a.idp.AdminGetUser(a.ctx, &idp.AdminGetUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	apiErr(t, err, "UserNotFoundException", "User does not exist.")
}

func TestChangePasswordAttemptLimit(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), nil)
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	for range 10 {
		_, err = a.idp.ChangePassword(a.ctx, &idp.ChangePasswordInput{AccessToken: out.AuthenticationResult.AccessToken,
			PreviousPassword: aws.String("Wrong-Passw0rd!"), ProposedPassword: aws.String("N3w-Passw0rd!")})
		apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	_, err = a.idp.ChangePassword(a.ctx, &idp.ChangePasswordInput{AccessToken: out.AuthenticationResult.AccessToken,
		PreviousPassword: aws.String("Wrong-Passw0rd!"), ProposedPassword: aws.String("N3w-Passw0rd!")})
	apiErr(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
}

func TestSignInWithEmailUsernameAndAlias(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, mode := range []string{"username-attributes", "alias-attributes"} {
		in := &idp.CreateUserPoolInput{}
		username := "wes@example.com"
		if mode == "username-attributes" {
			in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
		} else {
			in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
			username = "wes"
		}
		pool := newPool(t, e, in)
		c, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("app"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
		ok(t, err)
		a := &authEnv{env: e, pool: pool, client: *c.UserPoolClient.ClientId}
		created, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: &username, MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("wes@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
		ok(t, err)
		_, err = e.idp.AdminSetUserPassword(e.ctx, &idp.AdminSetUserPasswordInput{UserPoolId: &pool, Username: &username, Password: aws.String(testPassword), Permanent: true})
		ok(t, err)
		out, err := a.srpAuth(t, "wes@example.com", testPassword, nil)
		if err != nil {
			t.Fatalf("%s: SRP sign-in by email: %v", mode, err)
		}
		if got := claims(t, *out.AuthenticationResult.AccessToken)["username"]; got != aws.ToString(created.User.Username) {
			t.Fatalf("%s: token username %v, want the internal username %s", mode, got, aws.ToString(created.User.Username))
		}
		// The pool is case-sensitive: in both modes a differently cased
		// email names no one.
		_, err = a.passwordAuth("WES@example.com", testPassword)
		apiErr(t, err, "UserNotFoundException", "User does not exist.")
	}
}

func TestDeleteUserAttributesOfEveryType(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, newEnv(t), nil)
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	_, err = a.idp.DeleteUserAttributes(a.ctx, &idp.DeleteUserAttributesInput{AccessToken: out.AuthenticationResult.AccessToken,
		UserAttributeNames: []string{"email", "email_verified"}})
	ok(t, err)
	g, err := a.idp.AdminGetUser(a.ctx, &idp.AdminGetUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	if m := attrMap(g.UserAttributes); m["email"] != "" || m["email_verified"] != "" {
		t.Fatalf("attributes not deleted: %v", m)
	}
}

func TestDiscoveryUsesPublicURL(t *testing.T) {
	t.Parallel()
	srv := gognitotest.Start(t, gognitotest.WithPublicURL("https://auth.example.com"))
	e := envFor(t, srv, "us-east-1")
	pool := newPool(t, e, nil)
	resp, err := http.Get(srv.URL + "/" + pool + "/.well-known/openid-configuration")
	ok(t, err)
	defer resp.Body.Close()
	var doc map[string]any
	ok(t, json.NewDecoder(resp.Body).Decode(&doc))
	if doc["issuer"] != "https://auth.example.com/"+pool || doc["jwks_uri"] != "https://auth.example.com/"+pool+"/.well-known/jwks.json" ||
		!strings.HasPrefix(doc["token_endpoint"].(string), "https://auth.example.com/") {
		t.Fatalf("discovery %v", doc)
	}
}
