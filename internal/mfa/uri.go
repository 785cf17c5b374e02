package mfa

import (
	"strconv"
	"strings"
)

// URI returns the otpauth:// key URI that authenticator apps read from a QR
// code, in the format Google Authenticator defined:
//
//	otpauth://totp/Issuer:account?secret=...&issuer=Issuer&algorithm=SHA1&digits=6&period=30
//
// The label and the issuer parameter are percent-encoded (a space as %20,
// a colon as %3A, since the label uses a colon to separate the two). With
// an empty issuer the label is the account alone and the issuer parameter
// is left out. The secret is written in NormalizeSecret's canonical form.
// The algorithm, digits and period parameters only restate the defaults,
// for apps that want them spelled out.
func URI(issuer, account, secret string) string {
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	if issuer != "" {
		b.WriteString(escape(issuer))
		b.WriteByte(':')
	}
	b.WriteString(escape(account))
	b.WriteString("?secret=")
	b.WriteString(escape(NormalizeSecret(secret)))
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(escape(issuer))
	}
	b.WriteString("&algorithm=SHA1&digits=")
	b.WriteString(strconv.Itoa(Digits))
	b.WriteString("&period=")
	b.WriteString(strconv.FormatInt(periodSeconds, 10))
	return b.String()
}

// escape percent-encodes every byte of s except RFC 3986's unreserved
// characters and '@', which is legal in both a path and a query and keeps
// e-mail addresses readable. Unlike url.QueryEscape it writes a space as
// %20, which every app decodes, rather than '+', which some show verbatim.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '@':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0f])
		}
	}
	return b.String()
}
