package userpool

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/store"
)

// userData is the JSON document a user's record keeps for this package:
// the password credential and the outstanding one-time codes.
type userData struct {
	Password *credential     `json:"password,omitempty"`
	Codes    map[string]code `json:"codes,omitempty"`
	// Pending holds new values of attributes the pool requires to be
	// verified before they replace the current ones
	// (AttributesRequireVerificationBeforeUpdate).
	Pending map[string]string `json:"pending,omitempty"`
	// FailedSignIns counts wrong passwords in a row; LockedUntil is the end
	// of the lockout they caused.
	FailedSignIns int        `json:"failedSignIns,omitempty"`
	LockedUntil   *time.Time `json:"lockedUntil,omitempty"`
	// SignedOutAt is the last global sign-out: tokens issued before it are
	// refused.
	SignedOutAt *time.Time `json:"signedOutAt,omitempty"`
	// FailedPasswordChanges counts wrong previous passwords of
	// ChangePassword.
	FailedPasswordChanges int `json:"failedPasswordChanges,omitempty"`
	// MFA is the user's MFA factors and preference.
	MFA userMFA `json:"mfa,omitzero"`
	// DeviceGroupKey is the group key of the user's devices.
	DeviceGroupKey string `json:"deviceGroupKey,omitempty"`
	// InGroups is false for a user never added to a group, so that token
	// issuance can skip looking up memberships; nil means unknown.
	InGroups *bool `json:"inGroups,omitempty"`
}

func decodeUserData(u *store.User) (userData, error) {
	var d userData
	if len(u.Data) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(u.Data, &d); err != nil {
		return d, fmt.Errorf("decode data of user %s: %w", u.Key, err)
	}
	return d, nil
}

func encodeUserData(u *store.User, d userData) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	u.Data = b
	return nil
}

// poolView is a decoded pool with what user operations ask of it.
type poolView struct {
	*api.UserPoolType
	mfa *poolMFA
}

func (p poolView) id() string { return deref(p.Id) }

// caseSensitive reports whether usernames are compared case-sensitively
// (Cognito's API default when UsernameConfiguration is absent).
func (p poolView) caseSensitive() bool {
	return p.UsernameConfiguration == nil || p.UsernameConfiguration.CaseSensitive == nil || *p.UsernameConfiguration.CaseSensitive
}

// usernameKey normalises a username for comparison in this pool.
func (p poolView) usernameKey(username string) string {
	if p.caseSensitive() {
		return username
	}
	return strings.ToLower(username)
}

// usernameAttribute returns "email" or "phone_number" when the pool signs
// users in with that attribute instead of a username, or "".
func (p poolView) usernameAttribute(username string) string {
	for _, a := range p.UsernameAttributes {
		switch {
		case a == api.UsernameAttributeTypeEmail && strings.Contains(username, "@"):
			return "email"
		case a == api.UsernameAttributeTypePhoneNumber && strings.HasPrefix(username, "+"):
			return "phone_number"
		}
	}
	return ""
}

func (p poolView) hasUsernameAttributes() bool { return len(p.UsernameAttributes) > 0 }

func (p poolView) isAlias(attr string) bool {
	for _, a := range p.AliasAttributes {
		if string(a) == attr {
			return true
		}
	}
	return false
}

func (p poolView) autoVerifies(attr string) bool {
	for _, a := range p.AutoVerifiedAttributes {
		if string(a) == attr {
			return true
		}
	}
	return false
}

// aliasKey is the unique key of an alias value.
func (p poolView) aliasKey(attr, value string) string {
	switch attr {
	case "email", "preferred_username":
		// Case sensitivity of usernames applies to these aliases too.
		value = p.usernameKey(value)
	}
	return attr + ":" + value
}

// aliasesOf computes the alias keys a user holds: with username attributes
// the email / phone number always (they stand in for the username); with
// alias attributes only once verified (preferred_username always).
func (p poolView) aliasesOf(attrs []store.Attribute) []string {
	get := func(name string) string {
		for _, a := range attrs {
			if a.Name == name {
				return a.Value
			}
		}
		return ""
	}
	var out []string
	for _, a := range p.UsernameAttributes {
		if v := get(string(a)); v != "" {
			out = append(out, p.aliasKey(string(a), v))
		}
	}
	for _, a := range p.AliasAttributes {
		name := string(a)
		v := get(name)
		if v == "" {
			continue
		}
		if name == "preferred_username" || get(name+"_verified") == "true" {
			key := p.aliasKey(name, v)
			if !slices.Contains(out, key) {
				out = append(out, key)
			}
		}
	}
	return out
}

// loadPool returns the pool for a user operation.
func (s *Service) loadPool(ctx context.Context, id string) (poolView, error) {
	rec, err := s.store.GetUserPool(ctx, id)
	if err != nil {
		return poolView{}, storeErr(err, func() error { return poolNotFound(id) })
	}
	p, m, err := s.cachedPool(rec)
	if err != nil {
		return poolView{}, err
	}
	return poolView{p, m}, nil
}

func userNotFound() error { return api.NewUserNotFoundException("User does not exist.") }

// findUser resolves what a caller gives as a username: the username itself,
// the sub, or (in pools that allow it) an email, phone number or preferred
// username alias. ErrNotFound becomes UserNotFoundException.
func (s *Service) findUser(ctx context.Context, p poolView, given string) (store.User, error) {
	u, err := s.store.GetUser(ctx, p.id(), p.usernameKey(given))
	if err == nil {
		return u, nil
	}
	if !isNotFound(err) {
		return store.User{}, err
	}
	for _, attr := range []string{"email", "phone_number", "preferred_username"} {
		if !p.isAlias(attr) && !slices.Contains(p.UsernameAttributes, api.UsernameAttributeType(attr)) {
			continue
		}
		u, err = s.store.GetUserByAlias(ctx, p.id(), p.aliasKey(attr, given))
		if err == nil {
			return u, nil
		}
		if !isNotFound(err) {
			return store.User{}, err
		}
	}
	if p.hasUsernameAttributes() {
		u, err = s.store.GetUserBySub(ctx, p.id(), given)
		if err == nil {
			return u, nil
		}
		if !isNotFound(err) {
			return store.User{}, err
		}
	}
	return store.User{}, userNotFound()
}

// updateUser applies fn to the user atomically, recomputing aliases and
// the modification time; store errors become wire errors.
func (s *Service) updateUser(ctx context.Context, p poolView, u store.User, fn func(*store.User, *userData) error) (store.User, error) {
	out, err := s.store.UpdateUser(ctx, p.id(), u.Key, func(rec *store.User) error {
		d, err := decodeUserData(rec)
		if err != nil {
			return err
		}
		if err := fn(rec, &d); err != nil {
			return err
		}
		rec.Aliases = p.aliasesOf(rec.Attributes)
		rec.UpdatedAt = s.clock()
		return encodeUserData(rec, d)
	})
	if err != nil {
		return store.User{}, s.userWriteErr(p, err)
	}
	return out, nil
}

// userWriteErr maps store errors of user writes to Cognito's errors. A
// taken email or phone number is a taken username in pools that sign in
// with them, and a taken alias elsewhere.
func (s *Service) userWriteErr(p poolView, err error) error {
	if c, ok := store.AsConflict(err); ok {
		switch c.Field {
		case store.ConflictAlias:
			attr, _, _ := strings.Cut(c.Key, ":")
			msg := "An account with the given " + attr + " already exists."
			if slices.Contains(p.UsernameAttributes, api.UsernameAttributeType(attr)) {
				return api.NewUsernameExistsException(msg)
			}
			return api.NewAliasExistsException(msg)
		default:
			return api.NewUsernameExistsException("User account already exists")
		}
	}
	if isNotFound(err) {
		return userNotFound()
	}
	return err
}

// attributesOut renders a user's attributes for the wire, sub first as
// Cognito lists it, optionally restricted to the names in only.
func attributesOut(u store.User, only func(name string) bool) []api.AttributeType {
	out := make([]api.AttributeType, 0, len(u.Attributes))
	for _, a := range u.Attributes {
		if only != nil && !only(a.Name) {
			continue
		}
		out = append(out, api.AttributeType{Name: ptr(a.Name), Value: ptr(a.Value)})
	}
	return out
}

// userType renders the UserType of list and create responses.
func userType(u store.User, only func(string) bool) api.UserType {
	return api.UserType{
		Username:             ptr(u.Username),
		Attributes:           attributesOut(u, only),
		UserCreateDate:       awsjson.TimeOf(u.CreatedAt),
		UserLastModifiedDate: awsjson.TimeOf(u.UpdatedAt),
		Enabled:              ptr(u.Enabled),
		UserStatus:           ptr(api.UserStatusType(u.Status)),
	}
}

// setAttr sets or replaces an attribute, keeping the order.
func setAttr(u *store.User, name, value string) {
	for i := range u.Attributes {
		if u.Attributes[i].Name == name {
			u.Attributes[i].Value = value
			return
		}
	}
	u.Attributes = append(u.Attributes, store.Attribute{Name: name, Value: value})
}

func deleteAttr(u *store.User, name string) {
	out := u.Attributes[:0]
	for _, a := range u.Attributes {
		if a.Name != name {
			out = append(out, a)
		}
	}
	u.Attributes = out
}

func attr(u store.User, name string) string {
	v, _ := u.Attribute(name)
	return v
}
