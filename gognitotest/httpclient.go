package gognitotest

import (
	"bytes"
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// HTTPDoer sends an HTTP request. It is the HTTPClient of the AWS SDK for
// Go v2 service clients' Options.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// HTTPClient returns an HTTP client for AWS SDK for Go v2 clients pointed
// at a Server: the SDK's default client (awshttp.NewBuildableClient), but
// handing the transport a private copy of each (already signed) request
// body.
//
// Why: smithy-go may close the request body stream it gives net/http as
// soon as the response arrives. Against a server on loopback that answers
// fast, this can beat the transport's write loop, which then closes the
// connection under the response being read, and the call fails with "use
// of closed network connection" (aws-sdk-go-v2 issues #1825 and #2737).
// The server is not involved; a copy the SDK cannot close avoids the race.
//
//	client := cognitoidentityprovider.NewFromConfig(cfg, func(o *cognitoidentityprovider.Options) {
//		o.BaseEndpoint = aws.String(srv.URL)
//		o.HTTPClient = gognitotest.HTTPClient()
//	})
func HTTPClient() HTTPDoer {
	return bufferedBody{next: awshttp.NewBuildableClient()}
}

// bufferedBody reads each request body into memory and sends a copy.
type bufferedBody struct{ next HTTPDoer }

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
