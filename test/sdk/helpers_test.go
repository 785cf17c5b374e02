package sdk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
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
		idp: idp.New(idp.Options{Region: region, Credentials: creds, BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: testHTTPClient}),
		ci:  cognitoidentity.New(cognitoidentity.Options{Region: region, Credentials: creds, BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: testHTTPClient}),
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

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// testHTTPClient is the SDK's HTTP client handed a private copy of each
// (already signed) request body. smithy-go may close the body stream it
// gives net/http as soon as the response arrives; on fast loopback answers
// that can beat the transport's write loop, which then closes the
// connection under the response ("use of closed network connection",
// aws-sdk-go-v2 issues #1825 and #2737). The server is not involved; the
// copy keeps the tests from flaking on it.
var testHTTPClient = bufferedBody{awshttp.NewBuildableClient()}

type bufferedBody struct{ next *awshttp.BuildableClient }

func (c bufferedBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		req.ContentLength = int64(len(b))
	}
	return c.next.Do(req)
}
