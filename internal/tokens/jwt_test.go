package tokens

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

const key1KID = "hm0I054ykXINebHPL/mdbs4mDnUR8EubBpcjRzvMpjg="

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func signedPair(t *testing.T) (key *rsa.PrivateKey, kid, token string) {
	t.Helper()
	key = loadKey(t, "key1.pem")
	kid = KeyID(&key.PublicKey)
	token, err := Sign(key, kid, BuildAccess(fixedInput()))
	if err != nil {
		t.Fatal(err)
	}
	return key, kid, token
}

func TestSignHeaderIsCognitos(t *testing.T) {
	_, kid, token := signedPair(t)
	if kid != key1KID {
		t.Fatalf("kid = %q, want %q", kid, key1KID)
	}
	seg := token[:strings.IndexByte(token, '.')]
	hdr, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	// Member order kid, alg; compact; '/' in the kid escaped as Cognito does.
	want := `{"kid":"hm0I054ykXINebHPL\/mdbs4mDnUR8EubBpcjRzvMpjg=","alg":"RS256"}`
	if string(hdr) != want {
		t.Errorf("header = %s, want %s", hdr, want)
	}
	if strings.ContainsAny(token, "=+/ \n") {
		t.Errorf("token is not unpadded base64url: %q", token)
	}
	if n := strings.Count(token, "."); n != 2 {
		t.Errorf("token has %d dots", n)
	}
}

func TestSignIsDeterministic(t *testing.T) {
	key, kid, a := signedPair(t)
	b, err := Sign(key, kid, BuildAccess(fixedInput()))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("signing the same claims twice gave different tokens")
	}
}

func TestSignPayloadForms(t *testing.T) {
	key := loadKey(t, "key1.pem")
	keys := KeySet{PublicKey{"k", &key.PublicKey}}
	claims := BuildAccess(fixedInput())
	want, _ := claims.MarshalJSON()
	m := map[string]any{}
	if err := json.Unmarshal(want, &m); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]any{
		"marshaler": claims,
		"pointer":   &claims,
		"bytes":     want,
		"raw":       json.RawMessage(want),
		"map":       m,
	} {
		tok, err := Sign(key, "k", c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _, err := Verify(tok, keys)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == "map" {
			// float64 numbers from the generic decode are written as
			// integers again, and the map is ordered like a payload.
			if !bytes.Equal(got, want) {
				t.Errorf("%s: payload\n got %s\nwant %s", name, got, want)
			}
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: payload\n got %s\nwant %s", name, got, want)
		}
	}
	// Other values go through encoding/json.
	tok, err := Sign(key, "k", struct {
		A string `json:"a"`
	}{"x"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := Verify(tok, keys); err != nil || string(got) != `{"a":"x"}` {
		t.Errorf("struct payload = %s, %v", got, err)
	}
	if _, err := Sign(key, "k", func() {}); err == nil {
		t.Error("Sign of an unencodable value succeeded")
	}
}

// Our tokens verify under an independent JOSE implementation.
func TestOurTokenVerifiesWithGoJose(t *testing.T) {
	key, kid, token := signedPair(t)
	jws, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if len(jws.Signatures) != 1 {
		t.Fatalf("%d signatures", len(jws.Signatures))
	}
	h := jws.Signatures[0].Header
	if h.KeyID != kid || h.Algorithm != "RS256" {
		t.Errorf("go-jose header = kid %q alg %q", h.KeyID, h.Algorithm)
	}
	payload, err := jws.Verify(&key.PublicKey)
	if err != nil {
		t.Fatalf("go-jose rejects our signature: %v", err)
	}
	want, _ := BuildAccess(fixedInput()).MarshalJSON()
	if !bytes.Equal(payload, want) {
		t.Errorf("go-jose payload\n got %s\nwant %s", payload, want)
	}
	other := loadKey(t, "key2.pem")
	if _, err := jws.Verify(&other.PublicKey); err == nil {
		t.Error("go-jose verified our token under the wrong key")
	}
}

// Tokens signed by an independent JOSE implementation verify with ours.
func TestGoJoseTokenVerifiesWithOurs(t *testing.T) {
	key := loadKey(t, "key2.pem")
	kid := KeyID(&key.PublicKey)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"sub":"abc","token_use":"access","x":"a/b"}`)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	token, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	got, gotKID, err := Verify(token, KeySet{PublicKey{kid, &key.PublicKey}})
	if err != nil {
		t.Fatalf("Verify(go-jose token) = %v", err)
	}
	if !bytes.Equal(got, payload) || gotKID != kid {
		t.Errorf("Verify = %s, %q", got, gotKID)
	}
	// go-jose writes {"alg":"RS256","kid":…}: member order is not ours, and
	// need not be for verification.
	if h, _, _, _, err := Parse(token); err != nil || h.Alg != "RS256" || h.Kid != kid {
		t.Errorf("Parse header = %+v, %v", h, err)
	}
}

// The JWKS document parses under go-jose into keys that verify our tokens.
func TestJWKSParsesWithGoJose(t *testing.T) {
	key1, key2 := loadKey(t, "key1.pem"), loadKey(t, "key2.pem")
	pks := []PublicKey{
		{KeyID(&key1.PublicKey), &key1.PublicKey},
		{KeyID(&key2.PublicKey), &key2.PublicKey},
	}
	doc := JWKS(pks)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatalf("go-jose cannot parse our JWKS: %v\n%s", err, doc)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("%d keys", len(set.Keys))
	}
	for i, pk := range pks {
		jk := set.Keys[i]
		if jk.KeyID != pk.KeyID || jk.Algorithm != "RS256" || jk.Use != "sig" || !jk.Valid() || !jk.IsPublic() {
			t.Errorf("key %d: kid %q alg %q use %q valid %v", i, jk.KeyID, jk.Algorithm, jk.Use, jk.Valid())
		}
		rk, ok := jk.Key.(*rsa.PublicKey)
		if !ok || !rk.Equal(pk.Key) {
			t.Errorf("key %d: go-jose key differs from ours", i)
		}
	}
	_, _, token := signedPair(t)
	jws, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	matches := set.Key(jws.Signatures[0].Header.KeyID)
	if len(matches) != 1 {
		t.Fatalf("go-jose finds %d keys for the token's kid", len(matches))
	}
	if _, err := jws.Verify(matches[0]); err != nil {
		t.Errorf("JWKS key from go-jose does not verify our token: %v", err)
	}
}

func TestJWKSDocumentShape(t *testing.T) {
	key := loadKey(t, "key1.pem")
	doc := string(JWKS([]PublicKey{{KeyID(&key.PublicKey), &key.PublicKey}}))
	n := base64.RawURLEncoding.EncodeToString(key.N.Bytes())
	want := `{"keys":[{"alg":"RS256","e":"AQAB","kid":"` + key1KID + `","kty":"RSA","n":"` + n + `","use":"sig"}]}`
	if doc != want {
		t.Errorf("JWKS\n got %s\nwant %s", doc, want)
	}
	if got := string(JWKS(nil)); got != `{"keys":[]}` {
		t.Errorf("empty JWKS = %s", got)
	}
}

func TestVerifyAccepts(t *testing.T) {
	key, kid, token := signedPair(t)
	other := loadKey(t, "key2.pem")
	keys := KeySet{PublicKey{kid, &key.PublicKey}, PublicKey{KeyID(&other.PublicKey), &other.PublicKey}}
	payload, gotKID, err := Verify(token, keys)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := BuildAccess(fixedInput()).MarshalJSON()
	if !bytes.Equal(payload, want) || gotKID != kid {
		t.Errorf("Verify = %s, %q", payload, gotKID)
	}
}

func TestVerifyRejects(t *testing.T) {
	key, kid, token := signedPair(t)
	keys := KeySet{PublicKey{kid, &key.PublicKey}}
	parts := strings.Split(token, ".")
	h, p, s := parts[0], parts[1], parts[2]

	// resign builds a correctly RS256-signed token over arbitrary parts.
	resign := func(hdr, payload string) string {
		in := b64url(hdr) + "." + b64url(payload)
		d := sha256.Sum256([]byte(in))
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		return in + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	// The classic confusion attack: HS256 keyed with the RSA public key.
	pubDER, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	hsIn := b64url(`{"kid":"`+kid+`","alg":"HS256"}`) + "." + p
	mac := hmac.New(sha256.New, pubDER)
	mac.Write([]byte(hsIn))
	hs256 := hsIn + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	payload, _ := base64.RawURLEncoding.DecodeString(p)
	tampered := base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"jane"`), []byte(`"john"`), 1))
	sigBytes, _ := base64.RawURLEncoding.DecodeString(s)
	sigBytes[10] ^= 1
	badSig := base64.RawURLEncoding.EncodeToString(sigBytes)

	otherKey := loadKey(t, "key2.pem")
	wrongKey := KeySet{PublicKey{kid, &otherKey.PublicKey}}

	for _, c := range []struct {
		name  string
		token string
		keys  KeySet
		want  error
	}{
		{"tampered payload", h + "." + tampered + "." + s, keys, ErrBadSignature},
		{"tampered signature", h + "." + p + "." + badSig, keys, ErrBadSignature},
		{"empty signature", h + "." + p + ".", keys, ErrBadSignature},
		{"truncated signature", h + "." + p + "." + base64.RawURLEncoding.EncodeToString(sigBytes[:255]), keys, ErrBadSignature},
		{"signature of another token", h + "." + p + "." + strings.Split(resign(`{"kid":"`+kid+`","alg":"RS256"}`, `{}`), ".")[2], keys, ErrBadSignature},
		{"key with the right kid but wrong modulus", token, wrongKey, ErrBadSignature},
		{"alg none", b64url(`{"kid":"`+kid+`","alg":"none"}`) + "." + p + ".", keys, ErrAlgorithm},
		{"alg none, signed anyway", resign(`{"kid":"`+kid+`","alg":"none"}`, string(payload)), keys, ErrAlgorithm},
		{"alg HS256 keyed with the public key", hs256, keys, ErrAlgorithm},
		{"alg RS512", resign(`{"kid":"`+kid+`","alg":"RS512"}`, string(payload)), keys, ErrAlgorithm},
		{"alg lower case", resign(`{"kid":"`+kid+`","alg":"rs256"}`, string(payload)), keys, ErrAlgorithm},
		{"alg missing", resign(`{"kid":"`+kid+`"}`, string(payload)), keys, ErrAlgorithm},
		{"alg only in another case", resign(`{"kid":"`+kid+`","ALG":"RS256"}`, string(payload)), keys, ErrAlgorithm},
		{"unknown kid", resign(`{"kid":"nope","alg":"RS256"}`, string(payload)), keys, ErrUnknownKey},
		{"no kid", resign(`{"alg":"RS256"}`, string(payload)), keys, ErrUnknownKey},
		{"empty key set", token, KeySet{}, ErrUnknownKey},
		{"nil key", token, KeySet{{kid, nil}}, ErrUnknownKey},
		{"crit header", resign(`{"kid":"`+kid+`","alg":"RS256","crit":["exp"]}`, string(payload)), keys, ErrMalformed},
		{"alg not a string", resign(`{"kid":"`+kid+`","alg":1}`, string(payload)), keys, ErrMalformed},
		{"header not JSON", resign(`kid`, string(payload)), keys, ErrMalformed},
		{"header a JSON array", resign(`["RS256"]`, string(payload)), keys, ErrMalformed},
		{"payload not JSON", resign(`{"kid":"`+kid+`","alg":"RS256"}`, `sub=1`), keys, ErrMalformed},
		{"payload a JSON string", resign(`{"kid":"`+kid+`","alg":"RS256"}`, `"x"`), keys, ErrMalformed},
		{"two parts", h + "." + p, keys, ErrMalformed},
		{"one part", h, keys, ErrMalformed},
		{"four parts", token + ".x", keys, ErrMalformed},
		{"JWE-like five parts", h + "." + p + "." + s + "." + s + "." + s, keys, ErrMalformed},
		{"empty", "", keys, ErrMalformed},
		{"padded signature", token + "==", keys, ErrMalformed},
		{"standard base64 alphabet", h + "." + p + "." + strings.NewReplacer("-", "+", "_", "/").Replace(s) + "+/", keys, ErrMalformed},
		{"newline inside", h + ".\n" + p + "." + s, keys, ErrMalformed},
		{"space inside", h + " ." + p + "." + s, keys, ErrMalformed},
		{"non-canonical trailing bits", h + "." + p + "." + s[:len(s)-1] + nudge(s[len(s)-1:]), keys, ErrMalformed},
	} {
		_, _, err := Verify(c.token, c.keys)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: Verify error = %v, want %v", c.name, err, c.want)
		}
	}
}

// nudge returns a base64url character that differs from c only in the two
// low bits, which a strict decoder refuses at the end of a segment whose
// length leaves unused bits.
func nudge(c string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.Index(alphabet, c)
	return string(alphabet[i^1])
}

func TestParse(t *testing.T) {
	_, kid, token := signedPair(t)
	h, payload, input, sig, err := Parse(token)
	if err != nil {
		t.Fatal(err)
	}
	if h.Kid != kid || h.Alg != "RS256" || h.Typ != "" || len(h.Crit) != 0 {
		t.Errorf("header = %+v", h)
	}
	want, _ := BuildAccess(fixedInput()).MarshalJSON()
	if !bytes.Equal(payload, want) {
		t.Errorf("payload = %s", payload)
	}
	if string(input) != token[:strings.LastIndexByte(token, '.')] {
		t.Error("signing input is not header.payload")
	}
	if len(sig) != 256 {
		t.Errorf("signature is %d bytes, want 256", len(sig))
	}
}

func TestVerifyParsed(t *testing.T) {
	key, kid, token := signedPair(t)
	keys := KeySet{PublicKey{kid, &key.PublicKey}}
	h, payload, input, sig, err := Parse(token)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyParsed(h, input, sig, keys); err != nil {
		t.Fatalf("VerifyParsed = %v", err)
	}
	if want, _, _ := Verify(token, keys); !bytes.Equal(payload, want) {
		t.Error("Parse and Verify disagree on the payload")
	}
	bad := append([]byte{}, sig...)
	bad[0] ^= 1
	for _, c := range []struct {
		name  string
		h     Header
		input []byte
		sig   []byte
		keys  KeySet
		want  error
	}{
		{"tampered signature", h, input, bad, keys, ErrBadSignature},
		{"tampered input", h, append(append([]byte{}, input...), 'A'), sig, keys, ErrBadSignature},
		{"alg none", Header{Kid: kid, Alg: "none"}, input, sig, keys, ErrAlgorithm},
		{"crit", Header{Kid: kid, Alg: AlgRS256, Crit: []string{"exp"}}, input, sig, keys, ErrMalformed},
		{"unknown kid", h, input, sig, KeySet{}, ErrUnknownKey},
	} {
		if err := VerifyParsed(c.h, c.input, c.sig, c.keys); !errors.Is(err, c.want) {
			t.Errorf("%s: VerifyParsed = %v, want %v", c.name, err, c.want)
		}
	}
}

func TestParseHeader(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Header
		ok   bool
	}{
		{`{"kid":"k","alg":"RS256","typ":"JWT","crit":["b64"]}`, Header{"k", "RS256", "JWT", []string{"b64"}}, true},
		{" \t\r\n{\"alg\":\"RS256\"} \n", Header{Alg: "RS256"}, true},
		{`{"KID":"k","Alg":"RS256","x":[1,{"y":null}]}`, Header{}, true}, // names match exactly
		{`{"kid":null,"crit":null}`, Header{}, true},
		{`{"alg":"a","alg":"RS256"}`, Header{Alg: "RS256"}, true}, // the last duplicate wins
		{`{}`, Header{}, true},
		{`null`, Header{}, false},
		{`[]`, Header{}, false},
		{`"x"`, Header{}, false},
		{`1`, Header{}, false},
		{``, Header{}, false},
		{`{"alg":"RS256"}{}`, Header{}, false},
		{`{"alg":"RS256"} x`, Header{}, false},
		{`{"alg":1}`, Header{}, false},
		{`{"kid":["k"]}`, Header{}, false},
		{`{"crit":"exp"}`, Header{}, false},
		{`{"crit":[1]}`, Header{}, false},
		{`{"typ":{}}`, Header{}, false},
		{`{"alg":"RS256",}`, Header{}, false},
	} {
		got, err := parseHeader([]byte(c.in))
		if (err == nil) != c.ok || (c.ok && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("parseHeader(%q) = %+v, %v; want %+v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
