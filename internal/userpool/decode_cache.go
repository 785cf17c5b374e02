package userpool

import (
	"bytes"
	"sync"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
)

// maxCachedDocs bounds each decode cache; past it the cache starts over.
const maxCachedDocs = 10000

// decodeCache keeps the decoded form of pool and client documents, which
// nearly every request reads and which cost far more to decode than to
// fetch. An entry is used only when the record just read from the store is
// byte for byte the one it was decoded from, so the cache never serves a
// stale setting, on one node or many; it only saves decoding.
type decodeCache struct {
	mu      sync.Mutex
	pools   map[string]poolEntry
	clients map[string]clientEntry
}

type poolEntry struct {
	raw              []byte
	name             string
	created, updated time.Time
	pool             *api.UserPoolType
	mfa              *poolMFA
}

type clientEntry struct {
	raw              []byte
	name, secret     string
	created, updated time.Time
	client           *api.UserPoolClientType
}

// cachedPool returns the decoded pool of rec and its MFA configuration.
// The pool is a shallow copy: callers may set its top-level members but
// must not change what they point to.
func (s *Service) cachedPool(rec store.UserPool) (*api.UserPoolType, *poolMFA, error) {
	c := &s.decoded
	c.mu.Lock()
	e, ok := c.pools[rec.ID]
	c.mu.Unlock()
	if !ok || e.name != rec.Name || !e.created.Equal(rec.CreatedAt) || !e.updated.Equal(rec.UpdatedAt) || !bytes.Equal(e.raw, rec.Settings) {
		p, err := s.decodePool(rec)
		if err != nil {
			return nil, nil, err
		}
		e = poolEntry{raw: bytes.Clone(rec.Settings), name: rec.Name, created: rec.CreatedAt, updated: rec.UpdatedAt, pool: p, mfa: mfaOf(rec.Settings)}
		c.mu.Lock()
		if c.pools == nil || len(c.pools) >= maxCachedDocs {
			c.pools = map[string]poolEntry{}
		}
		c.pools[rec.ID] = e
		c.mu.Unlock()
	}
	p := *e.pool
	return &p, e.mfa, nil
}

// cachedClient returns the decoded client of rec (a shallow copy, as
// cachedPool).
func (s *Service) cachedClient(rec store.Client) (*api.UserPoolClientType, error) {
	c := &s.decoded
	c.mu.Lock()
	e, ok := c.clients[rec.ID]
	c.mu.Unlock()
	if !ok || e.name != rec.Name || e.secret != rec.Secret || !e.created.Equal(rec.CreatedAt) || !e.updated.Equal(rec.UpdatedAt) || !bytes.Equal(e.raw, rec.Settings) {
		conf, err := s.decodeClient(rec)
		if err != nil {
			return nil, err
		}
		e = clientEntry{raw: bytes.Clone(rec.Settings), name: rec.Name, secret: rec.Secret, created: rec.CreatedAt, updated: rec.UpdatedAt, client: conf}
		c.mu.Lock()
		if c.clients == nil || len(c.clients) >= maxCachedDocs {
			c.clients = map[string]clientEntry{}
		}
		c.clients[rec.ID] = e
		c.mu.Unlock()
	}
	conf := *e.client
	return &conf, nil
}
