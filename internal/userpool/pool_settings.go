package userpool

import (
	"encoding/json"
	"fmt"
	"slices"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/store"
)

// poolSettings is what a pool's stored document holds: the whole
// UserPoolType except the members computed on read (Id, Name, dates, Arn,
// EstimatedNumberOfUsers).
type poolSettings = api.UserPoolType

// applyPoolDefaults fills the members Cognito defaults when a request
// leaves them out.
func applyPoolDefaults(p *poolSettings) {
	if p.Policies == nil {
		p.Policies = &api.UserPoolPolicyType{}
	}
	if p.Policies.PasswordPolicy == nil {
		p.Policies.PasswordPolicy = &api.PasswordPolicyType{
			MinimumLength: ptr(int32(8)), RequireUppercase: ptr(true), RequireLowercase: ptr(true),
			RequireNumbers: ptr(true), RequireSymbols: ptr(true),
		}
	}
	pp := p.Policies.PasswordPolicy
	if pp.MinimumLength == nil {
		pp.MinimumLength = ptr(int32(8))
	}
	for _, b := range []**bool{&pp.RequireUppercase, &pp.RequireLowercase, &pp.RequireNumbers, &pp.RequireSymbols} {
		if *b == nil {
			*b = ptr(false)
		}
	}
	if pp.TemporaryPasswordValidityDays == nil {
		pp.TemporaryPasswordValidityDays = ptr(int32(7))
	}
	if p.Policies.SignInPolicy == nil {
		p.Policies.SignInPolicy = &api.SignInPolicyType{AllowedFirstAuthFactors: []api.AuthFactorType{api.AuthFactorTypePassword}}
	}
	if p.DeletionProtection == nil {
		p.DeletionProtection = ptr(api.DeletionProtectionTypeInactive)
	}
	if p.LambdaConfig == nil {
		p.LambdaConfig = &api.LambdaConfigType{}
	}
	if p.VerificationMessageTemplate == nil {
		p.VerificationMessageTemplate = &api.VerificationMessageTemplateType{}
	}
	if p.VerificationMessageTemplate.DefaultEmailOption == nil {
		p.VerificationMessageTemplate.DefaultEmailOption = ptr(api.DefaultEmailOptionTypeConfirmWithCode)
	}
	if p.MfaConfiguration == nil {
		p.MfaConfiguration = ptr(api.UserPoolMfaTypeOff)
	}
	if p.EmailConfiguration == nil {
		p.EmailConfiguration = &api.EmailConfigurationType{}
	}
	if p.EmailConfiguration.EmailSendingAccount == nil {
		p.EmailConfiguration.EmailSendingAccount = ptr(api.EmailSendingAccountTypeCognitoDefault)
	}
	if p.UserPoolTags == nil {
		p.UserPoolTags = map[string]string{}
	}
	if p.AdminCreateUserConfig == nil {
		p.AdminCreateUserConfig = &api.AdminCreateUserConfigType{}
	}
	if p.AdminCreateUserConfig.AllowAdminCreateUserOnly == nil {
		p.AdminCreateUserConfig.AllowAdminCreateUserOnly = ptr(false)
	}
	if p.AdminCreateUserConfig.UnusedAccountValidityDays == nil {
		p.AdminCreateUserConfig.UnusedAccountValidityDays = ptr(int32(7))
	}
	if p.UserPoolTier == nil {
		p.UserPoolTier = ptr(api.UserPoolTierTypeEssentials)
	}
}

// checkPoolSettings enforces Cognito's rules across pool settings, shared by
// CreateUserPool and UpdateUserPool; m is the pool's MFA configuration
// (SetUserPoolMfaConfig), under which TOTP or email MFA need no SMS.
func checkPoolSettings(p *poolSettings, m *poolMFA) error {
	if len(p.AliasAttributes) > 0 && len(p.UsernameAttributes) > 0 {
		return invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User pool.")
	}
	mfa := deref(p.MfaConfiguration)
	otherFactor := m != nil && (m.SoftwareToken || m.Email != nil)
	if (mfa == api.UserPoolMfaTypeOn || mfa == api.UserPoolMfaTypeOptional) && p.SmsConfiguration == nil && !otherFactor {
		return invalidParameter("SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
	}
	if slices.Contains(p.AutoVerifiedAttributes, api.VerifiedAttributeTypePhoneNumber) && p.SmsConfiguration == nil {
		return invalidParameter("SMS configuration is required when phone_number is selected for auto verification")
	}
	if u := p.UserAttributeUpdateSettings; u != nil {
		for _, a := range u.AttributesRequireVerificationBeforeUpdate {
			if !slices.Contains(p.AutoVerifiedAttributes, api.VerifiedAttributeType(a)) {
				return invalidParameter("All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")
			}
		}
	}
	if r := p.AccountRecoverySetting; r != nil {
		names := map[api.RecoveryOptionNameType]bool{}
		prios := map[int32]bool{}
		for _, m := range r.RecoveryMechanisms {
			if names[deref(m.Name)] || prios[deref(m.Priority)] {
				return invalidParameter("Account Recovery Setting cannot have duplicate priorities or recovery mechanisms.")
			}
			names[deref(m.Name)], prios[deref(m.Priority)] = true, true
		}
		if names[api.RecoveryOptionNameTypeAdminOnly] && len(r.RecoveryMechanisms) > 1 {
			return invalidParameter("Account Recovery Setting cannot use admin_only setting with any other recovery mechanisms.")
		}
	}
	if sp := p.Policies.SignInPolicy; sp != nil && !slices.Contains(sp.AllowedFirstAuthFactors, api.AuthFactorTypePassword) {
		return invalidParameter("Password should be configured as one of the allowed first auth factors.")
	}
	if e := p.EmailConfiguration; e != nil && deref(e.EmailSendingAccount) == api.EmailSendingAccountTypeDeveloper && e.SourceArn == nil {
		return invalidParameter("Source ARN is required to use DEVELOPER email sending owner")
	}
	return nil
}

// decodePool turns a stored pool into the UserPoolType the API returns.
func (s *Service) decodePool(rec store.UserPool) (*api.UserPoolType, error) {
	var p api.UserPoolType
	if err := json.Unmarshal(rec.Settings, &p); err != nil {
		return nil, fmt.Errorf("decode settings of pool %s: %w", rec.ID, err)
	}
	p.Id = ptr(rec.ID)
	p.Name = ptr(rec.Name)
	p.CreationDate = awsjson.TimeOf(rec.CreatedAt)
	p.LastModifiedDate = awsjson.TimeOf(rec.UpdatedAt)
	p.Arn = ptr(s.poolARN(rec.ID))
	p.EstimatedNumberOfUsers = ptr(int32(0))
	return &p, nil
}

// poolMFA is the pool's MFA configuration of SetUserPoolMfaConfig, which
// UserPoolType does not carry; it is stored beside it in the document.
type poolMFA struct {
	SoftwareToken bool                    `json:"softwareToken,omitempty"`
	SMS           *api.SmsMfaConfigType   `json:"sms,omitempty"`
	Email         *api.EmailMfaConfigType `json:"email,omitempty"`
}

// poolDoc is a pool's stored document.
type poolDoc struct {
	*api.UserPoolType
	MFA *poolMFA `json:"gognito:mfa,omitempty"`
}

// mfaOf returns the MFA configuration of a stored document.
func mfaOf(doc []byte) *poolMFA {
	var d struct {
		MFA *poolMFA `json:"gognito:mfa"`
	}
	if len(doc) > 0 && json.Unmarshal(doc, &d) == nil && d.MFA != nil {
		return d.MFA
	}
	return &poolMFA{}
}

// encodePool returns the stored document of p (computed members removed),
// keeping the MFA configuration of the previous document prev.
func encodePool(p *api.UserPoolType, prev []byte) ([]byte, error) {
	return encodePoolMFA(p, mfaOf(prev))
}

func encodePoolMFA(p *api.UserPoolType, mfa *poolMFA) ([]byte, error) {
	c := *p
	c.Id, c.Name, c.CreationDate, c.LastModifiedDate, c.Arn, c.EstimatedNumberOfUsers, c.Status = nil, nil, nil, nil, nil, nil, nil
	return json.Marshal(poolDoc{UserPoolType: &c, MFA: mfa})
}
