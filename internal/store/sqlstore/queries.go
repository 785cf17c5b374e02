package sqlstore

import "strings"

// queries is the SQL the store runs, built once per dialect.
type queries struct {
	insertPool, getPool, getPoolForUpdate, updatePool, deletePool, listPools, countPools, poolExists string

	insertClient, getClient, getClientForUpdate, getClientWithPool, updateClient, deleteClient, listClients, countClients string

	userSlot, insertUser, getUser, getUserWithFamily, getUserForUpdate, getUserBySub, getUserByAlias, updateUser, deleteUser, countUsers, userExists string
	insertAlias, deleteAlias                                                                                                                         string

	insertGroup, getGroup, getGroupForUpdate, updateGroup, deleteGroup, listGroups, countGroups, groupExists string
	addMember, removeMember, listGroupsForUser, listUsersInGroup                                             string

	insertMessage string

	insertSigningKey, listSigningKeys string

	insertRefreshToken, getRefreshToken, markRefreshTokenReplaced, revokeTokenFamily string
	revokeUserTokens, revokeDeviceTokens, familyRevoked, deleteExpiredRefreshTokens  string

	insertAuthSession, takeAuthSession, deleteExpiredAuthSessions string

	insertDevice, getDevice, getDeviceForUpdate, updateDevice, deleteDevice, listDevices, listRememberedDevices string

	migrationApplied, recordMigration string
}

const (
	poolColumns   = "id, name, created_at, updated_at, settings"
	clientColumns = "pool_id, id, name, secret, created_at, updated_at, settings"
	// userColumns are what scanUser reads, in its order.
	userColumns = "pool_id, key, username, sub, status, enabled, attributes, aliases, data, created_at, updated_at"
	// userFilterColumns follow userColumns in every insert and update; they
	// copy the attributes of the same names (filterAttributes).
	userFilterColumns = "email, phone_number, name, given_name, family_name, preferred_username"
	groupColumns      = "pool_id, name, description, role_arn, precedence, created_at, updated_at"
	messageColumns    = "pool_id, username, channel, destination, subject, body, kind, created_at"
	signingKeyColumns = "pool_id, kid, private_key, created_at, active"
	refreshColumns    = "hash, pool_id, client_id, user_key, family, device_key, auth_time, created_at, expires_at, revoked_at, replaced_at"
	sessionColumns    = "hash, pool_id, client_id, user_key, challenge, data, created_at, expires_at"
	deviceColumns     = "pool_id, user_key, key, group_key, verifier, salt, remembered, data, created_at, updated_at, last_auth_at, last_modified_at"
)

// prefixed returns the comma-separated columns cols with "alias." before
// each.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = alias + "." + c
	}
	return strings.Join(parts, ", ")
}

// buildQueries writes the store's SQL with d's placeholders and locking
// clauses.
func buildQueries(d *dialect) queries {
	p := d.placeholder
	// list returns the placeholders 1..n separated by commas.
	list := func(n int) string {
		ps := make([]string, n)
		for i := range ps {
			ps[i] = p(i + 1)
		}
		return strings.Join(ps, ", ")
	}
	getPool := "SELECT " + poolColumns + " FROM user_pools WHERE id = " + p(1)
	getUser := "SELECT " + userColumns + " FROM users WHERE pool_id = " + p(1) + " AND key = " + p(2)
	getGroup := "SELECT " + groupColumns + " FROM groups WHERE pool_id = " + p(1) + " AND name = " + p(2)
	getClient := "SELECT " + clientColumns + " FROM clients WHERE pool_id = " + p(1) + " AND id = " + p(2)
	getDevice := "SELECT " + deviceColumns + " FROM devices WHERE pool_id = " + p(1) + " AND key = " + p(2)
	revokeUserTokens := "UPDATE refresh_tokens SET revoked_at = " + p(1) + " WHERE pool_id = " + p(2) + " AND user_key = " + p(3) + " AND revoked_at IS NULL"
	listDevices := "SELECT " + deviceColumns + " FROM devices WHERE pool_id = " + p(1) + " AND user_key = " + p(2) + " AND key > " + p(3)
	return queries{
		insertPool:       "INSERT INTO user_pools (" + poolColumns + ") VALUES (" + list(5) + ")",
		getPool:          getPool,
		getPoolForUpdate: getPool + d.forUpdate,
		updatePool:       "UPDATE user_pools SET name = " + p(1) + ", updated_at = " + p(2) + ", settings = " + p(3) + " WHERE id = " + p(4),
		deletePool:       "DELETE FROM user_pools WHERE id = " + p(1),
		listPools:        "SELECT " + poolColumns + " FROM user_pools WHERE id > " + p(1) + " ORDER BY id LIMIT " + p(2),
		countPools:       "SELECT COUNT(*) FROM user_pools",
		poolExists:       "SELECT 1 FROM user_pools WHERE id = " + p(1),

		insertClient:       "INSERT INTO clients (" + clientColumns + ") VALUES (" + list(7) + ")",
		getClient:          getClient,
		getClientForUpdate: getClient + d.forUpdate,
		getClientWithPool: "SELECT " + prefixed("c", clientColumns) + ", " + prefixed("p", poolColumns) +
			" FROM clients c JOIN user_pools p ON p.id = c.pool_id WHERE c.id = " + p(1),
		updateClient: "UPDATE clients SET name = " + p(1) + ", secret = " + p(2) + ", updated_at = " + p(3) + ", settings = " + p(4) +
			" WHERE pool_id = " + p(5) + " AND id = " + p(6),
		deleteClient: "DELETE FROM clients WHERE pool_id = " + p(1) + " AND id = " + p(2),
		listClients:  "SELECT " + clientColumns + " FROM clients WHERE pool_id = " + p(1) + " AND id > " + p(2) + " ORDER BY id LIMIT " + p(3),
		countClients: "SELECT COUNT(*) FROM clients WHERE pool_id = " + p(1),

		userSlot: "SELECT EXISTS (SELECT 1 FROM user_pools WHERE id = " + p(1) + ")," +
			" EXISTS (SELECT 1 FROM users WHERE pool_id = " + p(2) + " AND key = " + p(3) + ")",
		insertUser: "INSERT INTO users (" + userColumns + ", " + userFilterColumns + ") VALUES (" + list(17) + ")",
		getUser:    getUser,
		getUserWithFamily: "SELECT " + prefixed("u", userColumns) + ", EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.pool_id = u.pool_id AND r.family = " + p(1) +
			" AND r.revoked_at IS NOT NULL) FROM users u WHERE u.pool_id = " + p(2) + " AND u.key = " + p(3),
		getUserForUpdate: getUser + d.forUpdate,
		getUserBySub:     "SELECT " + userColumns + " FROM users WHERE pool_id = " + p(1) + " AND sub = " + p(2),
		getUserByAlias: "SELECT " + prefixed("u", userColumns) + " FROM user_aliases a JOIN users u ON u.pool_id = a.pool_id AND u.key = a.user_key" +
			" WHERE a.pool_id = " + p(1) + " AND a.alias = " + p(2),
		updateUser: "UPDATE users SET status = " + p(1) + ", enabled = " + p(2) + ", attributes = " + p(3) + ", aliases = " + p(4) +
			", data = " + p(5) + ", updated_at = " + p(6) + ", email = " + p(7) + ", phone_number = " + p(8) + ", name = " + p(9) +
			", given_name = " + p(10) + ", family_name = " + p(11) + ", preferred_username = " + p(12) +
			" WHERE pool_id = " + p(13) + " AND key = " + p(14),
		deleteUser:  "DELETE FROM users WHERE pool_id = " + p(1) + " AND key = " + p(2),
		countUsers:  "SELECT COUNT(*) FROM users WHERE pool_id = " + p(1),
		userExists:  "SELECT 1 FROM users WHERE pool_id = " + p(1) + " AND key = " + p(2),
		insertAlias: "INSERT INTO user_aliases (pool_id, alias, user_key) VALUES (" + list(3) + ")",
		deleteAlias: "DELETE FROM user_aliases WHERE pool_id = " + p(1) + " AND alias = " + p(2) + " AND user_key = " + p(3),

		insertGroup:       "INSERT INTO groups (" + groupColumns + ") VALUES (" + list(7) + ")",
		getGroup:          getGroup,
		getGroupForUpdate: getGroup + d.forUpdate,
		updateGroup: "UPDATE groups SET description = " + p(1) + ", role_arn = " + p(2) + ", precedence = " + p(3) + ", updated_at = " + p(4) +
			" WHERE pool_id = " + p(5) + " AND name = " + p(6),
		deleteGroup: "DELETE FROM groups WHERE pool_id = " + p(1) + " AND name = " + p(2),
		listGroups:  "SELECT " + groupColumns + " FROM groups WHERE pool_id = " + p(1) + " AND name > " + p(2) + " ORDER BY name LIMIT " + p(3),
		countGroups: "SELECT COUNT(*) FROM groups WHERE pool_id = " + p(1),
		groupExists: "SELECT 1 FROM groups WHERE pool_id = " + p(1) + " AND name = " + p(2),
		addMember: "INSERT INTO group_members (pool_id, group_name, user_key) VALUES (" + list(3) + ")" +
			" ON CONFLICT (pool_id, group_name, user_key) DO NOTHING",
		removeMember: "DELETE FROM group_members WHERE pool_id = " + p(1) + " AND group_name = " + p(2) + " AND user_key = " + p(3),
		listGroupsForUser: "SELECT " + prefixed("g", groupColumns) +
			" FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name" +
			" WHERE m.pool_id = " + p(1) + " AND m.user_key = " + p(2) + " AND m.group_name > " + p(3) +
			" ORDER BY m.group_name LIMIT " + p(4),
		listUsersInGroup: "SELECT " + prefixed("u", userColumns) +
			" FROM group_members m JOIN users u ON u.pool_id = m.pool_id AND u.key = m.user_key" +
			" WHERE m.pool_id = " + p(1) + " AND m.group_name = " + p(2) + " AND m.user_key > " + p(3) +
			" ORDER BY m.user_key LIMIT " + p(4),

		insertMessage: "INSERT INTO messages (" + messageColumns + ") VALUES (" + list(8) + ")" + d.returningID,

		insertSigningKey: "INSERT INTO signing_keys (" + signingKeyColumns + ") VALUES (" + list(5) + ")",
		listSigningKeys:  "SELECT " + signingKeyColumns + " FROM signing_keys WHERE pool_id = " + p(1) + " ORDER BY created_at DESC, kid",

		insertRefreshToken: "INSERT INTO refresh_tokens (" + refreshColumns + ") VALUES (" + list(11) + ")",
		getRefreshToken:    "SELECT " + refreshColumns + " FROM refresh_tokens WHERE hash = " + p(1),
		// COALESCE keeps the first replacement time; the row still counts as
		// matched, so a missing token is told apart by the row count alone.
		markRefreshTokenReplaced: "UPDATE refresh_tokens SET replaced_at = COALESCE(replaced_at, " + p(1) + ") WHERE hash = " + p(2),
		revokeTokenFamily: "UPDATE refresh_tokens SET revoked_at = " + p(1) +
			" WHERE pool_id = " + p(2) + " AND family = " + p(3) + " AND revoked_at IS NULL",
		revokeUserTokens:   revokeUserTokens,
		revokeDeviceTokens: revokeUserTokens + " AND device_key = " + p(4),
		familyRevoked: "SELECT 1 FROM refresh_tokens WHERE pool_id = " + p(1) + " AND family = " + p(2) +
			" AND revoked_at IS NOT NULL LIMIT 1",
		deleteExpiredRefreshTokens: "DELETE FROM refresh_tokens WHERE expires_at < " + p(1),

		insertAuthSession:         "INSERT INTO auth_sessions (" + sessionColumns + ") VALUES (" + list(8) + ")",
		takeAuthSession:           "DELETE FROM auth_sessions WHERE hash = " + p(1) + " RETURNING " + sessionColumns,
		deleteExpiredAuthSessions: "DELETE FROM auth_sessions WHERE expires_at < " + p(1),

		insertDevice:       "INSERT INTO devices (" + deviceColumns + ") VALUES (" + list(12) + ")",
		getDevice:          getDevice,
		getDeviceForUpdate: getDevice + d.forUpdate,
		updateDevice: "UPDATE devices SET group_key = " + p(1) + ", verifier = " + p(2) + ", salt = " + p(3) + ", remembered = " + p(4) +
			", data = " + p(5) + ", updated_at = " + p(6) + ", last_auth_at = " + p(7) + ", last_modified_at = " + p(8) +
			" WHERE pool_id = " + p(9) + " AND key = " + p(10),
		deleteDevice:          "DELETE FROM devices WHERE pool_id = " + p(1) + " AND key = " + p(2),
		listDevices:           listDevices + " ORDER BY key LIMIT " + p(4),
		listRememberedDevices: listDevices + " AND remembered = " + p(4) + " ORDER BY key LIMIT " + p(5),

		migrationApplied: "SELECT COUNT(*) FROM schema_migrations WHERE version = " + p(1),
		recordMigration:  "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + list(3) + ")",
	}
}
