package tokens

import "testing"

// BenchmarkSignPair signs what a sign-in returns: an ID and an access token.
func BenchmarkSignPair(b *testing.B) {
	key := loadKey(b, "key1.pem")
	kid := KeyID(&key.PublicKey)
	in := fixedInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(key, kid, BuildID(in)); err != nil {
			b.Fatal(err)
		}
		if _, err := Sign(key, kid, BuildAccess(in)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify verifies and decodes an access token, as every
// access-token-authorised API call does.
func BenchmarkVerify(b *testing.B) {
	key := loadKey(b, "key1.pem")
	kid := KeyID(&key.PublicKey)
	tok, err := Sign(key, kid, BuildAccess(fixedInput()))
	if err != nil {
		b.Fatal(err)
	}
	keys := KeySet{PublicKey{kid, &key.PublicKey}}
	b.ReportAllocs()
	for b.Loop() {
		payload, _, err := Verify(tok, keys)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseAccessClaims(payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalID isolates the Cognito-order JSON writer.
func BenchmarkMarshalID(b *testing.B) {
	c := BuildID(fixedInput())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}
