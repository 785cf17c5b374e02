package sqlstore

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

var attributeSamples = [][]store.Attribute{
	nil,
	{{Name: "email", Value: "jane@example.com"}},
	{{Name: "sub", Value: "x"}, {Name: "name", Value: ""}, {Name: "", Value: "empty name"}},
	{{Name: "custom:q", Value: `say "hi" \ back`}, {Name: "html", Value: "<a href='x'>&amp;</a>"}},
	{{Name: "ctl", Value: "tab\there\nnewline\x00nul\x1f"}, {Name: "ls", Value: "\u2028\u2029"}},
	{{Name: "unicode", Value: "ünïcødé ✓ 𝄞 \U0010FFFF"}, {Name: "comma", Value: `","Value":"`}},
	{{Name: "brackets", Value: `[{"Name":"x","Value":"y"}]`}},
}

func TestAttributesRoundTrip(t *testing.T) {
	for _, attrs := range attributeSamples {
		enc, err := encodeAttributes(attrs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeAttributes(enc)
		if err != nil || !slices.Equal(got, attrs) {
			t.Errorf("decodeAttributes(%s) = %q, %v; want %q", enc, got, err, attrs)
		}
		var aliases []string
		for _, a := range attrs {
			aliases = append(aliases, a.Name+":"+a.Value)
		}
		encA, err := encodeAliases(aliases)
		if err != nil {
			t.Fatal(err)
		}
		gotA, err := decodeAliases(encA)
		if err != nil || !slices.Equal(gotA, aliases) {
			t.Errorf("decodeAliases(%s) = %q, %v; want %q", encA, gotA, err, aliases)
		}
	}
}

// FuzzFastDecoders checks that whenever the hand-written decoders accept
// an input, encoding/json decodes it to the same value.
func FuzzFastDecoders(f *testing.F) {
	for _, attrs := range attributeSamples {
		enc, _ := encodeAttributes(attrs)
		f.Add(enc)
	}
	for _, s := range []string{`["a","b"]`, `["a"]`, `[]`, `["a",]`, `[{"Name":"a","Value":"b"},]`,
		`[{"Name":"a","Value":"b"}`, `[{"Name":"a","Value":"b"}]x`, `["\u00e9"]`, `["a" ,"b"]`, "[\"\x82\"]", "[{\"Name\":\"\xff\",\"Value\":\"\"}]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := fastAttributes(s); ok {
			var want []store.Attribute
			if err := json.Unmarshal([]byte(s), &want); err != nil || !slices.Equal(got, want) {
				t.Errorf("fastAttributes(%q) = %q; encoding/json: %q, %v", s, got, want, err)
			}
		}
		if got, ok := fastStrings(s); ok {
			var want []string
			if err := json.Unmarshal([]byte(s), &want); err != nil || !slices.Equal(got, want) {
				t.Errorf("fastStrings(%q) = %q; encoding/json: %q, %v", s, got, want, err)
			}
		}
	})
}
