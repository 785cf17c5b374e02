// Package api holds the wire layer of both Cognito services, generated from the official models by tools/apigen.
package api

//go:generate go run ../../tools/apigen -models ../../../shared/models -out .
