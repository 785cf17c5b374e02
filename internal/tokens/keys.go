package tokens

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// KeyBits is the size of the RSA keys Cognito signs with.
const KeyBits = 2048

// GenerateKey returns a new RSA-2048 signing key with public exponent 65537.
//
// r is handed to rsa.GenerateKey. Since Go 1.26 the standard library ignores
// it and always draws from a secure source, unless GODEBUG=cryptocustomrand=1
// is set; tests that need a fixed key should decode a stored one instead.
func GenerateKey(r io.Reader) (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(r, KeyBits)
	if err != nil {
		return nil, fmt.Errorf("tokens: generate key: %w", err)
	}
	return k, nil
}

// KeyID derives a stable key ID from a public key: the standard (padded)
// base64 encoding of the SHA-256 digest of the key's PKIX DER encoding.
//
// Cognito's kids have this shape: 44 characters of standard base64 ending in
// "=", such as "vyVQH7UMjwYboVvyFf+zd4KHZfgc+RtmU/A2vHhgITI=" (32 bytes, so
// a 256-bit digest). How Cognito derives them is not public; the shape and
// the stability are what clients can see.
func KeyID(pub *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		// Only unsupported key types fail, and *rsa.PublicKey is supported.
		panic("tokens: marshal RSA public key: " + err.Error())
	}
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// EncodePrivateKey returns the PKCS #8 DER encoding of key.
func EncodePrivateKey(key *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("tokens: encode private key: %w", err)
	}
	return der, nil
}

// DecodePrivateKey parses a PKCS #8 DER RSA private key, as written by
// EncodePrivateKey. The returned key is validated and precomputed.
func DecodePrivateKey(der []byte) (*rsa.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("tokens: decode private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("tokens: decode private key: not an RSA key")
	}
	return rk, nil
}

// PublicKey is a verification key with its key ID.
type PublicKey struct {
	KeyID string
	Key   *rsa.PublicKey
}

// KeySet is the set of keys Verify accepts, looked up by kid. A user pool
// has a handful of keys at most, so it is a plain list; a []PublicKey can be
// passed where a KeySet is expected.
type KeySet []PublicKey

// Lookup returns the key with the given kid, or nil.
func (ks KeySet) Lookup(kid string) *rsa.PublicKey {
	for _, k := range ks {
		if k.KeyID == kid {
			return k.Key
		}
	}
	return nil
}
