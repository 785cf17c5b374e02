package tokens

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Golden payloads for fixedInput. Member order follows Cognito's HashMap
// order (the 25-claim ID token is in a 64-slot table, the access tokens in
// 32-slot ones); '/' is escaped; booleans, numbers and the address object
// are typed as Cognito types them.
const (
	goldenID = `{"sub":"8458a4e8-7041-70c6-2d7d-35a1bb8a5e1f","cognito:groups":["admins","readers"],"custom:level":"7","cognito:preferred_role":"arn:aws:iam::123456789012:role\/Admins","iss":"https:\/\/cognito-idp.us-east-1.amazonaws.com\/us-east-1_Example1","cognito:roles":["arn:aws:iam::123456789012:role\/Admins"],"updated_at":1699990000,"auth_time":1699999910,"custom:tenant":"acme\/eu","exp":1700003600,"iat":1700000000,"jti":"2b1e7f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b","email":"jane@example.com","email_verified":true,"address":{"formatted":"1 Main St\nSpringfield"},"phone_number_verified":false,"cognito:username":"jane","given_name":"Jane","origin_jti":"0f6a7c0e-5d1b-4e0e-9a43-3c2b1d7e8f90","aud":"4kq0b7ecl1k9c5t2n8m3r6v1ab","event_id":"6a3c2f1e-9b8d-4c7a-8e5f-1d2c3b4a5e6f","token_use":"id","name":"Jane Doe","phone_number":"+15555550100","family_name":"Doe"}`

	goldenAccess = `{"sub":"8458a4e8-7041-70c6-2d7d-35a1bb8a5e1f","device_key":"us-east-1_5f0c6a1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a","cognito:groups":["admins","readers"],"iss":"https:\/\/cognito-idp.us-east-1.amazonaws.com\/us-east-1_Example1","client_id":"4kq0b7ecl1k9c5t2n8m3r6v1ab","origin_jti":"0f6a7c0e-5d1b-4e0e-9a43-3c2b1d7e8f90","event_id":"6a3c2f1e-9b8d-4c7a-8e5f-1d2c3b4a5e6f","token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":1699999910,"exp":1700003600,"iat":1700000000,"jti":"2b1e7f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b","username":"jane"}`

	// A plain user: the shape of most real tokens.
	goldenPlainID = `{"sub":"8458a4e8-7041-70c6-2d7d-35a1bb8a5e1f","email_verified":false,"iss":"https:\/\/cognito-idp.us-east-1.amazonaws.com\/us-east-1_Example1","cognito:username":"jane","origin_jti":"0f6a7c0e-5d1b-4e0e-9a43-3c2b1d7e8f90","aud":"4kq0b7ecl1k9c5t2n8m3r6v1ab","event_id":"6a3c2f1e-9b8d-4c7a-8e5f-1d2c3b4a5e6f","token_use":"id","auth_time":1699999910,"exp":1700003600,"iat":1700000000,"jti":"2b1e7f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b","email":"jane@example.com"}`

	goldenPlainAccess = `{"sub":"8458a4e8-7041-70c6-2d7d-35a1bb8a5e1f","iss":"https:\/\/cognito-idp.us-east-1.amazonaws.com\/us-east-1_Example1","client_id":"4kq0b7ecl1k9c5t2n8m3r6v1ab","origin_jti":"0f6a7c0e-5d1b-4e0e-9a43-3c2b1d7e8f90","event_id":"6a3c2f1e-9b8d-4c7a-8e5f-1d2c3b4a5e6f","token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":1699999910,"exp":1700003600,"iat":1700000000,"jti":"2b1e7f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b","username":"jane"}`
)

func plainInput() Input {
	in := fixedInput()
	in.Attributes = []Attribute{{"sub", in.Sub}, {"email", "jane@example.com"}, {"email_verified", "false"}}
	in.Groups, in.Roles, in.PreferredRole, in.DeviceKey = nil, nil, "", ""
	return in
}

func TestClaimsGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		v    json.Marshaler
		want string
	}{
		{"id", BuildID(fixedInput()), goldenID},
		{"access", BuildAccess(fixedInput()), goldenAccess},
		{"plain id", BuildID(plainInput()), goldenPlainID},
		{"plain access", BuildAccess(plainInput()), goldenPlainAccess},
	} {
		for range 5 { // map iteration order must not leak into the output
			got, err := c.v.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Fatalf("%s:\n got %s\nwant %s", c.name, got, c.want)
			}
		}
	}
}

func TestBuildID(t *testing.T) {
	in := fixedInput()
	c := BuildID(in)
	if c.TokenUse != "id" || c.Aud != in.ClientID || c.Iss != in.Issuer || c.Username != "jane" {
		t.Errorf("fixed claims = %+v", c)
	}
	if c.Iat != 1700000000 || c.Exp != 1700003600 || c.AuthTime != 1699999910 {
		t.Errorf("times = iat %d exp %d auth_time %d", c.Iat, c.Exp, c.AuthTime)
	}
	if c.EmailVerified == nil || !*c.EmailVerified {
		t.Error("email_verified not a true boolean")
	}
	for _, name := range []string{"sub", "email_verified", "dev:custom:secret"} {
		if _, ok := c.Attributes[name]; ok {
			t.Errorf("attribute %q in ID token attributes", name)
		}
	}
	in.Attributes = nil
	if c := BuildID(in); c.Attributes != nil || c.EmailVerified != nil {
		t.Errorf("no attributes: %+v", c)
	}
}

func TestBuildAccess(t *testing.T) {
	in := fixedInput()
	c := BuildAccess(in)
	if c.Scope != DefaultAccessScope || c.TokenUse != "access" || c.ClientID != in.ClientID || c.DeviceKey != in.DeviceKey {
		t.Errorf("%+v", c)
	}
	in.Scope = "openid email"
	if c := BuildAccess(in); c.Scope != "openid email" {
		t.Errorf("scope %q", c.Scope)
	}
}

func TestIDTokenAttributes(t *testing.T) {
	got := IDTokenAttributes([]Attribute{
		{"sub", "x"},
		{"email_verified", "True"},
		{"phone_number_verified", "no"},
		{"updated_at", "1700000000"},
		{"address", "1 Main St"},
		{"custom:n", "42"},
		{"custom:b", "false"},
		{"custom:b", "true"}, // the last value wins
		{"birthdate", "1990-01-01"},
		{"dev:custom:hidden", "x"},
		{"cognito:user_status", "CONFIRMED"},
	})
	want := map[string]any{
		"email_verified":        true,
		"phone_number_verified": false,
		"updated_at":            int64(1700000000),
		"address":               map[string]any{"formatted": "1 Main St"},
		"custom:n":              "42",   // custom attributes stay strings, whatever their type
		"custom:b":              "true", // including booleans
		"birthdate":             "1990-01-01",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	if v := IDTokenAttributes([]Attribute{{"updated_at", "soon"}})["updated_at"]; v != "soon" {
		t.Errorf("non-numeric updated_at = %#v", v)
	}
	if IDTokenAttributes(nil) != nil || IDTokenAttributes([]Attribute{{"sub", "x"}, {"dev:custom:a", "b"}}) != nil {
		t.Error("no claims, but a non-nil map")
	}
}

func TestMarshalIgnoresAttributesNamedLikeFixedClaims(t *testing.T) {
	c := BuildID(plainInput())
	c.Attributes["token_use"] = "access"
	c.Attributes["aud"] = "evil"
	got, _ := c.MarshalJSON()
	if string(got) != goldenPlainID {
		t.Errorf("got %s", got)
	}
	a := BuildAccess(plainInput())
	a.Extra = map[string]any{"scope": "admin", "version": 2}
	got, _ = a.MarshalJSON()
	if !strings.Contains(string(got), `"scope":"aws.cognito.signin.user.admin"`) || !strings.Contains(string(got), `"version":2`) {
		t.Errorf("got %s", got)
	}
}

func TestParseClaimsRoundTrip(t *testing.T) {
	for _, in := range []Input{fixedInput(), plainInput()} {
		ac := BuildAccess(in)
		b, _ := ac.MarshalJSON()
		aback, err := ParseAccessClaims(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(aback, ac) {
			t.Errorf("access claims round trip:\n got %#v\nwant %#v", aback, ac)
		}
		if _, err := ParseAccessClaims(append(b, " \t\r\n"...)); err != nil {
			t.Errorf("trailing whitespace refused: %v", err)
		}
	}
	// Extra claims come back typed for re-marshalling.
	c, err := ParseAccessClaims([]byte(`{"sub":"s","iss":"i","client_id":"c","token_use":"access","scope":"x","auth_time":1,"exp":2,"iat":1,"username":"u","version":2,"r":1.5,"o":{"a":[1,"b"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"version": int64(2), "r": 1.5, "o": map[string]any{"a": []any{int64(1), "b"}}}
	if !reflect.DeepEqual(c.Extra, want) {
		t.Errorf("extra = %#v", c.Extra)
	}
}

func TestParseClaimsErrors(t *testing.T) {
	idB, _ := BuildID(plainInput()).MarshalJSON()
	acB, _ := BuildAccess(plainInput()).MarshalJSON()
	if _, err := ParseAccessClaims(idB); !errors.Is(err, ErrClaims) && !errors.Is(err, ErrTokenUse) {
		t.Errorf("ID payload as access: %v", err)
	}
	swap := func(b []byte, old, new string) []byte {
		return []byte(strings.Replace(string(b), old, new, 1))
	}
	for _, c := range []struct {
		name    string
		payload []byte
		want    error
	}{
		{"token_use id", swap(acB, `"token_use":"access"`, `"token_use":"id"`), ErrTokenUse},
		{"missing sub", swap(acB, `"sub":`, `"xsub":`), ErrClaims},
		{"empty client_id", swap(acB, `"client_id":"4kq0b7ecl1k9c5t2n8m3r6v1ab"`, `"client_id":""`), ErrClaims},
		{"missing client_id", swap(acB, `"client_id":`, `"xclient_id":`), ErrClaims},
		{"exp a string", swap(acB, `"exp":1700003600`, `"exp":"1700003600"`), ErrClaims},
		{"exp fractional", swap(acB, `"exp":1700003600`, `"exp":1700003600.5`), ErrClaims},
		{"iat missing", swap(acB, `"iat":`, `"xiat":`), ErrClaims},
		{"groups not strings", swap(acB, `"sub":`, `"cognito:groups":[1],"sub":`), ErrClaims},
		{"groups a string", swap(acB, `"sub":`, `"cognito:groups":"admins","sub":`), ErrClaims},
		{"not JSON", []byte(`nope`), ErrClaims},
		{"JSON null", []byte(`null`), ErrClaims},
		{"array", []byte(`[]`), ErrClaims},
		{"trailing data", append(append([]byte{}, acB...), []byte(`{}`)...), ErrClaims},
		{"trailing ]", append(append([]byte{}, acB...), []byte(`]]]garbage`)...), ErrClaims},
		{"trailing }", append(append([]byte{}, acB...), []byte(`}`)...), ErrClaims},
		{"trailing ] after whitespace", append(append([]byte{}, acB...), []byte(" \n]")...), ErrClaims},
		{"trailing comma", append(append([]byte{}, acB...), []byte(`,`)...), ErrClaims},
		{"trailing number", append(append([]byte{}, acB...), []byte(` 1`)...), ErrClaims},
	} {
		_, err := ParseAccessClaims(c.payload)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

func TestSignedTokenEndToEnd(t *testing.T) {
	key := loadKey(t, "key1.pem")
	kid := KeyID(&key.PublicKey)
	keys := KeySet{PublicKey{kid, &key.PublicKey}}
	tok, err := Sign(key, kid, BuildID(fixedInput()))
	if err != nil {
		t.Fatal(err)
	}
	payload, _, err := Verify(tok, keys)
	if err != nil {
		t.Fatal(err)
	}
	if string(payload) != goldenID {
		t.Errorf("signed payload is not the golden one: %s", payload)
	}
}
