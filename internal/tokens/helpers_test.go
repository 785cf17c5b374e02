package tokens

import (
	"crypto/rsa"
	"encoding/pem"
	"os"
	"testing"
	"time"
)

// loadKey reads a fixed PKCS #8 test key from testdata.
func loadKey(tb testing.TB, name string) *rsa.PrivateKey {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		tb.Fatalf("%s: no PEM block", name)
	}
	k, err := DecodePrivateKey(blk.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// fixedInput is a sign-in of a user with groups, roles and a spread of
// attribute types, at a fixed time.
func fixedInput() Input {
	now := time.Unix(1700000000, 0)
	return Input{
		Issuer:   "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1",
		ClientID: "4kq0b7ecl1k9c5t2n8m3r6v1ab",
		Sub:      "8458a4e8-7041-70c6-2d7d-35a1bb8a5e1f",
		Username: "jane",
		Attributes: []Attribute{
			{"sub", "8458a4e8-7041-70c6-2d7d-35a1bb8a5e1f"},
			{"email", "jane@example.com"},
			{"email_verified", "true"},
			{"phone_number", "+15555550100"},
			{"phone_number_verified", "false"},
			{"name", "Jane Doe"},
			{"given_name", "Jane"},
			{"family_name", "Doe"},
			{"address", "1 Main St\nSpringfield"},
			{"updated_at", "1699990000"},
			{"custom:tenant", "acme/eu"},
			{"custom:level", "7"},
			{"dev:custom:secret", "never"},
		},
		Groups:        []string{"admins", "readers"},
		Roles:         []string{"arn:aws:iam::123456789012:role/Admins"},
		PreferredRole: "arn:aws:iam::123456789012:role/Admins",
		AuthTime:      now.Add(-90 * time.Second),
		Now:           now,
		Lifetime:      time.Hour,
		OriginJTI:     "0f6a7c0e-5d1b-4e0e-9a43-3c2b1d7e8f90",
		EventID:       "6a3c2f1e-9b8d-4c7a-8e5f-1d2c3b4a5e6f",
		JTI:           "2b1e7f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
		DeviceKey:     "us-east-1_5f0c6a1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a",
	}
}
