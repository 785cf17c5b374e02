package sdk

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/gognitotest"
	"github.com/gognito/gognito/internal/userpool"
)

// signUpEnv is a pool that verifies email at sign-up and a public client.
func signUpEnv(t *testing.T, opts ...gognitotest.Option) (*env, string, string) {
	e := newEnv(t, opts...)
	pool := newPool(t, e, &idp.CreateUserPoolInput{
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema:                 []types.SchemaAttributeType{{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)}},
	})
	c, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("app")})
	ok(t, err)
	return e, pool, *c.UserPoolClient.ClientId
}

func (e *env) signUp(client, username, email string) (*idp.SignUpOutput, error) {
	return e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &client, Username: &username, Password: aws.String("Passw0rd!"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}})
}

func (e *env) latestCode(t *testing.T, dest string) string {
	t.Helper()
	m, found, err := e.srv.LatestMessage(e.ctx, dest)
	ok(t, err)
	if !found || len(m.Code) != 6 {
		t.Fatalf("no code delivered to %s: %+v", dest, m)
	}
	return m.Code
}

func TestSignUpAndConfirm(t *testing.T) {
	t.Parallel()
	e, pool, client := signUpEnv(t)
	out, err := e.signUp(client, "ivy", "ivy@example.com")
	ok(t, err)
	d := out.CodeDeliveryDetails
	if out.UserConfirmed || len(aws.ToString(out.UserSub)) != 36 || d == nil || aws.ToString(d.Destination) != "i***@e***" ||
		d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Fatalf("SignUp output %+v / %+v", out, d)
	}
	before, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("ivy")})
	ok(t, err)
	if before.UserStatus != types.UserStatusTypeUnconfirmed || attrMap(before.UserAttributes)["email_verified"] != "false" {
		t.Fatalf("after sign-up: %s %v", before.UserStatus, attrMap(before.UserAttributes))
	}
	m, _, err := e.srv.LatestMessage(e.ctx, "ivy@example.com")
	ok(t, err)
	if m.Subject != "Your verification code" || m.Body != "Your verification code is "+m.Code+". " || m.Kind != "SignUp" {
		t.Fatalf("verification message %+v", m)
	}
	_, err = e.idp.ConfirmSignUp(e.ctx, &idp.ConfirmSignUpInput{ClientId: &client, Username: aws.String("ivy"), ConfirmationCode: aws.String("000000")})
	apiErr(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	_, err = e.idp.ConfirmSignUp(e.ctx, &idp.ConfirmSignUpInput{ClientId: &client, Username: aws.String("ivy"), ConfirmationCode: aws.String(m.Code)})
	ok(t, err)
	g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("ivy")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeConfirmed || attrMap(g.UserAttributes)["email_verified"] != "true" {
		t.Fatalf("after confirmation: %s %v", g.UserStatus, attrMap(g.UserAttributes))
	}
	_, err = e.idp.ConfirmSignUp(e.ctx, &idp.ConfirmSignUpInput{ClientId: &client, Username: aws.String("ivy"), ConfirmationCode: aws.String(m.Code)})
	apiErr(t, err, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	_, err = e.idp.ResendConfirmationCode(e.ctx, &idp.ResendConfirmationCodeInput{ClientId: &client, Username: aws.String("ivy")})
	apiErr(t, err, "InvalidParameterException", "User is already confirmed.")
	_, err = e.signUp(client, "ivy", "other@example.com")
	apiErr(t, err, "UsernameExistsException", "User already exists")
}

func TestSignUpThenAdminConfirmSignUp(t *testing.T) {
	t.Parallel()
	e, pool, client := signUpEnv(t)
	_, err := e.signUp(client, "abe", "abe@example.com")
	ok(t, err)
	g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("abe")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Fatalf("after sign-up: %s", g.UserStatus)
	}
	_, err = e.idp.AdminConfirmSignUp(e.ctx, &idp.AdminConfirmSignUpInput{UserPoolId: &pool, Username: aws.String("abe")})
	ok(t, err)
	g, err = e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("abe")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("after AdminConfirmSignUp: %s", g.UserStatus)
	}
	// The confirmed user signs in with the sign-up password.
	a := &authEnv{env: e, pool: pool, client: client}
	_, err = a.srpAuth(t, "abe", "Passw0rd!", nil)
	ok(t, err)
	_, err = e.idp.AdminConfirmSignUp(e.ctx, &idp.AdminConfirmSignUpInput{UserPoolId: &pool, Username: aws.String("abe")})
	apiErr(t, err, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	_, err = e.idp.AdminConfirmSignUp(e.ctx, &idp.AdminConfirmSignUpInput{UserPoolId: &pool, Username: aws.String("nobody")})
	apiErr(t, err, "UserNotFoundException", "User does not exist.")
}

func TestSignUpValidation(t *testing.T) {
	t.Parallel()
	e, _, client := signUpEnv(t)
	_, err := e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &client, Username: aws.String("jo"), Password: aws.String("Passw0rd!")})
	apiErr(t, err, "InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required\n")
	for pw, msg := range map[string]string{
		"Sh0rt!":    "Password did not conform with policy: Password not long enough",
		"PASSW0RD!": "Password did not conform with policy: Password must have lowercase characters",
		"passw0rd!": "Password did not conform with policy: Password must have uppercase characters",
		"Password!": "Password did not conform with policy: Password must have numeric characters",
		"Passw0rd1": "Password did not conform with policy: Password must have symbol characters",
	} {
		_, err := e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &client, Username: aws.String("jo"), Password: aws.String(pw),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("jo@example.com")}}})
		apiErr(t, err, "InvalidPasswordException", msg)
	}
	_, err = e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: aws.String("nosuchclient0000000000000"), Username: aws.String("jo"), Password: aws.String("Passw0rd!")})
	apiErr(t, err, "ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist.")
	_, err = e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &client, Username: aws.String("jo"), Password: aws.String("Passw0rd!"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("jo@example.com")}, {Name: aws.String("custom:nosuch"), Value: aws.String("x")}}})
	apiErr(t, err, "InvalidParameterException", "Attributes did not conform to the schema: custom:nosuch: Attribute does not exist in the schema.\n")
}

func TestSignUpSecretHashAndAdminOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	c, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("server"), GenerateSecret: true})
	ok(t, err)
	id, secret := *c.UserPoolClient.ClientId, *c.UserPoolClient.ClientSecret
	_, err = e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &id, Username: aws.String("kim"), Password: aws.String("Passw0rd!")})
	apiErr(t, err, "NotAuthorizedException", "Client "+id+" is configured for secret but secret was not received")
	_, err = e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &id, Username: aws.String("kim"), Password: aws.String("Passw0rd!"), SecretHash: aws.String(userpool.SecretHash("wrong", "kim", id))})
	apiErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+id)
	out, err := e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &id, Username: aws.String("kim"), Password: aws.String("Passw0rd!"), SecretHash: aws.String(userpool.SecretHash(secret, "kim", id))})
	ok(t, err)
	if out.CodeDeliveryDetails != nil || out.UserConfirmed {
		t.Fatalf("without auto-verified attributes no code is sent: %+v", out)
	}
	adminOnly := newPool(t, e, &idp.CreateUserPoolInput{AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true}})
	c2, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &adminOnly, ClientName: aws.String("app")})
	ok(t, err)
	_, err = e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: c2.UserPoolClient.ClientId, Username: aws.String("kim"), Password: aws.String("Passw0rd!")})
	apiErr(t, err, "NotAuthorizedException", "SignUp is not permitted for this user pool")
}

func TestConfirmationCodeExpiryAndAttempts(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	e, _, client := signUpEnv(t, gognitotest.WithClock(clock.Now))
	_, err := e.signUp(client, "leo", "leo@example.com")
	ok(t, err)
	code := e.latestCode(t, "leo@example.com")
	clock.Advance(24*time.Hour + time.Minute)
	_, err = e.idp.ConfirmSignUp(e.ctx, &idp.ConfirmSignUpInput{ClientId: &client, Username: aws.String("leo"), ConfirmationCode: &code})
	apiErr(t, err, "ExpiredCodeException", "Invalid code provided, please request a code again.")
	_, err = e.idp.ResendConfirmationCode(e.ctx, &idp.ResendConfirmationCodeInput{ClientId: &client, Username: aws.String("leo")})
	ok(t, err)
	code = e.latestCode(t, "leo@example.com")
	for range 5 {
		_, err = e.idp.ConfirmSignUp(e.ctx, &idp.ConfirmSignUpInput{ClientId: &client, Username: aws.String("leo"), ConfirmationCode: aws.String("999999")})
		apiErr(t, err, "CodeMismatchException", "")
	}
	_, err = e.idp.ConfirmSignUp(e.ctx, &idp.ConfirmSignUpInput{ClientId: &client, Username: aws.String("leo"), ConfirmationCode: &code})
	apiErr(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
}

func TestForgotPassword(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	e, pool, client := signUpEnv(t, gognitotest.WithClock(clock.Now))
	_, err := e.signUp(client, "mia", "mia@example.com")
	ok(t, err)
	_, err = e.idp.ForgotPassword(e.ctx, &idp.ForgotPasswordInput{ClientId: &client, Username: aws.String("mia")})
	apiErr(t, err, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")
	_, err = e.idp.ConfirmSignUp(e.ctx, &idp.ConfirmSignUpInput{ClientId: &client, Username: aws.String("mia"), ConfirmationCode: aws.String(e.latestCode(t, "mia@example.com"))})
	ok(t, err)
	out, err := e.idp.ForgotPassword(e.ctx, &idp.ForgotPasswordInput{ClientId: &client, Username: aws.String("mia")})
	ok(t, err)
	if aws.ToString(out.CodeDeliveryDetails.Destination) != "m***@e***" {
		t.Fatalf("delivery %+v", out.CodeDeliveryDetails)
	}
	code := e.latestCode(t, "mia@example.com")
	_, err = e.idp.ConfirmForgotPassword(e.ctx, &idp.ConfirmForgotPasswordInput{ClientId: &client, Username: aws.String("mia"), ConfirmationCode: &code, Password: aws.String("weak")})
	apiErr(t, err, "InvalidPasswordException", "Password does not conform to policy: Password not long enough")
	_, err = e.idp.ConfirmForgotPassword(e.ctx, &idp.ConfirmForgotPasswordInput{ClientId: &client, Username: aws.String("mia"), ConfirmationCode: aws.String("000000"), Password: aws.String("N3w-Passw0rd")})
	apiErr(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	clock.Advance(61 * time.Minute)
	_, err = e.idp.ConfirmForgotPassword(e.ctx, &idp.ConfirmForgotPasswordInput{ClientId: &client, Username: aws.String("mia"), ConfirmationCode: &code, Password: aws.String("N3w-Passw0rd")})
	apiErr(t, err, "ExpiredCodeException", "Invalid code provided, please request a code again.")
	_, err = e.idp.AdminResetUserPassword(e.ctx, &idp.AdminResetUserPasswordInput{UserPoolId: &pool, Username: aws.String("mia")})
	ok(t, err)
	g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("mia")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeResetRequired {
		t.Fatalf("status %s after AdminResetUserPassword", g.UserStatus)
	}
	code = e.latestCode(t, "mia@example.com")
	_, err = e.idp.ConfirmForgotPassword(e.ctx, &idp.ConfirmForgotPasswordInput{ClientId: &client, Username: aws.String("mia"), ConfirmationCode: &code, Password: aws.String("N3w-Passw0rd")})
	ok(t, err)
	g, err = e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("mia")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status %s after ConfirmForgotPassword", g.UserStatus)
	}
	// The new password signs in; the old one no longer does.
	a := &authEnv{env: e, pool: pool, client: client, now: clock.Now}
	_, err = a.srpAuth(t, "mia", "N3w-Passw0rd", nil)
	ok(t, err)
	_, err = a.srpAuth(t, "mia", "Passw0rd!", nil)
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = e.idp.ForgotPassword(e.ctx, &idp.ForgotPasswordInput{ClientId: &client, Username: aws.String("nobody")})
	apiErr(t, err, "UserNotFoundException", "Username/client id combination not found.")
	hidden, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("hidden"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	ok(t, err)
	fake, err := e.idp.ForgotPassword(e.ctx, &idp.ForgotPasswordInput{ClientId: hidden.UserPoolClient.ClientId, Username: aws.String("nobody")})
	ok(t, err)
	if fake.CodeDeliveryDetails == nil || !strings.Contains(aws.ToString(fake.CodeDeliveryDetails.Destination), "***") {
		t.Fatalf("PreventUserExistenceErrors answer %+v", fake.CodeDeliveryDetails)
	}
}

func TestConcurrentSignUpOneWins(t *testing.T) {
	t.Parallel()
	e, _, client := signUpEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.signUp(client, "race", "race"+string(rune('a'+i))+"@example.com")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	wins := 0
	for err := range errs {
		if err == nil {
			wins++
			continue
		}
		apiErr(t, err, "UsernameExistsException", "User already exists")
	}
	if wins != 1 {
		t.Fatalf("%d concurrent sign-ups of one username succeeded, want 1", wins)
	}
}

func TestConfirmWithLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, &idp.CreateUserPoolInput{
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink,
			EmailSubjectByLink: aws.String("Confirm your account"),
			EmailMessageByLink: aws.String("Welcome! {##Confirm##}"),
		},
	})
	c, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("app"), GenerateSecret: true})
	ok(t, err)
	id, secret := *c.UserPoolClient.ClientId, *c.UserPoolClient.ClientSecret
	_, err = e.idp.SignUp(e.ctx, &idp.SignUpInput{ClientId: &id, Username: aws.String("quinn"), Password: aws.String("Passw0rd!"),
		SecretHash:     aws.String(userpool.SecretHash(secret, "quinn", id)),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("quinn@example.com")}}})
	ok(t, err)
	m, _, err := e.srv.LatestMessage(e.ctx, "quinn@example.com")
	ok(t, err)
	start := strings.Index(m.Body, `href="`)
	if m.Subject != "Confirm your account" || start < 0 || !strings.HasPrefix(m.Body, "Welcome! <a href=") {
		t.Fatalf("link message %+v", m)
	}
	link := html.UnescapeString(m.Body[start+6 : start+6+strings.Index(m.Body[start+6:], `"`)])
	if !strings.HasPrefix(link, e.srv.URL+"/confirmUser?") {
		t.Fatalf("link %q does not point at the server", link)
	}
	resp, err := http.Get(link)
	ok(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Your registration has been confirmed!") {
		t.Fatalf("confirm page %d %s", resp.StatusCode, body)
	}
	g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("quinn")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeConfirmed || attrMap(g.UserAttributes)["email_verified"] != "true" {
		t.Fatalf("after the link: %s %v", g.UserStatus, attrMap(g.UserAttributes))
	}
	resp, err = http.Get(link)
	ok(t, err)
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("second use of the link answered %d", resp.StatusCode)
	}
}

func TestCodeDeliveryFailure(t *testing.T) {
	t.Parallel()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer broken.Close()
	e, _, client := signUpEnv(t, gognitotest.WithEmailWebhook(broken.URL))
	_, err := e.signUp(client, "xena", "xena@example.com")
	apiErr(t, err, "CodeDeliveryFailureException", "")
}
