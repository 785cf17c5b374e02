package sqlstore

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/gognito/gognito/internal/store"
)

// The attributes and aliases columns hold what encoding/json makes of
// []store.Attribute and []string. Reading them back is the bulk of the CPU
// a user listing costs, so the decoders below parse that exact shape by
// hand, sharing the column's string for values without escapes, and fall
// back to encoding/json for anything else (escaped characters, other
// spacing), which always decodes correctly.

// decodeAttributes parses an attributes column; "[]" is nil.
func decodeAttributes(s string) ([]store.Attribute, error) {
	if s == "[]" || s == "" {
		return nil, nil
	}
	if attrs, ok := fastAttributes(s); ok {
		return attrs, nil
	}
	var attrs []store.Attribute
	err := json.Unmarshal([]byte(s), &attrs)
	return attrs, err
}

// decodeAliases parses an aliases column; "[]" is nil.
func decodeAliases(s string) ([]string, error) {
	if s == "[]" || s == "" {
		return nil, nil
	}
	if aliases, ok := fastStrings(s); ok {
		return aliases, nil
	}
	var aliases []string
	err := json.Unmarshal([]byte(s), &aliases)
	return aliases, err
}

// plainString reads the JSON string at the start of s, which must hold no
// escape, and returns its contents and what follows the closing quote.
func plainString(s string) (value, rest string, ok bool) {
	if len(s) == 0 || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	value = s[1 : 1+end]
	if strings.IndexByte(value, '\\') >= 0 {
		return "", "", false
	}
	ascii := true
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case c < 0x20: // control characters are always escaped
			return "", "", false
		case c >= 0x80:
			ascii = false
		}
	}
	// encoding/json replaces invalid UTF-8 with U+FFFD; leave that to it.
	if !ascii && !utf8.ValidString(value) {
		return "", "", false
	}
	return value, s[2+end:], true
}

func fastAttributes(s string) ([]store.Attribute, bool) {
	const name, value = `{"Name":`, `,"Value":`
	rest, ok := strings.CutPrefix(s, "[")
	if !ok {
		return nil, false
	}
	attrs := make([]store.Attribute, 0, strings.Count(s, name))
	for {
		if rest, ok = strings.CutPrefix(rest, name); !ok {
			return nil, false
		}
		var a store.Attribute
		if a.Name, rest, ok = plainString(rest); !ok {
			return nil, false
		}
		if rest, ok = strings.CutPrefix(rest, value); !ok {
			return nil, false
		}
		if a.Value, rest, ok = plainString(rest); !ok {
			return nil, false
		}
		if rest, ok = strings.CutPrefix(rest, "}"); !ok {
			return nil, false
		}
		attrs = append(attrs, a)
		switch rest {
		case "]":
			return attrs, true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return nil, false
		}
	}
}

func fastStrings(s string) ([]string, bool) {
	rest, ok := strings.CutPrefix(s, "[")
	if !ok {
		return nil, false
	}
	out := make([]string, 0, strings.Count(s, `","`)+1)
	for {
		var v string
		if v, rest, ok = plainString(rest); !ok {
			return nil, false
		}
		out = append(out, v)
		if rest == "]" {
			return out, true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return nil, false
		}
	}
}
