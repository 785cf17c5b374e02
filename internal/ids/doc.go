// Package ids owns the generation and parsing of Cognito-shaped identifiers (user pool IDs, client IDs and secrets, UUIDs, tokens, codes and ARNs) from crypto/rand or a seeded deterministic source.
package ids
