// Command loadbench drives a Gognito server through the AWS SDK for Go v2
// with concurrent clients and reports throughput, latency percentiles and
// CPU time per operation, scenario by scenario (see bench/README.md). By
// default it starts an in-process server; -endpoint targets a running
// server instead (Gognito or a peer emulator, as bench/peers/run.sh does).
// It also measures the machine's raw crypto limit for SRP sign-ins and
// where SignInSRP stands against it.
package main
