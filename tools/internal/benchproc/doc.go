// Package benchproc holds what the benchmark commands (tools/loadbench,
// tools/srpfloor) share: processes' and the machine's CPU time read from
// /proc (Linux), and the parsing of their -concurrency lists.
package benchproc
