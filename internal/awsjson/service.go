package awsjson

import (
	"context"
)

// Operation describes one modeled operation and how to invoke it.
type Operation struct {
	// Name is the operation name, the part of X-Amz-Target after the dot.
	Name string
	// SigV4 is true when the model requires IAM (SigV4) authentication.
	SigV4 bool
	// Errors lists the __type of every exception the model declares for it.
	Errors []string
	// Invoke decodes and validates the body, then calls the implementation.
	Invoke func(ctx context.Context, body []byte) (any, error)
}

// Declares reports whether code is an error the model declares for op.
func (op *Operation) Declares(code string) bool {
	for _, e := range op.Errors {
		if e == code {
			return true
		}
	}
	return false
}

// Service is one AWS JSON service: its target prefix and operation table.
type Service struct {
	// TargetPrefix is the X-Amz-Target prefix, e.g. AWSCognitoIdentityProviderService.
	TargetPrefix string
	// SigningName is the SigV4 service name, e.g. cognito-idp.
	SigningName string
	// Operations maps operation names to operations.
	Operations map[string]*Operation
	// ValidationError builds the modeled exception sent for constraint
	// violations (InvalidParameterException for both Cognito services).
	ValidationError func(message string) error
	// InternalError builds the modeled exception sent for unexpected
	// failures (InternalErrorException).
	InternalError func() error
}

// Validator is implemented by generated input types.
type Validator interface {
	Validate() error
}

// Bind adapts a typed operation implementation to Operation.Invoke: it
// decodes the body into a new I, validates it, and calls fn.
func Bind[I any, O any, PI interface {
	*I
	Validator
}](fn func(context.Context, *I) (*O, error)) func(context.Context, []byte) (any, error) {
	return func(ctx context.Context, body []byte) (any, error) {
		in := PI(new(I))
		if err := Decode(body, in); err != nil {
			return nil, err
		}
		if err := in.Validate(); err != nil {
			return nil, err
		}
		out, err := fn(ctx, (*I)(in))
		if err != nil {
			return nil, err
		}
		if out == nil {
			return new(O), nil
		}
		return out, nil
	}
}
