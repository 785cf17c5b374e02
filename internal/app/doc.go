// Package app assembles a Gognito server from its configuration: storage, services, protocol router and HTTP server.
package app
