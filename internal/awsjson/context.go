package awsjson

import "context"

// RequestInfo is what the protocol layer knows about the current request.
type RequestInfo struct {
	// RequestID is sent back in x-amzn-RequestId.
	RequestID string
	// Service is the target prefix of the called service.
	Service string
	// Operation is the called operation.
	Operation string
	// Region comes from the SigV4 credential scope when the request is
	// signed, else from the server's configuration.
	Region string
	// AccessKeyID is the access key of a signed request ("" if unsigned).
	AccessKeyID string
	// SourceIP is the client's address.
	SourceIP string
	// UserAgent is the client's User-Agent header.
	UserAgent string
	// Host is the Host the client addressed, for links back to this server.
	Host string
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying info.
func WithRequestInfo(ctx context.Context, info RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// RequestInfoFrom returns the request info carried by ctx (zero if none).
func RequestInfoFrom(ctx context.Context) RequestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(RequestInfo)
	return info
}
