// Command gognito runs the Gognito server (serve), applies storage migrations (migrate) and prints its version (version).
package main
