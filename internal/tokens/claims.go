package tokens

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Token uses, the value of the token_use claim.
const (
	TokenUseID     = "id"
	TokenUseAccess = "access"
)

// DefaultAccessScope is the scope of access tokens issued by the
// InitiateAuth family of API operations.
const DefaultAccessScope = "aws.cognito.signin.user.admin"

// Errors returned by ParseAccessClaims.
var (
	// ErrClaims: a required claim is missing or has the wrong JSON type.
	ErrClaims = errors.New("tokens: invalid claims")
	// ErrTokenUse: token_use is not the expected "access".
	ErrTokenUse = errors.New("tokens: wrong token_use")
)

// IDClaims is the payload of a Cognito ID token.
//
// MarshalJSON writes it exactly as Cognito does: compact, with Cognito's
// string escaping ('/' as "\/"), and with members in Cognito's order, which
// is java.util.HashMap iteration order over the claim names (see
// cognitoOrder), not a fixed list. The fixed claims, in the order Cognito's
// documentation lists them, are:
//
//	sub, cognito:groups*, email_verified*, iss, cognito:username, origin_jti*,
//	cognito:roles*, cognito:preferred_role*, aud, event_id*, token_use,
//	auth_time, exp, iat, jti*
//
// (* omitted when empty or nil), and the user's attributes from Attributes
// are interleaved with them by the same hash order. A real ID token for a
// user with a few attributes reads, for example:
//
//	sub, email_verified, iss, phone_number_verified, cognito:username,
//	given_name, custom:organizationId, origin_jti, custom:tenantId, aud,
//	event_id, token_use, auth_time, phone_number, exp, custom:role, iat,
//	family_name, jti, email
type IDClaims struct {
	Sub           string   // sub
	Groups        []string // cognito:groups, in the given order
	EmailVerified *bool    // email_verified (a JSON boolean)
	Iss           string   // iss
	Username      string   // cognito:username
	OriginJTI     string   // origin_jti
	Roles         []string // cognito:roles (IAM role ARNs of the user's groups)
	PreferredRole string   // cognito:preferred_role
	Aud           string   // aud: the app client ID
	EventID       string   // event_id
	TokenUse      string   // token_use: "id"
	AuthTime      int64    // auth_time, seconds since the epoch
	Exp           int64    // exp
	Iat           int64    // iat
	JTI           string   // jti

	// Attributes holds every other claim: the user's readable attributes,
	// typed as IDTokenAttributes types them, and extra claims such as nonce,
	// at_hash or identities. An entry whose name is one of the fixed claims
	// above is ignored by MarshalJSON.
	Attributes map[string]any
}

// AccessClaims is the payload of a Cognito access token. MarshalJSON writes
// it exactly as Cognito does (see IDClaims); for a user without groups that is
//
//	sub, iss, client_id, origin_jti, event_id, token_use, scope, auth_time,
//	exp, iat, jti, username
//
// with cognito:groups after sub when the user has groups, and device_key
// (placed by hash order) when the session is bound to a remembered device.
type AccessClaims struct {
	Sub       string   // sub
	Groups    []string // cognito:groups
	DeviceKey string   // device_key
	Iss       string   // iss
	ClientID  string   // client_id
	OriginJTI string   // origin_jti
	EventID   string   // event_id
	TokenUse  string   // token_use: "access"
	Scope     string   // scope: space-separated
	AuthTime  int64    // auth_time
	Exp       int64    // exp
	Iat       int64    // iat
	JTI       string   // jti
	Username  string   // username

	// Extra holds any further claims (for example from a pre token
	// generation trigger). Entries named like a field above are ignored.
	Extra map[string]any
}

var idFixed = map[string]bool{
	"sub": true, "cognito:groups": true, "email_verified": true, "iss": true,
	"cognito:username": true, "origin_jti": true, "cognito:roles": true,
	"cognito:preferred_role": true, "aud": true, "event_id": true,
	"token_use": true, "auth_time": true, "exp": true, "iat": true, "jti": true,
}

var accessFixed = map[string]bool{
	"sub": true, "cognito:groups": true, "device_key": true, "iss": true,
	"client_id": true, "origin_jti": true, "event_id": true, "token_use": true,
	"scope": true, "auth_time": true, "exp": true, "iat": true, "jti": true,
	"username": true,
}

// MarshalJSON returns the token payload bytes Cognito would sign.
func (c IDClaims) MarshalJSON() ([]byte, error) {
	ms := make([]member, 0, 16+len(c.Attributes))
	ms = append(ms, member{"sub", c.Sub})
	if len(c.Groups) > 0 {
		ms = append(ms, member{"cognito:groups", c.Groups})
	}
	if c.EmailVerified != nil {
		ms = append(ms, member{"email_verified", *c.EmailVerified})
	}
	ms = append(ms, member{"iss", c.Iss}, member{"cognito:username", c.Username})
	ms = appendNonEmpty(ms, "origin_jti", c.OriginJTI)
	if len(c.Roles) > 0 {
		ms = append(ms, member{"cognito:roles", c.Roles})
	}
	ms = appendNonEmpty(ms, "cognito:preferred_role", c.PreferredRole)
	ms = append(ms, member{"aud", c.Aud})
	ms = appendNonEmpty(ms, "event_id", c.EventID)
	ms = append(ms,
		member{"token_use", c.TokenUse},
		member{"auth_time", c.AuthTime},
		member{"exp", c.Exp},
		member{"iat", c.Iat},
	)
	ms = appendNonEmpty(ms, "jti", c.JTI)
	for name, v := range c.Attributes {
		if !idFixed[name] {
			ms = append(ms, member{name, v})
		}
	}
	return appendCognitoObject(make([]byte, 0, 64*len(ms)), ms, false)
}

// MarshalJSON returns the token payload bytes Cognito would sign.
func (c AccessClaims) MarshalJSON() ([]byte, error) {
	ms := make([]member, 0, 14+len(c.Extra))
	ms = append(ms, member{"sub", c.Sub})
	if len(c.Groups) > 0 {
		ms = append(ms, member{"cognito:groups", c.Groups})
	}
	ms = appendNonEmpty(ms, "device_key", c.DeviceKey)
	ms = append(ms, member{"iss", c.Iss}, member{"client_id", c.ClientID})
	ms = appendNonEmpty(ms, "origin_jti", c.OriginJTI)
	ms = appendNonEmpty(ms, "event_id", c.EventID)
	ms = append(ms,
		member{"token_use", c.TokenUse},
		member{"scope", c.Scope},
		member{"auth_time", c.AuthTime},
		member{"exp", c.Exp},
		member{"iat", c.Iat},
	)
	ms = appendNonEmpty(ms, "jti", c.JTI)
	ms = append(ms, member{"username", c.Username})
	for name, v := range c.Extra {
		if !accessFixed[name] {
			ms = append(ms, member{name, v})
		}
	}
	return appendCognitoObject(make([]byte, 0, 64*len(ms)), ms, false)
}

func appendNonEmpty(ms []member, name, v string) []member {
	if v == "" {
		return ms
	}
	return append(ms, member{name, v})
}

// Attribute is a stored user attribute.
type Attribute struct {
	Name, Value string
}

// Input is what BuildID and BuildAccess need to know about a sign-in. Each
// uses the fields that apply to its token.
type Input struct {
	Issuer   string // https://cognito-idp.{region}.amazonaws.com/{userPoolId}
	ClientID string // app client ID: aud of the ID token, client_id of the access token

	Sub      string
	Username string // the user's username (cognito:username / username)
	// Attributes are the user's attributes as stored (all values are
	// strings, as in the Cognito API), already filtered to the ones the app
	// client may read. Only the ID token carries them, typed by
	// IDTokenAttributes.
	Attributes []Attribute
	Groups     []string // group names, in the order to write them

	// Roles and PreferredRole are the IAM roles of the user's groups and the
	// role of the group with the best precedence (ID token only).
	Roles         []string
	PreferredRole string

	AuthTime time.Time     // when the user authenticated (kept across refreshes)
	Now      time.Time     // issue time
	Lifetime time.Duration // exp = Now + Lifetime

	OriginJTI string // jti of the original authentication (kept across refreshes)
	EventID   string
	JTI       string // this token's jti; the caller draws one per token

	DeviceKey string // remembered device key (access token only)
	Scope     string // access token scope; empty means DefaultAccessScope
}

// BuildID returns the ID token claims for in.
func BuildID(in Input) IDClaims {
	c := IDClaims{
		Sub:           in.Sub,
		Groups:        in.Groups,
		Iss:           in.Issuer,
		Username:      in.Username,
		OriginJTI:     in.OriginJTI,
		Roles:         in.Roles,
		PreferredRole: in.PreferredRole,
		Aud:           in.ClientID,
		EventID:       in.EventID,
		TokenUse:      TokenUseID,
		AuthTime:      in.AuthTime.Unix(),
		Exp:           in.Now.Add(in.Lifetime).Unix(),
		Iat:           in.Now.Unix(),
		JTI:           in.JTI,
	}
	attrs := IDTokenAttributes(in.Attributes)
	if v, ok := attrs["email_verified"].(bool); ok {
		c.EmailVerified = &v
		delete(attrs, "email_verified")
	}
	if len(attrs) > 0 {
		c.Attributes = attrs
	}
	return c
}

// BuildAccess returns the access token claims for in.
func BuildAccess(in Input) AccessClaims {
	scope := in.Scope
	if scope == "" {
		scope = DefaultAccessScope
	}
	return AccessClaims{
		Sub:       in.Sub,
		Groups:    in.Groups,
		DeviceKey: in.DeviceKey,
		Iss:       in.Issuer,
		ClientID:  in.ClientID,
		OriginJTI: in.OriginJTI,
		EventID:   in.EventID,
		TokenUse:  TokenUseAccess,
		Scope:     scope,
		AuthTime:  in.AuthTime.Unix(),
		Exp:       in.Now.Add(in.Lifetime).Unix(),
		Iat:       in.Now.Unix(),
		JTI:       in.JTI,
		Username:  in.Username,
	}
}

// IDTokenAttributes converts stored user attributes (string values) into the
// claim values Cognito writes into ID tokens:
//
//   - email_verified, phone_number_verified: JSON booleans ("true", any case,
//     is true; anything else false).
//   - updated_at: a JSON number (kept as a string if it is not an integer).
//   - address: an object {"formatted": value}, the OIDC address claim with
//     the stored string as its formatted member.
//   - every other attribute, standard or custom:…, a JSON string, whatever
//     its schema type (AWS documents that custom attributes are always
//     written as strings).
//   - sub is not an attribute claim (it is a fixed claim) and is dropped, as
//     are developer-only attributes (dev:custom:…), which never appear in
//     tokens, and names starting with "cognito:".
//
// If a name repeats, the last value wins. It returns nil when no claim
// remains.
func IDTokenAttributes(attrs []Attribute) map[string]any {
	out := make(map[string]any, len(attrs))
	for _, a := range attrs {
		name, v := a.Name, a.Value
		switch {
		case name == "sub", strings.HasPrefix(name, "dev:"), strings.HasPrefix(name, "cognito:"):
			continue
		case name == "email_verified", name == "phone_number_verified":
			out[name] = strings.EqualFold(v, "true")
		case name == "updated_at":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[name] = n
			} else {
				out[name] = v
			}
		case name == "address":
			out[name] = map[string]any{"formatted": v}
		default:
			out[name] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// ParseAccessClaims decodes an access token payload (as returned by Verify)
// and checks that it is one: token_use "access" and sub, iss, client_id,
// username, scope, auth_time, exp and iat present with the right JSON types.
// Claims that are not fields of AccessClaims go to Extra, with JSON numbers
// as int64 (float64 if not integral), objects as map[string]any and arrays
// as []any. It does not check expiry: compare Exp with the clock.
func ParseAccessClaims(payload []byte) (AccessClaims, error) {
	m, err := decodeObject(payload)
	if err != nil {
		return AccessClaims{}, err
	}
	d := claimDecoder{m: m}
	c := AccessClaims{
		Sub:       d.str("sub", true),
		Groups:    d.strs("cognito:groups"),
		DeviceKey: d.str("device_key", false),
		Iss:       d.str("iss", true),
		ClientID:  d.str("client_id", true),
		OriginJTI: d.str("origin_jti", false),
		EventID:   d.str("event_id", false),
		TokenUse:  d.str("token_use", true),
		Scope:     d.str("scope", true),
		AuthTime:  d.num("auth_time"),
		Exp:       d.num("exp"),
		Iat:       d.num("iat"),
		JTI:       d.str("jti", false),
		Username:  d.str("username", true),
	}
	if d.err != nil {
		return AccessClaims{}, d.err
	}
	if c.TokenUse != TokenUseAccess {
		return AccessClaims{}, fmt.Errorf("%w: %q, want %q", ErrTokenUse, c.TokenUse, TokenUseAccess)
	}
	for name, v := range m {
		if !accessFixed[name] {
			if c.Extra == nil {
				c.Extra = make(map[string]any)
			}
			c.Extra[name] = normalize(v)
		}
	}
	return c, nil
}

func decodeObject(payload []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrClaims, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: payload is not a JSON object", ErrClaims)
	}
	// Anything but whitespace after the object is refused. (dec.More would
	// miss trailing data that starts with ']' or '}'.)
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after payload", ErrClaims)
	}
	return m, nil
}

// claimDecoder pulls typed claims out of a decoded payload, remembering the
// first problem.
type claimDecoder struct {
	m   map[string]any
	err error
}

func (d *claimDecoder) fail(name, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s must be a %s", ErrClaims, name, want)
	}
}

func (d *claimDecoder) str(name string, required bool) string {
	v, ok := d.m[name]
	if !ok {
		if required {
			d.fail(name, "string")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok || (required && s == "") {
		d.fail(name, "non-empty string")
	}
	return s
}

func (d *claimDecoder) strs(name string) []string {
	v, ok := d.m[name]
	if !ok {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		d.fail(name, "array of strings")
		return nil
	}
	out := make([]string, len(a))
	for i, e := range a {
		s, ok := e.(string)
		if !ok {
			d.fail(name, "array of strings")
			return nil
		}
		out[i] = s
	}
	return out
}

func (d *claimDecoder) num(name string) int64 {
	v, ok := d.m[name]
	if !ok {
		d.fail(name, "number")
		return 0
	}
	n, ok := v.(json.Number)
	if !ok {
		d.fail(name, "number")
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		d.fail(name, "integer number")
		return 0
	}
	return i
}

// normalize turns decoder output into the value types MarshalJSON writes
// back identically: json.Number becomes int64 (or float64), recursively.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil && !math.IsInf(f, 0) {
			return f
		}
		return x
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = normalize(x[k])
		}
		return x
	default:
		return v
	}
}
