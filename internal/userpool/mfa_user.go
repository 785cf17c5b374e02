package userpool

import (
	"context"
	"crypto/rand"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/mfa"
	"github.com/gognito/gognito/internal/store"
)

// MFA factor names as Cognito reports them.
const (
	factorSMS   = "SMS_MFA"
	factorTOTP  = "SOFTWARE_TOKEN_MFA"
	factorEmail = "EMAIL_OTP"
)

// userMFA is a user's MFA state, kept in the user's document. The TOTP
// secret never leaves the store except once, in AssociateSoftwareToken.
type userMFA struct {
	TOTPSecret   string `json:"totpSecret,omitempty"`
	TOTPPending  string `json:"totpPending,omitempty"`
	TOTPEnabled  bool   `json:"totpEnabled,omitempty"`
	TOTPLastStep int64  `json:"totpLastStep,omitempty"`
	TOTPName     string `json:"totpName,omitempty"`
	SMSEnabled   bool   `json:"smsEnabled,omitempty"`
	EmailEnabled bool   `json:"emailEnabled,omitempty"`
	Preferred    string `json:"preferred,omitempty"`
}

// enabledFactors lists the factors a user has turned on, in Cognito's order.
func (m userMFA) enabledFactors() []string {
	var out []string
	if m.SMSEnabled {
		out = append(out, factorSMS)
	}
	if m.TOTPEnabled {
		out = append(out, factorTOTP)
	}
	if m.EmailEnabled {
		out = append(out, factorEmail)
	}
	return out
}

// mfaFields renders the MFA members of GetUser / AdminGetUser.
func mfaFields(u store.User) (list []string, preferred *string, options []api.MFAOptionType) {
	d, err := decodeUserData(&u)
	if err != nil {
		return nil, nil, nil
	}
	list = d.MFA.enabledFactors()
	if d.MFA.Preferred != "" {
		preferred = ptr(d.MFA.Preferred)
	}
	if d.MFA.SMSEnabled {
		options = []api.MFAOptionType{{DeliveryMedium: ptr(api.DeliveryMediumTypeSms), AttributeName: ptr("phone_number")}}
	}
	return list, preferred, options
}

// softwareTokenSubject resolves who associates or verifies a software
// token: the holder of an access token, or the user of an MFA_SETUP
// sign-in session (which is then kept for the next step).
func (s *Service) softwareTokenSubject(ctx context.Context, accessToken, session *string) (poolView, store.User, *mfaSetup, error) {
	if accessToken != nil {
		cl, err := s.authorizeAccess(ctx, *accessToken)
		if err != nil {
			return poolView{}, store.User{}, nil, err
		}
		return cl.client.pool, cl.user, nil, nil
	}
	if session == nil || *session == "" {
		return poolView{}, store.User{}, nil, invalidParameter("Either AccessToken or Session must be provided.")
	}
	setup, err := s.takeSetupSession(ctx, *session)
	if err != nil {
		return poolView{}, store.User{}, nil, err
	}
	u, err := s.store.GetUser(ctx, setup.client.pool.id(), setup.sess.UserKey)
	if err != nil {
		return poolView{}, store.User{}, nil, storeErr(err, userNotFound)
	}
	return setup.client.pool, u, setup, nil
}

// AssociateSoftwareToken creates a TOTP secret for the user (pending until
// verified).
func (s *Service) AssociateSoftwareToken(ctx context.Context, in *api.AssociateSoftwareTokenRequest) (*api.AssociateSoftwareTokenResponse, error) {
	p, u, setup, err := s.softwareTokenSubject(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	secret, err := mfa.NewSecret(rand.Reader)
	if err != nil {
		return nil, err
	}
	sealed, err := s.secrets.Seal(secret, totpContext(p, u))
	if err != nil {
		return nil, err
	}
	if _, err := s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
		d.MFA.TOTPPending = sealed
		return nil
	}); err != nil {
		return nil, err
	}
	out := &api.AssociateSoftwareTokenResponse{SecretCode: &secret}
	if setup != nil {
		next, err := s.reopenSetupSession(ctx, setup)
		if err != nil {
			return nil, err
		}
		out.Session = &next
	}
	return out, nil
}

// VerifySoftwareToken checks a TOTP code against the pending secret and
// turns software-token MFA on.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *api.VerifySoftwareTokenRequest) (*api.VerifySoftwareTokenResponse, error) {
	p, u, setup, err := s.softwareTokenSubject(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	var verified bool
	_, err = s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
		if d.MFA.TOTPPending == "" {
			return api.NewInvalidParameterException("Software token is not associated with the user.")
		}
		secret, err := s.secrets.Open(d.MFA.TOTPPending, totpContext(p, u))
		if err != nil {
			return err
		}
		step, ok := mfa.Verify(secret, *in.UserCode, s.clock(), 0)
		verified = ok
		if !ok {
			return nil
		}
		d.MFA.TOTPSecret, d.MFA.TOTPPending, d.MFA.TOTPEnabled, d.MFA.TOTPLastStep = d.MFA.TOTPPending, "", true, step
		d.MFA.TOTPName = deref(in.FriendlyDeviceName)
		if d.MFA.Preferred == "" && len(d.MFA.enabledFactors()) == 1 {
			d.MFA.Preferred = factorTOTP
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !verified {
		if setup != nil {
			if err := s.restoreSetupSession(ctx, setup); err != nil {
				return nil, err
			}
		}
		return nil, api.NewEnableSoftwareTokenMFAException("Code mismatch and fail enable Software Token MFA")
	}
	out := &api.VerifySoftwareTokenResponse{Status: ptr(api.VerifySoftwareTokenResponseTypeSuccess)}
	if setup != nil {
		next, err := s.reopenSetupSession(ctx, setup)
		if err != nil {
			return nil, err
		}
		out.Session = &next
	}
	return out, nil
}

// totpContext binds a sealed TOTP key to its pool and user.
func totpContext(p poolView, u store.User) string { return "totp:" + p.id() + ":" + u.Sub }

// mfaPreference is the request of SetUserMFAPreference and its admin twin.
type mfaPreference struct {
	sms, totp, email *api.SMSMfaSettingsType
}

// applyPreference changes which factors are on and which is preferred.
func applyPreference(p poolView, u store.User, d *userData, pref mfaPreference) error {
	set := func(s *api.SMSMfaSettingsType, name string, enabled *bool, available bool) error {
		if s == nil {
			return nil
		}
		if s.Enabled != nil {
			if *s.Enabled && !available {
				return invalidParameter("User has not set up %s.", name)
			}
			*enabled = *s.Enabled
		}
		if deref(s.PreferredMfa) {
			if !*enabled {
				return invalidParameter("The preferred MFA method must be enabled.")
			}
			d.MFA.Preferred = name
		} else if d.MFA.Preferred == name && (s.PreferredMfa != nil || !*enabled) {
			d.MFA.Preferred = ""
		}
		return nil
	}
	if err := set(pref.sms, factorSMS, &d.MFA.SMSEnabled, attr(u, "phone_number") != ""); err != nil {
		return err
	}
	if err := set(pref.totp, factorTOTP, &d.MFA.TOTPEnabled, d.MFA.TOTPSecret != ""); err != nil {
		return err
	}
	return set(pref.email, factorEmail, &d.MFA.EmailEnabled, attr(u, "email") != "")
}

// SetUserMFAPreference sets the caller's MFA factors and preference.
func (s *Service) SetUserMFAPreference(ctx context.Context, in *api.SetUserMFAPreferenceRequest) (*api.SetUserMFAPreferenceResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	pref := mfaPreference{sms: in.SMSMfaSettings, totp: smsLike(in.SoftwareTokenMfaSettings), email: emailLike(in.EmailMfaSettings)}
	if _, err := s.updateUser(ctx, cl.client.pool, cl.user, func(rec *store.User, d *userData) error {
		return applyPreference(cl.client.pool, *rec, d, pref)
	}); err != nil {
		return nil, err
	}
	return &api.SetUserMFAPreferenceResponse{}, nil
}

// AdminSetUserMFAPreference sets a user's MFA factors and preference.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *api.AdminSetUserMFAPreferenceRequest) (*api.AdminSetUserMFAPreferenceResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	pref := mfaPreference{sms: in.SMSMfaSettings, totp: smsLike(in.SoftwareTokenMfaSettings), email: emailLike(in.EmailMfaSettings)}
	if _, err := s.updateUser(ctx, p, u, func(rec *store.User, d *userData) error {
		return applyPreference(p, *rec, d, pref)
	}); err != nil {
		return nil, err
	}
	return &api.AdminSetUserMFAPreferenceResponse{}, nil
}

func smsLike(t *api.SoftwareTokenMfaSettingsType) *api.SMSMfaSettingsType {
	if t == nil {
		return nil
	}
	return &api.SMSMfaSettingsType{Enabled: t.Enabled, PreferredMfa: t.PreferredMfa}
}

func emailLike(t *api.EmailMfaSettingsType) *api.SMSMfaSettingsType {
	if t == nil {
		return nil
	}
	return &api.SMSMfaSettingsType{Enabled: t.Enabled, PreferredMfa: t.PreferredMfa}
}

// setLegacyMFAOptions applies SetUserSettings' MFAOptions: an SMS option
// turns SMS MFA on, an empty list turns it off.
func setLegacyMFAOptions(u store.User, d *userData, options []api.MFAOptionType) error {
	d.MFA.SMSEnabled = false
	for _, o := range options {
		if deref(o.DeliveryMedium) == api.DeliveryMediumTypeSms && deref(o.AttributeName) == "phone_number" {
			if attr(u, "phone_number") == "" {
				return invalidParameter("User does not have a phone number.")
			}
			d.MFA.SMSEnabled = true
		}
	}
	if !d.MFA.SMSEnabled && d.MFA.Preferred == factorSMS {
		d.MFA.Preferred = ""
	}
	return nil
}

// SetUserSettings sets the caller's legacy MFA options.
func (s *Service) SetUserSettings(ctx context.Context, in *api.SetUserSettingsRequest) (*api.SetUserSettingsResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	if _, err := s.updateUser(ctx, cl.client.pool, cl.user, func(rec *store.User, d *userData) error {
		return setLegacyMFAOptions(*rec, d, in.MFAOptions)
	}); err != nil {
		return nil, err
	}
	return &api.SetUserSettingsResponse{}, nil
}

// AdminSetUserSettings sets a user's legacy MFA options.
func (s *Service) AdminSetUserSettings(ctx context.Context, in *api.AdminSetUserSettingsRequest) (*api.AdminSetUserSettingsResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if _, err := s.updateUser(ctx, p, u, func(rec *store.User, d *userData) error {
		return setLegacyMFAOptions(*rec, d, in.MFAOptions)
	}); err != nil {
		return nil, err
	}
	return &api.AdminSetUserSettingsResponse{}, nil
}

// AdminDeleteSoftwareToken removes a user's TOTP factor.
func (s *Service) AdminDeleteSoftwareToken(ctx context.Context, in *api.AdminDeleteSoftwareTokenRequest) (*api.AdminDeleteSoftwareTokenResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if _, err := s.updateUser(ctx, p, u, func(_ *store.User, d *userData) error {
		d.MFA.TOTPSecret, d.MFA.TOTPPending, d.MFA.TOTPEnabled, d.MFA.TOTPName = "", "", false, ""
		if d.MFA.Preferred == factorTOTP {
			d.MFA.Preferred = ""
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return &api.AdminDeleteSoftwareTokenResponse{}, nil
}
