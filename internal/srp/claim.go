package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"time"
)

// timestampLayout parses what FormatTimestamp prints; Go's "2" takes one or
// two digits, so a zero-padded day parses too.
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

var (
	weekNames  = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	monthNames = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// FormatTimestamp formats t as the JS DateHelper.getNowString does for the
// TIMESTAMP challenge response, in UTC: "ddd MMM D HH:mm:ss UTC YYYY", e.g.
// "Tue Sep 25 00:09:40 UTC 2018" and "Wed Sep 5 00:09:40 UTC 2018" (the day
// of the month is not padded; hours, minutes and seconds are).
func FormatTimestamp(t time.Time) string {
	t = t.UTC()
	b := make([]byte, 0, 32)
	b = append(b, weekNames[t.Weekday()]...)
	b = append(b, ' ')
	b = append(b, monthNames[t.Month()-1]...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(t.Day()), 10)
	b = append(b, ' ')
	b = append2(b, t.Hour())
	b = append(b, ':')
	b = append2(b, t.Minute())
	b = append(b, ':')
	b = append2(b, t.Second())
	b = append(b, " UTC "...)
	b = strconv.AppendInt(b, int64(t.Year()), 10)
	return string(b)
}

func append2(b []byte, n int) []byte {
	if n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// ParseTimestamp parses a TIMESTAMP challenge response ("Tue Sep 5 00:09:40
// UTC 2018"; a zero-padded day is accepted too), for checking clock skew.
func ParseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(timestampLayout, s)
	if err != nil {
		return time.Time{}, errors.New("srp: invalid timestamp " + strconv.Quote(s))
	}
	return t, nil
}

// ClaimSignature returns PASSWORD_CLAIM_SIGNATURE: standard base64 of
// HMAC-SHA256(key, poolName | userID | secretBlock | timestamp), with the
// strings in UTF-8. For a user, poolName is PoolName(userPoolID) and userID
// is USER_ID_FOR_SRP; for a device, they are the DeviceGroupKey and the
// DeviceKey. secretBlock is the decoded SECRET_BLOCK.
func ClaimSignature(key []byte, poolName, userID string, secretBlock []byte, timestamp string) string {
	sum := claimMAC(key, poolName, userID, secretBlock, timestamp)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func claimMAC(key []byte, poolName, userID string, secretBlock []byte, timestamp string) [sha256.Size]byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(poolName))
	mac.Write([]byte(userID))
	mac.Write(secretBlock)
	mac.Write([]byte(timestamp))
	var sum [sha256.Size]byte
	mac.Sum(sum[:0])
	return sum
}

// VerifyPasswordClaim reports whether signature (PASSWORD_CLAIM_SIGNATURE,
// base64) is the claim over poolName, userID, secretBlock and timestamp
// (the TIMESTAMP exactly as the client sent it) under the session key. The
// comparison is constant-time. The caller checks separately that the
// PASSWORD_CLAIM_SECRET_BLOCK sent back is the one it issued, and the
// timestamp's skew if it wants to.
func VerifyPasswordClaim(key []byte, poolName, userID string, secretBlock []byte, timestamp, signature string) bool {
	got, err := decodeBase64(signature)
	if err != nil || len(key) == 0 {
		return false
	}
	want := claimMAC(key, poolName, userID, secretBlock, timestamp)
	return hmac.Equal(got, want[:])
}

// decodeBase64 accepts standard base64 with or without padding.
func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// DecodeSecretBlock decodes a SECRET_BLOCK (standard base64; unpadded is
// accepted too).
func DecodeSecretBlock(s string) ([]byte, error) {
	b, err := decodeBase64(s)
	if err != nil {
		return nil, errors.New("srp: invalid SECRET_BLOCK base64")
	}
	return b, nil
}
