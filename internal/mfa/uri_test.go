package mfa

import (
	"net/url"
	"testing"
)

func TestURI(t *testing.T) {
	for _, tt := range []struct {
		issuer, account, secret, want string
	}{
		{
			"Gognito", "alice@example.com", rfcSecret,
			"otpauth://totp/Gognito:alice@example.com?secret=" + rfcSecret +
				"&issuer=Gognito&algorithm=SHA1&digits=6&period=30",
		},
		{
			"Example Co", "a:b c+d/e", "gezd gnbv gy3t qojq",
			"otpauth://totp/Example%20Co:a%3Ab%20c%2Bd%2Fe?secret=GEZDGNBVGY3TQOJQ" +
				"&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30",
		},
		{
			"", "bob", rfcSecret + "====",
			"otpauth://totp/bob?secret=" + rfcSecret + "&algorithm=SHA1&digits=6&period=30",
		},
		{
			"Ünï&=?", "z", "AAAA",
			"otpauth://totp/%C3%9Cn%C3%AF%26%3D%3F:z?secret=AAAA" +
				"&issuer=%C3%9Cn%C3%AF%26%3D%3F&algorithm=SHA1&digits=6&period=30",
		},
	} {
		if got := URI(tt.issuer, tt.account, tt.secret); got != tt.want {
			t.Errorf("URI(%q, %q, %q)\n got %s\nwant %s", tt.issuer, tt.account, tt.secret, got, tt.want)
		}
	}
}

// The URI parses back into the parts an app needs.
func TestURIParses(t *testing.T) {
	raw := URI("My Pool: prod", "user name@x.io", rfcSecret)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Errorf("scheme %q host %q", u.Scheme, u.Host)
	}
	if want := "/My Pool: prod:user name@x.io"; u.Path != want {
		t.Errorf("path %q, want %q", u.Path, want)
	}
	if want := "/My%20Pool%3A%20prod:user%20name@x.io"; u.EscapedPath() != want {
		t.Errorf("escaped path %q, want %q", u.EscapedPath(), want)
	}
	q := u.Query()
	if q.Get("secret") != rfcSecret || q.Get("issuer") != "My Pool: prod" ||
		q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("query %v", q)
	}
}
