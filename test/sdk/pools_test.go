package sdk

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/gognitotest"
)

var poolIDPattern = regexp.MustCompile(`^us-east-1_[0-9A-Za-z]{9}$`)

func TestCreateUserPoolDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := time.Now().Add(-time.Second)
	out, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{PoolName: aws.String("defaults")})
	ok(t, err)
	p := out.UserPool
	if !poolIDPattern.MatchString(aws.ToString(p.Id)) {
		t.Fatalf("pool id %q", aws.ToString(p.Id))
	}
	if want := "arn:aws:cognito-idp:us-east-1:" + e.srv.AccountID + ":userpool/" + *p.Id; aws.ToString(p.Arn) != want {
		t.Fatalf("arn %q, want %q", aws.ToString(p.Arn), want)
	}
	pp := p.Policies.PasswordPolicy
	if pp.MinimumLength == nil || *pp.MinimumLength != 8 || !pp.RequireLowercase || !pp.RequireUppercase || !pp.RequireNumbers || !pp.RequireSymbols || pp.TemporaryPasswordValidityDays != 7 {
		t.Fatalf("password policy %+v", pp)
	}
	if got := p.Policies.SignInPolicy.AllowedFirstAuthFactors; !slices.Equal(got, []types.AuthFactorType{types.AuthFactorTypePassword}) {
		t.Fatalf("sign-in policy %v", got)
	}
	if p.MfaConfiguration != types.UserPoolMfaTypeOff || p.DeletionProtection != types.DeletionProtectionTypeInactive ||
		p.UserPoolTier != types.UserPoolTierTypeEssentials || p.EstimatedNumberOfUsers != 0 || p.LambdaConfig == nil {
		t.Fatalf("pool scalars: mfa %s, protection %s, tier %s, users %d", p.MfaConfiguration, p.DeletionProtection, p.UserPoolTier, p.EstimatedNumberOfUsers)
	}
	if p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault {
		t.Fatalf("email configuration %+v", p.EmailConfiguration)
	}
	if p.AdminCreateUserConfig.AllowAdminCreateUserOnly || p.AdminCreateUserConfig.UnusedAccountValidityDays != 7 {
		t.Fatalf("admin create user config %+v", p.AdminCreateUserConfig)
	}
	if p.VerificationMessageTemplate.DefaultEmailOption != types.DefaultEmailOptionTypeConfirmWithCode {
		t.Fatalf("verification template %+v", p.VerificationMessageTemplate)
	}
	if p.AccountRecoverySetting != nil || p.UsernameConfiguration != nil || p.AutoVerifiedAttributes != nil {
		t.Fatal("members Cognito leaves out are present")
	}
	if len(p.SchemaAttributes) != 20 {
		t.Fatalf("%d schema attributes, want the 20 standard ones", len(p.SchemaAttributes))
	}
	sub := p.SchemaAttributes[0]
	if aws.ToString(sub.Name) != "sub" || aws.ToBool(sub.Mutable) || !aws.ToBool(sub.Required) ||
		aws.ToString(sub.StringAttributeConstraints.MinLength) != "1" || aws.ToString(sub.StringAttributeConstraints.MaxLength) != "2048" {
		t.Fatalf("sub attribute %+v", sub)
	}
	for _, a := range p.SchemaAttributes {
		switch aws.ToString(a.Name) {
		case "email_verified", "phone_number_verified":
			if a.AttributeDataType != types.AttributeDataTypeBoolean || a.StringAttributeConstraints != nil {
				t.Fatalf("%s: %+v", *a.Name, a)
			}
		case "updated_at":
			if a.AttributeDataType != types.AttributeDataTypeNumber || aws.ToString(a.NumberAttributeConstraints.MinValue) != "0" {
				t.Fatalf("updated_at: %+v", a)
			}
		case "birthdate":
			if aws.ToString(a.StringAttributeConstraints.MinLength) != "10" {
				t.Fatalf("birthdate: %+v", a)
			}
		}
	}
	if p.CreationDate.Before(before) || !p.CreationDate.Equal(*p.LastModifiedDate) {
		t.Fatalf("dates %v %v", p.CreationDate, p.LastModifiedDate)
	}
	d, err := e.idp.DescribeUserPool(e.ctx, &idp.DescribeUserPoolInput{UserPoolId: p.Id})
	ok(t, err)
	if aws.ToString(d.UserPool.Name) != "defaults" || len(d.UserPool.SchemaAttributes) != 20 || !d.UserPool.CreationDate.Equal(*p.CreationDate) {
		t.Fatalf("describe differs from create: %+v", d.UserPool)
	}
}

func TestCreateUserPoolSettingsRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{
		PoolName: aws.String("full"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(12), RequireNumbers: true, TemporaryPasswordValidityDays: 3,
		}},
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
		}},
		DeletionProtection: types.DeletionProtectionTypeActive,
		UserPoolTags:       map[string]string{"team": "auth"},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("tenant"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("1"), MaxLength: aws.String("64")}},
			{Name: aws.String("level"), AttributeDataType: types.AttributeDataTypeNumber, DeveloperOnlyAttribute: aws.Bool(true),
				NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("1"), MaxValue: aws.String("10")}},
		},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink, EmailSubjectByLink: aws.String("Verify"),
		},
	})
	ok(t, err)
	d, err := e.idp.DescribeUserPool(e.ctx, &idp.DescribeUserPoolInput{UserPoolId: out.UserPool.Id})
	ok(t, err)
	p := d.UserPool
	pp := p.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 12 || !pp.RequireNumbers || pp.RequireSymbols || pp.TemporaryPasswordValidityDays != 3 {
		t.Fatalf("password policy %+v", pp)
	}
	if !slices.Equal(p.UsernameAttributes, []types.UsernameAttributeType{"email"}) || aws.ToBool(p.UsernameConfiguration.CaseSensitive) ||
		p.DeletionProtection != types.DeletionProtectionTypeActive || p.UserPoolTags["team"] != "auth" || !p.AdminCreateUserConfig.AllowAdminCreateUserOnly ||
		p.VerificationMessageTemplate.DefaultEmailOption != types.DefaultEmailOptionTypeConfirmWithLink ||
		p.AccountRecoverySetting.RecoveryMechanisms[0].Name != types.RecoveryOptionNameTypeVerifiedEmail {
		t.Fatalf("settings not kept: %+v", p)
	}
	names := map[string]types.SchemaAttributeType{}
	for _, a := range p.SchemaAttributes {
		names[aws.ToString(a.Name)] = a
	}
	if len(p.SchemaAttributes) != 22 || !aws.ToBool(names["email"].Required) {
		t.Fatalf("schema %d entries, email %+v", len(p.SchemaAttributes), names["email"])
	}
	if a := names["custom:tenant"]; aws.ToString(a.StringAttributeConstraints.MaxLength) != "64" || aws.ToBool(a.DeveloperOnlyAttribute) || !aws.ToBool(a.Mutable) {
		t.Fatalf("custom:tenant %+v", a)
	}
	if a := names["dev:custom:level"]; !aws.ToBool(a.DeveloperOnlyAttribute) || aws.ToString(a.NumberAttributeConstraints.MaxValue) != "10" {
		t.Fatalf("dev:custom:level %+v", a)
	}
}

func TestCreateUserPoolValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name string
		in   idp.CreateUserPoolInput
		code string
		msg  string
	}{
		{"short password", idp.CreateUserPoolInput{PoolName: aws.String("p"), Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(4)}}},
			"InvalidParameterException", "1 validation error detected: Value '4' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6"},
		{"alias and username", idp.CreateUserPoolInput{PoolName: aws.String("p"), AliasAttributes: []types.AliasAttributeType{"email"}, UsernameAttributes: []types.UsernameAttributeType{"email"}},
			"InvalidParameterException", "Only one of the aliasAttributes or usernameAttributes can be set in a User pool."},
		{"mfa without sms", idp.CreateUserPoolInput{PoolName: aws.String("p"), MfaConfiguration: types.UserPoolMfaTypeOptional},
			"InvalidParameterException", "SMS configuration and Auto verification for phone_number are required when MFA is required/optional"},
		{"required custom", idp.CreateUserPoolInput{PoolName: aws.String("p"), Schema: []types.SchemaAttributeType{{Name: aws.String("x"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)}}},
			"InvalidParameterException", "Required custom attributes are not supported currently."},
		{"duplicate custom", idp.CreateUserPoolInput{PoolName: aws.String("p"), Schema: []types.SchemaAttributeType{
			{Name: aws.String("x"), AttributeDataType: types.AttributeDataTypeString}, {Name: aws.String("x"), AttributeDataType: types.AttributeDataTypeNumber}}},
			"InvalidParameterException", "Duplicate custom attribute names custom:x are not allowed in a user pool schema."},
		{"retyped standard", idp.CreateUserPoolInput{PoolName: aws.String("p"), Schema: []types.SchemaAttributeType{{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeNumber}}},
			"InvalidParameterException", "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"admin_only with others", idp.CreateUserPoolInput{PoolName: aws.String("p"), AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeAdminOnly, Priority: aws.Int32(1)}, {Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(2)}}}},
			"InvalidParameterException", "Account Recovery Setting cannot use admin_only setting with any other recovery mechanisms."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.idp.CreateUserPool(e.ctx, &c.in)
			apiErr(t, err, c.code, c.msg)
		})
	}
	_, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{PoolName: aws.String(strings.Repeat("n", 129))})
	if ae := apiErr(t, err, "InvalidParameterException", ""); !strings.Contains(ae.ErrorMessage(), "Member must have length less than or equal to 128") {
		t.Fatal(ae.ErrorMessage())
	}
}

func TestUpdateUserPoolResetsOmittedSettings(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	e := newEnv(t, gognitotest.WithClock(clock.Now))
	out, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{
		PoolName:                 aws.String("upd"),
		AutoVerifiedAttributes:   []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AliasAttributes:          []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		EmailVerificationSubject: aws.String("Hello"),
		UserPoolTags:             map[string]string{"k": "v"},
	})
	ok(t, err)
	id := out.UserPool.Id
	clock.Advance(time.Second)
	_, err = e.idp.UpdateUserPool(e.ctx, &idp.UpdateUserPoolInput{UserPoolId: id, DeletionProtection: types.DeletionProtectionTypeActive,
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(10)}}})
	ok(t, err)
	p, err := e.idp.DescribeUserPool(e.ctx, &idp.DescribeUserPoolInput{UserPoolId: id})
	ok(t, err)
	u := p.UserPool
	if u.AutoVerifiedAttributes != nil || u.EmailVerificationSubject != nil {
		t.Fatalf("omitted settings were not reset: %v %v", u.AutoVerifiedAttributes, u.EmailVerificationSubject)
	}
	if aws.ToString(u.Name) != "upd" || !slices.Equal(u.AliasAttributes, []types.AliasAttributeType{"email"}) || u.UserPoolTags["k"] != "v" || len(u.SchemaAttributes) != 20 {
		t.Fatalf("immutable settings changed: %+v", u)
	}
	if aws.ToInt32(u.Policies.PasswordPolicy.MinimumLength) != 10 || u.DeletionProtection != types.DeletionProtectionTypeActive {
		t.Fatalf("update not applied: %+v", u.Policies.PasswordPolicy)
	}
	if !u.LastModifiedDate.After(*u.CreationDate) {
		t.Fatalf("LastModifiedDate %v not after CreationDate %v", u.LastModifiedDate, u.CreationDate)
	}
	_, err = e.idp.UpdateUserPool(e.ctx, &idp.UpdateUserPoolInput{UserPoolId: aws.String("us-east-1_missing1")})
	apiErr(t, err, "ResourceNotFoundException", "User pool us-east-1_missing1 does not exist.")
}

func TestDeleteUserPoolAndProtection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{PoolName: aws.String("del"), DeletionProtection: types.DeletionProtectionTypeActive})
	ok(t, err)
	id := out.UserPool.Id
	_, err = e.idp.DeleteUserPool(e.ctx, &idp.DeleteUserPoolInput{UserPoolId: id})
	apiErr(t, err, "InvalidParameterException", "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	_, err = e.idp.UpdateUserPool(e.ctx, &idp.UpdateUserPoolInput{UserPoolId: id, DeletionProtection: types.DeletionProtectionTypeInactive})
	ok(t, err)
	c, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: id, ClientName: aws.String("c")})
	ok(t, err)
	_, err = e.idp.DeleteUserPool(e.ctx, &idp.DeleteUserPoolInput{UserPoolId: id})
	ok(t, err)
	_, err = e.idp.DescribeUserPool(e.ctx, &idp.DescribeUserPoolInput{UserPoolId: id})
	apiErr(t, err, "ResourceNotFoundException", "User pool "+*id+" does not exist.")
	_, err = e.idp.DescribeUserPoolClient(e.ctx, &idp.DescribeUserPoolClientInput{UserPoolId: id, ClientId: c.UserPoolClient.ClientId})
	apiErr(t, err, "ResourceNotFoundException", "User pool "+*id+" does not exist.")
	_, err = e.idp.DeleteUserPool(e.ctx, &idp.DeleteUserPoolInput{UserPoolId: id})
	var nf *types.ResourceNotFoundException
	if apiErr(t, err, "ResourceNotFoundException", ""); !errors.As(err, &nf) {
		t.Fatal("the SDK did not map the error to its typed ResourceNotFoundException")
	}
}

func TestListUserPoolsPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := map[string]bool{}
	for i := range 7 {
		out, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{PoolName: aws.String("p" + string(rune('a'+i)))})
		ok(t, err)
		want[*out.UserPool.Id] = true
	}
	got := map[string]bool{}
	var sizes []int
	p := idp.NewListUserPoolsPaginator(e.idp, &idp.ListUserPoolsInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		ok(t, err)
		sizes = append(sizes, len(page.UserPools))
		for _, u := range page.UserPools {
			if got[*u.Id] || u.CreationDate == nil || u.LambdaConfig == nil || u.Name == nil {
				t.Fatalf("bad or repeated entry %+v", u)
			}
			got[*u.Id] = true
		}
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) || len(got) != len(want) {
		t.Fatalf("pages %v, %d pools, want [3 3 1] and %d", sizes, len(got), len(want))
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("pool %s missing from the listing", id)
		}
	}
	r := raw(t, e.srv.URL, "AWSCognitoIdentityProviderService.ListUserPools", `{}`)
	r.wantError(t, "InvalidParameterException", "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null")
	r = raw(t, e.srv.URL, "AWSCognitoIdentityProviderService.CreateUserPool", `{}`)
	r.wantError(t, "InvalidParameterException", "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null")
	_, err := e.idp.ListUserPools(e.ctx, &idp.ListUserPoolsInput{MaxResults: aws.Int32(61)})
	apiErr(t, err, "InvalidParameterException", "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60")
	_, err = e.idp.ListUserPools(e.ctx, &idp.ListUserPoolsInput{MaxResults: aws.Int32(5), NextToken: aws.String("garbage")})
	apiErr(t, err, "InvalidParameterException", "")
}

func TestRegionFromSignature(t *testing.T) {
	t.Parallel()
	srv := newEnv(t).srv
	e := envFor(t, srv, "eu-west-2")
	out, err := e.idp.CreateUserPool(e.ctx, &idp.CreateUserPoolInput{PoolName: aws.String("eu")})
	ok(t, err)
	if !strings.HasPrefix(*out.UserPool.Id, "eu-west-2_") || !strings.Contains(*out.UserPool.Arn, ":eu-west-2:") {
		t.Fatalf("pool %s / %s not in the signing region", *out.UserPool.Id, *out.UserPool.Arn)
	}
}
