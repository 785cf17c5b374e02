// Package hostedui serves the browser pages of a user pool domain, starting with the sign-up confirmation link.
package hostedui
