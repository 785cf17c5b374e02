package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
)

// jwk is one key of a JWKS, fields in the order Cognito writes them
// (alphabetical): {"alg":"RS256","e":"AQAB","kid":"…","kty":"RSA","n":"…","use":"sig"}.
type jwk struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

// JWKS returns the JSON Web Key Set document Cognito serves at
// /.well-known/jwks.json, keys in the given order:
//
//	{"keys":[{"alg":"RS256","e":"AQAB","kid":"…","kty":"RSA","n":"…","use":"sig"}]}
//
// Compact; n and e are unpadded base64url big-endian integers. Unlike the
// token writer, Cognito's JWKS writer does not escape '/' in kids.
func JWKS(keys []PublicKey) []byte {
	doc := struct {
		Keys []jwk `json:"keys"`
	}{Keys: make([]jwk, 0, len(keys))}
	for _, k := range keys {
		doc.Keys = append(doc.Keys, jwk{
			Alg: AlgRS256,
			E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.Key.E)).Bytes()),
			Kid: k.KeyID,
			Kty: "RSA",
			N:   base64.RawURLEncoding.EncodeToString(k.Key.N.Bytes()),
			Use: "sig",
		})
	}
	return marshalCompact(doc)
}

// Discovery is what the OpenID Connect discovery document says about a user
// pool. Empty endpoints are left out (a pool without a domain has none).
type Discovery struct {
	Issuer string // https://cognito-idp.{region}.amazonaws.com/{userPoolId}
	// JWKSURI defaults to Issuer + "/.well-known/jwks.json".
	JWKSURI string

	AuthorizationEndpoint string // https://{domain}/oauth2/authorize
	TokenEndpoint         string // https://{domain}/oauth2/token
	UserInfoEndpoint      string // https://{domain}/oauth2/userInfo
	RevocationEndpoint    string // https://{domain}/oauth2/revoke
	EndSessionEndpoint    string // https://{domain}/logout
}

// DomainDiscovery returns the Discovery of a pool whose OAuth 2.0 endpoints
// are served under a domain base URL such as
// "https://example.auth.us-east-1.amazoncognito.com", at Cognito's paths.
func DomainDiscovery(issuer, base string) Discovery {
	base = strings.TrimRight(base, "/")
	return Discovery{
		Issuer:                issuer,
		AuthorizationEndpoint: base + "/oauth2/authorize",
		TokenEndpoint:         base + "/oauth2/token",
		UserInfoEndpoint:      base + "/oauth2/userInfo",
		RevocationEndpoint:    base + "/oauth2/revoke",
		EndSessionEndpoint:    base + "/logout",
	}
}

// OpenIDConfiguration returns the OpenID Connect discovery document Cognito
// serves at {issuer}/.well-known/openid-configuration. Members are those of
// Cognito's document, in its (alphabetical) order, compact:
//
//	authorization_endpoint, end_session_endpoint,
//	id_token_signing_alg_values_supported ["RS256"], issuer, jwks_uri,
//	response_types_supported ["code","token"], revocation_endpoint,
//	scopes_supported ["openid","email","phone","profile"],
//	subject_types_supported ["public"], token_endpoint,
//	token_endpoint_auth_methods_supported ["client_secret_basic","client_secret_post"],
//	userinfo_endpoint
func OpenIDConfiguration(d Discovery) []byte {
	jwksURI := d.JWKSURI
	if jwksURI == "" {
		jwksURI = strings.TrimRight(d.Issuer, "/") + "/.well-known/jwks.json"
	}
	doc := struct {
		AuthorizationEndpoint             string   `json:"authorization_endpoint,omitempty"`
		EndSessionEndpoint                string   `json:"end_session_endpoint,omitempty"`
		IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
		Issuer                            string   `json:"issuer"`
		JWKSURI                           string   `json:"jwks_uri"`
		ResponseTypesSupported            []string `json:"response_types_supported"`
		RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
		ScopesSupported                   []string `json:"scopes_supported"`
		SubjectTypesSupported             []string `json:"subject_types_supported"`
		TokenEndpoint                     string   `json:"token_endpoint,omitempty"`
		TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
		UserInfoEndpoint                  string   `json:"userinfo_endpoint,omitempty"`
	}{
		AuthorizationEndpoint:             d.AuthorizationEndpoint,
		EndSessionEndpoint:                d.EndSessionEndpoint,
		IDTokenSigningAlgValuesSupported:  []string{AlgRS256},
		Issuer:                            d.Issuer,
		JWKSURI:                           jwksURI,
		ResponseTypesSupported:            []string{"code", "token"},
		RevocationEndpoint:                d.RevocationEndpoint,
		ScopesSupported:                   []string{"openid", "email", "phone", "profile"},
		SubjectTypesSupported:             []string{"public"},
		TokenEndpoint:                     d.TokenEndpoint,
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		UserInfoEndpoint:                  d.UserInfoEndpoint,
	}
	return marshalCompact(doc)
}

// marshalCompact encodes v without HTML escaping and without a trailing
// newline.
func marshalCompact(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only the fixed document types above are encoded; they cannot fail.
		panic("tokens: encode document: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
}
