// Package userpool implements the Cognito User Pools API (cognitoidp.Service) on top of the storage contract.
package userpool
