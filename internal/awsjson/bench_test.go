package awsjson_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkRouterDecodeValidate measures routing, decoding and validating
// a request with several constrained members, with a trivial operation.
func BenchmarkRouterDecodeValidate(b *testing.B) {
	h := newRouter(&fakePools{}, nil)
	body := `{"UserPoolId":"us-east-1_abcdefghi"}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.DescribeUserPool")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
