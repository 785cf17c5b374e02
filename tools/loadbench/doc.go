// Command loadbench drives an in-process Gognito through the AWS SDK for Go v2 with concurrent clients and reports throughput and latency.
package main
