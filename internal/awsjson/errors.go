package awsjson

import (
	"fmt"
	"net/http"
)

// Error is implemented by every error that has a wire form: the modeled
// exceptions generated from the service models and the protocol errors of
// this package.
type Error interface {
	error
	// ErrorCode is the __type sent to the client.
	ErrorCode() string
	// ErrorMessage is the message sent to the client.
	ErrorMessage() string
	// HTTPStatus is the status the live service sends for this error.
	HTTPStatus() int
}

// ProtocolError is an error raised by the protocol layer itself, before an
// operation runs (unknown target, undecodable body, missing authentication).
// Its codes are not part of either service model.
type ProtocolError struct {
	Code    string
	Message string
	Status  int
}

func (e *ProtocolError) Error() string        { return e.Code + ": " + e.Message }
func (e *ProtocolError) ErrorCode() string    { return e.Code }
func (e *ProtocolError) ErrorMessage() string { return e.Message }
func (e *ProtocolError) HTTPStatus() int      { return e.Status }

// Protocol error codes sent by the AWS JSON services.
const (
	CodeUnknownOperation      = "UnknownOperationException"
	CodeSerialization         = "SerializationException"
	CodeMissingAuthentication = "MissingAuthenticationTokenException"
	CodeInvalidSignature      = "InvalidSignatureException"
	CodeUnrecognizedClient    = "UnrecognizedClientException"
	CodeIncompleteSignature   = "IncompleteSignatureException"
	CodeNotImplemented        = "NotImplementedException"
)

// NewProtocolError returns a client error (HTTP 400) with the given code.
func NewProtocolError(code, format string, args ...any) *ProtocolError {
	return &ProtocolError{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// NewInternalError returns the InternalErrorException (HTTP 500) answered
// for a failure outside any operation's model, e.g. a recovered panic.
func NewInternalError() *ProtocolError {
	return &ProtocolError{Code: "InternalErrorException", Message: "An internal error occurred.", Status: http.StatusInternalServerError}
}

// NotImplemented is the error every operation that Gognito does not implement
// yet answers with. It names the operation, so callers know exactly what is
// missing; it is never an empty success.
func NotImplemented(service, operation string) error {
	return &ProtocolError{
		Code:    CodeNotImplemented,
		Message: fmt.Sprintf("Gognito does not implement %s.%s yet.", service, operation),
		Status:  http.StatusBadRequest,
	}
}

// NotImplementedFeature is the not-implemented error of a part of an
// operation (a flow, a challenge), named by what.
func NotImplementedFeature(what string) error {
	return &ProtocolError{Code: CodeNotImplemented, Message: "Gognito does not implement " + what + " yet.", Status: http.StatusBadRequest}
}
