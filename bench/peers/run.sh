#!/usr/bin/env bash
# Peer comparison: drives cognito-local (the npm Cognito emulator) and
# Gognito, each as its own server process on a free loopback port, with
# tools/loadbench through the same AWS SDK for Go v2 client, then prints
# the two tables side by side.
#
#   bash bench/peers/run.sh
#
# Environment (all optional):
#   DURATION     per scenario and concurrency level (default 3s)
#   CONCURRENCY  comma-separated worker counts (default 1,8)
#   USERS        ListUsersFilter pool size, created through AdminCreateUser (default 1000)
#   QUIET        wait before each measurement until other processes use fewer
#                than this many cores, at most 15s (default 0: do not wait)
#   BEST_OF      measure each level this many times, keep the fastest (default 1)
#   OUT          directory for the JSON reports and server logs (default: a
#                temporary directory, removed at the end)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
DURATION=${DURATION:-3s}
CONCURRENCY=${CONCURRENCY:-1,8}
USERS=${USERS:-1000}
QUIET=${QUIET:-0}
BEST_OF=${BEST_OF:-1}

# cognito-local has no USER_SRP_AUTH: every other scenario runs on both.
peer_scenarios=DescribeUserPool,SignInPassword,Refresh,GetUser,AdminCreateUser,ListUsersFilter
all_scenarios=DescribeUserPool,SignInSRP,SignInPassword,Refresh,GetUser,AdminCreateUser,ListUsersFilter

work=$(mktemp -d "${TMPDIR:-/tmp}/gognito-peers.XXXXXX")
out=${OUT:-$work}
mkdir -p "$out"
server_pid=
stop_server() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
cleanup() {
	stop_server
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for URL: until something answers HTTP there (at most 30s).
wait_for() {
	for _ in $(seq 300); do
		if curl -s -o /dev/null --max-time 1 "$1"; then
			return 0
		fi
		if ! kill -0 "$server_pid" 2>/dev/null; then
			echo "run.sh: the server exited early; its log:" >&2
			cat "$2" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "run.sh: nothing answered at $1 within 30s" >&2
	return 1
}

echo "== installing cognito-local (npm ci) and building loadbench and gognito" >&2
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
(cd "$root" && go build -o "$work/loadbench" ./tools/loadbench && go build -o "$work/gognito" ./cmd/gognito)
lb=("$work/loadbench" -duration "$DURATION" -concurrency "$CONCURRENCY" -users "$USERS" -quiet "$QUIET" -best-of "$BEST_OF")

echo "== cognito-local $(node -p "require('$here/node_modules/cognito-local/package.json').version")" >&2
# cognito-local keeps its data and config in ./.cognito: give it a fresh
# directory. Its pools default to email usernames; the bench users sign
# in with plain usernames, as Gognito's pools do by default.
mkdir -p "$work/cognito-local/.cognito"
echo '{"UserPoolDefaults": {"UsernameAttributes": []}}' >"$work/cognito-local/.cognito/config.json"
port=$("$work/loadbench" -freeport)
(cd "$work/cognito-local" && exec env HOST=127.0.0.1 PORT="$port" node "$here/node_modules/cognito-local/lib/bin/start.js") \
	>"$out/cognito-local.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/" "$out/cognito-local.log"
"${lb[@]}" -endpoint "http://127.0.0.1:$port" -server-pid "$server_pid" -label cognito-local \
	-scenario "$peer_scenarios" -crypto=false -out "$out/cognito-local.json"
stop_server

echo >&2
echo "== gognito ($(cd "$root" && git describe --always --dirty 2>/dev/null || echo dev))" >&2
port=$("$work/loadbench" -freeport)
"$work/gognito" serve -addr "127.0.0.1:$port" -data-dir "$work/gognito-data" >"$out/gognito.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$port/" "$out/gognito.log"
"${lb[@]}" -endpoint "http://127.0.0.1:$port" -server-pid "$server_pid" -label gognito \
	-scenario "$all_scenarios" -out "$out/gognito.json"
stop_server

echo
echo "== side by side ([1]/[2]: how many times Gognito's throughput is cognito-local's)"
"$work/loadbench" -compare "$out/gognito.json,$out/cognito-local.json"
if [[ -n ${OUT:-} ]]; then
	echo "reports and server logs are in $out" >&2
fi
