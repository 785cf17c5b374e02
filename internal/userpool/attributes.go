package userpool

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
)

// writer says who writes attributes: an administrator (IAM operations) may
// write developer-only attributes; an app client only what its
// WriteAttributes allow.
type writer struct {
	admin  bool
	client *api.UserPoolClientType
}

var adminWriter = writer{admin: true}

// schemaError is Cognito's wording for an attribute that breaks the schema.
func schemaError(name, reason string) error {
	return invalidParameter("Attributes did not conform to the schema: %s: %s\n", name, reason)
}

// schemaAttr finds the schema entry for an attribute name as callers write
// it ("custom:x" also names the developer-only "dev:custom:x").
func schemaAttr(p poolView, name string) (api.SchemaAttributeType, bool) {
	for _, a := range p.SchemaAttributes {
		n := deref(a.Name)
		if n == name || (strings.HasPrefix(name, "custom:") && n == "dev:"+name) {
			return a, true
		}
	}
	return api.SchemaAttributeType{}, false
}

// canonicalAttrName returns the stored name of an attribute ("dev:custom:x"
// for a developer-only attribute written as "custom:x").
func canonicalAttrName(p poolView, name string) string {
	if a, ok := schemaAttr(p, name); ok {
		return deref(a.Name)
	}
	return name
}

// checkAttributeWrites validates attributes a caller wants to set. creating
// allows immutable attributes to be given.
func checkAttributeWrites(p poolView, attrs []api.AttributeType, w writer, creating bool) error {
	seen := map[string]bool{}
	for _, a := range attrs {
		name, value := deref(a.Name), deref(a.Value)
		def, ok := schemaAttr(p, name)
		if !ok {
			return schemaError(name, "Attribute does not exist in the schema.")
		}
		if seen[name] {
			return invalidParameter("Duplicate attribute name %s.", name)
		}
		seen[name] = true
		if name == "sub" {
			return invalidParameter("user.sub: Attribute cannot be updated.")
		}
		if deref(def.DeveloperOnlyAttribute) && !w.admin {
			return api.NewNotAuthorizedException("A client attempted to write unauthorized attribute")
		}
		if w.client != nil && len(w.client.WriteAttributes) > 0 && !slices.Contains(w.client.WriteAttributes, name) && !slices.Contains(w.client.WriteAttributes, deref(def.Name)) {
			return api.NewNotAuthorizedException("A client attempted to write unauthorized attribute")
		}
		if !creating && !deref(def.Mutable) {
			return invalidParameter("user.%s: Attribute cannot be updated.", name)
		}
		if value == "" {
			continue // an empty value deletes the attribute
		}
		if err := checkAttributeValue(def, name, value); err != nil {
			return err
		}
	}
	return nil
}

// checkAttributeValue applies the schema's type and constraints.
func checkAttributeValue(def api.SchemaAttributeType, name, value string) error {
	if strings.ContainsRune(value, 0) {
		return schemaError(name, "Attribute value must not contain NUL characters.")
	}
	switch deref(def.AttributeDataType) {
	case api.AttributeDataTypeBoolean:
		if value != "true" && value != "false" {
			return schemaError(name, "Attribute value must be true or false.")
		}
	case api.AttributeDataTypeNumber:
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return schemaError(name, "Number attribute value must be a number.")
		}
		if c := def.NumberAttributeConstraints; c != nil {
			if lo, err := optInt(c.MinValue); err == nil && lo != nil && n < float64(*lo) {
				return schemaError(name, "Number must be greater than or equal to "+*c.MinValue+".")
			}
			if hi, err := optInt(c.MaxValue); err == nil && hi != nil && n > float64(*hi) {
				return schemaError(name, "Number must be less than or equal to "+*c.MaxValue+".")
			}
		}
	case api.AttributeDataTypeString, api.AttributeDataTypeDatetime:
		n := int64(utf8.RuneCountInString(value))
		maxLen := int64(2048)
		if c := def.StringAttributeConstraints; c != nil {
			if hi, err := optInt(c.MaxLength); err == nil && hi != nil {
				maxLen = *hi
			}
			if lo, err := optInt(c.MinLength); err == nil && lo != nil && n < *lo && n > 0 {
				return schemaError(name, "String must be at least "+*c.MinLength+" characters long.")
			}
		}
		if n > maxLen {
			return schemaError(name, "String must be no longer than "+strconv.FormatInt(maxLen, 10)+" characters.")
		}
	}
	switch name {
	case "email":
		if !validEmail(value) {
			return invalidParameter("Invalid email address format.")
		}
	case "phone_number":
		if !validPhone(value) {
			return invalidParameter("Invalid phone number format.")
		}
	}
	return nil
}

func validEmail(v string) bool {
	local, domain, ok := strings.Cut(v, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(v, " \t\r\n") && !strings.Contains(domain, "@")
}

// validPhone accepts E.164: a plus sign and 2 to 15 digits.
func validPhone(v string) bool {
	if len(v) < 3 || len(v) > 16 || v[0] != '+' {
		return false
	}
	for _, r := range v[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkRequired reports the required attributes the user lacks, one line
// each, as Cognito does.
func checkRequired(p poolView, attrs []store.Attribute) error {
	var missing []string
	for _, def := range p.SchemaAttributes {
		name := deref(def.Name)
		if !deref(def.Required) || name == "sub" {
			continue
		}
		found := false
		for _, a := range attrs {
			if a.Name == name && a.Value != "" {
				found = true
			}
		}
		if !found {
			missing = append(missing, name+": The attribute is required\n")
		}
	}
	if len(missing) > 0 {
		return invalidParameter("Attributes did not conform to the schema: %s", strings.Join(missing, ""))
	}
	return nil
}

// applyAttributes writes attrs onto u; an empty value deletes the
// attribute. Changing email or phone_number clears its verified flag
// unless the same request sets the flag.
func applyAttributes(p poolView, u *store.User, attrs []api.AttributeType) {
	given := map[string]bool{}
	for _, a := range attrs {
		given[deref(a.Name)] = true
	}
	for _, a := range attrs {
		name, value := canonicalAttrName(p, deref(a.Name)), deref(a.Value)
		old, had := u.Attribute(name)
		if value == "" {
			deleteAttr(u, name)
		} else {
			setAttr(u, name, value)
		}
		if (name == "email" || name == "phone_number") && had && old != value && !given[name+"_verified"] {
			if _, ok := u.Attribute(name + "_verified"); ok {
				setAttr(u, name+"_verified", "false")
			}
		}
	}
}

// readableBy returns the attribute filter of a client's ReadAttributes
// (nil when the client may read everything but developer-only ones).
func readableBy(c *api.UserPoolClientType) func(string) bool {
	return func(name string) bool {
		if strings.HasPrefix(name, "dev:") {
			return false
		}
		if c == nil || len(c.ReadAttributes) == 0 || name == "sub" {
			return true
		}
		return slices.Contains(c.ReadAttributes, name)
	}
}
