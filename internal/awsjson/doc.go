// Package awsjson owns the AWS JSON 1.1 protocol: target routing, request decoding, validation messages, epoch-second timestamps and error responses.
package awsjson
