package sdk

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func attrMap(list []types.AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range list {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

func TestAdminCreateUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, &idp.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString},
	}})
	out, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{
		UserPoolId: &pool, Username: aws.String("alice"), TemporaryPassword: aws.String("Temp-Passw0rd"),
		MessageAction:  types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}, {Name: aws.String("custom:tier"), Value: aws.String("gold")}},
	})
	ok(t, err)
	u := out.User
	if aws.ToString(u.Username) != "alice" || u.UserStatus != types.UserStatusTypeForceChangePassword || !u.Enabled || u.UserCreateDate == nil {
		t.Fatalf("created user %+v", u)
	}
	attrs := attrMap(u.Attributes)
	if aws.ToString(u.Attributes[0].Name) != "sub" || len(attrs["sub"]) != 36 || attrs["email"] != "alice@example.com" || attrs["custom:tier"] != "gold" {
		t.Fatalf("attributes %v", attrs)
	}
	g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("alice")})
	ok(t, err)
	if g.UserStatus != types.UserStatusTypeForceChangePassword || attrMap(g.UserAttributes)["sub"] != attrs["sub"] || g.UserMFASettingList != nil {
		t.Fatalf("AdminGetUser %+v", g)
	}
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress})
	apiErr(t, err, "UsernameExistsException", "User account already exists")
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("bob"), TemporaryPassword: aws.String("short"), MessageAction: types.MessageActionTypeSuppress})
	apiErr(t, err, "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("bob"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("custom:nosuch"), Value: aws.String("x")}}})
	apiErr(t, err, "InvalidParameterException", "Attributes did not conform to the schema: custom:nosuch: Attribute does not exist in the schema.\n")
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("bob"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("0123")}}})
	apiErr(t, err, "InvalidParameterException", "Invalid phone number format.")
	_, err = e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("nobody")})
	apiErr(t, err, "UserNotFoundException", "User does not exist.")
}

func TestAdminCreateUserInvitationAndResend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, &idp.CreateUserPoolInput{AdminCreateUserConfig: &types.AdminCreateUserConfigType{
		InviteMessageTemplate: &types.MessageTemplateType{EmailSubject: aws.String("Welcome"), EmailMessage: aws.String("Hi {username}, your password is {####}")},
	}})
	_, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{
		UserPoolId: &pool, Username: aws.String("carol"), DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("carol@example.com")}},
	})
	ok(t, err)
	m, found, err := e.srv.LatestMessage(e.ctx, "carol@example.com")
	ok(t, err)
	if !found || m.Subject != "Welcome" || !strings.HasPrefix(m.Body, "Hi carol, your password is ") || m.Kind != "AdminCreateUser" {
		t.Fatalf("invitation %+v", m)
	}
	first := strings.TrimPrefix(m.Body, "Hi carol, your password is ")
	if len(first) < 8 {
		t.Fatalf("generated temporary password %q too short", first)
	}
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("carol"), MessageAction: types.MessageActionTypeResend,
		DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}})
	ok(t, err)
	msgs, err := e.srv.Messages(e.ctx, "carol@example.com")
	ok(t, err)
	if len(msgs) != 2 || msgs[0].Body == msgs[1].Body {
		t.Fatalf("resend did not send a new temporary password: %+v", msgs)
	}
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("dave"),
		DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}})
	apiErr(t, err, "InvalidParameterException", "")
}

func TestAdminUserLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	_, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("erin"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("erin@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
	ok(t, err)
	get := func() map[string]string {
		g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("erin")})
		ok(t, err)
		m := attrMap(g.UserAttributes)
		m["$enabled"] = map[bool]string{true: "yes", false: "no"}[g.Enabled]
		m["$status"] = string(g.UserStatus)
		return m
	}
	_, err = e.idp.AdminDisableUser(e.ctx, &idp.AdminDisableUserInput{UserPoolId: &pool, Username: aws.String("erin")})
	ok(t, err)
	if get()["$enabled"] != "no" {
		t.Fatal("user still enabled")
	}
	_, err = e.idp.AdminEnableUser(e.ctx, &idp.AdminEnableUserInput{UserPoolId: &pool, Username: aws.String("erin")})
	ok(t, err)
	_, err = e.idp.AdminUpdateUserAttributes(e.ctx, &idp.AdminUpdateUserAttributesInput{UserPoolId: &pool, Username: aws.String("erin"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("erin@new.example")}, {Name: aws.String("given_name"), Value: aws.String("Erin")}}})
	ok(t, err)
	m := get()
	if m["$enabled"] != "yes" || m["email"] != "erin@new.example" || m["email_verified"] != "false" || m["given_name"] != "Erin" {
		t.Fatalf("after update %v", m)
	}
	_, err = e.idp.AdminUpdateUserAttributes(e.ctx, &idp.AdminUpdateUserAttributesInput{UserPoolId: &pool, Username: aws.String("erin"),
		UserAttributes: []types.AttributeType{{Name: aws.String("sub"), Value: aws.String("x")}}})
	apiErr(t, err, "InvalidParameterException", "")
	_, err = e.idp.AdminDeleteUserAttributes(e.ctx, &idp.AdminDeleteUserAttributesInput{UserPoolId: &pool, Username: aws.String("erin"), UserAttributeNames: []string{"given_name"}})
	ok(t, err)
	if _, has := get()["given_name"]; has {
		t.Fatal("given_name not deleted")
	}
	_, err = e.idp.AdminSetUserPassword(e.ctx, &idp.AdminSetUserPasswordInput{UserPoolId: &pool, Username: aws.String("erin"), Password: aws.String("Perm-Passw0rd"), Permanent: true})
	ok(t, err)
	if get()["$status"] != "CONFIRMED" {
		t.Fatal("permanent password did not confirm the user")
	}
	_, err = e.idp.AdminSetUserPassword(e.ctx, &idp.AdminSetUserPasswordInput{UserPoolId: &pool, Username: aws.String("erin"), Password: aws.String("Temp-Passw0rd"), Permanent: false})
	ok(t, err)
	if get()["$status"] != "FORCE_CHANGE_PASSWORD" {
		t.Fatal("temporary password did not force a change")
	}
	_, err = e.idp.AdminSetUserPassword(e.ctx, &idp.AdminSetUserPasswordInput{UserPoolId: &pool, Username: aws.String("erin"), Password: aws.String("nouppercase1!"), Permanent: true})
	apiErr(t, err, "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters")
	_, err = e.idp.AdminDeleteUser(e.ctx, &idp.AdminDeleteUserInput{UserPoolId: &pool, Username: aws.String("erin")})
	ok(t, err)
	_, err = e.idp.AdminDeleteUser(e.ctx, &idp.AdminDeleteUserInput{UserPoolId: &pool, Username: aws.String("erin")})
	apiErr(t, err, "UserNotFoundException", "User does not exist.")
}

func TestUsernameAttributesAndCaseInsensitivity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, &idp.CreateUserPoolInput{
		UsernameAttributes:    []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
	})
	out, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("Frank@Example.com"), MessageAction: types.MessageActionTypeSuppress})
	ok(t, err)
	attrs := attrMap(out.User.Attributes)
	if aws.ToString(out.User.Username) != attrs["sub"] || attrs["email"] != "Frank@Example.com" {
		t.Fatalf("username %q, attributes %v: the username must be the sub", aws.ToString(out.User.Username), attrs)
	}
	for _, name := range []string{"frank@example.com", attrs["sub"]} {
		if _, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String(name)}); err != nil {
			t.Fatalf("lookup by %q: %v", name, err)
		}
	}
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("frank@example.com"), MessageAction: types.MessageActionTypeSuppress})
	apiErr(t, err, "UsernameExistsException", "An account with the given email already exists.")
	_, err = e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("not-an-email"), MessageAction: types.MessageActionTypeSuppress})
	apiErr(t, err, "InvalidParameterException", "Username should be either an email or a phone number.")
}

func TestAliasAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, &idp.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail, types.AliasAttributeTypePreferredUsername}})
	create := func(name, email string, force bool) error {
		_, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress,
			ForceAliasCreation: force,
			UserAttributes:     []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
		return err
	}
	ok(t, create("gina", "shared@example.com", false))
	g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("shared@example.com")})
	ok(t, err)
	if aws.ToString(g.Username) != "gina" {
		t.Fatalf("verified email alias resolved to %q", aws.ToString(g.Username))
	}
	apiErr(t, create("hank", "shared@example.com", false), "UsernameExistsException", "An account with the given email already exists.")
	ok(t, create("hank", "shared@example.com", true))
	g, err = e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("shared@example.com")})
	ok(t, err)
	if aws.ToString(g.Username) != "hank" {
		t.Fatalf("ForceAliasCreation did not move the alias: %q", aws.ToString(g.Username))
	}
	gina, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("gina")})
	ok(t, err)
	if attrMap(gina.UserAttributes)["email_verified"] != "false" {
		t.Fatalf("previous holder still verified: %v", attrMap(gina.UserAttributes))
	}
}

func TestListUsersFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	people := []struct{ user, email, family, phone, name, given, preferred string }{
		{"u01", "ann@example.com", "Smith", "+15555550101", "Ann Smith", "Ann", "annie"},
		{"u02", "ben@example.com", "Smithers", "+15555550102", "Ben Smithers", "Ben", "benji"},
		{"u03", "cat@example.org", "Jones", "+15555550203", "Cat Jones", "Cat", "kitty"},
		{"u04", "dan@example.org", "Smyth", "+15555550204", "Dan Smyth", "Dan", "danny"},
		{"u05", "eve@example.com", "Smith", "+15555550105", "Eve Smith", "Anne", "eve"},
	}
	subs := map[string]string{}
	for _, p := range people {
		out, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String(p.user), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(p.email)}, {Name: aws.String("family_name"), Value: aws.String(p.family)},
				{Name: aws.String("phone_number"), Value: aws.String(p.phone)}, {Name: aws.String("name"), Value: aws.String(p.name)},
				{Name: aws.String("given_name"), Value: aws.String(p.given)}, {Name: aws.String("preferred_username"), Value: aws.String(p.preferred)}}})
		ok(t, err)
		subs[p.user] = attrMap(out.User.Attributes)["sub"]
	}
	_, err := e.idp.AdminDisableUser(e.ctx, &idp.AdminDisableUserInput{UserPoolId: &pool, Username: aws.String("u03")})
	ok(t, err)
	_, err = e.idp.AdminSetUserPassword(e.ctx, &idp.AdminSetUserPasswordInput{UserPoolId: &pool, Username: aws.String("u05"), Password: aws.String("Perm-Passw0rd"), Permanent: true})
	ok(t, err)
	names := func(filter string, limit int32) []string {
		t.Helper()
		var out []string
		p := idp.NewListUsersPaginator(e.idp, &idp.ListUsersInput{UserPoolId: &pool, Filter: aws.String(filter), Limit: aws.Int32(limit)})
		for p.HasMorePages() {
			page, err := p.NextPage(e.ctx)
			ok(t, err)
			for _, u := range page.Users {
				out = append(out, aws.ToString(u.Username))
			}
		}
		return out
	}
	cases := []struct {
		filter string
		want   string
	}{
		{``, "u01 u02 u03 u04 u05"},
		{`email = "cat@example.org"`, "u03"},
		{`family_name ^= "Smi"`, "u01 u05 u02"},
		{`family_name="Smith"`, "u01 u05"},
		{`username ^= "u0"`, "u01 u02 u03 u04 u05"},
		{`status = "Disabled"`, "u03"},
		{`cognito:user_status = "CONFIRMED"`, "u05"},
		{`email ^= "nobody"`, ""},
		{`phone_number = "+15555550203"`, "u03"},
		{`phone_number ^= "+1555555010"`, "u01 u02 u05"},
		{`name = "Dan Smyth"`, "u04"},
		{`name ^= "Eve"`, "u05"},
		{`given_name = "Ann"`, "u01"},
		{`given_name ^= "Ann"`, "u01 u05"},
		{`preferred_username = "kitty"`, "u03"},
		{`preferred_username ^= "d"`, "u04"},
		{`sub = "` + subs["u02"] + `"`, "u02"},
		{`sub ^= "` + subs["u04"][:8] + `"`, "u04"},
	}
	for _, c := range cases {
		if got := strings.Join(names(c.filter, 2), " "); got != c.want {
			t.Errorf("filter %q: got %q, want %q", c.filter, got, c.want)
		}
	}
	out, err := e.idp.ListUsers(e.ctx, &idp.ListUsersInput{UserPoolId: &pool, AttributesToGet: []string{"email"}, Limit: aws.Int32(1)})
	ok(t, err)
	if len(out.Users) != 1 || len(out.Users[0].Attributes) != 1 || aws.ToString(out.Users[0].Attributes[0].Name) != "email" || out.PaginationToken == nil {
		t.Fatalf("AttributesToGet/Limit: %+v", out)
	}
	_, err = e.idp.ListUsers(e.ctx, &idp.ListUsersInput{UserPoolId: &pool, Filter: aws.String(`email = cat`)})
	apiErr(t, err, "InvalidParameterException", "Error while parsing filter.")
	_, err = e.idp.ListUsers(e.ctx, &idp.ListUsersInput{UserPoolId: &pool, Limit: aws.Int32(61)})
	apiErr(t, err, "InvalidParameterException", "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	d, err := e.idp.DescribeUserPool(e.ctx, &idp.DescribeUserPoolInput{UserPoolId: &pool})
	ok(t, err)
	if d.UserPool.EstimatedNumberOfUsers != 5 {
		t.Fatalf("EstimatedNumberOfUsers %d, want 5", d.UserPool.EstimatedNumberOfUsers)
	}
}

func TestAttributeChangeVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, keepOld := range []bool{false, true} {
		in := &idp.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}
		if keepOld {
			in.UserAttributeUpdateSettings = &types.UserAttributeUpdateSettingsType{
				AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			}
		}
		pool := newPool(t, e, in)
		_, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String("rita"), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("rita@old.example")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
		ok(t, err)
		newAddr := map[bool]string{false: "rita@new.example", true: "rita@newer.example"}[keepOld]
		_, err = e.idp.AdminUpdateUserAttributes(e.ctx, &idp.AdminUpdateUserAttributesInput{UserPoolId: &pool, Username: aws.String("rita"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &newAddr}}})
		ok(t, err)
		m, found, err := e.srv.LatestMessage(e.ctx, newAddr)
		ok(t, err)
		if !found || m.Kind != "UpdateUserAttribute" || len(m.Code) != 6 {
			t.Fatalf("keepOld=%v: no verification code at the new address: %+v", keepOld, m)
		}
		g, err := e.idp.AdminGetUser(e.ctx, &idp.AdminGetUserInput{UserPoolId: &pool, Username: aws.String("rita")})
		ok(t, err)
		a := attrMap(g.UserAttributes)
		if keepOld && (a["email"] != "rita@old.example" || a["email_verified"] != "true") {
			t.Fatalf("the old email must stay until the new one is verified: %v", a)
		}
		if !keepOld && (a["email"] != newAddr || a["email_verified"] != "false") {
			t.Fatalf("the new email must apply unverified: %v", a)
		}
	}
}

func TestForgedPaginationTokenAndNUL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	for _, u := range []string{"a1", "a2", "a3"} {
		_, err := e.idp.AdminCreateUser(e.ctx, &idp.AdminCreateUserInput{UserPoolId: &pool, Username: aws.String(u), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("family_name"), Value: aws.String("Same")}}})
		ok(t, err)
	}
	page, err := e.idp.ListUsers(e.ctx, &idp.ListUsersInput{UserPoolId: &pool, Filter: aws.String(`family_name ^= "Sa"`), Limit: aws.Int32(1)})
	ok(t, err)
	if page.PaginationToken == nil {
		t.Fatal("no pagination token")
	}
	// The token of one listing means nothing to another, and a made-up one
	// is refused as a client error (never an internal error).
	_, err = e.idp.ListUsers(e.ctx, &idp.ListUsersInput{UserPoolId: &pool, Filter: aws.String(`family_name ^= "Sa"`), PaginationToken: aws.String("djE6Z2FyYmFnZQ")})
	apiErr(t, err, "InvalidParameterException", "Invalid pagination token.")
	_, err = e.idp.AdminUpdateUserAttributes(e.ctx, &idp.AdminUpdateUserAttributesInput{UserPoolId: &pool, Username: aws.String("a1"),
		UserAttributes: []types.AttributeType{{Name: aws.String("nickname"), Value: aws.String("nul\x00inside")}}})
	apiErr(t, err, "InvalidParameterException", "")
}
