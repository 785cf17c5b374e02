package tokens

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// observedOrders are the claim names of decoded real Cognito tokens (issued
// 2021–2026, found in public issues, docs and code), in the order Cognito
// wrote them. Only the names are kept.
var observedOrders = map[string]string{
	"access token":                    "sub,iss,client_id,origin_jti,event_id,token_use,scope,auth_time,exp,iat,jti,username",
	"access token with groups":        "sub,cognito:groups,iss,client_id,origin_jti,event_id,token_use,scope,auth_time,exp,iat,jti,username",
	"access token with version":       "sub,iss,version,client_id,origin_jti,event_id,token_use,scope,auth_time,exp,iat,jti,username",
	"id token with custom attributes": "sub,email_verified,iss,phone_number_verified,cognito:username,given_name,custom:organizationId,origin_jti,custom:tenantId,aud,event_id,token_use,auth_time,phone_number,exp,custom:role,iat,family_name,jti,email",
	"hosted ui id token":              "at_hash,sub,email_verified,iss,cognito:username,origin_jti,aud,event_id,token_use,auth_time,exp,iat,jti,email",
	"federated id token with roles":   "at_hash,sub,cognito:groups,email_verified,cognito:preferred_role,iss,cognito:username,given_name,origin_jti,cognito:roles,aud,identities,token_use,auth_time,name,exp,iat,family_name,jti,email",
	"id token with groups":            "sub,cognito:groups,email_verified,iss,cognito:username,origin_jti,aud,event_id,token_use,auth_time,name,exp,iat,family_name,jti,email",
	"id token with pre-token claims":  "sub,loginId,email_verified,address,iss,cognito:username,locale,userId,origin_jti,aud,event_id,token_use,auth_time,name,phone_number,scopes,exp,iat,jti,email",
	"documented id token":             "sub,cognito:groups,email_verified,cognito:preferred_role,iss,cognito:username,middle_name,nonce,origin_jti,cognito:roles,aud,identities,event_id,token_use,auth_time,exp,iat,jti,email",
	"hosted ui id token with roles":   "at_hash,sub,cognito:groups,email_verified,iss,cognito:username,given_name,cognito:roles,aud,event_id,token_use,auth_time,exp,iat,family_name,email",
}

func TestCognitoOrderMatchesObservedTokens(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, want := range observedOrders {
		names := strings.Split(want, ",")
		for range 20 {
			ms := make([]member, len(names))
			for i, n := range names {
				ms[i] = member{n, nil}
			}
			rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
			cognitoOrder(ms)
			got := make([]string, len(ms))
			for i, m := range ms {
				got[i] = m.name
			}
			if g := strings.Join(got, ","); g != want {
				t.Fatalf("%s:\n got %s\nwant %s", name, g, want)
			}
		}
	}
}

// javaHashMap is a literal model of java.util.HashMap's table: buckets of
// entry lists, appended to in insertion order. It checks cognitoOrder's sort
// against the mechanism it claims to reproduce.
type javaHashMap struct{ buckets [][]string }

func newJavaHashMap(capacity int) *javaHashMap {
	return &javaHashMap{buckets: make([][]string, capacity)}
}

func (m *javaHashMap) put(k string) {
	i := javaSpread(k) & uint32(len(m.buckets)-1)
	m.buckets[i] = append(m.buckets[i], k)
}

func (m *javaHashMap) keys() []string {
	var out []string
	for _, b := range m.buckets {
		out = append(out, b...)
	}
	return out
}

func TestCognitoOrderIsHashMapCopyOrder(t *testing.T) {
	pool := []string{"sub", "cognito:groups", "email_verified", "phone_number_verified",
		"cognito:preferred_role", "iss", "cognito:username", "origin_jti", "cognito:roles",
		"identities", "aud", "client_id", "event_id", "token_use", "scope", "auth_time",
		"jti", "device_key", "username", "exp", "iat", "email", "name", "given_name",
		"family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
		"website", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "address",
		"updated_at", "custom:a", "custom:tenant", "custom:role", "custom:level", "nonce",
		"at_hash", "version", "x", "ключ", "emoji😀", "custom:b", "custom:c", "custom:d",
		"custom:e", "custom:f", "custom:g", "custom:h", "custom:i"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		n := 1 + rng.IntN(len(pool))
		names := slices.Clone(pool)
		rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		names = names[:n]

		// Source map: 64 slots (or more), filled in claimRank order.
		ins := slices.Clone(names)
		slices.SortFunc(ins, func(a, b string) int {
			if ra, rb := rankOf(a), rankOf(b); ra != rb {
				return ra - rb
			}
			return strings.Compare(a, b)
		})
		capacity := javaCopyCapacity(n)
		src := newJavaHashMap(max(capacity, 64))
		for _, k := range ins {
			src.put(k)
		}
		dst := newJavaHashMap(capacity)
		for _, k := range src.keys() {
			dst.put(k)
		}
		want := dst.keys()

		ms := make([]member, n)
		for i, k := range names {
			ms[i] = member{k, nil}
		}
		cognitoOrder(ms)
		for i := range ms {
			if ms[i].name != want[i] {
				t.Fatalf("n=%d: position %d: got %q, want %q", n, i, ms[i].name, want[i])
			}
		}
	}
}

func TestJavaStringHash(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int32
	}{
		{"", 0},
		{"sub", 114240},
		{"hello", 99162322},
		{"cognito:username", -1592436545},
		{"😀", 0xD83D*31 + 0xDE00}, // UTF-16 surrogate pair
		{"é", 0xE9},
	} {
		if got := javaStringHash(c.s); got != c.want {
			t.Errorf("javaStringHash(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

func TestJavaCopyCapacity(t *testing.T) {
	for n, want := range map[int]int{0: 16, 1: 2, 11: 16, 12: 32, 13: 32, 23: 32, 24: 64, 47: 64, 48: 128} {
		if got := javaCopyCapacity(n); got != want {
			t.Errorf("javaCopyCapacity(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestCognitoStringEscaping(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x", `"https:\/\/cognito-idp.us-east-1.amazonaws.com\/us-east-1_x"`},
		{`q"b\s`, `"q\"b\\s"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x1f\x7f", `"\u0000\u001F\u007F"`},
		{"\u0085\u009f\u00a0", `"\u0085\u009F` + "\u00a0" + `"`},
		{"\u2028\u2029\u20ac\u2100", `"\u2028\u2029\u20AC` + "\u2100" + `"`},
		{"<a&b>", `"<a&b>"`},
		{"Zoë 😀 日本", `"Zoë 😀 日本"`},
		{"bad\xffutf8", "\"bad\uFFFDutf8\""},
	} {
		if got := string(appendCognitoString(nil, c.in)); got != c.want {
			t.Errorf("escape(%q) = %s, want %s", c.in, got, c.want)
		}
		// Whatever the escaping, it must stay JSON that decodes back.
		var back string
		if err := json.Unmarshal(appendCognitoString(nil, c.in), &back); err != nil {
			t.Errorf("escape(%q) is not valid JSON: %v", c.in, err)
		} else if !strings.Contains(c.in, "\xff") && back != c.in {
			t.Errorf("escape(%q) decodes to %q", c.in, back)
		}
	}
}

func TestAppendCognitoValueNested(t *testing.T) {
	v := map[string]any{
		"identities": []any{map[string]any{
			"userId": "1", "providerName": "Google", "providerType": "Google",
			"issuer": nil, "primary": "true", "dateCreated": "1642699117273",
		}},
		"n": 1.5, "i": 3.0, "b": false, "ss": []string{"a/b"},
	}
	got, err := appendCognitoValue(nil, v, false)
	if err != nil {
		t.Fatal(err)
	}
	// The nested object comes out in plain HashMap order: this is the member
	// order of an identities entry as API Gateway passes it on from a real
	// Cognito ID token.
	want := `{"ss":["a\/b"],"i":3,"b":false,"identities":[{"dateCreated":"1642699117273","userId":"1","providerName":"Google","providerType":"Google","issuer":null,"primary":"true"}],"n":1.5}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
