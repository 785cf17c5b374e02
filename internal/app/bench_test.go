package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// BenchmarkRequestPath measures one DescribeUserPool through the whole
// handler: middleware, router, decode, validate, store read (SQLite) and
// response encoding — everything but the network.
func BenchmarkRequestPath(b *testing.B) {
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	a, err := app.New(context.Background(), cfg, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	h := a.Handler()
	create := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"PoolName":"bench"}`))
	create.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.CreateUserPool")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, create)
	if rec.Code != 200 {
		b.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	id := strings.Split(strings.Split(rec.Body.String(), `"Id":"`)[1], `"`)[0]
	body := `{"UserPoolId":"` + id + `"}`
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.DescribeUserPool")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("describe: %d %s", w.Code, w.Body)
			}
		}
	})
}
