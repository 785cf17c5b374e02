package tokens

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestOpenIDConfiguration(t *testing.T) {
	const iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1"
	got := string(OpenIDConfiguration(DomainDiscovery(iss, "https://example.auth.us-east-1.amazoncognito.com/")))
	// Cognito's member order and values (alphabetical, compact, '/' unescaped).
	want := `{"authorization_endpoint":"https://example.auth.us-east-1.amazoncognito.com/oauth2/authorize",` +
		`"end_session_endpoint":"https://example.auth.us-east-1.amazoncognito.com/logout",` +
		`"id_token_signing_alg_values_supported":["RS256"],` +
		`"issuer":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1",` +
		`"jwks_uri":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1/.well-known/jwks.json",` +
		`"response_types_supported":["code","token"],` +
		`"revocation_endpoint":"https://example.auth.us-east-1.amazoncognito.com/oauth2/revoke",` +
		`"scopes_supported":["openid","email","phone","profile"],` +
		`"subject_types_supported":["public"],` +
		`"token_endpoint":"https://example.auth.us-east-1.amazoncognito.com/oauth2/token",` +
		`"token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post"],` +
		`"userinfo_endpoint":"https://example.auth.us-east-1.amazoncognito.com/oauth2/userInfo"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestOpenIDConfigurationWithoutDomain(t *testing.T) {
	got := OpenIDConfiguration(Discovery{Issuer: "http://localhost:9229/local_abc", JWKSURI: "http://localhost:9229/local_abc/keys?a=1&b=2"})
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"authorization_endpoint", "end_session_endpoint", "revocation_endpoint", "token_endpoint", "userinfo_endpoint"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s present without a domain", k)
		}
	}
	if m["jwks_uri"] != "http://localhost:9229/local_abc/keys?a=1&b=2" || m["issuer"] != "http://localhost:9229/local_abc" {
		t.Errorf("%s", got)
	}
	if !strings.Contains(string(got), "?a=1&b=2") || strings.HasSuffix(string(got), "\n") {
		t.Errorf("want '&' unescaped and no trailing newline: %q", got)
	}
}
