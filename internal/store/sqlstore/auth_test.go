package sqlstore

import (
	"testing"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/storetest"
)

func runAuthConformance(t *testing.T, b backend) {
	storetest.RunAuth(t, func(t *testing.T) store.Store {
		return openStore(t, Config{DSN: b.newDSN(t)})
	})
}

func TestAuthConformanceSQLite(t *testing.T)   { runAuthConformance(t, sqliteBackend()) }
func TestAuthConformancePostgres(t *testing.T) { runAuthConformance(t, postgresBackend(t)) }

func runDeviceConformance(t *testing.T, b backend) {
	storetest.RunDevices(t, func(t *testing.T) store.Store {
		return openStore(t, Config{DSN: b.newDSN(t)})
	})
}

func TestDeviceConformanceSQLite(t *testing.T)   { runDeviceConformance(t, sqliteBackend()) }
func TestDeviceConformancePostgres(t *testing.T) { runDeviceConformance(t, postgresBackend(t)) }
