// Package gognitotest starts an in-process Gognito server for Go tests, the way net/http/httptest starts an HTTP server.
package gognitotest
