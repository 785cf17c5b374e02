// Command srpfloor measures the floor of server CPU per SRP sign-in on a
// machine: a bare net/http server that does a sign-in's crypto (B, S and
// the password claim, two RS256 tokens), keeps its state in memory and
// speaks JSON, driven by clients doing the real client-side SRP math, with
// the server's CPU time per sign-in set against the same crypto run in a
// plain loop. Whatever Gognito spends above this floor is its own; what
// the floor spends above the loop is HTTP and the Go runtime on this
// machine (see bench/README.md).
package main
