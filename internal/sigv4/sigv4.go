package sigv4

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"time"
)

// Error codes, as AWS JSON services report them in __type.
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeInvalidSignature           = "InvalidSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
)

// DefaultMaxSkew is the clock skew allowed when Verifier.MaxSkew is zero.
const DefaultMaxSkew = 5 * time.Minute

// Messages used verbatim by AWS.
const (
	msgMissingToken     = "Missing Authentication Token"
	msgUnrecognized     = "The security token included in the request is invalid."
	msgSignatureInvalid = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// Credentials looks up the secret key of an access key id; ok=false if unknown.
type Credentials func(accessKeyID string) (secret string, ok bool)

// Verifier verifies SigV4-signed requests. The zero value knows no keys.
type Verifier struct {
	// Credentials resolves access key ids; nil means every key is unknown.
	Credentials Credentials
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxSkew is how far X-Amz-Date may be from Now; zero means DefaultMaxSkew.
	MaxSkew time.Duration
}

// Scope is what a verified request was signed for.
type Scope struct {
	AccessKeyID string
	Date        string // YYYYMMDD from the credential scope
	Region      string
	Service     string
	// SessionToken is the X-Amz-Security-Token the request carried (and signed), if any.
	SessionToken string
}

// Error is a verification failure; Code is the AWS __type.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Verify checks the SigV4 signature of r (the Authorization header, or the
// X-Amz-* query parameters of a presigned request) against body, which the
// caller has already read, for the expected service signing name such as
// "cognito-idp" or "cognito-identity". Any region is accepted and returned.
// On failure the error is an *Error carrying AWS's code and message.
func (v *Verifier) Verify(r *http.Request, body []byte, service string) (Scope, error) {
	hdr := lowerHeaders(r.Header)
	auth, err := parseAuth(r, hdr)
	if err != nil {
		return Scope{}, err
	}
	if err := checkSignedHeaders(auth, hdr); err != nil {
		return Scope{}, err
	}
	t, err := parseAmzDate(auth.amzDate)
	if err != nil {
		return Scope{}, err
	}
	if err := v.checkSkew(t); err != nil {
		return Scope{}, err
	}
	scope, term, err := parseCredential(auth.credential)
	if err != nil {
		return Scope{}, err
	}
	if err := checkScope(scope, term, service, auth.amzDate); err != nil {
		return Scope{}, err
	}
	secret, ok := v.lookup(scope.AccessKeyID)
	if !ok {
		return Scope{}, &Error{Code: CodeUnrecognizedClient, Message: msgUnrecognized}
	}
	payload, err := payloadHash(hdr, body)
	if err != nil {
		return Scope{}, err
	}
	creq := canonicalRequest(r, hdr, auth, payload)
	sts := stringToSign(auth.amzDate, scope, creq)
	want := signature(signingKey(secret, scope), sts)
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return Scope{}, &Error{Code: CodeInvalidSignature, Message: msgSignatureInvalid}
	}
	scope.SessionToken = auth.sessionToken
	return scope, nil
}

func (v *Verifier) lookup(accessKeyID string) (string, bool) {
	if v.Credentials == nil {
		return "", false
	}
	return v.Credentials(accessKeyID)
}

// checkSkew rejects request times more than MaxSkew away from Now, with AWS's wording.
func (v *Verifier) checkSkew(t time.Time) error {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	n := now().UTC()
	switch {
	case t.Before(n.Add(-skew)):
		return newError(CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - %s.)",
			t.Format(timeFormat), n.Add(-skew).Format(timeFormat), n.Format(timeFormat), skewText(skew))
	case t.After(n.Add(skew)):
		return newError(CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + %s.)",
			t.Format(timeFormat), n.Add(skew).Format(timeFormat), n.Format(timeFormat), skewText(skew))
	}
	return nil
}

// skewText renders the allowed skew as AWS does ("5 min"), falling back to seconds.
func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%d sec", d/time.Second)
}
