package srp

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// primeHex is N, the 3072-bit MODP prime of RFC 3526 (group 15) / RFC 5054,
// as the JS helper spells it.
const primeHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// The group, computed once. These values are never mutated after init, so
// they are safe to share between goroutines as read-only operands.
var (
	groupN = mustHex(primeHex)
	groupG = big.NewInt(2)
	// groupK = H(PAD(N) | PAD(g)).
	groupK = hashInts(groupN, groupG)
)

// SaltSize is the length in bytes of the salts GenerateSalt returns (the JS
// client uses 16 random bytes for device salts too).
const SaltSize = 16

// secretSize is the length in bytes of the server's private value b.
const secretSize = 32

// Errors returned by this package. The caller maps them to Cognito's
// exceptions.
var (
	ErrInvalidHex      = errors.New("srp: invalid hex integer")
	ErrInvalidA        = errors.New("srp: illegal parameter: A mod N is 0")
	ErrInvalidB        = errors.New("srp: illegal parameter: B mod N is 0")
	ErrZeroU           = errors.New("srp: u is 0")
	ErrInvalidVerifier = errors.New("srp: verifier out of range")
	ErrInvalidSalt     = errors.New("srp: empty salt")
)

func mustHex(s string) *big.Int {
	x, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad constant " + s)
	}
	return x
}

// Prime returns a copy of the group's modulus N.
func Prime() *big.Int { return new(big.Int).Set(groupN) }

// PoolName returns the part of a user pool id that Cognito's SRP hashes in
// place of the pool: what follows the first "_" up to the next one, as the JS
// client's userPoolId.split('_')[1] ("us-east-1_AbC" gives "AbC"). It returns
// "" for an id with no "_".
func PoolName(userPoolID string) string {
	_, rest, ok := strings.Cut(userPoolID, "_")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "_")
	return name
}

// PadBytes returns the bytes the JS padHex hex string decodes to: the
// minimal big-endian two's-complement encoding of x (Java's
// BigInteger.toByteArray). For x >= 0 that is the magnitude's bytes, with a
// leading 0x00 when its top bit is set, and a single 0x00 for zero. SRP never
// produces negative values; for them the result is the same two's-complement
// encoding (-1 gives 0xff, -128 0x80, -129 0xff7f), as the JS padHex gives.
func PadBytes(x *big.Int) []byte {
	if x.Sign() >= 0 {
		return appendPad(nil, x)
	}
	// In n bytes, x is the bitwise complement of -x-1 (= ^x >= 0); n is the
	// fewest bytes that leave the top bit of -x-1 clear.
	y := new(big.Int).Not(x)
	b := make([]byte, y.BitLen()/8+1)
	y.FillBytes(b)
	for i := range b {
		b[i] = ^b[i]
	}
	return b
}

// appendPad appends PAD(x) for x >= 0 to dst.
func appendPad(dst []byte, x *big.Int) []byte {
	bl := x.BitLen()
	n := bl/8 + 1 // one extra byte when bl%8 == 0 (top bit set, or x == 0)
	if bl%8 != 0 {
		n = (bl + 7) / 8
	}
	off := len(dst)
	dst = append(dst, make([]byte, n)...)
	x.FillBytes(dst[off:])
	return dst
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// EncodeHex is the wire form of SRP_A and SRP_B: x in lowercase hex with no
// padding, as the JS BigInteger.toString(16) prints it.
func EncodeHex(x *big.Int) string { return x.Text(16) }

// DecodeHex parses a non-negative integer from hex as sent in SRP_A, SRP_B or
// SALT (either case, leading zeros allowed, no sign and no prefix).
func DecodeHex(s string) (*big.Int, error) {
	if s == "" {
		return nil, ErrInvalidHex
	}
	for i := 0; i < len(s); i++ {
		if unhex(s[i]) < 0 {
			return nil, ErrInvalidHex
		}
	}
	x, ok := new(big.Int).SetString(s, 16)
	if !ok {
		return nil, ErrInvalidHex
	}
	return x, nil
}

// EncodeSalt is the SALT challenge parameter for a stored salt: its hex.
func EncodeSalt(salt []byte) string { return hex.EncodeToString(salt) }

// DecodeSalt parses a SALT challenge parameter back into salt bytes.
func DecodeSalt(s string) ([]byte, error) {
	if s == "" {
		return nil, ErrInvalidSalt
	}
	x, err := DecodeHex(s)
	if err != nil {
		return nil, err
	}
	return PadBytes(x), nil
}

// GenerateSalt reads SaltSize random bytes from r (crypto/rand.Reader in
// production).
func GenerateSalt(r io.Reader) ([]byte, error) {
	salt := make([]byte, SaltSize)
	if _, err := io.ReadFull(r, salt); err != nil {
		return nil, fmt.Errorf("srp: reading salt: %w", err)
	}
	return salt, nil
}

// hashInts returns H(PAD(a) | PAD(b)) as an integer: k and u.
func hashInts(a, b *big.Int) *big.Int {
	var buf [2 * 400]byte // PAD of two 3072-bit values fits without growing
	p := appendPad(buf[:0], a)
	p = appendPad(p, b)
	sum := sha256.Sum256(p)
	return new(big.Int).SetBytes(sum[:])
}

// computeX returns x = H(PAD(salt) | H(poolName | userID | ":" | password)).
// The salt is read as an unsigned big-endian integer and re-padded, as the JS
// client parses SALT into a BigInteger before it pads it.
func computeX(poolName, userID, password string, salt []byte) *big.Int {
	h := sha256.New()
	h.Write([]byte(poolName))
	h.Write([]byte(userID))
	h.Write([]byte{':'})
	h.Write([]byte(password))
	var inner [sha256.Size]byte
	h.Sum(inner[:0])

	buf := make([]byte, 0, len(salt)+1+sha256.Size)
	buf = appendPad(buf, new(big.Int).SetBytes(salt))
	buf = append(buf, inner[:]...)
	sum := sha256.Sum256(buf)
	return new(big.Int).SetBytes(sum[:])
}

// NewVerifier returns the password verifier v = g^x mod N that the server
// stores for a user (poolName = PoolName(userPoolID), username =
// USER_ID_FOR_SRP) or a device (poolName = DeviceGroupKey, username =
// DeviceKey, password = the device's random password), with
// x = H(PAD(salt) | H(poolName | username | ":" | password)).
func NewVerifier(poolName, username, password string, salt []byte) *big.Int {
	x := computeX(poolName, username, password, salt)
	return x.Exp(groupG, x, groupN)
}

// checkVerifier rejects verifiers that would make the session key guessable:
// v must lie in [2, N).
func checkVerifier(v *big.Int) error {
	if v == nil || v.Cmp(groupG) < 0 || v.Cmp(groupN) >= 0 {
		return ErrInvalidVerifier
	}
	return nil
}
