// Package sdk holds the end-to-end tests that drive Gognito through the real AWS SDK for Go v2.
package sdk
