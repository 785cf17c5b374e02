// Package tokens issues and verifies Cognito-exact tokens: RS256 JWTs whose headers, claim sets and bytes match Amazon Cognito's, the JWKS and OpenID discovery documents that publish their keys, and opaque refresh and session tokens stored by hash.
package tokens
