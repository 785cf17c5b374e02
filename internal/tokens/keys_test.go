package tokens

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
)

func TestGenerateKey(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if k.N.BitLen() != 2048 || k.E != 65537 {
		t.Errorf("key is %d bits, e=%d", k.N.BitLen(), k.E)
	}
	if err := k.Validate(); err != nil {
		t.Error(err)
	}
}

func TestKeyIDShape(t *testing.T) {
	k := loadKey(t, "key1.pem")
	kid := KeyID(&k.PublicKey)
	if len(kid) != 44 || !strings.HasSuffix(kid, "=") {
		t.Errorf("kid %q: want 44 characters ending in '='", kid)
	}
	raw, err := base64.StdEncoding.DecodeString(kid)
	if err != nil || len(raw) != 32 {
		t.Errorf("kid %q is not standard base64 of 32 bytes (%v)", kid, err)
	}
}

func TestKeyIDIsStable(t *testing.T) {
	k1, k2 := loadKey(t, "key1.pem"), loadKey(t, "key2.pem")
	if got := KeyID(&k1.PublicKey); got != key1KID {
		t.Errorf("KeyID(key1) = %q, want %q (kids must never change)", got, key1KID)
	}
	if got, want := KeyID(&k2.PublicKey), "2yjKUr2sJleHiUVe5G01ei+IJMgFKjqCGIvYMub0M68="; got != want {
		t.Errorf("KeyID(key2) = %q, want %q", got, want)
	}
	// Through an encode/decode cycle.
	der, err := EncodePrivateKey(k1)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodePrivateKey(der)
	if err != nil {
		t.Fatal(err)
	}
	if KeyID(&back.PublicKey) != key1KID {
		t.Error("kid changed across EncodePrivateKey/DecodePrivateKey")
	}
}

func TestPrivateKeyRoundTrip(t *testing.T) {
	k := loadKey(t, "key2.pem")
	der, err := EncodePrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodePrivateKey(der)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(k) {
		t.Error("decoded key differs")
	}
	der2, _ := EncodePrivateKey(back)
	if !bytes.Equal(der, der2) {
		t.Error("re-encoding is not stable")
	}
	if _, err := DecodePrivateKey([]byte("not a key")); err == nil {
		t.Error("decoded garbage")
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	if _, err := DecodePrivateKey(ecDER); err == nil || !strings.Contains(err.Error(), "not an RSA key") {
		t.Errorf("decoded an EC key: %v", err)
	}
	// PKCS #1 is not accepted: the stored format is PKCS #8 only.
	if _, err := DecodePrivateKey(x509.MarshalPKCS1PrivateKey(k)); err == nil {
		t.Error("decoded a PKCS #1 key")
	}
}
