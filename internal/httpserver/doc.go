// Package httpserver owns Gognito's HTTP listener: the server lifecycle with graceful shutdown, the health endpoint, and the recover and access-log middlewares wrapped around every request.
package httpserver
