package tokens

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file reproduces the bytes Cognito puts in a JWT header and payload.
//
// Cognito is a Java service. Decoded real tokens show two things about its
// JSON writer:
//
//  1. Strings are escaped the way json-smart's "Escape4Web" style does it
//     (the style Nimbus JOSE+JWT used): '/' becomes "\/" (real headers read
//     {"kid":"abc\/def=","alg":"RS256"} and real issuers "https:\/\/cognito-idp…"),
//     the usual \" \\ \b \f \n \r \t short escapes, and \uXXXX with upper-case
//     hex for U+0000–U+001F, U+007F–U+009F and U+2000–U+20FF. Everything else,
//     including non-ASCII text, is written as raw UTF-8. Output is compact.
//
//  2. Members come out in java.util.HashMap iteration order: by bucket index
//     (spread(String.hashCode()) & (capacity-1)), then by the order the
//     entries reached that bucket. See cognitoOrder.

// member is one name/value pair of a JSON object being written.
type member struct {
	name  string
	value any
}

// javaStringHash is Java's String.hashCode over the UTF-16 code units of s.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			h = 31*h + int32(r1)
			h = 31*h + int32(r2)
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// javaSpread is java.util.HashMap.hash: the hash code with its high half
// folded into its low half.
func javaSpread(s string) uint32 {
	h := uint32(javaStringHash(s))
	return h ^ (h >> 16)
}

// javaTableSizeFor is java.util.HashMap.tableSizeFor: the smallest power of
// two not below c (at least 1, at most 1<<30).
func javaTableSizeFor(c int) int {
	n := 1
	for n < c && n < 1<<30 {
		n <<= 1
	}
	return n
}

// javaCopyCapacity is the table size of a java.util.HashMap copy-constructed
// from a map with n entries (new HashMap<>(m)): tableSizeFor(n/0.75 + 1),
// computed in float as Java does.
func javaCopyCapacity(n int) int {
	if n == 0 {
		return 16
	}
	ft := float32(n)/0.75 + 1
	return javaTableSizeFor(int(ft))
}

// claimRank is the assumed order in which Cognito inserts claims into the map
// it serialises. It only decides between claims that share a bucket both in
// the final table and in a 64-slot table (see cognitoOrder), so most of it is
// never consulted; what real tokens pin down is:
//
//	cognito:groups before email_verified, email_verified before address,
//	auth_time before scope, jti before email, custom:role before iat.
//
// Names not listed (user attributes, extra claims) rank at 1000, between jti
// and exp, and among themselves by name.
var claimRank = map[string]int{
	"sub":                    0,
	"cognito:groups":         1,
	"email_verified":         2,
	"phone_number_verified":  3,
	"cognito:preferred_role": 4,
	"iss":                    5,
	"cognito:username":       6,
	"origin_jti":             7,
	"cognito:roles":          8,
	"identities":             9,
	"aud":                    10,
	"client_id":              11,
	"event_id":               12,
	"token_use":              13,
	"scope":                  14,
	"auth_time":              15,
	"jti":                    16,
	"device_key":             17,
	"username":               18,
	"exp":                    2000,
	"iat":                    2001,
}

func rankOf(name string) int {
	if r, ok := claimRank[name]; ok {
		return r
	}
	return 1000
}

// nestedRank is the insertion order of the members of objects Cognito nests
// in claims, namely the entries of identities, whose real order
// {"dateCreated":…,"userId":…,"providerName":…,"providerType":…,"issuer":…,
// "primary":…} is the 16-slot HashMap order of this insertion order.
var nestedRank = map[string]int{
	"userId": 0, "providerName": 1, "providerType": 2, "issuer": 3, "primary": 4, "dateCreated": 5,
}

func nestedRankOf(name string) int {
	if r, ok := nestedRank[name]; ok {
		return r
	}
	return 1000
}

// cognitoOrder sorts members into the order Cognito writes them.
//
// Model (fitted to every decoded Cognito token from 2021 on that we found:
// ten ID and access token payloads with 12 to 20 claims, including ones with
// custom attributes, group roles, federated identities and
// pre-token-generation claims; all are reproduced exactly, see
// TestCognitoOrderMatchesObservedTokens):
//
//   - The serialised map is a java.util.HashMap copy-constructed from the claim
//     set, so its table has javaCopyCapacity(n) slots (32 for 12–23 claims;
//     a 12-claim access token is already in a 32-slot table).
//   - Members are ordered by bucket index in that table.
//   - Within a bucket, by bucket index in a 64-slot table: the map was copied
//     from a larger HashMap, whose iteration order survives the copy
//     (custom:tenantId before aud, iat before family_name, identities before
//     event_id, and a pre-token-generation claim "loginId" before
//     email_verified all follow from it; the last cannot come from insertion
//     order, as trigger claims are added after the user's attributes).
//   - Remaining ties by claimRank, then by name (low confidence: only the
//     pairs listed on claimRank are observed).
//
// Tokens issued by Cognito before origin_jti existed (≈2020 and earlier) were
// built differently (a 12-claim token used a 16-slot table) and are not
// modelled.
func cognitoOrder(ms []member) { hashMapOrder(ms, 64, rankOf) }

// nestedOrder sorts the members of an object nested in a claim: plain
// HashMap order (no larger source table), ties by nestedRank.
func nestedOrder(ms []member) { hashMapOrder(ms, 0, nestedRankOf) }

// hashMapOrder sorts ms by bucket in a table of javaCopyCapacity(len(ms))
// slots, then by bucket in a table of max(that, minSource) slots, then by
// rank and name.
func hashMapOrder(ms []member, minSource uint32, rank func(string) int) {
	capacity := uint32(javaCopyCapacity(len(ms)))
	source := max(capacity, minSource)
	type keyed struct {
		bucket, srcBucket uint32
		rank              int
		m                 member
	}
	ks := make([]keyed, len(ms))
	for i, m := range ms {
		h := javaSpread(m.name)
		ks[i] = keyed{h & (capacity - 1), h & (source - 1), rank(m.name), m}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		switch {
		case a.bucket != b.bucket:
			return cmp.Compare(a.bucket, b.bucket)
		case a.srcBucket != b.srcBucket:
			return cmp.Compare(a.srcBucket, b.srcBucket)
		case a.rank != b.rank:
			return cmp.Compare(a.rank, b.rank)
		}
		return strings.Compare(a.m.name, b.m.name)
	})
	for i := range ks {
		ms[i] = ks[i].m
	}
}

// appendCognitoObject appends ms as a compact JSON object in Cognito's member
// order for a token payload (nested false) or for an object inside a claim
// (nested true). ms is reordered in place.
func appendCognitoObject(dst []byte, ms []member, nested bool) ([]byte, error) {
	if nested {
		nestedOrder(ms)
	} else {
		cognitoOrder(ms)
	}
	dst = append(dst, '{')
	for i, m := range ms {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCognitoString(dst, m.name)
		dst = append(dst, ':')
		var err error
		if dst, err = appendCognitoValue(dst, m.value, true); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendCognitoValue appends v in Cognito's JSON style. Maps become objects
// in HashMap order (as a payload at the top level, as a nested object below
// it); types it does not know are handed to encoding/json.
func appendCognitoValue(dst []byte, v any, nested bool) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendCognitoString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.AppendInt(dst, int64(x), 10), nil
		}
		return strconv.AppendFloat(dst, x, 'g', -1, 64), nil
	case json.Number:
		return append(dst, x...), nil
	case json.RawMessage:
		return append(dst, x...), nil
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCognitoString(dst, s)
		}
		return append(dst, ']'), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendCognitoValue(dst, e, true); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		ms := make([]member, 0, len(x))
		for k, e := range x {
			ms = append(ms, member{k, e})
		}
		return appendCognitoObject(dst, ms, nested)
	case map[string]string:
		ms := make([]member, 0, len(x))
		for k, e := range x {
			ms = append(ms, member{k, e})
		}
		return appendCognitoObject(dst, ms, nested)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return append(dst, b...), nil
	}
}

const upperHex = "0123456789ABCDEF"

// appendCognitoString appends s as a JSON string escaped like json-smart's
// Escape4Web. Invalid UTF-8 is written as U+FFFD.
func appendCognitoString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '/' {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
				i++
				start = i
				continue
			}
			if !escapedRange(r) {
				i += size
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		switch r {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '/':
			dst = append(dst, '\\', '/')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u',
				upperHex[r>>12&0xF], upperHex[r>>8&0xF], upperHex[r>>4&0xF], upperHex[r&0xF])
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// escapedRange reports whether json-smart writes r as a \u escape.
func escapedRange(r rune) bool {
	return r <= 0x1F || (r >= 0x7F && r <= 0x9F) || (r >= 0x2000 && r <= 0x20FF)
}
