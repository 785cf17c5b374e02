// Package storetest owns the conformance suite that every store.Store backend must pass.
package storetest
