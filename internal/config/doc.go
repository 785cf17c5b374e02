// Package config owns Gognito's runtime configuration: its defaults, the YAML file and environment overrides that change them, validation, and the logger they describe.
package config
