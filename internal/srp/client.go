package srp

import (
	"fmt"
	"io"
	"math/big"
)

// clientSecretSize is the length in bytes of the client's private value a,
// as in the JS generateRandomSmallA.
const clientSecretSize = 128

// Client is the client half of a Cognito SRP sign-in, mirroring the JS
// AuthenticationHelper and CognitoUser. Gognito never runs it against its
// own users; it is here for tests and tools that sign in as a real client
// would.
type Client struct {
	a    *big.Int
	bigA *big.Int
}

// Challenge holds the parameters of a PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER challenge in their wire forms.
type Challenge struct {
	SRPB        string // SRP_B, hex
	Salt        string // SALT, hex
	SecretBlock string // SECRET_BLOCK, base64
}

// NewClient picks a random 1024-bit private value a from r, as the JS does.
func NewClient(r io.Reader) (*Client, error) {
	var buf [clientSecretSize]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return nil, fmt.Errorf("srp: reading a: %w", err)
	}
	return NewClientWithSecret(new(big.Int).SetBytes(buf[:]))
}

// NewClientWithSecret is NewClient with a given private value a (for tests
// that compare against another client). It fails with ErrInvalidA when
// g^a mod N is 0 or a is not positive.
func NewClientWithSecret(a *big.Int) (*Client, error) {
	if a == nil || a.Sign() <= 0 {
		return nil, ErrInvalidA
	}
	A := new(big.Int).Exp(groupG, a, groupN)
	if A.Sign() == 0 {
		return nil, ErrInvalidA
	}
	return &Client{a: new(big.Int).Set(a), bigA: A}, nil
}

// A returns the client's public value. The caller must not modify it.
func (c *Client) A() *big.Int { return c.bigA }

// AHex returns SRP_A as the JS sends it: unpadded lowercase hex.
func (c *Client) AHex() string { return c.bigA.Text(16) }

// SessionKey returns the 16-byte key the JS getPasswordAuthenticationKey
// derives: S = (B - k*g^x)^(a + u*x) mod N, then the same HKDF as the
// server. poolName and userID are as for NewVerifier.
func (c *Client) SessionKey(poolName, userID, password string, salt []byte, B *big.Int) ([]byte, error) {
	if B == nil || B.Sign() <= 0 || new(big.Int).Mod(B, groupN).Sign() == 0 {
		return nil, ErrInvalidB
	}
	return c.keyFor(poolName, userID, password, salt, B, hashInts(c.bigA, B))
}

// keyFor is SessionKey once u = H(PAD(A) | PAD(B)) is known.
func (c *Client) keyFor(poolName, userID, password string, salt []byte, B, u *big.Int) ([]byte, error) {
	if u.Sign() == 0 {
		return nil, ErrZeroU
	}
	x := computeX(poolName, userID, password, salt)
	base := new(big.Int).Exp(groupG, x, groupN)
	base.Mul(base, groupK)
	base.Sub(B, base)
	base.Mod(base, groupN)
	e := new(big.Int).Mul(u, x)
	e.Add(e, c.a)
	S := base.Exp(base, e, groupN)
	return deriveKey(S, u), nil
}

// PasswordClaim returns PASSWORD_CLAIM_SIGNATURE for a challenge, signed
// over timestamp (see FormatTimestamp). For a user, poolName is
// PoolName(userPoolID) and userID is USER_ID_FOR_SRP; for a device, they are
// the DeviceGroupKey and DeviceKey and password is DeviceSecret.Password.
func (c *Client) PasswordClaim(poolName, userID, password string, ch Challenge, timestamp string) (string, error) {
	B, err := DecodeHex(ch.SRPB)
	if err != nil {
		return "", err
	}
	salt, err := DecodeSalt(ch.Salt)
	if err != nil {
		return "", err
	}
	block, err := DecodeSecretBlock(ch.SecretBlock)
	if err != nil {
		return "", err
	}
	key, err := c.SessionKey(poolName, userID, password, salt, B)
	if err != nil {
		return "", err
	}
	return ClaimSignature(key, poolName, userID, block, timestamp), nil
}
