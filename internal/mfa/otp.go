package mfa

import (
	"crypto/rand"
	"fmt"
	"io"
)

// maxOTPDigits bounds OTP's length; Cognito's codes are six digits.
const maxOTPDigits = 64

// OTP returns digits uniformly random decimal digits (leading zeros
// included), the one-time code of SMS and email MFA. Each digit comes from
// one byte of r; bytes 250 to 255 are discarded so that 0-9 stay equally
// likely (250 is the largest multiple of 10 that fits a byte). A nil r
// means crypto/rand.Reader, which never fails. OTP panics if digits is not
// between 1 and 64 or if r fails.
func OTP(r io.Reader, digits int) string {
	if digits < 1 || digits > maxOTPDigits {
		panic(fmt.Sprintf("mfa: OTP length %d out of range 1-%d", digits, maxOTPDigits))
	}
	if r == nil {
		r = rand.Reader
	}
	out := make([]byte, 0, digits)
	buf := make([]byte, digits)
	for len(out) < digits {
		// Ask only for what is still missing, so that a deterministic r
		// yields the same code however it is chunked.
		b := buf[:digits-len(out)]
		if _, err := io.ReadFull(r, b); err != nil {
			panic(fmt.Errorf("mfa: reading randomness: %w", err))
		}
		for _, c := range b {
			if c < 250 {
				out = append(out, '0'+c%10)
			}
		}
	}
	return string(out)
}
