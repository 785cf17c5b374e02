// Package store defines the storage contract every Gognito backend implements: records, per-aggregate interfaces and sentinel errors.
package store
