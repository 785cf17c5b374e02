package tokens

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzVerify: no input panics, and with a fixed key set the only token that
// verifies is the one that was signed (no malleability in parsing).
func FuzzVerify(f *testing.F) {
	key := loadKey(f, "key1.pem")
	kid := KeyID(&key.PublicKey)
	keys := KeySet{PublicKey{kid, &key.PublicKey}}
	signed, err := Sign(key, kid, BuildAccess(fixedInput()))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(signed + "=")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		_, _, _, _, _ = Parse(token)
		if _, _, err := Verify(token, keys); err == nil && token != signed {
			t.Fatalf("a token other than the signed one verified: %q", token)
		}
	})
}

// FuzzCognitoString: the escaper always yields a JSON string that decodes to
// the input (for valid UTF-8).
func FuzzCognitoString(f *testing.F) {
	for _, s := range []string{"", "a/b", "\u2028", "\x00\x7f\u0085", `"\`, "😀", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendCognitoString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("escape(%q) = %s: %v", s, out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("escape(%q) decodes to %q", s, back)
		}
	})
}
