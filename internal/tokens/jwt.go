package tokens

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Errors returned by Parse and Verify. They may be wrapped with detail; test
// with errors.Is.
var (
	// ErrMalformed: not a compact JWS of three strict base64url parts with
	// a JSON object header and payload.
	ErrMalformed = errors.New("tokens: malformed token")
	// ErrAlgorithm: the header's alg is not RS256 (none, HS256, … are refused).
	ErrAlgorithm = errors.New("tokens: unsupported algorithm")
	// ErrUnknownKey: the header's kid names no key in the key set.
	ErrUnknownKey = errors.New("tokens: unknown key")
	// ErrBadSignature: the RS256 signature does not verify.
	ErrBadSignature = errors.New("tokens: bad signature")
)

// AlgRS256 is the only signing algorithm Cognito uses and Verify accepts.
const AlgRS256 = "RS256"

// Header is the decoded JOSE header of a token.
type Header struct {
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	// Crit lists critical extensions; Verify refuses tokens that have any.
	Crit []string `json:"crit,omitempty"`
}

var b64 = base64.RawURLEncoding.Strict()

// Sign returns a compact RS256 JWS over claims with the header
// {"kid":kid,"alg":"RS256"}, member for member and byte for byte what Cognito
// writes (its writer escapes '/' in kids as "\/").
//
// claims may be raw JSON ([]byte or json.RawMessage, used as is), a
// json.Marshaler such as IDClaims or AccessClaims (its bytes are used as is,
// not re-escaped by encoding/json), a map[string]any (written in Cognito's
// member order and escaping), or any other value for encoding/json.
func Sign(key *rsa.PrivateKey, kid string, claims any) (string, error) {
	payload, err := marshalClaims(claims)
	if err != nil {
		return "", fmt.Errorf("tokens: sign: %w", err)
	}
	hdr := make([]byte, 0, len(kid)+32)
	hdr = append(hdr, `{"kid":`...)
	hdr = appendCognitoString(hdr, kid)
	hdr = append(hdr, `,"alg":"RS256"}`...)

	hl, pl := b64.EncodedLen(len(hdr)), b64.EncodedLen(len(payload))
	sl := b64.EncodedLen(key.Size())
	out := make([]byte, hl+1+pl, hl+1+pl+1+sl)
	b64.Encode(out, hdr)
	out[hl] = '.'
	b64.Encode(out[hl+1:], payload)

	digest := sha256.Sum256(out)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("tokens: sign: %w", err)
	}
	out = append(out, '.')
	out = b64.AppendEncode(out, sig)
	return string(out), nil
}

func marshalClaims(claims any) ([]byte, error) {
	switch c := claims.(type) {
	case []byte:
		return c, nil
	case json.RawMessage:
		return c, nil
	case json.Marshaler:
		return c.MarshalJSON()
	case map[string]any:
		return appendCognitoValue(nil, c, false)
	default:
		return json.Marshal(c)
	}
}

// Parse splits a compact JWS and decodes its parts without verifying
// anything cryptographic. signingInput is the "header.payload" bytes the
// signature covers. The signature part may be empty (as in alg "none"
// tokens); Verify and VerifyParsed then refuse the token.
func Parse(token string) (header Header, payload []byte, signingInput, sig []byte, err error) {
	first := strings.IndexByte(token, '.')
	last := strings.LastIndexByte(token, '.')
	if first < 0 || first == last {
		return Header{}, nil, nil, nil, fmt.Errorf("%w: want 3 dot-separated parts", ErrMalformed)
	}
	h, p, s := token[:first], token[first+1:last], token[last+1:]
	if strings.IndexByte(p, '.') >= 0 {
		return Header{}, nil, nil, nil, fmt.Errorf("%w: want 3 dot-separated parts", ErrMalformed)
	}
	hb, err := decodeSegment(h)
	if err != nil {
		return Header{}, nil, nil, nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if payload, err = decodeSegment(p); err != nil {
		return Header{}, nil, nil, nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if sig, err = decodeSegment(s); err != nil {
		return Header{}, nil, nil, nil, fmt.Errorf("%w: signature: %v", ErrMalformed, err)
	}
	if header, err = parseHeader(hb); err != nil {
		return Header{}, nil, nil, nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if !isJSONObject(payload) {
		return Header{}, nil, nil, nil, fmt.Errorf("%w: payload is not a JSON object", ErrMalformed)
	}
	return header, payload, []byte(token[:last]), sig, nil
}

// decodeSegment decodes strict unpadded base64url. Unlike the encoding/base64
// decoder it also refuses embedded CR and LF.
func decodeSegment(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, fmt.Errorf("invalid base64url byte %q at %d", c, i)
		}
	}
	return b64.DecodeString(s)
}

// parseHeader decodes a JOSE header, matching member names exactly (not
// case-insensitively as encoding/json does for struct fields). One Unmarshal
// into a map checks that b is well-formed JSON and an object (null decodes to
// a nil map and is refused); only the members Header knows are then typed.
func parseHeader(b []byte) (Header, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return Header{}, err
	}
	if raw == nil {
		return Header{}, errors.New("not a JSON object")
	}
	var h Header
	for _, m := range [...]struct {
		name string
		dst  any
	}{{"kid", &h.Kid}, {"alg", &h.Alg}, {"typ", &h.Typ}, {"crit", &h.Crit}} {
		if v, ok := raw[m.name]; ok {
			if err := json.Unmarshal(v, m.dst); err != nil {
				return Header{}, fmt.Errorf("member %q: %v", m.name, err)
			}
		}
	}
	return h, nil
}

func isJSONObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// Verify checks a token's structure, that its alg is RS256, that its kid is
// in keys, and its RSASSA-PKCS1-v1_5 SHA-256 signature. It returns the raw
// JSON payload and the kid. It does not look at any claim: decode the payload
// with ParseAccessClaims and check its exp against the clock.
//
// A caller that has already called Parse (to read a claim before choosing
// keys) should call VerifyParsed instead of parsing the token again.
func Verify(token string, keys KeySet) (payload []byte, kid string, err error) {
	header, payload, input, sig, err := Parse(token)
	if err != nil {
		return nil, "", err
	}
	if err := VerifyParsed(header, input, sig, keys); err != nil {
		return nil, "", err
	}
	return payload, header.Kid, nil
}

// VerifyParsed is Verify for a token already split by Parse: header,
// signingInput and sig must be the values Parse returned for that token. It
// checks that the alg is RS256, that there is no crit header, that the kid is
// in keys, and the signature over signingInput, and returns the same errors
// as Verify. The payload Parse returned is covered by signingInput, so once
// VerifyParsed returns nil it is authentic.
func VerifyParsed(header Header, signingInput, sig []byte, keys KeySet) error {
	if header.Alg != AlgRS256 {
		return fmt.Errorf("%w: %q", ErrAlgorithm, header.Alg)
	}
	if len(header.Crit) > 0 {
		return fmt.Errorf("%w: unsupported critical header %q", ErrMalformed, header.Crit)
	}
	pub := keys.Lookup(header.Kid)
	if pub == nil {
		return fmt.Errorf("%w: kid %q", ErrUnknownKey, header.Kid)
	}
	digest := sha256.Sum256(signingInput)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return ErrBadSignature
	}
	return nil
}
