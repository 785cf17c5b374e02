package sdk

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/gognito/gognito/gognitotest"
)

// env is one server and SDK clients pointed at it.
type env struct {
	srv *gognitotest.Server
	idp *idp.Client
	ci  *cognitoidentity.Client
	ctx context.Context
}

func newEnv(t *testing.T, opts ...gognitotest.Option) *env {
	t.Helper()
	srv := gognitotest.Start(t, opts...)
	return envFor(t, srv, "us-east-1")
}

func envFor(t *testing.T, srv *gognitotest.Server, region string) *env {
	creds := credentials.NewStaticCredentialsProvider(gognitotest.AccessKeyID, gognitotest.SecretAccessKey, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return &env{
		srv: srv,
		idp: idp.New(idp.Options{Region: region, Credentials: creds, BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: gognitotest.HTTPClient()}),
		ci:  cognitoidentity.New(cognitoidentity.Options{Region: region, Credentials: creds, BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: gognitotest.HTTPClient()}),
		ctx: ctx,
	}
}

// apiErr asserts that err is an API error with the given code, HTTP 400 and
// (when msg is not empty) the given message, and returns it.
func apiErr(t *testing.T, err error, code, msg string) smithy.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("%s message:\n got  %q\n want %q", code, ae.ErrorMessage(), msg)
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != http.StatusBadRequest {
		t.Fatalf("%s status = %d, want 400", code, re.HTTPStatusCode())
	}
	return ae
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fakeClock is a settable clock for expiry tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
