package srp

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"
)

// PadHex is the JS AuthenticationHelper.padHex of x, written as the JS
// writes it, as an independent check of PadBytes: an even-length lowercase
// hex string of x's two's-complement encoding. For x >= 0: the hex of x,
// with a "0" prepended if its length is odd, then "00" prepended if its
// first digit is 8-f. Negative values follow the JS too, though SRP never
// produces them.
func PadHex(x *big.Int) string {
	if x.Sign() >= 0 {
		s := x.Text(16)
		if len(s)%2 == 1 {
			s = "0" + s
		}
		if strings.IndexByte("89abcdef", s[0]) >= 0 {
			s = "00" + s
		}
		return s
	}
	// The JS: pad |x| as above, invert every nibble, add one, print without
	// padding, then drop a leading "ff" before an "8".
	mag := []byte(PadHex(new(big.Int).Abs(x)))
	for i, c := range mag {
		v := strings.IndexByte("0123456789abcdef", c)
		mag[i] = "0123456789abcdef"[^v&0xf]
	}
	t, _ := new(big.Int).SetString(string(mag), 16)
	s := t.Add(t, big.NewInt(1)).Text(16)
	if strings.HasPrefix(s, "ff8") {
		s = s[2:]
	}
	return s
}

// HexHash is the JS helper's hexHash: the lowercase hex SHA-256 of the bytes
// that s decodes to. Like Node's Buffer.from(s, 'hex'), decoding stops at the
// first pair that is not two hex digits (so a trailing odd digit is ignored).
func HexHash(s string) string {
	buf := make([]byte, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		hi, lo := unhex(s[i]), unhex(s[i+1])
		if hi < 0 || lo < 0 {
			break
		}
		buf = append(buf, byte(hi<<4|lo))
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// decodeConfig decodes a DeviceVerifierConfig as the server decodes
// ConfirmDevice's.
func decodeConfig(c DeviceVerifierConfig) (*big.Int, []byte, error) {
	return DecodeDeviceVerifierConfig(c.PasswordVerifier, c.Salt)
}
