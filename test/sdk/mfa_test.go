package sdk

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/gognitotest"
	"github.com/gognito/gognito/internal/mfa"
	"github.com/gognito/gognito/internal/srp"
)

var smsConfig = &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns"), ExternalId: aws.String("x")}

// mfaEnv is an authEnv whose pool has the given MFA mode with TOTP, SMS and
// email factors configured, and whose user "sam" has a phone number.
func mfaEnv(t *testing.T, e *env, mode types.UserPoolMfaType, device *types.DeviceConfigurationType) *authEnv {
	t.Helper()
	a := newAuthEnv(t, e, nil)
	if device != nil {
		_, err := a.idp.UpdateUserPool(a.ctx, &idp.UpdateUserPoolInput{UserPoolId: &a.pool, DeviceConfiguration: device,
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
		ok(t, err)
	}
	out, err := a.idp.SetUserPoolMfaConfig(a.ctx, &idp.SetUserPoolMfaConfigInput{UserPoolId: &a.pool, MfaConfiguration: mode,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsConfiguration: smsConfig, SmsAuthenticationMessage: aws.String("Sign-in code: {####}")},
		EmailMfaConfiguration:         &types.EmailMfaConfigType{Subject: aws.String("Your code"), Message: aws.String("Code {####}")},
	})
	ok(t, err)
	if out.MfaConfiguration != mode || !out.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("SetUserPoolMfaConfig answered %+v", out)
	}
	_, err = a.idp.AdminUpdateUserAttributes(a.ctx, &idp.AdminUpdateUserAttributesInput{UserPoolId: &a.pool, Username: aws.String("sam"),
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550123")}, {Name: aws.String("phone_number_verified"), Value: aws.String("true")}}})
	ok(t, err)
	return a
}

// enableTOTP associates and verifies a software token for the holder of
// the access token and returns its secret.
func (a *authEnv) enableTOTP(t *testing.T, token *string, now time.Time) string {
	t.Helper()
	assoc, err := a.idp.AssociateSoftwareToken(a.ctx, &idp.AssociateSoftwareTokenInput{AccessToken: token})
	ok(t, err)
	secret := aws.ToString(assoc.SecretCode)
	_, err = a.idp.VerifySoftwareToken(a.ctx, &idp.VerifySoftwareTokenInput{AccessToken: token, UserCode: aws.String("000000")})
	apiErr(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	code, err := mfa.Code(secret, now)
	ok(t, err)
	v, err := a.idp.VerifySoftwareToken(a.ctx, &idp.VerifySoftwareTokenInput{AccessToken: token, UserCode: &code, FriendlyDeviceName: aws.String("phone")})
	ok(t, err)
	if v.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("VerifySoftwareToken status %s", v.Status)
	}
	return secret
}

func TestUserPoolMfaConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	_, err := e.idp.SetUserPoolMfaConfig(e.ctx, &idp.SetUserPoolMfaConfigInput{UserPoolId: &pool, MfaConfiguration: types.UserPoolMfaTypeOn})
	apiErr(t, err, "InvalidParameterException", "")
	_, err = e.idp.SetUserPoolMfaConfig(e.ctx, &idp.SetUserPoolMfaConfigInput{UserPoolId: &pool, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	ok(t, err)
	g, err := e.idp.GetUserPoolMfaConfig(e.ctx, &idp.GetUserPoolMfaConfigInput{UserPoolId: &pool})
	ok(t, err)
	if g.MfaConfiguration != types.UserPoolMfaTypeOptional || !g.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("GetUserPoolMfaConfig %+v", g)
	}
	d, err := e.idp.DescribeUserPool(e.ctx, &idp.DescribeUserPoolInput{UserPoolId: &pool})
	ok(t, err)
	if d.UserPool.MfaConfiguration != types.UserPoolMfaTypeOptional {
		t.Fatalf("DescribeUserPool MFA %s", d.UserPool.MfaConfiguration)
	}
}

func TestSoftwareTokenMFA(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := mfaEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), types.UserPoolMfaTypeOptional, nil)
	first, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	if first.AuthenticationResult == nil {
		t.Fatal("OPTIONAL MFA challenged a user without factors")
	}
	token := first.AuthenticationResult.AccessToken
	secret := a.enableTOTP(t, token, clock.Now())
	_, err = a.idp.SetUserMFAPreference(a.ctx, &idp.SetUserMFAPreferenceInput{AccessToken: token,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	ok(t, err)
	u, err := a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: token})
	ok(t, err)
	if aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" || len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("GetUser MFA fields: %v %v", u.PreferredMfaSetting, u.UserMFASettingList)
	}
	clock.Advance(31 * time.Second) // a step after the one used to verify
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || out.Session == nil {
		t.Fatalf("challenge %+v", out)
	}
	respond := func(session *string, code string) (*idp.RespondToAuthChallengeOutput, error) {
		return a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
			Session: session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SOFTWARE_TOKEN_MFA_CODE": code}})
	}
	_, err = respond(out.Session, "123456")
	apiErr(t, err, "CodeMismatchException", "Invalid code received for user")
	code, _ := mfa.Code(secret, clock.Now())
	done, err := respond(out.Session, code)
	ok(t, err)
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after the TOTP code")
	}
	// The same code cannot be used twice.
	out, err = a.passwordAuth("sam", testPassword)
	ok(t, err)
	_, err = respond(out.Session, code)
	apiErr(t, err, "CodeMismatchException", "Invalid code received for user")
	clock.Advance(30 * time.Second)
	code, _ = mfa.Code(secret, clock.Now())
	_, err = respond(out.Session, code)
	ok(t, err)
	g, err := a.idp.AdminGetUser(a.ctx, &idp.AdminGetUserInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	if aws.ToString(g.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("AdminGetUser PreferredMfaSetting %v", g.PreferredMfaSetting)
	}
	// The Go SDK predates AdminDeleteSoftwareToken: call it on the wire.
	if r := raw(t, a.srv.URL, "AWSCognitoIdentityProviderService.AdminDeleteSoftwareToken", `{"UserPoolId":"`+a.pool+`","Username":"sam"}`); r.status != 200 {
		t.Fatalf("AdminDeleteSoftwareToken: %d %s", r.status, r.text)
	}
	out, err = a.passwordAuth("sam", testPassword)
	ok(t, err)
	if out.AuthenticationResult == nil {
		t.Fatalf("after AdminDeleteSoftwareToken the user is still challenged: %s", out.ChallengeName)
	}
}

func TestSMSEmailAndSelectMFA(t *testing.T) {
	t.Parallel()
	a := mfaEnv(t, newEnv(t), types.UserPoolMfaTypeOn, nil)
	// MFA required, no factor enabled, a phone number: SMS by default.
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	if out.ChallengeName != types.ChallengeNameTypeSmsMfa || out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" ||
		out.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******0123" {
		t.Fatalf("SMS challenge %+v", out)
	}
	m, _, err := a.srv.LatestMessage(a.ctx, "+15555550123")
	ok(t, err)
	if m.Body != "Sign-in code: "+m.Code || m.Channel != "SMS" {
		t.Fatalf("SMS message %+v", m)
	}
	done, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSmsMfa,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SMS_MFA_CODE": m.Code}})
	ok(t, err)
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after the SMS code")
	}
	// Two factors, none preferred: the user selects.
	_, err = a.idp.AdminSetUserMFAPreference(a.ctx, &idp.AdminSetUserMFAPreferenceInput{UserPoolId: &a.pool, Username: aws.String("sam"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}, EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}})
	ok(t, err)
	out, err = a.passwordAuth("sam", testPassword)
	ok(t, err)
	if out.ChallengeName != types.ChallengeNameTypeSelectMfaType || !strings.Contains(out.ChallengeParameters["MFAS_CAN_CHOOSE"], "EMAIL_OTP") {
		t.Fatalf("select challenge %+v", out)
	}
	sel, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSelectMfaType,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "ANSWER": "EMAIL_OTP"}})
	ok(t, err)
	if sel.ChallengeName != types.ChallengeNameTypeEmailOtp || sel.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "s***@e***" {
		t.Fatalf("email challenge %+v", sel)
	}
	em, _, err := a.srv.LatestMessage(a.ctx, "sam@example.com")
	ok(t, err)
	if em.Subject != "Your code" || em.Body != "Code "+em.Code {
		t.Fatalf("email MFA message %+v", em)
	}
	_, err = a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeEmailOtp,
		Session: sel.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "EMAIL_OTP_CODE": em.Code}})
	ok(t, err)
}

func TestMFASetupDuringSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := newAuthEnv(t, e, nil)
	_, err := a.idp.SetUserPoolMfaConfig(a.ctx, &idp.SetUserPoolMfaConfigInput{UserPoolId: &a.pool, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	ok(t, err)
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	if out.ChallengeName != types.ChallengeNameTypeMfaSetup || !strings.Contains(out.ChallengeParameters["MFAS_CAN_SETUP"], "SOFTWARE_TOKEN_MFA") {
		t.Fatalf("MFA_SETUP challenge %+v", out)
	}
	assoc, err := a.idp.AssociateSoftwareToken(a.ctx, &idp.AssociateSoftwareTokenInput{Session: out.Session})
	ok(t, err)
	// A wrong code leaves the session usable for another try.
	_, err = a.idp.VerifySoftwareToken(a.ctx, &idp.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String("000000")})
	apiErr(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	code, _ := mfa.Code(*assoc.SecretCode, time.Now())
	v, err := a.idp.VerifySoftwareToken(a.ctx, &idp.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: &code})
	ok(t, err)
	done, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeMfaSetup,
		Session: v.Session, ChallengeResponses: map[string]string{"USERNAME": "sam"}})
	ok(t, err)
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after MFA setup")
	}
	out, err = a.passwordAuth("sam", testPassword)
	ok(t, err)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("after setup the next sign-in must ask for the TOTP code, got %s", out.ChallengeName)
	}
}

// deviceSignIn completes DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with
// the device's secret, computing the device SRP claim client-side.
func (a *authEnv) deviceSignIn(t *testing.T, out *idp.RespondToAuthChallengeOutput, dev *srp.DeviceSecret, username string) (*idp.RespondToAuthChallengeOutput, error) {
	t.Helper()
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("challenge %s, want DEVICE_SRP_AUTH", out.ChallengeName)
	}
	c, err := srp.NewClient(rand.Reader)
	ok(t, err)
	step, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeDeviceSrpAuth,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": username, "DEVICE_KEY": dev.DeviceKey, "SRP_A": c.AHex()}})
	if err != nil {
		return nil, err
	}
	cp := step.ChallengeParameters
	if step.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier || cp["DEVICE_KEY"] != dev.DeviceKey {
		t.Fatalf("DEVICE_PASSWORD_VERIFIER challenge %+v", step)
	}
	ts := srp.FormatTimestamp(time.Now())
	sig, err := c.PasswordClaim(dev.DeviceGroupKey, dev.DeviceKey, dev.Password, srp.Challenge{SRPB: cp["SRP_B"], Salt: cp["SALT"], SecretBlock: cp["SECRET_BLOCK"]}, ts)
	ok(t, err)
	return a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier,
		Session: step.Session, ChallengeResponses: map[string]string{"USERNAME": username, "DEVICE_KEY": dev.DeviceKey,
			"PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}})
}

func TestRememberedDevices(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := mfaEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), types.UserPoolMfaTypeOptional,
		&types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false})
	first, err := a.srpAuth(t, "sam", testPassword, nil)
	ok(t, err)
	meta := first.AuthenticationResult.NewDeviceMetadata
	if meta == nil || !strings.HasPrefix(aws.ToString(meta.DeviceKey), "us-east-1_") || aws.ToString(meta.DeviceGroupKey) == "" {
		t.Fatalf("NewDeviceMetadata %+v", meta)
	}
	token := first.AuthenticationResult.AccessToken
	if claims(t, *token)["device_key"] != *meta.DeviceKey {
		t.Fatalf("access token device_key %v", claims(t, *token)["device_key"])
	}
	secret := a.enableTOTP(t, token, clock.Now())
	dev, err := srp.GenerateDeviceSecret(rand.Reader, *meta.DeviceGroupKey, *meta.DeviceKey)
	ok(t, err)
	conf, err := a.idp.ConfirmDevice(a.ctx, &idp.ConfirmDeviceInput{AccessToken: token, DeviceKey: meta.DeviceKey, DeviceName: aws.String("laptop"),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &dev.Config.PasswordVerifier, Salt: &dev.Config.Salt}})
	ok(t, err)
	if conf.UserConfirmationNecessary {
		t.Fatal("a pool that remembers devices automatically asked for confirmation")
	}
	list, err := a.idp.ListDevices(a.ctx, &idp.ListDevicesInput{AccessToken: token})
	ok(t, err)
	if len(list.Devices) != 1 || attrMap(list.Devices[0].DeviceAttributes)["device_name"] != "laptop" ||
		attrMap(list.Devices[0].DeviceAttributes)["device_remembered_status"] != "remembered" {
		t.Fatalf("ListDevices %+v", list.Devices)
	}

	// A remembered device signs in with device SRP and skips MFA.
	clock.Advance(31 * time.Second)
	withDevice := map[string]string{"DEVICE_KEY": dev.DeviceKey}
	out, err := a.srpAuth(t, "sam", testPassword, withDevice)
	ok(t, err)
	done, err := a.deviceSignIn(t, out, dev, "sam")
	ok(t, err)
	if done.AuthenticationResult == nil || done.AuthenticationResult.NewDeviceMetadata != nil {
		t.Fatalf("remembered device sign-in %+v", done)
	}
	if claims(t, *done.AuthenticationResult.AccessToken)["device_key"] != dev.DeviceKey {
		t.Fatal("device sign-in token lacks the device key")
	}
	// A wrong device secret is refused by the real device SRP check.
	out, err = a.srpAuth(t, "sam", testPassword, withDevice)
	ok(t, err)
	wrong := *dev
	wrong.Password = "not-the-device-password"
	_, err = a.deviceSignIn(t, out, &wrong, "sam")
	apiErr(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// Refresh with the device key.
	ref, err := a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *done.AuthenticationResult.RefreshToken, "DEVICE_KEY": dev.DeviceKey}})
	ok(t, err)
	if ref.AuthenticationResult.AccessToken == nil {
		t.Fatal("refresh with DEVICE_KEY failed")
	}

	// Not remembered: MFA first, then the device proves itself, as Cognito
	// orders the challenges.
	_, err = a.idp.AdminUpdateDeviceStatus(a.ctx, &idp.AdminUpdateDeviceStatusInput{UserPoolId: &a.pool, Username: aws.String("sam"),
		DeviceKey: &dev.DeviceKey, DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered})
	ok(t, err)
	mfaStep, err := a.srpAuth(t, "sam", testPassword, withDevice)
	ok(t, err)
	if mfaStep.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("a device that is not remembered must not skip MFA: %s", mfaStep.ChallengeName)
	}
	clock.Advance(31 * time.Second)
	code, _ := mfa.Code(secret, clock.Now())
	devStep, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: mfaStep.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SOFTWARE_TOKEN_MFA_CODE": code}})
	ok(t, err)
	final, err := a.deviceSignIn(t, devStep, dev, "sam")
	ok(t, err)
	if final.AuthenticationResult == nil {
		t.Fatalf("no tokens after MFA and device SRP: %+v", final)
	}

	g, err := a.idp.AdminGetDevice(a.ctx, &idp.AdminGetDeviceInput{UserPoolId: &a.pool, Username: aws.String("sam"), DeviceKey: &dev.DeviceKey})
	ok(t, err)
	if attrMap(g.Device.DeviceAttributes)["device_remembered_status"] != "not_remembered" || g.Device.DeviceLastAuthenticatedDate == nil {
		t.Fatalf("AdminGetDevice %+v", g.Device)
	}
	al, err := a.idp.AdminListDevices(a.ctx, &idp.AdminListDevicesInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	if len(al.Devices) != 1 {
		t.Fatalf("AdminListDevices %+v", al.Devices)
	}

	// Forgetting the device revokes the tokens issued to it.
	_, err = a.idp.ForgetDevice(a.ctx, &idp.ForgetDeviceInput{AccessToken: token, DeviceKey: &dev.DeviceKey})
	ok(t, err)
	_, err = a.idp.GetDevice(a.ctx, &idp.GetDeviceInput{AccessToken: ref.AuthenticationResult.AccessToken, DeviceKey: &dev.DeviceKey})
	apiErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	_, err = a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *done.AuthenticationResult.RefreshToken, "DEVICE_KEY": dev.DeviceKey}})
	apiErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	_, err = a.idp.AdminGetDevice(a.ctx, &idp.AdminGetDeviceInput{UserPoolId: &a.pool, Username: aws.String("sam"), DeviceKey: &dev.DeviceKey})
	apiErr(t, err, "ResourceNotFoundException", "Device does not exist.")

	// AdminForgetDevice does the same for an administrator. A sign-in
	// without a device key (MFA first) brings a second device.
	clock.Advance(31 * time.Second)
	mfaStep, err = a.srpAuth(t, "sam", testPassword, nil)
	ok(t, err)
	if mfaStep.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("sign-in on a new device: %s, want SOFTWARE_TOKEN_MFA", mfaStep.ChallengeName)
	}
	code, _ = mfa.Code(secret, clock.Now())
	second, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: mfaStep.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SOFTWARE_TOKEN_MFA_CODE": code}})
	ok(t, err)
	meta2 := second.AuthenticationResult.NewDeviceMetadata
	if meta2 == nil || aws.ToString(meta2.DeviceKey) == dev.DeviceKey {
		t.Fatalf("NewDeviceMetadata of the second device %+v", meta2)
	}
	dev2, err := srp.GenerateDeviceSecret(rand.Reader, *meta2.DeviceGroupKey, *meta2.DeviceKey)
	ok(t, err)
	_, err = a.idp.ConfirmDevice(a.ctx, &idp.ConfirmDeviceInput{AccessToken: second.AuthenticationResult.AccessToken, DeviceKey: meta2.DeviceKey,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &dev2.Config.PasswordVerifier, Salt: &dev2.Config.Salt}})
	ok(t, err)
	refresh2 := func() error {
		_, err := a.idp.InitiateAuth(a.ctx, &idp.InitiateAuthInput{ClientId: &a.client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *second.AuthenticationResult.RefreshToken, "DEVICE_KEY": dev2.DeviceKey}})
		return err
	}
	ok(t, refresh2())
	al, err = a.idp.AdminListDevices(a.ctx, &idp.AdminListDevicesInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	if len(al.Devices) != 1 || aws.ToString(al.Devices[0].DeviceKey) != dev2.DeviceKey {
		t.Fatalf("AdminListDevices before AdminForgetDevice %+v", al.Devices)
	}
	_, err = a.idp.AdminForgetDevice(a.ctx, &idp.AdminForgetDeviceInput{UserPoolId: &a.pool, Username: aws.String("sam"), DeviceKey: &dev2.DeviceKey})
	ok(t, err)
	al, err = a.idp.AdminListDevices(a.ctx, &idp.AdminListDevicesInput{UserPoolId: &a.pool, Username: aws.String("sam")})
	ok(t, err)
	if len(al.Devices) != 0 {
		t.Fatalf("AdminListDevices after AdminForgetDevice %+v", al.Devices)
	}
	apiErr(t, refresh2(), "NotAuthorizedException", "Refresh Token has been revoked")
	_, err = a.idp.GetUser(a.ctx, &idp.GetUserInput{AccessToken: second.AuthenticationResult.AccessToken})
	apiErr(t, err, "NotAuthorizedException", "Access Token has been revoked")
	_, err = a.idp.AdminForgetDevice(a.ctx, &idp.AdminForgetDeviceInput{UserPoolId: &a.pool, Username: aws.String("sam"), DeviceKey: &dev2.DeviceKey})
	apiErr(t, err, "ResourceNotFoundException", "Device does not exist.")
}

func TestUpdateUserPoolKeepsTOTPOnlyMFA(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	_, err := e.idp.SetUserPoolMfaConfig(e.ctx, &idp.SetUserPoolMfaConfigInput{UserPoolId: &pool, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	ok(t, err)
	// With TOTP configured, OPTIONAL MFA needs no SMS configuration.
	_, err = e.idp.UpdateUserPool(e.ctx, &idp.UpdateUserPoolInput{UserPoolId: &pool, MfaConfiguration: types.UserPoolMfaTypeOptional})
	ok(t, err)
	g, err := e.idp.GetUserPoolMfaConfig(e.ctx, &idp.GetUserPoolMfaConfigInput{UserPoolId: &pool})
	ok(t, err)
	if g.MfaConfiguration != types.UserPoolMfaTypeOptional || !g.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("after UpdateUserPool: %+v", g)
	}
}

// With a data key the TOTP secret is stored encrypted: it appears nowhere
// in the database files, and sign-in with TOTP still works.
func TestTOTPSecretEncryptedAtRest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := newEnv(t, gognitotest.WithDataDir(dir), gognitotest.WithDataKey("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="))
	a := newAuthEnv(t, e, nil)
	_, err := a.idp.SetUserPoolMfaConfig(a.ctx, &idp.SetUserPoolMfaConfigInput{UserPoolId: &a.pool, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	ok(t, err)
	first, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	secret := a.enableTOTP(t, first.AuthenticationResult.AccessToken, time.Now())
	files, err := os.ReadDir(dir)
	ok(t, err)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		ok(t, err)
		if strings.Contains(string(b), secret) {
			t.Fatalf("the TOTP secret is stored in clear in %s", f.Name())
		}
	}
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	code, _ := mfa.Code(secret, time.Now().Add(30*time.Second))
	_, err = a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SOFTWARE_TOKEN_MFA_CODE": code}})
	ok(t, err)
}

// Without ChallengeRequiredOnNewDevice a remembered device does not replace
// MFA: the second factor comes first, then the device proves itself.
func TestRememberedDeviceStillNeedsMFAWhenPoolSaysSo(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := mfaEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), types.UserPoolMfaTypeOptional,
		&types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false})
	first, err := a.srpAuth(t, "sam", testPassword, nil)
	ok(t, err)
	meta := first.AuthenticationResult.NewDeviceMetadata
	secret := a.enableTOTP(t, first.AuthenticationResult.AccessToken, clock.Now())
	dev, err := srp.GenerateDeviceSecret(rand.Reader, *meta.DeviceGroupKey, *meta.DeviceKey)
	ok(t, err)
	_, err = a.idp.ConfirmDevice(a.ctx, &idp.ConfirmDeviceInput{AccessToken: first.AuthenticationResult.AccessToken, DeviceKey: meta.DeviceKey,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &dev.Config.PasswordVerifier, Salt: &dev.Config.Salt}})
	ok(t, err)
	clock.Advance(31 * time.Second)
	out, err := a.srpAuth(t, "sam", testPassword, map[string]string{"DEVICE_KEY": dev.DeviceKey})
	ok(t, err)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("remembered device without ChallengeRequiredOnNewDevice: %s, want SOFTWARE_TOKEN_MFA", out.ChallengeName)
	}
	code, _ := mfa.Code(secret, clock.Now())
	step, err := a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SOFTWARE_TOKEN_MFA_CODE": code}})
	ok(t, err)
	done, err := a.deviceSignIn(t, step, dev, "sam")
	ok(t, err)
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens")
	}
}

func TestExpiredMFASession(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	a := mfaEnv(t, newEnv(t, gognitotest.WithClock(clock.Now)), types.UserPoolMfaTypeOn, nil)
	out, err := a.passwordAuth("sam", testPassword)
	ok(t, err)
	m, _, err := a.srv.LatestMessage(a.ctx, "+15555550123")
	ok(t, err)
	clock.Advance(4 * time.Minute) // AuthSessionValidity defaults to 3 minutes
	_, err = a.idp.RespondToAuthChallenge(a.ctx, &idp.RespondToAuthChallengeInput{ClientId: &a.client, ChallengeName: types.ChallengeNameTypeSmsMfa,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SMS_MFA_CODE": m.Code}})
	apiErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
}
