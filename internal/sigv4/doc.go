// Package sigv4 owns verification of AWS Signature Version 4 (AWS4-HMAC-SHA256) on incoming requests, with AWS's error codes and messages.
package sigv4
