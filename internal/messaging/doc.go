// Package messaging owns every message Gognito sends to users: Cognito
// template rendering and default texts, the senders (development inbox,
// SMTP, SMS log, webhook) with their router, and the HTTP inbox that
// exposes delivered messages to developers and tests.
package messaging
