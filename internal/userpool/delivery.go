package userpool

import (
	"context"
	"errors"
	"net/url"
	"strings"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
)

// ConfirmUserPath is where confirmation links point (Cognito's hosted
// domain path).
const ConfirmUserPath = "/confirmUser"

// maskEmail masks an address as Cognito does: first character of the
// local part and of the domain ("j***@e***").
func maskEmail(v string) string {
	local, domain, ok := strings.Cut(v, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return string([]rune(local)[0]) + "***@" + string([]rune(domain)[0]) + "***"
}

// maskPhone keeps the last four digits of a phone number ("+*******1234").
func maskPhone(v string) string {
	if len(v) <= 4 {
		return v
	}
	return "+" + strings.Repeat("*", len(v)-5) + v[len(v)-4:]
}

// deliveryDetails describes where a code went, masked.
func deliveryDetails(medium api.DeliveryMediumType, attrName, dest string) *api.CodeDeliveryDetailsType {
	masked := maskPhone(dest)
	if medium == api.DeliveryMediumTypeEmail {
		masked = maskEmail(dest)
	}
	return &api.CodeDeliveryDetailsType{Destination: ptr(masked), DeliveryMedium: ptr(medium), AttributeName: ptr(attrName)}
}

// send delivers one message; a delivery failure becomes Cognito's
// CodeDeliveryFailureException.
func (s *Service) send(ctx context.Context, m messaging.Message) error {
	if s.sender == nil {
		return api.NewCodeDeliveryFailureException("No message sender is configured.")
	}
	if err := s.sender.Send(ctx, m); err != nil {
		if errors.Is(err, messaging.ErrDelivery) {
			s.log.WarnContext(ctx, "message delivery failed", "pool", m.PoolID, "kind", m.Kind, "channel", m.Channel, "error", err)
			return api.NewCodeDeliveryFailureException("Unable to deliver the message to " + string(m.Channel) + ".")
		}
		return err
	}
	return nil
}

// sendInvitation sends AdminCreateUser's invitation with the temporary
// password on each medium.
func (s *Service) sendInvitation(ctx context.Context, p poolView, u store.User, password string, mediums []api.DeliveryMediumType) error {
	var tmpl api.MessageTemplateType
	if p.AdminCreateUserConfig != nil && p.AdminCreateUserConfig.InviteMessageTemplate != nil {
		tmpl = *p.AdminCreateUserConfig.InviteMessageTemplate
	}
	vars := messaging.Vars{Code: password, Username: u.Username}
	if p.hasUsernameAttributes() {
		if v := attr(u, "email"); v != "" {
			vars.Username = v
		} else if v := attr(u, "phone_number"); v != "" {
			vars.Username = v
		}
	}
	for _, m := range mediums {
		msg := messaging.Message{PoolID: p.id(), Username: u.Username, Kind: messaging.KindAdminCreateUser}
		switch m {
		case api.DeliveryMediumTypeEmail:
			msg.Channel, msg.To = messaging.ChannelEmail, attr(u, "email")
			msg.Subject = orDefault(tmpl.EmailSubject, messaging.DefaultInviteEmailSubject)
			msg.Body = messaging.Render(orDefault(tmpl.EmailMessage, messaging.DefaultInviteEmailMessage), vars)
		default:
			msg.Channel, msg.To = messaging.ChannelSMS, attr(u, "phone_number")
			if msg.To == "" {
				continue
			}
			msg.Body = messaging.Render(orDefault(tmpl.SMSMessage, messaging.DefaultInviteSMSMessage), vars)
		}
		if err := s.send(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}

func orDefault(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

// codeTarget picks where a verification code goes: the attribute, its
// medium and its value.
type codeTarget struct {
	attr   string
	medium api.DeliveryMediumType
	dest   string
}

// sendCode sends a verification code with the pool's verification
// template (used for sign-up, resend, attribute verification and password
// reset, as Cognito does) and returns the masked delivery details.
//
// Sign-up codes sent by email in a pool whose DefaultEmailOption is
// CONFIRM_WITH_LINK go out as a link to /confirmUser instead (clientID
// names the client in the link).
func (s *Service) sendCode(ctx context.Context, p poolView, u store.User, t codeTarget, value, kind, clientID string) (*api.CodeDeliveryDetailsType, error) {
	vt := p.VerificationMessageTemplate
	if vt == nil {
		vt = &api.VerificationMessageTemplateType{}
	}
	msg := messaging.Message{PoolID: p.id(), Username: u.Username, Kind: kind, To: t.dest}
	vars := messaging.Vars{Code: value, Username: u.Username}
	byLink := deref(vt.DefaultEmailOption) == api.DefaultEmailOptionTypeConfirmWithLink &&
		(kind == messaging.KindSignUp || kind == messaging.KindResendCode) && clientID != ""
	switch {
	case t.medium == api.DeliveryMediumTypeEmail && byLink:
		msg.Channel, msg.HTML = messaging.ChannelEmail, true
		q := url.Values{"client_id": {clientID}, "user_name": {u.Username}, "confirmation_code": {value}}
		vars.Link = s.baseURL(ctx) + ConfirmUserPath + "?" + q.Encode()
		msg.Subject = orDefault(vt.EmailSubjectByLink, messaging.DefaultEmailSubjectByLink)
		msg.Body = messaging.Render(orDefault(vt.EmailMessageByLink, messaging.DefaultEmailMessageByLink), vars)
	case t.medium == api.DeliveryMediumTypeEmail:
		msg.Channel = messaging.ChannelEmail
		subject := orDefault(vt.EmailSubject, orDefault(p.EmailVerificationSubject, messaging.DefaultEmailSubject))
		body := orDefault(vt.EmailMessage, orDefault(p.EmailVerificationMessage, messaging.DefaultEmailMessage))
		if kind == messaging.KindForgotPassword && vt.EmailMessage == nil && p.EmailVerificationMessage == nil {
			subject, body = messaging.DefaultForgotPasswordSubject, messaging.DefaultForgotPasswordMessage
		}
		msg.Subject, msg.Body = subject, messaging.Render(body, vars)
	default:
		msg.Channel = messaging.ChannelSMS
		body := orDefault(vt.SmsMessage, orDefault(p.SmsVerificationMessage, messaging.DefaultSMSMessage))
		if kind == messaging.KindForgotPassword && vt.SmsMessage == nil && p.SmsVerificationMessage == nil {
			body = messaging.DefaultForgotPasswordMessage
		}
		msg.Body = messaging.Render(body, vars)
	}
	if err := s.send(ctx, msg); err != nil {
		return nil, err
	}
	return deliveryDetails(t.medium, t.attr, t.dest), nil
}

// signUpTarget is where sign-up confirmation codes go: the auto-verified
// attributes the user has, the phone number first as Cognito prefers SMS.
func signUpTarget(p poolView, u store.User) (codeTarget, bool) {
	if p.autoVerifies("phone_number") {
		if v := attr(u, "phone_number"); v != "" {
			return codeTarget{"phone_number", api.DeliveryMediumTypeSms, v}, true
		}
	}
	if p.autoVerifies("email") {
		if v := attr(u, "email"); v != "" {
			return codeTarget{"email", api.DeliveryMediumTypeEmail, v}, true
		}
	}
	return codeTarget{}, false
}

// recoveryTarget is where password-reset codes go, following the pool's
// AccountRecoverySetting (by priority) or, without one, Cognito's legacy
// order: verified phone first, then verified email.
func recoveryTarget(p poolView, u store.User) (codeTarget, bool, bool) {
	phone := func() (codeTarget, bool) {
		v := attr(u, "phone_number")
		return codeTarget{"phone_number", api.DeliveryMediumTypeSms, v}, v != "" && attr(u, "phone_number_verified") == "true"
	}
	email := func() (codeTarget, bool) {
		v := attr(u, "email")
		return codeTarget{"email", api.DeliveryMediumTypeEmail, v}, v != "" && attr(u, "email_verified") == "true"
	}
	order := []func() (codeTarget, bool){phone, email}
	if r := p.AccountRecoverySetting; r != nil && len(r.RecoveryMechanisms) > 0 {
		mechs := append([]api.RecoveryOptionType(nil), r.RecoveryMechanisms...)
		for i := 1; i < len(mechs); i++ {
			for j := i; j > 0 && deref(mechs[j].Priority) < deref(mechs[j-1].Priority); j-- {
				mechs[j], mechs[j-1] = mechs[j-1], mechs[j]
			}
		}
		order = order[:0]
		for _, m := range mechs {
			switch deref(m.Name) {
			case api.RecoveryOptionNameTypeAdminOnly:
				return codeTarget{}, false, true
			case api.RecoveryOptionNameTypeVerifiedPhoneNumber:
				order = append(order, phone)
			case api.RecoveryOptionNameTypeVerifiedEmail:
				order = append(order, email)
			}
		}
	}
	for _, f := range order {
		if t, ok := f(); ok {
			return t, true, false
		}
	}
	return codeTarget{}, false, false
}
