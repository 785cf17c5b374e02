package awsjson

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Violations collects constraint violations in the order they are found and
// renders them the way AWS services report them ("1 validation error
// detected: Value 'x' at 'member' failed to satisfy constraint: ...").
// Generated validators fill it; the router turns it into the service's
// InvalidParameterException.
type Violations struct {
	items []string
}

// Len returns the number of violations.
func (v *Violations) Len() int { return len(v.items) }

// Err returns nil when there are no violations, else a *ValidationError.
func (v *Violations) Err() error {
	if len(v.items) == 0 {
		return nil
	}
	return &ValidationError{Items: append([]string(nil), v.items...)}
}

func (v *Violations) add(value string, hasValue, sensitive bool, path, constraint string) {
	var b strings.Builder
	b.WriteString("Value ")
	switch {
	case !hasValue:
		b.WriteString("null ")
	case sensitive:
	default:
		b.WriteString("'")
		b.WriteString(value)
		b.WriteString("' ")
	}
	b.WriteString("at '")
	b.WriteString(path)
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(constraint)
	v.items = append(v.items, b.String())
}

// Required records a missing required member.
func (v *Violations) Required(path string) {
	v.add("", false, false, path, "Member must not be null")
}

// ValidationError is the rendered set of violations of one request.
type ValidationError struct{ Items []string }

func (e *ValidationError) Error() string {
	n := len(e.Items)
	noun := "errors"
	if n == 1 {
		noun = "error"
	}
	return fmt.Sprintf("%d validation %s detected: %s", n, noun, strings.Join(e.Items, "; "))
}

// Path joins a parent path and a member name, lower-casing the member's
// first letter as AWS does ("policies.passwordPolicy").
func Path(parent, member string) string {
	m := lowerFirst(member)
	if parent == "" {
		return m
	}
	return parent + "." + m
}

// ElemPath is the path of the i-th (0-based) element of a list member,
// rendered 1-based as AWS does ("userAttributes.1.member").
func ElemPath(list string, i int) string {
	return list + "." + strconv.Itoa(i+1) + ".member"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToLower(string(r)) + s[n:]
}

// StringRule holds the modeled constraints of a string member.
type StringRule struct {
	Min, Max   int // -1 when absent
	Pattern    *regexp.Regexp
	PatternSrc string   // the pattern as the model writes it, for the message
	Enum       []string // allowed values, model order
	Sensitive  bool
}

// Check validates s against the rule and records violations at path.
// Lengths count Unicode code points (Java counts UTF-16 units; the two agree
// outside the supplementary planes).
func (r *StringRule) Check(v *Violations, path, s string) {
	for _, c := range r.constraints(s) {
		v.add(s, true, r.Sensitive, path, c)
	}
}

func (r *StringRule) constraints(s string) []string {
	var out []string
	n := utf8.RuneCountInString(s)
	if r.Min >= 0 && n < r.Min {
		out = append(out, fmt.Sprintf("Member must have length greater than or equal to %d", r.Min))
	}
	if r.Max >= 0 && n > r.Max {
		out = append(out, fmt.Sprintf("Member must have length less than or equal to %d", r.Max))
	}
	if r.Pattern != nil && !r.Pattern.MatchString(s) {
		out = append(out, "Member must satisfy regular expression pattern: "+r.PatternSrc)
	}
	if len(r.Enum) > 0 && !contains(r.Enum, s) {
		out = append(out, "Member must satisfy enum value set: ["+strings.Join(r.Enum, ", ")+"]")
	}
	return out
}

// CheckList validates every element of a list of strings against the rule;
// AWS reports element violations once, on the list, in a nested form.
func (r *StringRule) CheckList(v *Violations, path string, list []string) {
	var nested []string
	for _, s := range list {
		for _, c := range r.constraints(s) {
			if !contains(nested, c) {
				nested = append(nested, c)
			}
		}
	}
	if len(nested) > 0 {
		v.add(renderList(list), true, r.Sensitive, path, "Member must satisfy constraint: ["+strings.Join(nested, ", ")+"]")
	}
}

// IntRule holds the modeled range of a numeric member.
type IntRule struct {
	Min, Max       int64
	HasMin, HasMax bool
}

// Check validates n against the rule.
func (r *IntRule) Check(v *Violations, path string, n int64) {
	val := strconv.FormatInt(n, 10)
	if r.HasMin && n < r.Min {
		v.add(val, true, false, path, fmt.Sprintf("Member must have value greater than or equal to %d", r.Min))
	}
	if r.HasMax && n > r.Max {
		v.add(val, true, false, path, fmt.Sprintf("Member must have value less than or equal to %d", r.Max))
	}
}

// LenRule holds the modeled size constraints of a list or map member.
type LenRule struct {
	Min, Max int // -1 when absent
}

// Check validates the size n of a collection whose rendered value is val.
func (r *LenRule) Check(v *Violations, path string, n int, val string) {
	if r.Min >= 0 && n < r.Min {
		v.add(val, true, false, path, fmt.Sprintf("Member must have length greater than or equal to %d", r.Min))
	}
	if r.Max >= 0 && n > r.Max {
		v.add(val, true, false, path, fmt.Sprintf("Member must have length less than or equal to %d", r.Max))
	}
}

// RenderList renders a list of strings as Java's List.toString does.
func RenderList[T ~string](list []T) string {
	s := make([]string, len(list))
	for i, x := range list {
		s[i] = string(x)
	}
	return renderList(s)
}

func renderList(list []string) string { return "[" + strings.Join(list, ", ") + "]" }

// Strings converts a list of a string-based enum type to []string.
func Strings[T ~string](list []T) []string {
	s := make([]string, len(list))
	for i, x := range list {
		s[i] = string(x)
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MustPattern compiles a model pattern, anchored as Java's Matcher.matches
// does (the whole value must match).
func MustPattern(src string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + src + `)$`)
}
