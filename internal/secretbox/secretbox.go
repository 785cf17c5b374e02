package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a data key in bytes.
const KeySize = 32

// Prefixes of sealed values: encrypted, or kept in clear when no data key
// is configured (development only).
const (
	prefixSealed = "gcm1:"
	prefixPlain  = "plain:"
)

// ErrOpen means a sealed value could not be decrypted: a wrong data key,
// corruption, or a sealed value read without a key.
var ErrOpen = errors.New("secretbox: cannot open sealed value")

// Box seals and opens secrets. The zero Box has no key: it stores values in
// clear with a marker, so that a key configured later still reads them.
type Box struct {
	aead cipher.AEAD
}

// New returns a Box for a 32-byte key, or a keyless Box for a nil key.
func New(key []byte) (*Box, error) {
	if key == nil {
		return &Box{}, nil
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: the data key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// ParseKey decodes a base64 (standard or URL alphabet) data key.
func ParseKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KeySize {
				return nil, fmt.Errorf("the data key must decode to %d bytes, got %d", KeySize, len(k))
			}
			return k, nil
		}
	}
	return nil, errors.New("the data key must be base64")
}

// Encrypted reports whether the box has a key.
func (b *Box) Encrypted() bool { return b != nil && b.aead != nil }

// Seal returns the stored form of secret.
//
// With a key it is "gcm1:" and the standard base64 (unpadded) of a random
// nonce and the AES-256-GCM ciphertext, with context (e.g.
// "totp:<pool>:<user>") as the additional authenticated data: Open with a
// different context, or of a modified value, fails with ErrOpen, so an
// encrypted value copied to another record does not open there.
//
// Without a key (the zero or nil Box) it is "plain:" followed by secret in
// clear; context is ignored and binds nothing. Open returns such a value
// under any context, keyed Box or not: see Open.
func (b *Box) Seal(secret, context string) (string, error) {
	if !b.Encrypted() {
		return prefixPlain + secret, nil
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := b.aead.Seal(nonce, nonce, []byte(secret), []byte(context))
	return prefixSealed + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open returns the secret in a stored form made by Seal:
//
//   - "gcm1:…" opens only with the key it was sealed under and the same
//     context; a keyless Box, a wrong key, a different context or a damaged
//     value give ErrOpen.
//   - "plain:…" gives what follows the prefix, whatever context is passed
//     and whether or not the Box has a key, so that values stored before a
//     data key was configured still read. Context binding and integrity therefore hold
//     only for encrypted values: someone who can write the stored value can
//     replace it with a "plain:" one and Open accepts it.
//   - anything else gives ErrOpen.
func (b *Box) Open(stored, context string) (string, error) {
	switch {
	case strings.HasPrefix(stored, prefixPlain):
		return strings.TrimPrefix(stored, prefixPlain), nil
	case strings.HasPrefix(stored, prefixSealed):
		if !b.Encrypted() {
			return "", ErrOpen
		}
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(stored, prefixSealed))
		if err != nil || len(raw) < b.aead.NonceSize() {
			return "", ErrOpen
		}
		n := b.aead.NonceSize()
		plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(context))
		if err != nil {
			return "", ErrOpen
		}
		return string(plain), nil
	}
	return "", ErrOpen
}
