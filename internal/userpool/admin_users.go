package userpool

import (
	"context"
	"slices"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
)

// Cognito user statuses.
const (
	statusUnconfirmed         = "UNCONFIRMED"
	statusConfirmed           = "CONFIRMED"
	statusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	statusResetRequired       = "RESET_REQUIRED"
)

// newUser builds the record of a user about to be created: the username
// (a UUID equal to sub in pools whose users sign in with email or phone),
// sub first among the attributes, then the given ones.
func (s *Service) newUser(p poolView, username string, attrs []api.AttributeType) (store.User, error) {
	sub := s.ids.UUID()
	now := s.clock()
	u := store.User{PoolID: p.id(), Sub: sub, Enabled: true, CreatedAt: now, UpdatedAt: now}
	u.Attributes = []store.Attribute{{Name: "sub", Value: sub}}
	if p.hasUsernameAttributes() {
		attr := p.usernameAttribute(username)
		if attr == "" {
			return store.User{}, invalidParameter("Username should be either an email or a phone number.")
		}
		u.Username = sub
		setAttr(&u, attr, username)
	} else {
		u.Username = username
	}
	u.Key = p.usernameKey(u.Username)
	applyAttributes(p, &u, attrs)
	if err := checkRequired(p, u.Attributes); err != nil {
		return store.User{}, err
	}
	u.Aliases = p.aliasesOf(u.Attributes)
	return u, nil
}

// createUser inserts u; with forceAlias, aliases held by other users move
// to u as Cognito's ForceAliasCreation does.
func (s *Service) createUser(ctx context.Context, p poolView, u store.User, forceAlias bool) error {
	for attempt := 0; ; attempt++ {
		err := s.store.CreateUser(ctx, u)
		c, conflict := store.AsConflict(err)
		if !conflict || c.Field != store.ConflictAlias || !forceAlias || attempt > 3 {
			if err == nil {
				return nil
			}
			err = s.userWriteErr(p, err)
			if e, ok := err.(*api.AliasExistsException); ok {
				// Creation operations report a taken alias as a taken
				// username (their models declare no AliasExistsException).
				return api.NewUsernameExistsException(e.ErrorMessage())
			}
			return err
		}
		if err := s.takeAlias(ctx, p, c.Key); err != nil {
			return err
		}
	}
}

// takeAlias removes an alias from the user holding it by marking the
// attribute unverified (for UsernameAttributes pools the attribute itself
// is removed, since it can only identify one user).
func (s *Service) takeAlias(ctx context.Context, p poolView, alias string) error {
	holder, err := s.store.GetUserByAlias(ctx, p.id(), alias)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	_, err = s.updateUser(ctx, p, holder, func(u *store.User, _ *userData) error {
		for _, name := range []string{"email", "phone_number", "preferred_username"} {
			v, ok := u.Attribute(name)
			if !ok || p.aliasKey(name, v) != alias {
				continue
			}
			if name == "preferred_username" || p.hasUsernameAttributes() {
				deleteAttr(u, name)
			} else {
				setAttr(u, name+"_verified", "false")
			}
		}
		return nil
	})
	return err
}

// AdminCreateUser creates a user with a temporary password and sends the
// invitation (unless suppressed), or resends it.
func (s *Service) AdminCreateUser(ctx context.Context, in *api.AdminCreateUserRequest) (*api.AdminCreateUserResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if deref(in.MessageAction) == api.MessageActionTypeResend {
		return s.resendInvitation(ctx, p, in)
	}
	if err := checkAttributeWrites(p, in.UserAttributes, adminWriter, true); err != nil {
		return nil, err
	}
	password := deref(in.TemporaryPassword)
	if password == "" {
		password = generatePassword(p)
	} else if err := checkPassword(p, password); err != nil {
		return nil, err
	}
	u, err := s.newUser(p, *in.Username, in.UserAttributes)
	if err != nil {
		return nil, err
	}
	mediums, err := invitationMediums(u, in.DesiredDeliveryMediums, deref(in.MessageAction) == api.MessageActionTypeSuppress)
	if err != nil {
		return nil, err
	}
	u.Status = statusForceChangePassword
	if err := encodeUserData(&u, userData{Password: s.temporaryCredential(p, u.Username, password), InGroups: ptr(false)}); err != nil {
		return nil, err
	}
	if err := s.createUser(ctx, p, u, deref(in.ForceAliasCreation)); err != nil {
		return nil, err
	}
	if err := s.sendInvitation(ctx, p, u, password, mediums); err != nil {
		return nil, err
	}
	out := userType(u, nil)
	return &api.AdminCreateUserResponse{User: &out}, nil
}

// temporaryCredential returns the credential of a temporary password,
// expiring after the pool's TemporaryPasswordValidityDays.
func (s *Service) temporaryCredential(p poolView, username, password string) *credential {
	c := newCredential(p.id(), username, password, s.clock())
	c.Temporary = true
	days := int32(7)
	if p.Policies != nil && p.Policies.PasswordPolicy != nil && p.Policies.PasswordPolicy.TemporaryPasswordValidityDays != nil {
		days = *p.Policies.PasswordPolicy.TemporaryPasswordValidityDays
	}
	exp := s.clock().Add(time.Duration(days) * 24 * time.Hour)
	c.ExpiresAt = &exp
	return &c
}

// invitationMediums decides where the invitation goes (SMS by default).
func invitationMediums(u store.User, desired []api.DeliveryMediumType, suppress bool) ([]api.DeliveryMediumType, error) {
	if suppress {
		return nil, nil
	}
	if len(desired) == 0 {
		desired = []api.DeliveryMediumType{api.DeliveryMediumTypeSms}
	}
	for _, m := range desired {
		switch m {
		case api.DeliveryMediumTypeEmail:
			if attr(u, "email") == "" {
				return nil, invalidParameter("User has no attribute matching desired delivery mediums")
			}
		case api.DeliveryMediumTypeSms:
			if attr(u, "phone_number") == "" && !slices.Contains(desired, api.DeliveryMediumTypeEmail) {
				return nil, invalidParameter("User has no attribute matching desired delivery mediums")
			}
		}
	}
	return desired, nil
}

// resendInvitation issues a new temporary password to a user who has not
// signed in yet and sends the invitation again.
func (s *Service) resendInvitation(ctx context.Context, p poolView, in *api.AdminCreateUserRequest) (*api.AdminCreateUserResponse, error) {
	u, err := s.findUser(ctx, p, *in.Username)
	if err != nil {
		return nil, err
	}
	if u.Status != statusForceChangePassword {
		return nil, api.NewUnsupportedUserStateException("Resend not possible. " + u.Username + " status is not FORCE_CHANGE_PASSWORD")
	}
	mediums, err := invitationMediums(u, in.DesiredDeliveryMediums, false)
	if err != nil {
		return nil, err
	}
	password := deref(in.TemporaryPassword)
	if password == "" {
		password = generatePassword(p)
	} else if err := checkPassword(p, password); err != nil {
		return nil, err
	}
	u, err = s.updateUser(ctx, p, u, func(rec *store.User, d *userData) error {
		d.Password = s.temporaryCredential(p, rec.Username, password)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.sendInvitation(ctx, p, u, password, mediums); err != nil {
		return nil, err
	}
	out := userType(u, nil)
	return &api.AdminCreateUserResponse{User: &out}, nil
}

// AdminGetUser returns a user.
func (s *Service) AdminGetUser(ctx context.Context, in *api.AdminGetUserRequest) (*api.AdminGetUserResponse, error) {
	_, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	list, preferred, options := mfaFields(u)
	ut := userType(u, nil)
	return &api.AdminGetUserResponse{
		Username:             ut.Username,
		UserAttributes:       ut.Attributes,
		UserCreateDate:       ut.UserCreateDate,
		UserLastModifiedDate: ut.UserLastModifiedDate,
		Enabled:              ut.Enabled,
		UserStatus:           ut.UserStatus,
		MFAOptions:           options,
		PreferredMfaSetting:  preferred,
		UserMFASettingList:   list,
	}, nil
}

// AdminDeleteUser deletes a user.
func (s *Service) AdminDeleteUser(ctx context.Context, in *api.AdminDeleteUserRequest) (*api.AdminDeleteUserOutput, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteUser(ctx, p.id(), u.Key); err != nil {
		return nil, s.userWriteErr(p, err)
	}
	return &api.AdminDeleteUserOutput{}, nil
}

// setEnabled enables or disables a user.
func (s *Service) setEnabled(ctx context.Context, poolID, username string, enabled bool) error {
	p, u, err := s.adminUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	_, err = s.updateUser(ctx, p, u, func(rec *store.User, _ *userData) error {
		rec.Enabled = enabled
		return nil
	})
	if err != nil || enabled {
		return err
	}
	// Disabling revokes every token the user holds, as Cognito does.
	return s.signOut(ctx, p, u)
}

// AdminEnableUser lets a disabled user sign in again.
func (s *Service) AdminEnableUser(ctx context.Context, in *api.AdminEnableUserRequest) (*api.AdminEnableUserResponse, error) {
	if err := s.setEnabled(ctx, *in.UserPoolId, *in.Username, true); err != nil {
		return nil, err
	}
	return &api.AdminEnableUserResponse{}, nil
}

// AdminDisableUser stops a user from signing in.
func (s *Service) AdminDisableUser(ctx context.Context, in *api.AdminDisableUserRequest) (*api.AdminDisableUserResponse, error) {
	if err := s.setEnabled(ctx, *in.UserPoolId, *in.Username, false); err != nil {
		return nil, err
	}
	return &api.AdminDisableUserResponse{}, nil
}

// AdminUpdateUserAttributes changes attributes as an administrator; with
// email or phone_number changed the new value starts unverified.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *api.AdminUpdateUserAttributesRequest) (*api.AdminUpdateUserAttributesResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkAttributeWrites(p, in.UserAttributes, adminWriter, false); err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, p, *in.Username)
	if err != nil {
		return nil, err
	}
	if _, err := s.updateAttributes(ctx, p, u, in.UserAttributes, ""); err != nil {
		return nil, err
	}
	return &api.AdminUpdateUserAttributesResponse{}, nil
}

// AdminDeleteUserAttributes removes attributes as an administrator.
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *api.AdminDeleteUserAttributesRequest) (*api.AdminDeleteUserAttributesResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	for _, name := range in.UserAttributeNames {
		def, ok := schemaAttr(p, name)
		if !ok {
			return nil, schemaError(name, "Attribute does not exist in the schema.")
		}
		if name == "sub" || !deref(def.Mutable) {
			return nil, invalidParameter("user.%s: Attribute cannot be updated.", name)
		}
		if deref(def.Required) {
			return nil, invalidParameter("Invalid user attributes: %s: Required attribute cannot be deleted.", name)
		}
	}
	u, err := s.findUser(ctx, p, *in.Username)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, p, u, func(rec *store.User, _ *userData) error {
		for _, name := range in.UserAttributeNames {
			deleteAttr(rec, canonicalAttrName(p, name))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.AdminDeleteUserAttributesResponse{}, nil
}

// AdminSetUserPassword sets a permanent (CONFIRMED) or temporary
// (FORCE_CHANGE_PASSWORD) password.
func (s *Service) AdminSetUserPassword(ctx context.Context, in *api.AdminSetUserPasswordRequest) (*api.AdminSetUserPasswordResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkPassword(p, *in.Password); err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, p, *in.Username)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, p, u, func(rec *store.User, d *userData) error {
		if deref(in.Permanent) {
			c := newCredential(p.id(), rec.Username, *in.Password, s.clock())
			d.Password = &c
			rec.Status = statusConfirmed
		} else {
			d.Password = s.temporaryCredential(p, rec.Username, *in.Password)
			rec.Status = statusForceChangePassword
		}
		delete(d.Codes, purposeForgot)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.AdminSetUserPasswordResponse{}, nil
}

// AdminConfirmSignUp confirms an UNCONFIRMED user without a code.
func (s *Service) AdminConfirmSignUp(ctx context.Context, in *api.AdminConfirmSignUpRequest) (*api.AdminConfirmSignUpResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, p, u, func(rec *store.User, d *userData) error {
		if rec.Status != statusUnconfirmed {
			return api.NewNotAuthorizedException("User cannot be confirmed. Current status is " + rec.Status)
		}
		rec.Status = statusConfirmed
		delete(d.Codes, purposeSignUp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.AdminConfirmSignUpResponse{}, nil
}

// attributeChange is a verification code owed after an attribute update.
type attributeChange struct {
	target codeTarget
	code   string
}

// updateAttributes applies an attribute update. An auto-verified email or
// phone number that changes (and is not marked verified by the same
// request) gets a verification code at its new value; when the pool lists
// it in AttributesRequireVerificationBeforeUpdate the new value waits,
// pending, until it is verified and the old one stays in force. It returns
// the delivery details of the codes sent.
func (s *Service) updateAttributes(ctx context.Context, p poolView, u store.User, attrs []api.AttributeType, clientID string) ([]api.CodeDeliveryDetailsType, error) {
	given := map[string]string{}
	for _, a := range attrs {
		given[deref(a.Name)] = deref(a.Value)
	}
	var changes []attributeChange
	u, err := s.updateUser(ctx, p, u, func(rec *store.User, d *userData) error {
		changes = changes[:0]
		apply := make([]api.AttributeType, 0, len(attrs))
		for _, a := range attrs {
			name, value := deref(a.Name), deref(a.Value)
			old, _ := rec.Attribute(name)
			verifiable := (name == "email" || name == "phone_number") && value != "" && value != old &&
				p.autoVerifies(name) && given[name+"_verified"] != "true"
			if !verifiable {
				apply = append(apply, a)
				continue
			}
			medium := api.DeliveryMediumTypeEmail
			if name == "phone_number" {
				medium = api.DeliveryMediumTypeSms
			}
			if requiresVerificationBeforeUpdate(p, name) && old != "" {
				if d.Pending == nil {
					d.Pending = map[string]string{}
				}
				d.Pending[name] = value
			} else {
				apply = append(apply, a)
			}
			code := s.issueCode(d, purposeVerify(name), name, verifyCodeTTL)
			changes = append(changes, attributeChange{codeTarget{name, medium, value}, code})
		}
		applyAttributes(p, rec, apply)
		return checkRequired(p, rec.Attributes)
	})
	if err != nil {
		return nil, err
	}
	var out []api.CodeDeliveryDetailsType
	for _, c := range changes {
		details, err := s.sendCode(ctx, p, u, c.target, c.code, messaging.KindUpdateUserAttribute, clientID)
		if err != nil {
			return nil, err
		}
		out = append(out, *details)
	}
	return out, nil
}

// requiresVerificationBeforeUpdate reports whether the pool keeps the old
// value of attr until a new one is verified.
func requiresVerificationBeforeUpdate(p poolView, attr string) bool {
	if p.UserAttributeUpdateSettings == nil {
		return false
	}
	for _, a := range p.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate {
		if string(a) == attr {
			return true
		}
	}
	return false
}
