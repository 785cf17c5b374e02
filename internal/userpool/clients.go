package userpool

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/store"
)

// maxClientsPerPool is Cognito's default quota of app clients per pool.
const maxClientsPerPool = 1000

// clientSettings is what a client's stored document holds: the whole
// UserPoolClientType except the members kept in columns.
type clientSettings = api.UserPoolClientType

// Legacy ExplicitAuthFlows values, which cannot be mixed with ALLOW_ values.
var legacyAuthFlows = []api.ExplicitAuthFlowsType{
	api.ExplicitAuthFlowsTypeAdminNoSrpAuth, api.ExplicitAuthFlowsTypeCustomAuthFlowOnly, api.ExplicitAuthFlowsTypeUserPasswordAuth,
}

// builtinScopes are the OAuth scopes every pool has.
var builtinScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}

func applyClientDefaults(c *clientSettings) {
	if c.RefreshTokenValidity == nil || *c.RefreshTokenValidity == 0 {
		c.RefreshTokenValidity = ptr(int32(30))
	}
	if c.TokenValidityUnits == nil {
		c.TokenValidityUnits = &api.TokenValidityUnitsType{}
	}
	if c.AllowedOAuthFlowsUserPoolClient == nil {
		c.AllowedOAuthFlowsUserPoolClient = ptr(false)
	}
	if c.EnableTokenRevocation == nil {
		c.EnableTokenRevocation = ptr(true)
	}
	if c.EnablePropagateAdditionalUserContextData == nil {
		c.EnablePropagateAdditionalUserContextData = ptr(false)
	}
	if c.AuthSessionValidity == nil {
		c.AuthSessionValidity = ptr(int32(3))
	}
}

// unitSeconds returns the length of a token validity unit in seconds.
func unitSeconds(u *api.TimeUnitsType, def api.TimeUnitsType) int64 {
	unit := def
	if u != nil {
		unit = *u
	}
	switch unit {
	case api.TimeUnitsTypeSeconds:
		return 1
	case api.TimeUnitsTypeMinutes:
		return 60
	case api.TimeUnitsTypeHours:
		return 3600
	}
	return 86400
}

// TokenLifetimes returns the client's access, ID and refresh token
// lifetimes in seconds, applying Cognito's default values and units.
func TokenLifetimes(c *api.UserPoolClientType) (access, id, refresh int64) {
	u := c.TokenValidityUnits
	if u == nil {
		u = &api.TokenValidityUnitsType{}
	}
	value := func(v *int32, def int32) int64 {
		if v == nil {
			return int64(def)
		}
		return int64(*v)
	}
	access = value(c.AccessTokenValidity, 1) * unitSeconds(u.AccessToken, api.TimeUnitsTypeHours)
	id = value(c.IdTokenValidity, 1) * unitSeconds(u.IdToken, api.TimeUnitsTypeHours)
	refresh = value(c.RefreshTokenValidity, 30) * unitSeconds(u.RefreshToken, api.TimeUnitsTypeDays)
	return access, id, refresh
}

// checkClientSettings enforces Cognito's rules on a client, shared by
// CreateUserPoolClient and UpdateUserPoolClient.
func checkClientSettings(pool *api.UserPoolType, c *clientSettings, hasSecret bool) error {
	access, id, refresh := TokenLifetimes(c)
	if access < 300 || access > 86400 || id < 300 || id > 86400 || refresh < 3600 || refresh > 315360000 {
		return invalidParameter("Invalid range for token validity.")
	}
	if access > refresh || id > refresh {
		return invalidParameter("Access and Id Token expiration times must be less than or equal to refresh token expiration times.")
	}
	legacy, modern := false, false
	for _, f := range c.ExplicitAuthFlows {
		if slices.Contains(legacyAuthFlows, f) {
			legacy = true
		} else {
			modern = true
		}
	}
	if legacy && modern {
		return invalidParameter("Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names.")
	}
	for _, a := range c.ReadAttributes {
		if !schemaHas(pool.SchemaAttributes, a) {
			return invalidParameter("Invalid read attributes specified while creating a client")
		}
	}
	for _, a := range c.WriteAttributes {
		if !schemaHas(pool.SchemaAttributes, a) || a == "sub" {
			return invalidParameter("Invalid write attributes specified while creating a client")
		}
	}
	for _, p := range c.SupportedIdentityProviders {
		if p != "COGNITO" {
			return invalidParameter("The provider %s does not exist for User Pool %s", p, deref(pool.Id))
		}
	}
	if deref(c.EnablePropagateAdditionalUserContextData) && !hasSecret {
		return invalidParameter("Client Secret is required to set EnablePropagateAdditionalUserContextData as true")
	}
	for _, list := range [][]string{c.CallbackURLs, c.LogoutURLs} {
		for _, u := range list {
			if err := checkRedirectURL(u); err != nil {
				return err
			}
		}
	}
	if c.DefaultRedirectURI != nil && !slices.Contains(c.CallbackURLs, *c.DefaultRedirectURI) {
		return invalidParameter("The default redirect URI %s is not in the callback URIs list.", *c.DefaultRedirectURI)
	}
	return checkOAuth(c, hasSecret)
}

func checkOAuth(c *clientSettings, hasSecret bool) error {
	if !deref(c.AllowedOAuthFlowsUserPoolClient) {
		return nil
	}
	if len(c.AllowedOAuthFlows) == 0 || len(c.AllowedOAuthScopes) == 0 {
		return invalidParameter("AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.")
	}
	code := slices.Contains(c.AllowedOAuthFlows, api.OAuthFlowTypeCode)
	implicit := slices.Contains(c.AllowedOAuthFlows, api.OAuthFlowTypeImplicit)
	credentials := slices.Contains(c.AllowedOAuthFlows, api.OAuthFlowTypeClientCredentials)
	if credentials {
		if !hasSecret {
			return api.NewInvalidOAuthFlowException("client_credentials flow can not be selected if client does not have a client secret.")
		}
		if code || implicit {
			return api.NewInvalidOAuthFlowException("client_credentials flow can not be selected along with code flow or implicit flow.")
		}
		if slices.Contains(c.AllowedOAuthScopes, "openid") {
			return api.NewInvalidOAuthFlowException("openid is not supported with client_credentials flow")
		}
	}
	if (code || implicit) && len(c.CallbackURLs) == 0 {
		return invalidParameter("CallbackUrls can not be empty when code flow or implicit flow is selected")
	}
	for _, scope := range c.AllowedOAuthScopes {
		if !slices.Contains(builtinScopes, scope) {
			return api.NewScopeDoesNotExistException("Invalid scope requested: " + scope)
		}
	}
	return nil
}

// checkRedirectURL applies Cognito's rules to callback and sign-out URLs:
// absolute, no fragment, and HTTPS unless the host is the local machine.
func checkRedirectURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return invalidParameter("%s is not a valid URL.", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return invalidParameter("%s must not include a fragment component.", raw)
	}
	if strings.EqualFold(u.Scheme, "http") {
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
		default:
			return invalidParameter("%s cannot use the HTTP protocol.", raw)
		}
	}
	return nil
}

func (s *Service) decodeClient(rec store.Client) (*api.UserPoolClientType, error) {
	var c api.UserPoolClientType
	if err := json.Unmarshal(rec.Settings, &c); err != nil {
		return nil, fmt.Errorf("decode settings of client %s: %w", rec.ID, err)
	}
	c.UserPoolId, c.ClientId, c.ClientName = ptr(rec.PoolID), ptr(rec.ID), ptr(rec.Name)
	if rec.Secret != "" {
		c.ClientSecret = ptr(rec.Secret)
	}
	c.CreationDate, c.LastModifiedDate = awsjson.TimeOf(rec.CreatedAt), awsjson.TimeOf(rec.UpdatedAt)
	return &c, nil
}

func encodeClient(c *api.UserPoolClientType) ([]byte, error) {
	d := *c
	d.UserPoolId, d.ClientId, d.ClientName, d.ClientSecret, d.CreationDate, d.LastModifiedDate = nil, nil, nil, nil, nil, nil
	return json.Marshal(&d)
}

// getPool loads and decodes a pool, answering Cognito's not-found error.
func (s *Service) getPool(ctx context.Context, id string) (*api.UserPoolType, error) {
	p, err := s.loadPool(ctx, id)
	return p.UserPoolType, err
}

// CreateUserPoolClient creates an app client, with a secret when asked.
func (s *Service) CreateUserPoolClient(ctx context.Context, in *api.CreateUserPoolClientRequest) (*api.CreateUserPoolClientResponse, error) {
	pool, err := s.getPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	secret := ""
	switch {
	case in.ClientSecret != nil && deref(in.GenerateSecret):
		return nil, invalidParameter("GenerateSecret and ClientSecret cannot be used together.")
	case in.ClientSecret != nil:
		secret = *in.ClientSecret
	case deref(in.GenerateSecret):
		secret = s.ids.ClientSecret()
	}
	var c clientSettings
	if err := copyJSON(&c, in); err != nil {
		return nil, err
	}
	applyClientDefaults(&c)
	if err := checkClientSettings(pool, &c, secret != ""); err != nil {
		return nil, err
	}
	n, err := s.store.CountClients(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if n >= maxClientsPerPool {
		return nil, api.NewLimitExceededException(fmt.Sprintf("The user pool %s already has the maximum of %d app clients.", *in.UserPoolId, maxClientsPerPool))
	}
	doc, err := encodeClient(&c)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	rec := store.Client{PoolID: *in.UserPoolId, ID: s.ids.ClientID(), Name: *in.ClientName, Secret: secret, CreatedAt: now, UpdatedAt: now, Settings: doc}
	if err := s.store.CreateClient(ctx, rec); err != nil {
		return nil, storeErr(err, func() error { return poolNotFound(*in.UserPoolId) })
	}
	out, err := s.decodeClient(rec)
	if err != nil {
		return nil, err
	}
	return &api.CreateUserPoolClientResponse{UserPoolClient: out}, nil
}

// DescribeUserPoolClient returns a client, secret included.
func (s *Service) DescribeUserPoolClient(ctx context.Context, in *api.DescribeUserPoolClientRequest) (*api.DescribeUserPoolClientResponse, error) {
	if _, err := s.getPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	rec, err := s.store.GetClient(ctx, *in.UserPoolId, *in.ClientId)
	if err != nil {
		return nil, storeErr(err, func() error { return clientNotFound(*in.ClientId) })
	}
	c, err := s.decodeClient(rec)
	if err != nil {
		return nil, err
	}
	return &api.DescribeUserPoolClientResponse{UserPoolClient: c}, nil
}

// UpdateUserPoolClient replaces a client's settings; as in Cognito, settings
// the request leaves out return to their defaults. The name is kept unless
// given; the secret never changes here.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *api.UpdateUserPoolClientRequest) (*api.UpdateUserPoolClientResponse, error) {
	pool, err := s.getPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var fresh clientSettings
	if err := copyJSON(&fresh, in); err != nil {
		return nil, err
	}
	applyClientDefaults(&fresh)
	rec, err := s.store.UpdateClient(ctx, *in.UserPoolId, *in.ClientId, func(rec *store.Client) error {
		if err := checkClientSettings(pool, &fresh, rec.Secret != ""); err != nil {
			return err
		}
		doc, err := encodeClient(&fresh)
		if err != nil {
			return err
		}
		if in.ClientName != nil {
			rec.Name = *in.ClientName
		}
		rec.Settings = doc
		rec.UpdatedAt = s.clock()
		return nil
	})
	if err != nil {
		return nil, storeErr(err, func() error { return clientNotFound(*in.ClientId) })
	}
	c, err := s.decodeClient(rec)
	if err != nil {
		return nil, err
	}
	return &api.UpdateUserPoolClientResponse{UserPoolClient: c}, nil
}

// DeleteUserPoolClient deletes a client.
func (s *Service) DeleteUserPoolClient(ctx context.Context, in *api.DeleteUserPoolClientRequest) (*api.DeleteUserPoolClientOutput, error) {
	if _, err := s.getPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	if err := s.store.DeleteClient(ctx, *in.UserPoolId, *in.ClientId); err != nil {
		return nil, storeErr(err, func() error { return clientNotFound(*in.ClientId) })
	}
	return &api.DeleteUserPoolClientOutput{}, nil
}

// ListUserPoolClients lists a pool's clients.
func (s *Service) ListUserPoolClients(ctx context.Context, in *api.ListUserPoolClientsRequest) (*api.ListUserPoolClientsResponse, error) {
	if _, err := s.getPool(ctx, *in.UserPoolId); err != nil {
		return nil, err
	}
	page, err := pageRequest(in.NextToken, in.MaxResults) // MaxResults is validated to 1-60
	if err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListClients(ctx, *in.UserPoolId, page)
	if err != nil {
		return nil, err
	}
	out := &api.ListUserPoolClientsResponse{UserPoolClients: []api.UserPoolClientDescription{}, NextToken: pageToken(next)}
	for _, rec := range recs {
		out.UserPoolClients = append(out.UserPoolClients, api.UserPoolClientDescription{
			ClientId: ptr(rec.ID), UserPoolId: ptr(rec.PoolID), ClientName: ptr(rec.Name),
		})
	}
	return out, nil
}
