package secretbox

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := b.Seal("JBSWY3DPEHPK3PXP", "totp:pool:alice")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "JBSWY3DPEHPK3PXP") || !strings.HasPrefix(sealed, prefixSealed) {
		t.Fatalf("secret visible in %q", sealed)
	}
	again, _ := b.Seal("JBSWY3DPEHPK3PXP", "totp:pool:alice")
	if again == sealed {
		t.Fatal("two seals of one secret are equal: the nonce is not random")
	}
	got, err := b.Open(sealed, "totp:pool:alice")
	if err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := b.Open(sealed, "totp:pool:mallory"); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened under another context: %v", err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	if _, err := other.Open(sealed, "totp:pool:alice"); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened with another key: %v", err)
	}
	keyless, _ := New(nil)
	if _, err := keyless.Open(sealed, "totp:pool:alice"); !errors.Is(err, ErrOpen) {
		t.Fatalf("keyless box opened a sealed value: %v", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, err := b.Open(tampered, "totp:pool:alice"); !errors.Is(err, ErrOpen) {
		t.Fatalf("tampered value opened: %v", err)
	}
}

func TestKeylessAndMigration(t *testing.T) {
	keyless, _ := New(nil)
	stored, _ := keyless.Seal("SECRET", "c")
	if stored != "plain:SECRET" || keyless.Encrypted() {
		t.Fatalf("keyless stored form %q", stored)
	}
	keyed, _ := New(bytes.Repeat([]byte{1}, KeySize))
	if got, err := keyed.Open(stored, "c"); err != nil || got != "SECRET" {
		t.Fatalf("a keyed box must still read values stored without a key: %q %v", got, err)
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestParseKey(t *testing.T) {
	if k, err := ParseKey("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="); err != nil || len(k) != KeySize {
		t.Fatalf("ParseKey: %v", err)
	}
	if _, err := ParseKey("AQID"); err == nil {
		t.Fatal("3-byte key accepted")
	}
	if _, err := ParseKey("!!!"); err == nil {
		t.Fatal("non-base64 accepted")
	}
}
