package srp

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// devicePasswordSize is the number of random bytes in a device password (the
// JS generateRandomString: 40 bytes, then base64).
const devicePasswordSize = 40

// DeviceVerifierConfig is ConfirmDevice's DeviceSecretVerifierConfig as the
// JS client sends it: standard base64 of the padded bytes (PadBytes) of the
// verifier and of the salt. The server decodes it with
// DecodeDeviceVerifierConfig.
type DeviceVerifierConfig struct {
	PasswordVerifier string
	Salt             string
}

// DecodeDeviceVerifierConfig decodes ConfirmDevice's
// DeviceSecretVerifierConfig {PasswordVerifier, Salt} into the verifier to
// store and the salt bytes (send them back as SALT with EncodeSalt). It
// rejects bad base64, an empty salt and a verifier outside [2, N).
func DecodeDeviceVerifierConfig(passwordVerifier, salt string) (verifier *big.Int, saltBytes []byte, err error) {
	vb, err := decodeBase64(passwordVerifier)
	if err != nil {
		return nil, nil, errors.New("srp: invalid PasswordVerifier base64")
	}
	sb, err := decodeBase64(salt)
	if err != nil {
		return nil, nil, errors.New("srp: invalid Salt base64")
	}
	if len(sb) == 0 {
		return nil, nil, ErrInvalidSalt
	}
	v := new(big.Int).SetBytes(vb)
	if err := checkVerifier(v); err != nil {
		return nil, nil, err
	}
	return v, sb, nil
}

// DeviceSecret is what a client keeps for a remembered device, and the
// verifier config it sends to ConfirmDevice. It is the client half: the
// server never sees Password.
type DeviceSecret struct {
	DeviceGroupKey string
	DeviceKey      string
	// Password is the device's random password: base64 of 40 random bytes.
	Password string
	Config   DeviceVerifierConfig
}

// GenerateDeviceSecret mirrors the JS generateHashDevice followed by the
// encoding CognitoUser applies before ConfirmDevice: a random password, a
// 16-byte random salt (padded as padHex pads it) and the verifier
// g^H(PAD(salt) | H(deviceGroupKey | deviceKey | ":" | password)) mod N.
func GenerateDeviceSecret(r io.Reader, deviceGroupKey, deviceKey string) (*DeviceSecret, error) {
	pw := make([]byte, devicePasswordSize)
	if _, err := io.ReadFull(r, pw); err != nil {
		return nil, fmt.Errorf("srp: reading device password: %w", err)
	}
	salt, err := GenerateSalt(r)
	if err != nil {
		return nil, err
	}
	salt = PadBytes(new(big.Int).SetBytes(salt))
	password := base64.StdEncoding.EncodeToString(pw)
	v := NewVerifier(deviceGroupKey, deviceKey, password, salt)
	return &DeviceSecret{
		DeviceGroupKey: deviceGroupKey,
		DeviceKey:      deviceKey,
		Password:       password,
		Config: DeviceVerifierConfig{
			PasswordVerifier: base64.StdEncoding.EncodeToString(PadBytes(v)),
			Salt:             base64.StdEncoding.EncodeToString(salt),
		},
	}, nil
}
