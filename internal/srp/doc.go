// Package srp implements Amazon Cognito's variant of SRP-6a (the USER_SRP_AUTH
// and DEVICE_SRP_AUTH flows) as pure functions over the standard library.
//
// The wire behaviour follows the official client, amazon-cognito-identity-js
// (AuthenticationHelper, CognitoUser and DateHelper), byte for byte:
//
//   - The group is the 3072-bit MODP prime of RFC 3526 / RFC 5054 with g = 2.
//   - Every integer that enters a hash is encoded as the JS padHex does: the
//     minimal big-endian bytes, with one 0x00 byte prepended when the top bit
//     is set (Java's BigInteger.toByteArray). This is not fixed-length
//     padding; see PadBytes.
//   - k = H(PAD(N) | PAD(g)), u = H(PAD(A) | PAD(B)),
//     x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password)),
//     v = g^x mod N, with H = SHA-256. For devices, poolName is the device
//     group key and userIdForSrp the device key.
//   - The session key is 16 bytes: HMAC(HMAC(PAD(u), PAD(S)),
//     "Caldera Derived Key" | 0x01)[:16].
//   - PASSWORD_CLAIM_SIGNATURE is base64 HMAC-SHA256(key, poolName | userId |
//     SECRET_BLOCK bytes | TIMESTAMP), with TIMESTAMP formatted as
//     FormatTimestamp does ("Tue Sep 5 00:09:40 UTC 2018": day not padded).
//
// Wire forms: SRP_A and SRP_B are unpadded lowercase hex (as JavaScript's
// BigInteger.toString(16) prints them), SALT is hex, SECRET_BLOCK and the
// claim signature are standard base64, and ConfirmDevice's
// DeviceSecretVerifierConfig carries base64 of the padded verifier and salt.
//
// The server half is NewVerifier (the verifier v, a *big.Int, for sign-up
// and password change), ServerSession (one sign-in) and VerifyPasswordClaim. The client half,
// Client and GenerateDeviceSecret, mirrors the JS client; it exists for
// tests and tools.
package srp
