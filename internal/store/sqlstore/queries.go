package sqlstore

import "strings"

// queries is the SQL the store runs, built once per dialect.
type queries struct {
	insertPool, getPool, getPoolForUpdate, updatePool, deletePool, listPools, countPools, poolExists string

	insertClient, getClient, getClientForUpdate, getClientByID, updateClient, deleteClient, listClients, countClients string

	migrationApplied, recordMigration string
}

const (
	poolColumns   = "id, name, created_at, updated_at, settings"
	clientColumns = "pool_id, id, name, secret, created_at, updated_at, settings"
)

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
	getClient := "SELECT " + clientColumns + " FROM clients WHERE pool_id = " + p(1) + " AND id = " + p(2)
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
		getClientByID:      "SELECT " + clientColumns + " FROM clients WHERE id = " + p(1),
		updateClient: "UPDATE clients SET name = " + p(1) + ", secret = " + p(2) + ", updated_at = " + p(3) + ", settings = " + p(4) +
			" WHERE pool_id = " + p(5) + " AND id = " + p(6),
		deleteClient: "DELETE FROM clients WHERE pool_id = " + p(1) + " AND id = " + p(2),
		listClients:  "SELECT " + clientColumns + " FROM clients WHERE pool_id = " + p(1) + " AND id > " + p(2) + " ORDER BY id LIMIT " + p(3),
		countClients: "SELECT COUNT(*) FROM clients WHERE pool_id = " + p(1),

		migrationApplied: "SELECT COUNT(*) FROM schema_migrations WHERE version = " + p(1),
		recordMigration:  "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + list(3) + ")",
	}
}
