// Package mfa owns the one-time codes of multi-factor authentication: RFC 6238 TOTP secrets, codes and verification for Cognito's software-token MFA.
package mfa
