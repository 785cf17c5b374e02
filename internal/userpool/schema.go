package userpool

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
)

// standardAttribute describes one OIDC standard attribute of every pool.
type standardAttribute struct {
	name     string
	dataType api.AttributeDataType
	minLen   string // "" = no string constraints
	maxLen   string
}

// standardAttributes are the attributes every pool has, in the order
// Cognito lists them.
var standardAttributes = []standardAttribute{
	{"sub", api.AttributeDataTypeString, "1", "2048"},
	{"name", api.AttributeDataTypeString, "0", "2048"},
	{"given_name", api.AttributeDataTypeString, "0", "2048"},
	{"family_name", api.AttributeDataTypeString, "0", "2048"},
	{"middle_name", api.AttributeDataTypeString, "0", "2048"},
	{"nickname", api.AttributeDataTypeString, "0", "2048"},
	{"preferred_username", api.AttributeDataTypeString, "0", "2048"},
	{"profile", api.AttributeDataTypeString, "0", "2048"},
	{"picture", api.AttributeDataTypeString, "0", "2048"},
	{"website", api.AttributeDataTypeString, "0", "2048"},
	{"email", api.AttributeDataTypeString, "0", "2048"},
	{"email_verified", api.AttributeDataTypeBoolean, "", ""},
	{"gender", api.AttributeDataTypeString, "0", "2048"},
	{"birthdate", api.AttributeDataTypeString, "10", "10"},
	{"zoneinfo", api.AttributeDataTypeString, "0", "2048"},
	{"locale", api.AttributeDataTypeString, "0", "2048"},
	{"phone_number", api.AttributeDataTypeString, "0", "2048"},
	{"phone_number_verified", api.AttributeDataTypeBoolean, "", ""},
	{"address", api.AttributeDataTypeString, "0", "2048"},
	{"updated_at", api.AttributeDataTypeNumber, "", ""},
}

func isStandardAttribute(name string) bool {
	for _, a := range standardAttributes {
		if a.name == name {
			return true
		}
	}
	return false
}

// defaultSchema returns the standard attributes with Cognito's defaults.
func defaultSchema() []api.SchemaAttributeType {
	out := make([]api.SchemaAttributeType, 0, len(standardAttributes))
	for _, a := range standardAttributes {
		s := api.SchemaAttributeType{
			Name:                   ptr(a.name),
			AttributeDataType:      ptr(a.dataType),
			DeveloperOnlyAttribute: ptr(false),
			Mutable:                ptr(a.name != "sub"),
			Required:               ptr(a.name == "sub"),
		}
		switch {
		case a.minLen != "":
			s.StringAttributeConstraints = &api.StringAttributeConstraintsType{MinLength: ptr(a.minLen), MaxLength: ptr(a.maxLen)}
		case a.dataType == api.AttributeDataTypeNumber:
			s.NumberAttributeConstraints = &api.NumberAttributeConstraintsType{MinValue: ptr("0")}
		}
		out = append(out, s)
	}
	return out
}

// buildSchema merges the requested schema into the standard one: standard
// attributes may be made required, immutable or narrowed; other names become
// custom attributes ("custom:" or, developer-only, "dev:custom:").
func buildSchema(requested []api.SchemaAttributeType) ([]api.SchemaAttributeType, error) {
	schema := defaultSchema()
	index := map[string]int{}
	for i, a := range schema {
		index[*a.Name] = i
	}
	var custom []api.SchemaAttributeType
	seen := map[string]bool{}
	for _, r := range requested {
		name := deref(r.Name)
		if i, ok := index[name]; ok {
			if err := overrideStandard(&schema[i], r); err != nil {
				return nil, err
			}
			continue
		}
		attr, err := customAttribute(r)
		if err != nil {
			return nil, err
		}
		if seen[*attr.Name] {
			return nil, invalidParameter("Duplicate custom attribute names %s are not allowed in a user pool schema.", customName(name))
		}
		seen[*attr.Name] = true
		custom = append(custom, attr)
	}
	return append(schema, custom...), nil
}

func customName(name string) string {
	return "custom:" + strings.TrimPrefix(name, "custom:")
}

// overrideStandard applies a requested definition of a standard attribute.
func overrideStandard(std *api.SchemaAttributeType, r api.SchemaAttributeType) error {
	if (r.AttributeDataType != nil && *r.AttributeDataType != *std.AttributeDataType) || deref(r.DeveloperOnlyAttribute) {
		return invalidParameter("You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute %s", *std.Name)
	}
	if r.Required != nil {
		std.Required = ptr(*r.Required)
	}
	if r.Mutable != nil {
		std.Mutable = ptr(*r.Mutable)
	}
	if r.StringAttributeConstraints != nil && std.StringAttributeConstraints != nil {
		c := *std.StringAttributeConstraints
		if r.StringAttributeConstraints.MinLength != nil {
			c.MinLength = r.StringAttributeConstraints.MinLength
		}
		if r.StringAttributeConstraints.MaxLength != nil {
			c.MaxLength = r.StringAttributeConstraints.MaxLength
		}
		if err := checkStringConstraints(*std.Name, &c); err != nil {
			return err
		}
		std.StringAttributeConstraints = &c
	}
	if r.NumberAttributeConstraints != nil && std.NumberAttributeConstraints != nil {
		c := *r.NumberAttributeConstraints
		if err := checkNumberConstraints(*std.Name, &c); err != nil {
			return err
		}
		std.NumberAttributeConstraints = &c
	}
	return nil
}

// customAttribute validates and normalises a requested custom attribute.
func customAttribute(r api.SchemaAttributeType) (api.SchemaAttributeType, error) {
	name := strings.TrimPrefix(deref(r.Name), "custom:")
	if r.AttributeDataType == nil {
		return api.SchemaAttributeType{}, invalidParameter("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	}
	if deref(r.Required) {
		return api.SchemaAttributeType{}, invalidParameter("Required custom attributes are not supported currently.")
	}
	devOnly := deref(r.DeveloperOnlyAttribute)
	full := "custom:" + name
	if devOnly {
		full = "dev:custom:" + name
	}
	out := api.SchemaAttributeType{
		Name:                   ptr(full),
		AttributeDataType:      ptr(*r.AttributeDataType),
		DeveloperOnlyAttribute: ptr(devOnly),
		Mutable:                ptr(r.Mutable == nil || *r.Mutable),
		Required:               ptr(false),
	}
	switch *r.AttributeDataType {
	case api.AttributeDataTypeString:
		c := api.StringAttributeConstraintsType{}
		if r.StringAttributeConstraints != nil {
			c = *r.StringAttributeConstraints
		}
		if err := checkStringConstraints(full, &c); err != nil {
			return api.SchemaAttributeType{}, err
		}
		out.StringAttributeConstraints = &c
	case api.AttributeDataTypeNumber:
		c := api.NumberAttributeConstraintsType{}
		if r.NumberAttributeConstraints != nil {
			c = *r.NumberAttributeConstraints
		}
		if err := checkNumberConstraints(full, &c); err != nil {
			return api.SchemaAttributeType{}, err
		}
		out.NumberAttributeConstraints = &c
	}
	return out, nil
}

func checkStringConstraints(name string, c *api.StringAttributeConstraintsType) error {
	minLen, err := optInt(c.MinLength)
	if err != nil {
		return invalidParameter("Invalid MinLength for attribute %s.", name)
	}
	maxLen, err := optInt(c.MaxLength)
	if err != nil {
		return invalidParameter("Invalid MaxLength for attribute %s.", name)
	}
	if maxLen != nil && *maxLen > 2048 {
		return invalidParameter("user.%s: String attributes cannot have a length of more than 2048", strings.TrimPrefix(name, "dev:"))
	}
	if minLen != nil && maxLen != nil && *maxLen < *minLen {
		return invalidParameter("Attribute %s cannot have a max length shorter than it's min length", name)
	}
	return nil
}

func checkNumberConstraints(name string, c *api.NumberAttributeConstraintsType) error {
	minV, err := optInt(c.MinValue)
	if err != nil {
		return invalidParameter("Invalid MinValue for attribute %s.", name)
	}
	maxV, err := optInt(c.MaxValue)
	if err != nil {
		return invalidParameter("Invalid MaxValue for attribute %s.", name)
	}
	if minV != nil && maxV != nil && *maxV < *minV {
		return invalidParameter("Attribute %s cannot have a max value smaller than it's min value", name)
	}
	return nil
}

func optInt(s *string) (*int64, error) {
	if s == nil {
		return nil, nil
	}
	v, err := strconv.ParseInt(*s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("not an integer: %q", *s)
	}
	return &v, nil
}

// schemaHas reports whether the pool schema defines the attribute, by its
// full name (standard, custom:x or dev:custom:x).
func schemaHas(schema []api.SchemaAttributeType, name string) bool {
	return slices.ContainsFunc(schema, func(a api.SchemaAttributeType) bool { return deref(a.Name) == name })
}
