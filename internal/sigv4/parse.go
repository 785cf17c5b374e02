package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
	timeFormat = "20060102T150405Z"
)

// authParams is what the client claims: parsed, not yet trusted.
type authParams struct {
	credential    string   // keyid/date/region/service/terminator
	signedHeaders []string // lowercase, in the client's order
	signature     string
	amzDate       string
	sessionToken  string
	presigned     bool // from the query string: X-Amz-Signature is not part of the canonical query
}

// lowerHeaders indexes h by lowercase name, merging names that differ only in case.
func lowerHeaders(h http.Header) map[string][]string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	out := make(map[string][]string, len(h))
	for _, k := range names {
		lk := strings.ToLower(k)
		out[lk] = append(out[lk], h[k]...)
	}
	return out
}

func first(vs []string) (string, bool) {
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// parseAuth reads the Authorization header, or the X-Amz-* query parameters
// when there is no Authorization header.
func parseAuth(r *http.Request, hdr map[string][]string) (authParams, error) {
	if h, ok := first(hdr["authorization"]); ok {
		return parseHeaderAuth(strings.TrimSpace(h), hdr)
	}
	var q url.Values
	if r.URL != nil {
		q, _ = url.ParseQuery(r.URL.RawQuery)
	}
	if alg, ok := first(q["X-Amz-Algorithm"]); ok && alg == algorithm {
		return parseQueryAuth(q)
	}
	return authParams{}, &Error{Code: CodeMissingAuthenticationToken, Message: msgMissingToken}
}

// parseHeaderAuth parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
// Like AWS, parameters are separated by commas and/or whitespace, the last
// occurrence of a key wins, and the algorithm is checked only once the
// parameters are complete.
func parseHeaderAuth(h string, hdr map[string][]string) (authParams, error) {
	alg, rest, _ := strings.Cut(h, " ")
	params := map[string]string{}
	for _, p := range strings.FieldsFunc(rest, func(c rune) bool { return c == ',' || unicode.IsSpace(c) }) {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return authParams{}, newError(CodeIncompleteSignature,
				"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", p, h)
		}
		params[k] = v
	}
	var a authParams
	var missing []string
	var ok bool
	if a.credential, ok = params["Credential"]; !ok {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if a.signature, ok = params["Signature"]; !ok {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	signed, ok := params["SignedHeaders"]
	if !ok {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if a.amzDate, ok = first(hdr["x-amz-date"]); !ok {
		if a.amzDate, ok = first(hdr["date"]); !ok {
			missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
		}
	}
	if len(missing) > 0 {
		return authParams{}, newError(CodeIncompleteSignature, "%s Authorization=%s", strings.Join(missing, " "), h)
	}
	if alg != algorithm {
		return authParams{}, newError(CodeIncompleteSignature, "Unsupported AWS 'algorithm': '%s'.", alg)
	}
	a.signedHeaders = splitSignedHeaders(signed)
	a.sessionToken, _ = first(hdr["x-amz-security-token"])
	return a, nil
}

// parseQueryAuth parses presigned-URL parameters. As for AWS's non-S3
// services, X-Amz-Expires is not interpreted: the usual clock-skew window applies.
func parseQueryAuth(q url.Values) (authParams, error) {
	a := authParams{presigned: true}
	var missing []string
	var ok bool
	if a.credential, ok = first(q["X-Amz-Credential"]); !ok {
		missing = append(missing, "AWS query-string parameters must include 'X-Amz-Credential'.")
	}
	if a.signature, ok = first(q["X-Amz-Signature"]); !ok {
		missing = append(missing, "AWS query-string parameters must include 'X-Amz-Signature'.")
	}
	signed, ok := first(q["X-Amz-SignedHeaders"])
	if !ok {
		missing = append(missing, "AWS query-string parameters must include 'X-Amz-SignedHeaders'.")
	}
	if a.amzDate, ok = first(q["X-Amz-Date"]); !ok {
		missing = append(missing, "AWS query-string parameters must include 'X-Amz-Date'.")
	}
	if len(missing) > 0 {
		return authParams{}, newError(CodeIncompleteSignature, "%s Re-examine the query-string parameters.", strings.Join(missing, " "))
	}
	a.signedHeaders = splitSignedHeaders(signed)
	a.sessionToken, _ = first(q["X-Amz-Security-Token"])
	return a, nil
}

func splitSignedHeaders(s string) []string {
	names := strings.Split(s, ";")
	for i, n := range names {
		names[i] = strings.ToLower(n)
	}
	return names
}

// checkSignedHeaders requires host to be signed, and a session token sent as
// a header to be signed too.
func checkSignedHeaders(a authParams, hdr map[string][]string) error {
	if !slices.Contains(a.signedHeaders, "host") && !slices.Contains(a.signedHeaders, ":authority") {
		return newError(CodeInvalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if _, ok := hdr["x-amz-security-token"]; ok && !slices.Contains(a.signedHeaders, "x-amz-security-token") {
		return newError(CodeInvalidSignature, "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return nil
}

// parseAmzDate accepts exactly the ISO 8601 basic format, 20060102T150405Z.
func parseAmzDate(s string) (time.Time, error) {
	t, err := time.Parse(timeFormat, s)
	if err != nil || len(s) != len(timeFormat) {
		return time.Time{}, newError(CodeIncompleteSignature,
			"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", s)
	}
	return t, nil
}

// parseCredential splits keyid/date/region/service/terminator.
func parseCredential(c string) (Scope, string, error) {
	parts := strings.Split(c, "/")
	if len(parts) != 5 {
		return Scope{}, "", newError(CodeIncompleteSignature,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", c)
	}
	return Scope{AccessKeyID: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}, parts[4], nil
}

// checkScope reports every scope problem at once, each sentence followed by
// a space, as AWS does. Any non-empty region is accepted.
func checkScope(s Scope, term, service, amzDate string) error {
	var msg strings.Builder
	if s.Region == "" {
		msg.WriteString("Credential should be scoped to a valid region, not ''. ")
	}
	if s.Service != service {
		msg.WriteString("Credential should be scoped to correct service: '" + service + "'. ")
	}
	if term != terminator {
		msg.WriteString("Credential should be scoped with a valid terminator: '" + terminator + "', not '" + term + "'. ")
	}
	if day := amzDate[:8]; s.Date != day {
		msg.WriteString("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
			s.Date + "' != '" + day + "', from '" + amzDate + "'. ")
	}
	if msg.Len() > 0 {
		return &Error{Code: CodeInvalidSignature, Message: msg.String()}
	}
	return nil
}
