package messaging

import (
	"html"
	"strings"
)

// Placeholders of Cognito message templates.
const (
	// PlaceholderCode is replaced by the verification code or the
	// temporary password.
	PlaceholderCode = "{####}"
	// PlaceholderUsername is replaced by the user name (invitation
	// messages).
	PlaceholderUsername = "{username}"
	// linkOpen and linkClose delimit the link text of a CONFIRM_WITH_LINK
	// template: {##Click here##}.
	linkOpen  = "{##"
	linkClose = "##}"
)

// Default texts Cognito uses when a user pool sets none. DEFAULTS.md in
// this directory records where each comes from and how sure we are; note
// the trailing ". " that Cognito's own defaults carry.
const (
	// DefaultEmailSubject is the subject of verification-code emails
	// (VerificationMessageTemplate.EmailSubject).
	DefaultEmailSubject = "Your verification code"
	// DefaultEmailMessage is the body of verification-code emails
	// (VerificationMessageTemplate.EmailMessage).
	DefaultEmailMessage = "Your verification code is {####}. "
	// DefaultSMSMessage is the verification SMS
	// (VerificationMessageTemplate.SmsMessage).
	DefaultSMSMessage = "Your verification code is {####}. "
	// DefaultEmailSubjectByLink is the subject of CONFIRM_WITH_LINK emails
	// (VerificationMessageTemplate.EmailSubjectByLink).
	DefaultEmailSubjectByLink = "Your verification link"
	// DefaultEmailMessageByLink is the body of CONFIRM_WITH_LINK emails
	// (VerificationMessageTemplate.EmailMessageByLink).
	DefaultEmailMessageByLink = "Please click the link below to verify your email address. {##Verify Email##} "
	// DefaultInviteEmailSubject is the subject of AdminCreateUser
	// invitation emails (InviteMessageTemplate.EmailSubject).
	DefaultInviteEmailSubject = "Your temporary password"
	// DefaultInviteEmailMessage is the body of invitation emails
	// (InviteMessageTemplate.EmailMessage).
	DefaultInviteEmailMessage = "Your username is {username} and temporary password is {####}. "
	// DefaultInviteSMSMessage is the invitation SMS
	// (InviteMessageTemplate.SMSMessage).
	DefaultInviteSMSMessage = "Your username is {username} and temporary password is {####}. "
	// DefaultSMSAuthenticationMessage is the SMS MFA message
	// (SmsAuthenticationMessage).
	DefaultSMSAuthenticationMessage = "Your authentication code is {####}. "
	// DefaultEmailMFASubject and DefaultEmailMFAMessage are the email MFA
	// (EMAIL_OTP) message when the pool's EmailMfaConfiguration sets none
	// (low confidence on the exact wording).
	DefaultEmailMFASubject = "Your authentication code"
	DefaultEmailMFAMessage = "Your authentication code is {####}. "
	// DefaultForgotPasswordSubject is the subject of password-reset emails
	// when the pool's verification template is the default one. Cognito
	// uses the pool's code template for password resets once it has been
	// customised.
	DefaultForgotPasswordSubject = "Your verification code"
	// DefaultForgotPasswordMessage is the password-reset email and SMS body
	// when the pool's verification template is the default one (low
	// confidence on punctuation; see DEFAULTS.md).
	DefaultForgotPasswordMessage = "Your password reset code is {####}"
)

// Kinds of message, recorded in Message.Kind and in the inbox. They follow
// the trigger sources of Cognito's custom message Lambda
// (CustomMessage_<Kind>).
const (
	KindSignUp              = "SignUp"
	KindResendCode          = "ResendCode"
	KindForgotPassword      = "ForgotPassword"
	KindAdminCreateUser     = "AdminCreateUser"
	KindUpdateUserAttribute = "UpdateUserAttribute"
	KindVerifyUserAttribute = "VerifyUserAttribute"
	KindAuthentication      = "Authentication"
)

// Vars are the values substituted into a template.
type Vars struct {
	// Code replaces {####}: a verification code or a temporary password.
	Code string
	// Username replaces {username}.
	Username string
	// Link is the URL of a CONFIRM_WITH_LINK message. {##text##} becomes
	// <a href="Link">text</a>, as Cognito renders it; with no Link only
	// the text is kept.
	Link string
}

// Render substitutes vars into a Cognito message template: {####} becomes
// vars.Code, {username} becomes vars.Username and {##text##} becomes an
// HTML link to vars.Link labelled text. Every occurrence is replaced in one
// left-to-right pass, so substituted values are never interpreted as
// placeholders themselves. Anything else is copied verbatim.
func Render(template string, vars Vars) string {
	var b strings.Builder
	b.Grow(len(template) + len(vars.Code) + len(vars.Username) + len(vars.Link))
	for i := 0; i < len(template); {
		rest := template[i:]
		switch {
		case strings.HasPrefix(rest, PlaceholderCode):
			b.WriteString(vars.Code)
			i += len(PlaceholderCode)
			continue
		case strings.HasPrefix(rest, PlaceholderUsername):
			b.WriteString(vars.Username)
			i += len(PlaceholderUsername)
			continue
		case strings.HasPrefix(rest, linkOpen):
			if end := strings.Index(rest[len(linkOpen):], linkClose); end >= 0 {
				text := rest[len(linkOpen) : len(linkOpen)+end]
				writeLink(&b, text, vars.Link)
				i += len(linkOpen) + end + len(linkClose)
				continue
			}
		}
		// Copy up to the next possible placeholder.
		next := strings.IndexByte(rest[1:], '{')
		if next < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:next+1])
		i += next + 1
	}
	return b.String()
}

func writeLink(b *strings.Builder, text, link string) {
	if link == "" {
		b.WriteString(text)
		return
	}
	b.WriteString(`<a href="`)
	b.WriteString(html.EscapeString(link))
	b.WriteString(`">`)
	b.WriteString(text)
	b.WriteString(`</a>`)
}
