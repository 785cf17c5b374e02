package sdk

import (
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func newPool(t *testing.T, e *env, in *idp.CreateUserPoolInput) string {
	t.Helper()
	if in == nil {
		in = &idp.CreateUserPoolInput{}
	}
	if in.PoolName == nil {
		in.PoolName = aws.String("pool")
	}
	out, err := e.idp.CreateUserPool(e.ctx, in)
	ok(t, err)
	return *out.UserPool.Id
}

func TestUserPoolClientDefaultsAndSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	out, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("web")})
	ok(t, err)
	c := out.UserPoolClient
	if !regexp.MustCompile(`^[a-z0-9]{26}$`).MatchString(aws.ToString(c.ClientId)) || c.ClientSecret != nil {
		t.Fatalf("client id %q secret %v", aws.ToString(c.ClientId), c.ClientSecret)
	}
	if c.RefreshTokenValidity != 30 || c.AccessTokenValidity != nil || c.IdTokenValidity != nil || c.TokenValidityUnits == nil ||
		aws.ToBool(c.AllowedOAuthFlowsUserPoolClient) || !aws.ToBool(c.EnableTokenRevocation) || aws.ToBool(c.EnablePropagateAdditionalUserContextData) ||
		aws.ToInt32(c.AuthSessionValidity) != 3 || c.ExplicitAuthFlows != nil || c.PreventUserExistenceErrors != "" {
		t.Fatalf("client defaults: %+v", c)
	}
	if aws.ToString(c.UserPoolId) != pool || aws.ToString(c.ClientName) != "web" || c.CreationDate == nil {
		t.Fatalf("client identity: %+v", c)
	}
	sec, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{
		UserPoolId: &pool, ClientName: aws.String("server"), GenerateSecret: true,
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		AccessTokenValidity:        aws.Int32(15), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes},
		ReadAttributes: []string{"email", "name"},
	})
	ok(t, err)
	secret := aws.ToString(sec.UserPoolClient.ClientSecret)
	if !regexp.MustCompile(`^[a-z0-9]{51}$`).MatchString(secret) {
		t.Fatalf("client secret %q", secret)
	}
	d, err := e.idp.DescribeUserPoolClient(e.ctx, &idp.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: sec.UserPoolClient.ClientId})
	ok(t, err)
	dc := d.UserPoolClient
	if aws.ToString(dc.ClientSecret) != secret || aws.ToInt32(dc.AccessTokenValidity) != 15 || dc.TokenValidityUnits.AccessToken != types.TimeUnitsTypeMinutes ||
		dc.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesEnabled || len(dc.ExplicitAuthFlows) != 2 || !slices.Equal(dc.ReadAttributes, []string{"email", "name"}) {
		t.Fatalf("describe: %+v", dc)
	}
	_, err = e.idp.DescribeUserPoolClient(e.ctx, &idp.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: aws.String("nosuchclient0000000000000")})
	apiErr(t, err, "ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist.")
	_, err = e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: aws.String("us-east-1_nopool123"), ClientName: aws.String("x")})
	apiErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nopool123 does not exist.")
}

func TestUpdateAndDeleteUserPoolClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	out, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{
		UserPoolId: &pool, ClientName: aws.String("app"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
		IdTokenValidity:   aws.Int32(2),
	})
	ok(t, err)
	id := out.UserPoolClient.ClientId
	up, err := e.idp.UpdateUserPoolClient(e.ctx, &idp.UpdateUserPoolClientInput{UserPoolId: &pool, ClientId: id, RefreshTokenValidity: 7})
	ok(t, err)
	c := up.UserPoolClient
	if aws.ToString(c.ClientName) != "app" || c.RefreshTokenValidity != 7 || c.ExplicitAuthFlows != nil || c.IdTokenValidity != nil ||
		aws.ToString(c.ClientSecret) != aws.ToString(out.UserPoolClient.ClientSecret) {
		t.Fatalf("update did not reset omitted settings or lost identity: %+v", c)
	}
	_, err = e.idp.UpdateUserPoolClient(e.ctx, &idp.UpdateUserPoolClientInput{UserPoolId: &pool, ClientId: id, ClientName: aws.String("renamed")})
	ok(t, err)
	d, err := e.idp.DescribeUserPoolClient(e.ctx, &idp.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: id})
	ok(t, err)
	if aws.ToString(d.UserPoolClient.ClientName) != "renamed" || d.UserPoolClient.RefreshTokenValidity != 30 {
		t.Fatalf("after rename: %+v", d.UserPoolClient)
	}
	_, err = e.idp.DeleteUserPoolClient(e.ctx, &idp.DeleteUserPoolClientInput{UserPoolId: &pool, ClientId: id})
	ok(t, err)
	_, err = e.idp.DeleteUserPoolClient(e.ctx, &idp.DeleteUserPoolClientInput{UserPoolId: &pool, ClientId: id})
	apiErr(t, err, "ResourceNotFoundException", "User pool client "+*id+" does not exist.")
	_, err = e.idp.UpdateUserPoolClient(e.ctx, &idp.UpdateUserPoolClientInput{UserPoolId: &pool, ClientId: id})
	apiErr(t, err, "ResourceNotFoundException", "User pool client "+*id+" does not exist.")
}

func TestUserPoolClientValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	oauth := func(in idp.CreateUserPoolClientInput) idp.CreateUserPoolClientInput {
		in.AllowedOAuthFlowsUserPoolClient = true
		return in
	}
	cases := []struct {
		name string
		in   idp.CreateUserPoolClientInput
		code string
		msg  string
	}{
		{"access too long", idp.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(2), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeDays}},
			"InvalidParameterException", "Invalid range for token validity."},
		{"access too short", idp.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(4), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes}},
			"InvalidParameterException", "Invalid range for token validity."},
		{"unit without value", idp.CreateUserPoolClientInput{TokenValidityUnits: &types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeMinutes}},
			"InvalidParameterException", "Invalid range for token validity."},
		{"id longer than refresh", idp.CreateUserPoolClientInput{IdTokenValidity: aws.Int32(23), RefreshTokenValidity: 60,
			TokenValidityUnits: &types.TokenValidityUnitsType{RefreshToken: types.TimeUnitsTypeMinutes}},
			"InvalidParameterException", "Access and Id Token expiration times must be less than or equal to refresh token expiration times."},
		{"legacy flow mix", idp.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}},
			"InvalidParameterException", "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names."},
		{"bad read attribute", idp.CreateUserPoolClientInput{ReadAttributes: []string{"custom:nope"}},
			"InvalidParameterException", "Invalid read attributes specified while creating a client"},
		{"unknown provider", idp.CreateUserPoolClientInput{SupportedIdentityProviders: []string{"Google"}},
			"InvalidParameterException", "The provider Google does not exist for User Pool " + pool},
		{"oauth without flows", oauth(idp.CreateUserPoolClientInput{}),
			"InvalidParameterException", "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."},
		{"code without callback", oauth(idp.CreateUserPoolClientInput{AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthScopes: []string{"openid"}}),
			"InvalidParameterException", "CallbackUrls can not be empty when code flow or implicit flow is selected"},
		{"http callback", idp.CreateUserPoolClientInput{CallbackURLs: []string{"http://example.com/cb"}},
			"InvalidParameterException", "http://example.com/cb cannot use the HTTP protocol."},
		{"default redirect not listed", idp.CreateUserPoolClientInput{CallbackURLs: []string{"https://a.example/cb"}, DefaultRedirectURI: aws.String("https://b.example/cb")},
			"InvalidParameterException", "The default redirect URI https://b.example/cb is not in the callback URIs list."},
		{"client credentials without secret", oauth(idp.CreateUserPoolClientInput{AllowedOAuthFlows: []types.OAuthFlowType{"client_credentials"}, AllowedOAuthScopes: []string{"email"}}),
			"InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret."},
		{"unknown scope", oauth(idp.CreateUserPoolClientInput{AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthScopes: []string{"nope"}, CallbackURLs: []string{"https://a.example/cb"}}),
			"ScopeDoesNotExistException", "Invalid scope requested: nope"},
		{"context data without secret", idp.CreateUserPoolClientInput{EnablePropagateAdditionalUserContextData: aws.Bool(true)},
			"InvalidParameterException", "Client Secret is required to set EnablePropagateAdditionalUserContextData as true"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			in.UserPoolId, in.ClientName = &pool, aws.String("c")
			_, err := e.idp.CreateUserPoolClient(e.ctx, &in)
			apiErr(t, err, c.code, c.msg)
		})
	}
	// A valid OAuth client on localhost over plain HTTP is accepted.
	_, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{
		UserPoolId: &pool, ClientName: aws.String("spa"), AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthScopes: []string{"openid", "email"},
		CallbackURLs: []string{"http://localhost:3000/cb"}, LogoutURLs: []string{"http://localhost:3000/"},
	})
	ok(t, err)
}

func TestListUserPoolClientsPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pool := newPool(t, e, nil)
	other := newPool(t, e, nil)
	for i := range 5 {
		_, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("c" + string(rune('0'+i)))})
		ok(t, err)
	}
	_, err := e.idp.CreateUserPoolClient(e.ctx, &idp.CreateUserPoolClientInput{UserPoolId: &other, ClientName: aws.String("elsewhere")})
	ok(t, err)
	seen := map[string]bool{}
	pages := 0
	p := idp.NewListUserPoolClientsPaginator(e.idp, &idp.ListUserPoolClientsInput{UserPoolId: &pool, MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		ok(t, err)
		pages++
		for _, c := range page.UserPoolClients {
			if aws.ToString(c.UserPoolId) != pool || seen[*c.ClientId] {
				t.Fatalf("bad entry %+v", c)
			}
			seen[*c.ClientId] = true
		}
	}
	if len(seen) != 5 || pages != 3 {
		t.Fatalf("%d clients over %d pages, want 5 over 3", len(seen), pages)
	}
	_, err = e.idp.ListUserPoolClients(e.ctx, &idp.ListUserPoolClientsInput{UserPoolId: aws.String("us-east-1_nopool123")})
	apiErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nopool123 does not exist.")
}
