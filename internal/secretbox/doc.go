// Package secretbox encrypts small secrets at rest (TOTP keys) with AES-256-GCM under the server's data key.
package secretbox
