#!/usr/bin/env bash
# End-to-end test through the AWS CLI: creates a pool, a user and a group
# on a freshly started Gognito and lists them. Usage: awscli.sh <gognito binary>
set -euo pipefail
bin=${1:?usage: awscli.sh path/to/gognito}
work=$(mktemp -d)
log="$work/server.log"
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

env -u GOGNITO_DATABASE "$bin" serve --addr 127.0.0.1:0 --data-dir "$work/data" 2>"$log" &
pid=$!
endpoint=""
for _ in $(seq 1 100); do
  endpoint=$(sed -n 's/.*msg="gognito listening".*endpoint=\([^ ]*\).*/\1/p' "$log" | head -1)
  [ -n "$endpoint" ] && break
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "server did not start:"; cat "$log"; exit 1; }

export AWS_ACCESS_KEY_ID=AKIDCLITEST AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=eu-central-1 AWS_PAGER=""
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
aws() { command aws --endpoint-url "$endpoint" --output text "$@"; }

fail=0 passed=0
check() { # check <description> <got> <want>
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok - $1"
  else fail=$((fail + 1)); echo "not ok - $1: got '$2', want '$3'"; fi
}

pool=$(aws cognito-idp create-user-pool --pool-name cli-pool --query UserPool.Id)
check "pool id is in the signing region" "${pool%%_*}" "eu-central-1"

aws cognito-idp admin-create-user --user-pool-id "$pool" --username cli-user \
  --user-attributes Name=email,Value=cli@example.com --message-action SUPPRESS >/dev/null
aws cognito-idp create-group --group-name cli-group --user-pool-id "$pool" --precedence 5 >/dev/null
aws cognito-idp admin-add-user-to-group --user-pool-id "$pool" --username cli-user --group-name cli-group

check "list-user-pools shows the pool" "$(aws cognito-idp list-user-pools --max-results 10 --query 'UserPools[].Name')" "cli-pool"
check "list-users shows the user" "$(aws cognito-idp list-users --user-pool-id "$pool" --query 'Users[].Username')" "cli-user"
check "list-users filters by email" "$(aws cognito-idp list-users --user-pool-id "$pool" --filter 'email = "cli@example.com"' --query 'Users[].UserStatus')" "FORCE_CHANGE_PASSWORD"
check "list-groups shows the group" "$(aws cognito-idp list-groups --user-pool-id "$pool" --query 'Groups[].[GroupName,Precedence]')" "cli-group	5"
check "list-users-in-group shows the member" "$(aws cognito-idp list-users-in-group --user-pool-id "$pool" --group-name cli-group --query 'Users[].Username')" "cli-user"

err=$(command aws --endpoint-url "$endpoint" cognito-idp admin-get-user --user-pool-id "$pool" --username nobody 2>&1 >/dev/null || true)
case "$err" in
  *"(UserNotFoundException)"*"User does not exist."*) check "missing user is UserNotFoundException" yes yes ;;
  *) check "missing user is UserNotFoundException" "$err" "UserNotFoundException" ;;
esac

echo "$passed passed, $fail failed"
[ "$fail" = 0 ]
