package userpool

import (
	"context"
	"crypto/hmac"
	"strings"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
)

// maxChangePasswordAttempts is how many wrong previous passwords
// ChangePassword accepts before Cognito's attempt limit.
const maxChangePasswordAttempts = 10

func invalidAccessToken() error { return api.NewNotAuthorizedException("Invalid Access Token") }

// caller is the user an access token speaks for.
type caller struct {
	client appClient
	user   store.User
	claims tokens.AccessClaims
}

// authorizeAccess checks an access token: signed by its pool's key, an
// access token, unexpired, of a family not revoked, issued after the
// user's last global sign-out, for a user who exists and is enabled.
func (s *Service) authorizeAccess(ctx context.Context, token string) (caller, error) {
	header, payload, signingInput, sig, err := tokens.Parse(token)
	if err != nil {
		return caller{}, invalidAccessToken()
	}
	claims, err := tokens.ParseAccessClaims(payload)
	if err != nil || claims.TokenUse != "access" || claims.ClientID == "" {
		return caller{}, invalidAccessToken()
	}
	c, err := s.loadClient(ctx, claims.ClientID)
	if err != nil {
		return caller{}, invalidAccessToken()
	}
	keys, err := s.verificationKeys(ctx, c.pool.id())
	if err != nil {
		return caller{}, err
	}
	if err := tokens.VerifyParsed(header, signingInput, sig, keys); err != nil {
		return caller{}, invalidAccessToken()
	}
	if !strings.HasSuffix(claims.Iss, "/"+c.pool.id()) {
		return caller{}, invalidAccessToken()
	}
	now := s.clock()
	if now.Unix() >= claims.Exp {
		return caller{}, api.NewNotAuthorizedException("Access Token has expired")
	}
	u, revoked, err := s.store.GetUserWithFamily(ctx, c.pool.id(), c.pool.usernameKey(claims.Username), claims.OriginJTI)
	if isNotFound(err) {
		// A revoked token is refused as revoked even when its user is gone.
		familyRevoked, err := s.store.IsFamilyRevoked(ctx, c.pool.id(), claims.OriginJTI)
		if err != nil {
			return caller{}, err
		}
		revoked = familyRevoked
	}
	if revoked {
		return caller{}, api.NewNotAuthorizedException("Access Token has been revoked")
	}
	if err != nil {
		return caller{}, storeErr(err, userNotFound)
	}
	if u.Sub != claims.Sub {
		return caller{}, userNotFound()
	}
	d, err := decodeUserData(&u)
	if err != nil {
		return caller{}, err
	}
	// A global sign-out revokes every refresh-token family of the user,
	// which refuses their access tokens above. But the sweep deletes a
	// family's rows once its refresh token expires, and an access token from
	// a late refresh outlives them by up to its lifetime: so tokens issued
	// in a second before the sign-out are also refused here. iat has whole
	// seconds, so tokens of the sign-out's own second are left to the family
	// check alone (their rows exist unless swept in that very second), and a
	// sign-in right after a sign-out works.
	if !u.Enabled || (d.SignedOutAt != nil && claims.Iat < d.SignedOutAt.Unix()) {
		return caller{}, api.NewNotAuthorizedException("Access Token has been revoked")
	}
	return caller{client: c, user: u, claims: claims}, nil
}

// GetUser returns the caller's profile (attributes the client may read).
func (s *Service) GetUser(ctx context.Context, in *api.GetUserRequest) (*api.GetUserResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	list, preferred, options := mfaFields(cl.user)
	return &api.GetUserResponse{Username: ptr(cl.user.Username), UserAttributes: attributesOut(cl.user, readableBy(cl.client.conf)),
		MFAOptions: options, PreferredMfaSetting: preferred, UserMFASettingList: list}, nil
}

// UpdateUserAttributes changes the caller's attributes (client
// WriteAttributes apply); changed auto-verified email or phone numbers get
// a verification code.
func (s *Service) UpdateUserAttributes(ctx context.Context, in *api.UpdateUserAttributesRequest) (*api.UpdateUserAttributesResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := cl.client.pool
	if err := checkAttributeWrites(p, in.UserAttributes, writer{client: cl.client.conf}, false); err != nil {
		return nil, err
	}
	details, err := s.updateAttributes(ctx, p, cl.user, in.UserAttributes, cl.client.rec.ID)
	if err != nil {
		return nil, err
	}
	return &api.UpdateUserAttributesResponse{CodeDeliveryDetailsList: details}, nil
}

// DeleteUserAttributes removes attributes of the caller.
func (s *Service) DeleteUserAttributes(ctx context.Context, in *api.DeleteUserAttributesRequest) (*api.DeleteUserAttributesResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := cl.client.pool
	attrs := make([]api.AttributeType, len(in.UserAttributeNames))
	for i, name := range in.UserAttributeNames {
		attrs[i] = api.AttributeType{Name: ptr(name), Value: ptr("")}
		if def, ok := schemaAttr(p, name); ok && deref(def.Required) {
			return nil, invalidParameter("Invalid user attributes: %s: Required attribute cannot be deleted.", name)
		}
	}
	if err := checkAttributeWrites(p, attrs, writer{client: cl.client.conf}, false); err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, p, cl.user, func(rec *store.User, _ *userData) error {
		for _, name := range in.UserAttributeNames {
			deleteAttr(rec, canonicalAttrName(p, name))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteUserAttributesResponse{}, nil
}

// DeleteUser deletes the caller.
func (s *Service) DeleteUser(ctx context.Context, in *api.DeleteUserRequest) (*api.DeleteUserOutput, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteUser(ctx, cl.client.pool.id(), cl.user.Key); err != nil {
		return nil, s.userWriteErr(cl.client.pool, err)
	}
	if _, err := s.store.RevokeUserTokens(ctx, cl.client.pool.id(), cl.user.Key, "", s.clock()); err != nil {
		return nil, err
	}
	return &api.DeleteUserOutput{}, nil
}

// ChangePassword replaces the caller's password after checking the
// previous one (with Cognito's attempt limit).
func (s *Service) ChangePassword(ctx context.Context, in *api.ChangePasswordRequest) (*api.ChangePasswordResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := cl.client.pool
	var result error
	_, err = s.updateUser(ctx, p, cl.user, func(rec *store.User, d *userData) error {
		result = nil
		if d.FailedPasswordChanges >= maxChangePasswordAttempts {
			result = api.NewLimitExceededException("Attempt limit exceeded, please try after some time.")
			return nil
		}
		if !d.Password.matches(p.id(), rec.Username, deref(in.PreviousPassword)) {
			d.FailedPasswordChanges++
			result = incorrectPassword()
			return nil
		}
		if err := checkPasswordWith(p, *in.ProposedPassword, policyDoesNotConform); err != nil {
			return err
		}
		cred := newCredential(p.id(), rec.Username, *in.ProposedPassword, s.clock())
		d.Password, d.FailedPasswordChanges = &cred, 0
		return nil
	})
	if err != nil {
		return nil, err
	}
	if result != nil {
		return nil, result
	}
	return &api.ChangePasswordResponse{}, nil
}

// verifiableTarget returns where a verification code for attr goes: the
// pending new value if one waits, else the current value.
func verifiableTarget(u store.User, attrName string) (codeTarget, error) {
	medium := api.DeliveryMediumTypeEmail
	switch attrName {
	case "email":
	case "phone_number":
		medium = api.DeliveryMediumTypeSms
	default:
		return codeTarget{}, invalidParameter("Invalid attribute name: %s", attrName)
	}
	d, err := decodeUserData(&u)
	if err != nil {
		return codeTarget{}, err
	}
	value := attr(u, attrName)
	if pending := d.Pending[attrName]; pending != "" {
		value = pending
	}
	if value == "" {
		return codeTarget{}, invalidParameter("User does not have a value for the attribute %s", attrName)
	}
	return codeTarget{attrName, medium, value}, nil
}

// GetUserAttributeVerificationCode sends a code to verify an attribute.
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *api.GetUserAttributeVerificationCodeRequest) (*api.GetUserAttributeVerificationCodeResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := cl.client.pool
	target, err := verifiableTarget(cl.user, *in.AttributeName)
	if err != nil {
		return nil, err
	}
	var value string
	u, err := s.updateUser(ctx, p, cl.user, func(_ *store.User, d *userData) error {
		value = s.issueCode(d, purposeVerify(target.attr), target.attr, verifyCodeTTL)
		return nil
	})
	if err != nil {
		return nil, err
	}
	details, err := s.sendCode(ctx, p, u, target, value, messaging.KindVerifyUserAttribute, cl.client.rec.ID)
	if err != nil {
		return nil, err
	}
	return &api.GetUserAttributeVerificationCodeResponse{CodeDeliveryDetails: details}, nil
}

// VerifyUserAttribute checks an attribute verification code; the attribute
// (or its pending new value) becomes verified.
func (s *Service) VerifyUserAttribute(ctx context.Context, in *api.VerifyUserAttributeRequest) (*api.VerifyUserAttributeResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := cl.client.pool
	name := *in.AttributeName
	err = s.redeemCode(ctx, p, cl.user, purposeVerify(name), *in.Code, func(rec *store.User, d *userData, _ code) error {
		if pending := d.Pending[name]; pending != "" {
			setAttr(rec, name, pending)
			delete(d.Pending, name)
		}
		setAttr(rec, name+"_verified", "true")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.VerifyUserAttributeResponse{}, nil
}

// signOut revokes every refresh token of the user and refuses the access
// tokens issued so far.
func (s *Service) signOut(ctx context.Context, p poolView, u store.User) error {
	now := s.clock()
	if _, err := s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
		d.SignedOutAt = &now
		return nil
	}); err != nil {
		return err
	}
	_, err := s.store.RevokeUserTokens(ctx, p.id(), u.Key, "", now)
	return err
}

// GlobalSignOut signs the caller out of every device.
func (s *Service) GlobalSignOut(ctx context.Context, in *api.GlobalSignOutRequest) (*api.GlobalSignOutResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.signOut(ctx, cl.client.pool, cl.user); err != nil {
		return nil, err
	}
	return &api.GlobalSignOutResponse{}, nil
}

// AdminUserGlobalSignOut signs a user out of every device.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, in *api.AdminUserGlobalSignOutRequest) (*api.AdminUserGlobalSignOutResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.signOut(ctx, p, u); err != nil {
		return nil, err
	}
	return &api.AdminUserGlobalSignOutResponse{}, nil
}

// checkClientSecret verifies the ClientSecret given to token endpoints.
func (c appClient) checkClientSecret(given *string) error {
	if c.rec.Secret == "" {
		return nil
	}
	if given == nil || !hmac.Equal([]byte(*given), []byte(c.rec.Secret)) {
		return api.NewNotAuthorizedException("Client " + c.rec.ID + " is configured for secret but secret was not received")
	}
	return nil
}

// RevokeToken revokes a refresh token and every access and ID token of its
// family.
func (s *Service) RevokeToken(ctx context.Context, in *api.RevokeTokenRequest) (*api.RevokeTokenResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := c.checkClientSecret(in.ClientSecret); err != nil {
		return nil, err
	}
	if c.conf.EnableTokenRevocation != nil && !*c.conf.EnableTokenRevocation {
		return nil, api.NewUnsupportedOperationException("Token revocation is not enabled for this client.")
	}
	if strings.Count(*in.Token, ".") == 2 {
		return nil, api.NewUnsupportedTokenTypeException("Only refresh tokens can be revoked.")
	}
	rt, err := s.store.GetRefreshToken(ctx, tokens.HashToken(*in.Token))
	if err != nil {
		if isNotFound(err) {
			return &api.RevokeTokenResponse{}, nil
		}
		return nil, err
	}
	if rt.ClientID != c.rec.ID {
		return nil, api.NewUnauthorizedException("The token was not issued to this client.")
	}
	if _, err := s.store.RevokeTokenFamily(ctx, rt.PoolID, rt.Family, s.clock()); err != nil {
		return nil, err
	}
	return &api.RevokeTokenResponse{}, nil
}

// GetTokensFromRefreshToken answers a refresh with new tokens, and a new
// refresh token when the client rotates them.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, in *api.GetTokensFromRefreshTokenRequest) (*api.GetTokensFromRefreshTokenResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := c.checkClientSecret(in.ClientSecret); err != nil {
		return nil, err
	}
	if !flowEnabled(c.conf, api.AuthFlowTypeRefreshTokenAuth) {
		return nil, invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
	}
	rt, u, err := s.useRefreshToken(ctx, c, *in.RefreshToken)
	if err != nil {
		return nil, err
	}
	out, err := s.refreshWith(ctx, c, rt, u, deref(in.DeviceKey))
	if err != nil {
		return nil, err
	}
	return &api.GetTokensFromRefreshTokenResponse{AuthenticationResult: out.result}, nil
}
