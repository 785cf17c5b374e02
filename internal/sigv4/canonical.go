package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const unsignedPayload = "UNSIGNED-PAYLOAD"

// payloadHash is the hex SHA-256 of body. A X-Amz-Content-Sha256 header other
// than UNSIGNED-PAYLOAD must match it and is then used as sent; unsigned
// payloads are not accepted, so UNSIGNED-PAYLOAD falls back to the body hash.
func payloadHash(hdr map[string][]string, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	if v, ok := first(hdr["x-amz-content-sha256"]); ok && v != unsignedPayload {
		if !strings.EqualFold(v, h) {
			return "", newError(CodeInvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
		return v, nil
	}
	return h, nil
}

// canonicalRequest builds the SigV4 canonical request:
// method, URI, query, headers, signed headers and payload hash, one per line.
func canonicalRequest(r *http.Request, hdr map[string][]string, a authParams, payload string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	rawQuery := ""
	if r.URL != nil {
		rawQuery = r.URL.RawQuery
	}
	b.WriteString(canonicalQuery(rawQuery, a.presigned))
	b.WriteByte('\n')
	for _, name := range a.signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, hdr, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(a.signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

// canonicalURI is what the AWS SDK for Go v2 signs for non-S3 services: the
// escaped path ("/" when empty) URI-encoded once more, keeping "/". Like the
// SDK, it does not remove dot segments or duplicate slashes.
func canonicalURI(u *url.URL) string {
	p := ""
	if u != nil {
		p = u.EscapedPath()
		if u.Opaque != "" { // "//host/path?query" form, as the SDK reads it
			p = ""
			o, _, _ := strings.Cut(u.Opaque, "?")
			o = strings.TrimPrefix(o, "//")
			if i := strings.IndexByte(o, '/'); i >= 0 {
				p = o[i:]
			}
		}
	}
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// canonicalQuery URI-encodes every name and value, then sorts by name and
// value. For presigned requests X-Amz-Signature is left out.
func canonicalQuery(rawQuery string, presigned bool) string {
	q, _ := url.ParseQuery(rawQuery)
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, pair{uriEncode(k, true), uriEncode(v, true)})
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		if c := strings.Compare(x.k, y.k); c != 0 {
			return c
		}
		return strings.Compare(x.v, y.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// uriEncode percent-encodes (uppercase hex) every byte outside the RFC 3986
// unreserved set; "/" is kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// canonicalHeaderValue joins the values of one signed header with ",", each
// trimmed with runs of spaces collapsed. host comes from r.Host (Go moves it
// out of r.Header); content-length falls back to r.ContentLength, which is
// where a client-side request keeps it. A signed header the request lacks
// contributes an empty value, so the signature cannot match.
func canonicalHeaderValue(r *http.Request, hdr map[string][]string, name string) string {
	switch name {
	case "host", ":authority":
		host := r.Host
		if host == "" && r.URL != nil {
			host = r.URL.Host
		}
		return normalizeValue(host)
	case "content-length":
		if _, ok := hdr[name]; !ok && r.ContentLength > 0 {
			return strconv.FormatInt(r.ContentLength, 10)
		}
	}
	vs := hdr[name]
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = normalizeValue(v)
	}
	return strings.Join(out, ",")
}

// normalizeValue collapses runs of spaces into one and trims surrounding whitespace.
func normalizeValue(v string) string {
	if strings.Contains(v, "  ") {
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
				continue
			}
			b.WriteByte(v[i])
		}
		v = b.String()
	}
	return strings.TrimSpace(v)
}

// stringToSign is algorithm, request time, credential scope and the hex
// SHA-256 of the canonical request, one per line.
func stringToSign(amzDate string, s Scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return algorithm + "\n" + amzDate + "\n" +
		s.Date + "/" + s.Region + "/" + s.Service + "/" + terminator + "\n" +
		hex.EncodeToString(sum[:])
}

// signingKey derives the key through the HMAC chain
// "AWS4"+secret → date → region → service → "aws4_request".
func signingKey(secret string, s Scope) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), s.Date)
	k = hmacSHA256(k, s.Region)
	k = hmacSHA256(k, s.Service)
	return hmacSHA256(k, terminator)
}

// signature is the lowercase hex HMAC-SHA256 of the string to sign.
func signature(key []byte, sts string) string {
	return hex.EncodeToString(hmacSHA256(key, sts))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
