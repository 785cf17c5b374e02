// Package mfa owns the one-time codes of multi-factor authentication: RFC 6238 TOTP secrets, codes, verification and otpauth URIs for Cognito's software-token MFA.
package mfa
