package messaging

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	link := "https://auth.example.com/confirmUser?client_id=abc&user_name=jane&confirmation_code=123456"
	tests := []struct {
		name     string
		template string
		vars     Vars
		want     string
	}{
		{"code", "Your code is {####}.", Vars{Code: "123456"}, "Your code is 123456."},
		{"username and password", "Hi {username}, password {####}", Vars{Code: "Tmp!Pass1", Username: "jane"}, "Hi jane, password Tmp!Pass1"},
		{"every occurrence", "{####}-{####} {username}/{username}", Vars{Code: "1", Username: "u"}, "1-1 u/u"},
		{"no placeholders", "plain text", Vars{Code: "1"}, "plain text"},
		{"empty", "", Vars{Code: "1"}, ""},
		{"link", "Click {##Verify Email##} now", Vars{Link: link},
			`Click <a href="https://auth.example.com/confirmUser?client_id=abc&amp;user_name=jane&amp;confirmation_code=123456">Verify Email</a> now`},
		{"link without URL keeps text", "Click {##here##}.", Vars{}, "Click here."},
		{"link and code", "{##Go##} or use {####}", Vars{Code: "42", Link: "https://x.test/?a=\"b\""},
			`<a href="https://x.test/?a=&#34;b&#34;">Go</a> or use 42`},
		{"unterminated link left alone", "see {##here", Vars{Link: "https://x.test"}, "see {##here"},
		{"values are not re-expanded", "{username} {####}", Vars{Code: "{username}", Username: "{####}"}, "{####} {username}"},
		{"unknown braces kept", "{name} {#} {###} {", Vars{Code: "1"}, "{name} {#} {###} {"},
		{"case sensitive", "{USERNAME} {Username}", Vars{Username: "u"}, "{USERNAME} {Username}"},
		{"unicode", "Código: {####} ✓ {username}", Vars{Code: "654321", Username: "José"}, "Código: 654321 ✓ José"},
		{"adjacent", "{####}{username}{##x##}", Vars{Code: "1", Username: "u", Link: "https://l"}, `1u<a href="https://l">x</a>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Render(tc.template, tc.vars); got != tc.want {
				t.Errorf("Render(%q) = %q, want %q", tc.template, got, tc.want)
			}
		})
	}
}

func TestDefaultTexts(t *testing.T) {
	exact := map[string][2]string{
		"DefaultEmailSubject":             {DefaultEmailSubject, "Your verification code"},
		"DefaultEmailMessage":             {DefaultEmailMessage, "Your verification code is {####}. "},
		"DefaultSMSMessage":               {DefaultSMSMessage, "Your verification code is {####}. "},
		"DefaultEmailSubjectByLink":       {DefaultEmailSubjectByLink, "Your verification link"},
		"DefaultEmailMessageByLink":       {DefaultEmailMessageByLink, "Please click the link below to verify your email address. {##Verify Email##} "},
		"DefaultInviteEmailSubject":       {DefaultInviteEmailSubject, "Your temporary password"},
		"DefaultInviteEmailMessage":       {DefaultInviteEmailMessage, "Your username is {username} and temporary password is {####}. "},
		"DefaultInviteSMSMessage":         {DefaultInviteSMSMessage, "Your username is {username} and temporary password is {####}. "},
		"DefaultSMSAuthenticationMessage": {DefaultSMSAuthenticationMessage, "Your authentication code is {####}. "},
		"DefaultForgotPasswordSubject":    {DefaultForgotPasswordSubject, "Your verification code"},
		"DefaultForgotPasswordMessage":    {DefaultForgotPasswordMessage, "Your password reset code is {####}"},
	}
	for name, c := range exact {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	// Code templates carry the code placeholder; Cognito requires it.
	for _, tpl := range []string{DefaultEmailMessage, DefaultSMSMessage, DefaultInviteEmailMessage, DefaultInviteSMSMessage, DefaultSMSAuthenticationMessage, DefaultForgotPasswordMessage} {
		if !strings.Contains(tpl, PlaceholderCode) {
			t.Errorf("%q lacks %s", tpl, PlaceholderCode)
		}
		if strings.Contains(Render(tpl, Vars{Code: "123456", Link: "https://h/l"}), "https://h/l") {
			t.Errorf("%q is taken for a link template", tpl)
		}
	}
	// SMS templates fit Cognito's 140-character limit once rendered.
	for _, tpl := range []string{DefaultSMSMessage, DefaultInviteSMSMessage, DefaultSMSAuthenticationMessage} {
		if n := len(Render(tpl, Vars{Code: "123456", Username: strings.Repeat("u", 20)})); n > 140 {
			t.Errorf("%q renders to %d characters", tpl, n)
		}
	}
	if got := Render(DefaultEmailMessage, Vars{Code: "024681"}); got != "Your verification code is 024681. " {
		t.Errorf("default email renders %q", got)
	}
	if got := Render(DefaultInviteEmailMessage, Vars{Code: "Xy7!abcd", Username: "jane"}); got != "Your username is jane and temporary password is Xy7!abcd. " {
		t.Errorf("default invitation renders %q", got)
	}
	if got := Render(DefaultEmailMessageByLink, Vars{Link: "https://h/confirm?code=1"}); got != `Please click the link below to verify your email address. <a href="https://h/confirm?code=1">Verify Email</a> ` {
		t.Errorf("default link email renders %q", got)
	}
}

func TestExtractCode(t *testing.T) {
	tests := []struct{ body, want string }{
		{"Your verification code is 123456. ", "123456"},
		{"123456", "123456"},
		{"code:654321!", "654321"},
		{"no code here", ""},
		{"12345 is too short", ""},
		{"1234567 is too long", ""},
		{"call +15555550123 then use 246810", "246810"},
		{"first 111111 then 222222", "111111"},
		{`<a href="https://h/confirm?confirmation_code=135790&user=jane">Verify</a>`, "135790"},
		{"Código ١٢٣٤٥٦ (Arabic-Indic digits are not codes) 000042", "000042"},
		{"", ""},
		{"Your password reset code is 039126", "039126"},
	}
	for _, tc := range tests {
		if got := ExtractCode(tc.body); got != tc.want {
			t.Errorf("ExtractCode(%q) = %q, want %q", tc.body, got, tc.want)
		}
	}
}
