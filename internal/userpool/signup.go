package userpool

import (
	"context"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
)

// SignUp registers a user through an app client; the user stays
// UNCONFIRMED until the code sent to an auto-verified attribute is
// confirmed (or an administrator confirms it).
func (s *Service) SignUp(ctx context.Context, in *api.SignUpRequest) (*api.SignUpResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	p := c.pool
	if p.AdminCreateUserConfig != nil && deref(p.AdminCreateUserConfig.AllowAdminCreateUserOnly) {
		return nil, api.NewNotAuthorizedException("SignUp is not permitted for this user pool")
	}
	if err := c.checkSecretHash(*in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	if err := checkAttributeWrites(p, in.UserAttributes, writer{client: c.conf}, true); err != nil {
		return nil, err
	}
	if in.Password == nil {
		return nil, invalidParameter("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
	}
	if err := checkPassword(p, *in.Password); err != nil {
		return nil, err
	}
	u, err := s.newUser(p, *in.Username, in.UserAttributes)
	if err != nil {
		return nil, err
	}
	u.Status = statusUnconfirmed
	for _, name := range []string{"email", "phone_number"} {
		if _, has := u.Attribute(name); has {
			if _, flagged := u.Attribute(name + "_verified"); !flagged {
				setAttr(&u, name+"_verified", "false")
			}
		}
	}
	cred := newCredential(p.id(), u.Username, *in.Password, s.clock())
	d := userData{Password: &cred, InGroups: ptr(false)}
	target, sendCode := signUpTarget(p, u)
	var value string
	if sendCode {
		value = s.issueCode(&d, purposeSignUp, target.attr, signUpCodeTTL)
	}
	if err := encodeUserData(&u, d); err != nil {
		return nil, err
	}
	if err := s.createUser(ctx, p, u, false); err != nil {
		if e, ok := err.(*api.UsernameExistsException); ok && e.ErrorMessage() == "User account already exists" {
			return nil, api.NewUsernameExistsException("User already exists")
		}
		return nil, err
	}
	out := &api.SignUpResponse{UserConfirmed: ptr(false), UserSub: ptr(u.Sub)}
	if sendCode {
		details, err := s.sendCode(ctx, p, u, target, value, messaging.KindSignUp, c.rec.ID)
		if err != nil {
			return nil, err
		}
		out.CodeDeliveryDetails = details
	}
	return out, nil
}

// ConfirmSignUp confirms a user with the code sent at sign-up; the
// attribute the code went to becomes verified.
func (s *Service) ConfirmSignUp(ctx context.Context, in *api.ConfirmSignUpRequest) (*api.ConfirmSignUpResponse, error) {
	c, err := s.loadClient(ctx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(*in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	return s.confirmSignUp(ctx, c, in)
}

// ConfirmSignUpByLink confirms a user from a confirmation link, which
// carries no secret hash (the hosted pages answer for the client).
func (s *Service) ConfirmSignUpByLink(ctx context.Context, clientID, username, code string) error {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return err
	}
	_, err = s.confirmSignUp(ctx, c, &api.ConfirmSignUpRequest{ClientId: &clientID, Username: &username, ConfirmationCode: &code})
	return err
}

func (s *Service) confirmSignUp(ctx context.Context, c appClient, in *api.ConfirmSignUpRequest) (*api.ConfirmSignUpResponse, error) {
	p := c.pool
	u, err := s.findUser(ctx, p, *in.Username)
	if err != nil {
		if c.hidesUsers() && isUserNotFound(err) {
			return nil, codeError(codeMismatch)
		}
		return nil, err
	}
	if u.Status != statusUnconfirmed {
		return nil, api.NewNotAuthorizedException("User cannot be confirmed. Current status is " + u.Status)
	}
	if deref(in.ForceAliasCreation) {
		if err := s.freeAliasFor(ctx, p, u, purposeSignUp); err != nil {
			return nil, err
		}
	}
	err = s.redeemCode(ctx, p, u, purposeSignUp, *in.ConfirmationCode, func(rec *store.User, _ *userData, issued code) error {
		rec.Status = statusConfirmed
		if issued.Attr != "" {
			setAttr(rec, issued.Attr+"_verified", "true")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ConfirmSignUpResponse{}, nil
}

// ResendConfirmationCode sends a new sign-up code.
func (s *Service) ResendConfirmationCode(ctx context.Context, in *api.ResendConfirmationCodeRequest) (*api.ResendConfirmationCodeResponse, error) {
	c, u, err := s.clientUser(ctx, *in.ClientId, *in.Username, in.SecretHash)
	p := c.pool
	if err != nil {
		if c.hidesUsers() && isUserNotFound(err) {
			return &api.ResendConfirmationCodeResponse{CodeDeliveryDetails: fakeDelivery(p, *in.Username)}, nil
		}
		return nil, err
	}
	if u.Status != statusUnconfirmed {
		return nil, invalidParameter("User is already confirmed.")
	}
	target, ok := signUpTarget(p, u)
	if !ok {
		return nil, invalidParameter("Auto verification not turned on.")
	}
	var value string
	u, err = s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
		value = s.issueCode(d, purposeSignUp, target.attr, signUpCodeTTL)
		return nil
	})
	if err != nil {
		return nil, err
	}
	details, err := s.sendCode(ctx, p, u, target, value, messaging.KindResendCode, c.rec.ID)
	if err != nil {
		return nil, err
	}
	return &api.ResendConfirmationCodeResponse{CodeDeliveryDetails: details}, nil
}

// ForgotPassword sends a password-reset code to the user's verified
// recovery attribute.
func (s *Service) ForgotPassword(ctx context.Context, in *api.ForgotPasswordRequest) (*api.ForgotPasswordResponse, error) {
	c, u, err := s.clientUser(ctx, *in.ClientId, *in.Username, in.SecretHash)
	p := c.pool
	if err != nil {
		if isUserNotFound(err) {
			if c.hidesUsers() {
				return &api.ForgotPasswordResponse{CodeDeliveryDetails: fakeDelivery(p, *in.Username)}, nil
			}
			return nil, api.NewUserNotFoundException("Username/client id combination not found.")
		}
		return nil, err
	}
	if !u.Enabled {
		return nil, api.NewNotAuthorizedException("User is disabled.")
	}
	if u.Status == statusForceChangePassword {
		return nil, api.NewNotAuthorizedException("User password cannot be reset in the current state.")
	}
	details, err := s.startPasswordReset(ctx, p, u)
	if err != nil {
		return nil, err
	}
	return &api.ForgotPasswordResponse{CodeDeliveryDetails: details}, nil
}

// startPasswordReset issues and sends a reset code.
func (s *Service) startPasswordReset(ctx context.Context, p poolView, u store.User) (*api.CodeDeliveryDetailsType, error) {
	target, ok, adminOnly := recoveryTarget(p, u)
	if adminOnly {
		return nil, api.NewNotAuthorizedException("Cannot reset password for the user as account recovery is set to admin only.")
	}
	if !ok {
		return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	var value string
	u, err := s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
		value = s.issueCode(d, purposeForgot, target.attr, forgotCodeTTL)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.sendCode(ctx, p, u, target, value, messaging.KindForgotPassword, "")
}

// ConfirmForgotPassword sets a new password with a reset code.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *api.ConfirmForgotPasswordRequest) (*api.ConfirmForgotPasswordResponse, error) {
	c, u, err := s.clientUser(ctx, *in.ClientId, *in.Username, in.SecretHash)
	p := c.pool
	if err != nil {
		if isUserNotFound(err) {
			if c.hidesUsers() {
				return nil, codeError(codeMismatch)
			}
			return nil, api.NewUserNotFoundException("Username/client id combination not found.")
		}
		return nil, err
	}
	if err := checkPasswordWith(p, *in.Password, policyDoesNotConform); err != nil {
		return nil, err
	}
	err = s.redeemCode(ctx, p, u, purposeForgot, *in.ConfirmationCode, func(rec *store.User, d *userData, _ code) error {
		cred := newCredential(p.id(), rec.Username, *in.Password, s.clock())
		d.Password = &cred
		if rec.Status == statusResetRequired || rec.Status == statusForceChangePassword {
			rec.Status = statusConfirmed
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ConfirmForgotPasswordResponse{}, nil
}

// AdminResetUserPassword invalidates the password (RESET_REQUIRED) and
// sends a reset code.
func (s *Service) AdminResetUserPassword(ctx context.Context, in *api.AdminResetUserPasswordRequest) (*api.AdminResetUserPasswordResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if _, ok, adminOnly := recoveryTarget(p, u); !ok && !adminOnly {
		return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	u, err = s.updateUser(ctx, p, u, func(rec *store.User, _ *userData) error {
		if rec.Status == statusConfirmed || rec.Status == statusResetRequired {
			rec.Status = statusResetRequired
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, _, adminOnly := recoveryTarget(p, u); adminOnly {
		return &api.AdminResetUserPasswordResponse{}, nil
	}
	if _, err := s.startPasswordReset(ctx, p, u); err != nil {
		return nil, err
	}
	return &api.AdminResetUserPasswordResponse{}, nil
}

// clientUser runs the prologue of the unauthenticated user operations:
// the app client, its SECRET_HASH, then the user. When only the user is
// missing, the client is returned with the UserNotFoundException, since
// what to answer then depends on the client and the operation.
func (s *Service) clientUser(ctx context.Context, clientID, username string, secretHash *string) (appClient, store.User, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return appClient{}, store.User{}, err
	}
	if err := c.checkSecretHash(username, secretHash); err != nil {
		return appClient{}, store.User{}, err
	}
	u, err := s.findUser(ctx, c.pool, username)
	return c, u, err
}

// fakeDelivery is what a client with PreventUserExistenceErrors answers for
// an unknown user: a plausible masked destination.
func fakeDelivery(p poolView, username string) *api.CodeDeliveryDetailsType {
	if p.usernameAttribute(username) == "phone_number" {
		return deliveryDetails(api.DeliveryMediumTypeSms, "phone_number", username)
	}
	dest := username
	if p.usernameAttribute(username) != "email" {
		dest = username + "@example.com"
	}
	return deliveryDetails(api.DeliveryMediumTypeEmail, "email", dest)
}

func isUserNotFound(err error) bool {
	_, ok := err.(*api.UserNotFoundException)
	return ok
}

// freeAliasFor moves to u the alias that confirming its code for purpose
// would create, when another user holds it (ForceAliasCreation).
func (s *Service) freeAliasFor(ctx context.Context, p poolView, u store.User, purpose string) error {
	d, err := decodeUserData(&u)
	if err != nil {
		return err
	}
	name := d.Codes[purpose].Attr
	value := attr(u, name)
	if name == "" || value == "" || !p.isAlias(name) {
		return nil
	}
	key := p.aliasKey(name, value)
	holder, err := s.store.GetUserByAlias(ctx, p.id(), key)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	if holder.Key == u.Key {
		return nil
	}
	return s.takeAlias(ctx, p, key)
}
