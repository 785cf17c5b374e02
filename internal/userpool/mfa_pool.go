package userpool

import (
	"context"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
)

// mfaConfigOut renders a pool's MFA configuration.
func mfaConfigOut(p *api.UserPoolType, m *poolMFA) (sms *api.SmsMfaConfigType, totp *api.SoftwareTokenMfaConfigType, email *api.EmailMfaConfigType, mode *api.UserPoolMfaType) {
	totp = &api.SoftwareTokenMfaConfigType{Enabled: ptr(m.SoftwareToken)}
	return m.SMS, totp, m.Email, p.MfaConfiguration
}

// SetUserPoolMfaConfig sets the pool's MFA mode and factors.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *api.SetUserPoolMfaConfigRequest) (*api.SetUserPoolMfaConfigResponse, error) {
	var out api.SetUserPoolMfaConfigResponse
	_, err := s.store.UpdateUserPool(ctx, *in.UserPoolId, func(rec *store.UserPool) error {
		p, err := s.decodePool(*rec)
		if err != nil {
			return err
		}
		m := mfaOf(rec.Settings)
		if in.SoftwareTokenMfaConfiguration != nil {
			m.SoftwareToken = deref(in.SoftwareTokenMfaConfiguration.Enabled)
		}
		if in.SmsMfaConfiguration != nil {
			m.SMS = in.SmsMfaConfiguration
			if in.SmsMfaConfiguration.SmsConfiguration != nil {
				p.SmsConfiguration = in.SmsMfaConfiguration.SmsConfiguration
			}
			if in.SmsMfaConfiguration.SmsAuthenticationMessage != nil {
				p.SmsAuthenticationMessage = in.SmsMfaConfiguration.SmsAuthenticationMessage
			}
		}
		if in.EmailMfaConfiguration != nil {
			m.Email = in.EmailMfaConfiguration
		}
		if in.MfaConfiguration != nil {
			p.MfaConfiguration = in.MfaConfiguration
		}
		if mode := deref(p.MfaConfiguration); mode != api.UserPoolMfaTypeOff && !m.SoftwareToken && m.SMS == nil && m.Email == nil {
			return invalidParameter("At least one MFA method must be enabled when MFA is set to %s.", mode)
		}
		doc, err := encodePoolMFA(p, m)
		if err != nil {
			return err
		}
		rec.Settings, rec.UpdatedAt = doc, s.clock()
		out.SmsMfaConfiguration, out.SoftwareTokenMfaConfiguration, out.EmailMfaConfiguration, out.MfaConfiguration = mfaConfigOut(p, m)
		return nil
	})
	if err != nil {
		return nil, storeErr(err, func() error { return poolNotFound(*in.UserPoolId) })
	}
	return &out, nil
}

// GetUserPoolMfaConfig returns the pool's MFA mode and factors.
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *api.GetUserPoolMfaConfigRequest) (*api.GetUserPoolMfaConfigResponse, error) {
	p, err := s.loadPool(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var out api.GetUserPoolMfaConfigResponse
	out.SmsMfaConfiguration, out.SoftwareTokenMfaConfiguration, out.EmailMfaConfiguration, out.MfaConfiguration = mfaConfigOut(p.UserPoolType, p.mfa)
	return &out, nil
}
