package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// ContentType is the media type of every request and response body.
const ContentType = "application/x-amz-json-1.1"

// Header names of the protocol.
const (
	// HeaderTarget names the operation: "<TargetPrefix>.<Operation>".
	HeaderTarget = "X-Amz-Target"
	// HeaderRequestID carries the request ID of every response.
	HeaderRequestID = "x-amzn-RequestId"
	// HeaderErrorType carries the __type of an error response.
	HeaderErrorType = "X-Amzn-ErrorType"
)

// Authorizer checks a request's authentication before its operation runs.
// It returns the (possibly enriched) request info, or an Error to send.
type Authorizer func(r *http.Request, body []byte, svc *Service, op *Operation, info RequestInfo) (RequestInfo, error)

// RouterOptions configures a Router.
type RouterOptions struct {
	// Services are the services served on POST /.
	Services []*Service
	// Logger receives one line per internal error and per undeclared error.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies; larger ones are refused.
	MaxBodyBytes int64
	// DefaultRegion is used when the request carries no SigV4 scope.
	DefaultRegion string
	// NewRequestID returns a fresh request id.
	NewRequestID func() string
	// Authorize, when set, runs before every operation.
	Authorize Authorizer
	// OnUndeclaredError, when set, is called when an operation returns an
	// error whose __type its model does not declare. Tests use it to fail.
	OnUndeclaredError func(service, operation, code string)
}

// Router serves the AWS JSON 1.1 protocol for one or more services.
type Router struct {
	opts     RouterOptions
	services map[string]*Service
}

// NewRouter returns a Router for the given options.
func NewRouter(opts RouterOptions) *Router {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.DefaultRegion == "" {
		opts.DefaultRegion = "us-east-1"
	}
	r := &Router{opts: opts, services: make(map[string]*Service)}
	for _, s := range opts.Services {
		r.services[s.TargetPrefix] = s
	}
	return r
}

// ServeHTTP handles one AWS JSON request.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	info := RequestInfo{
		RequestID: rt.opts.NewRequestID(),
		Region:    rt.opts.DefaultRegion,
		SourceIP:  sourceIP(r),
		UserAgent: r.UserAgent(),
		Host:      r.Host,
	}
	w.Header().Set(HeaderRequestID, info.RequestID)
	if r.Method != http.MethodPost {
		rt.writeError(w, nil, &ProtocolError{Code: CodeUnknownOperation, Message: "Only POST is supported on this path.", Status: http.StatusBadRequest})
		return
	}
	svc, op, perr := rt.resolve(r.Header.Get(HeaderTarget))
	if perr != nil {
		rt.writeError(w, svc, perr)
		return
	}
	info.Service, info.Operation = svc.TargetPrefix, op.Name
	if region, key := credentialScope(r.Header.Get("Authorization")); region != "" {
		info.Region, info.AccessKeyID = region, key
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rt.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			rt.writeError(w, svc, NewProtocolError(CodeSerialization, "Request body is larger than the limit of %d bytes.", rt.opts.MaxBodyBytes))
			return
		}
		rt.writeError(w, svc, NewProtocolError(CodeSerialization, "Unable to read the request body."))
		return
	}
	if rt.opts.Authorize != nil {
		info, err = rt.opts.Authorize(r, body, svc, op, info)
		if err != nil {
			rt.writeOpError(w, r.Context(), svc, op, err)
			return
		}
	}
	ctx := WithRequestInfo(r.Context(), info)
	out, err := op.Invoke(ctx, body)
	if err != nil {
		rt.writeOpError(w, ctx, svc, op, err)
		return
	}
	buf, err := json.Marshal(out)
	if err != nil {
		rt.opts.Logger.ErrorContext(ctx, "encode response", "operation", op.Name, "request_id", info.RequestID, "error", err)
		rt.writeError(w, svc, svc.InternalError())
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
}

func (rt *Router) resolve(target string) (*Service, *Operation, error) {
	if target == "" {
		return nil, nil, NewProtocolError(CodeUnknownOperation, "Missing X-Amz-Target header.")
	}
	prefix, name, ok := strings.Cut(target, ".")
	svc := rt.services[prefix]
	if !ok || svc == nil {
		return nil, nil, NewProtocolError(CodeUnknownOperation, "Unknown target %q.", target)
	}
	op := svc.Operations[name]
	if op == nil {
		return svc, nil, NewProtocolError(CodeUnknownOperation, "Unknown operation %q.", target)
	}
	return svc, op, nil
}

// writeOpError maps an operation's error to its wire form: modeled
// exceptions and protocol errors go out as they are, validation failures
// become the service's validation exception, anything else is logged and
// answered with InternalErrorException.
func (rt *Router) writeOpError(w http.ResponseWriter, ctx context.Context, svc *Service, op *Operation, err error) {
	var verr *ValidationError
	if errors.As(err, &verr) {
		rt.writeError(w, svc, svc.ValidationError(verr.Error()))
		return
	}
	var werr Error
	if errors.As(err, &werr) {
		if _, isProtocol := werr.(*ProtocolError); !isProtocol && !op.Declares(werr.ErrorCode()) {
			rt.opts.Logger.WarnContext(ctx, "operation returned an error its model does not declare",
				"operation", op.Name, "type", werr.ErrorCode())
			if rt.opts.OnUndeclaredError != nil {
				rt.opts.OnUndeclaredError(svc.TargetPrefix, op.Name, werr.ErrorCode())
			}
		}
		rt.writeError(w, svc, werr)
		return
	}
	if errors.Is(err, context.Canceled) {
		rt.opts.Logger.InfoContext(ctx, "request cancelled", "operation", op.Name)
	} else {
		rt.opts.Logger.ErrorContext(ctx, "internal error", "operation", op.Name,
			"request_id", RequestInfoFrom(ctx).RequestID, "error", err)
	}
	rt.writeError(w, svc, svc.InternalError())
}

// writeError writes err, which must be an Error, as {"__type", "message", ...}.
func (rt *Router) writeError(w http.ResponseWriter, svc *Service, err error) {
	werr, ok := err.(Error)
	if !ok {
		werr = NewInternalError()
	}
	buf := EncodeError(werr)
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set(HeaderErrorType, werr.ErrorCode())
	h.Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(werr.HTTPStatus())
	_, _ = w.Write(buf)
}

// EncodeError renders an error body: the error's own JSON members (message
// and any modeled extras) with __type first.
func EncodeError(e Error) []byte {
	members, err := json.Marshal(e)
	if err != nil || len(members) < 2 || members[0] != '{' {
		members = []byte("{}")
	}
	if _, isProtocol := e.(*ProtocolError); isProtocol {
		members, _ = json.Marshal(struct {
			Message string `json:"message"`
		}{e.ErrorMessage()})
	}
	typ, _ := json.Marshal(e.ErrorCode())
	var b bytes.Buffer
	b.WriteString(`{"__type":`)
	b.Write(typ)
	if rest := bytes.TrimSpace(members[1:]); len(rest) > 1 {
		b.WriteByte(',')
		b.Write(rest)
	} else {
		b.WriteByte('}')
	}
	return b.Bytes()
}

// credentialScope extracts the region and access key from a SigV4
// Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...").
func credentialScope(auth string) (region, accessKey string) {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	if i := strings.IndexAny(rest, ", "); i >= 0 {
		rest = rest[:i]
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 5 {
		return "", ""
	}
	return parts[2], parts[0]
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
