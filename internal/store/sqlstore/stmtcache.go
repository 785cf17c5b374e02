package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds a statement cache; the store's SQL is a fixed
// set of texts (a few dozen), so the bound only guards against a bug.
const maxCachedStatements = 512

// stmtCache keeps one prepared statement per SQL text of a *sql.DB, so that
// hot queries are parsed once instead of on every call (database/sql
// re-prepares a statement on each connection it runs on, once).
type stmtCache struct {
	mu    sync.Mutex
	db    *sql.DB
	stmts map[string]*sql.Stmt
	// pending holds texts met inside transactions before they were
	// prepared; they are prepared once the transaction has ended (preparing
	// through db inside one would wait for the connection it holds: SQLite
	// has a single writer connection).
	pending map[string]bool
}

// peek returns the prepared statement of query if it is cached, else
// remembers query for preparePending and returns nil.
func (c *stmtCache) peek(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if c.pending == nil {
		c.pending = map[string]bool{}
	}
	if len(c.pending) < maxCachedStatements {
		c.pending[query] = true
	}
	return nil
}

// preparePending prepares the texts peek met; call it outside transactions.
func (c *stmtCache) preparePending(ctx context.Context) {
	c.mu.Lock()
	var todo []string
	for q := range c.pending {
		todo = append(todo, q)
	}
	c.pending = nil
	c.mu.Unlock()
	for _, q := range todo {
		c.get(ctx, q)
	}
}

// get returns the prepared statement of query, or nil when it cannot be
// prepared (the caller then runs the text directly and gets the error).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.stmts[query]
	c.mu.Unlock()
	if ok {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		_ = st.Close()
		return prev
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	if len(c.stmts) >= maxCachedStatements {
		_ = st.Close()
		return nil
	}
	c.stmts[query] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		_ = st.Close()
	}
	c.stmts = nil
}

// stmtCtx returns the context a statement runs under. On SQLite it is ctx
// without its cancellation once the statement starts: the driver and
// database/sql would each start a goroutine per statement to watch a
// cancellable context, which costs more than a local statement (bounded
// by the busy timeout) takes. A context already ended is kept, so the call
// fails at once. PostgreSQL statements keep ctx, so that a cancelled
// request cancels them on the server.
func (s *Store) stmtCtx(ctx context.Context) context.Context {
	if s.d.name == "sqlite" && ctx.Err() == nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// rQueryRow runs a single-row query on the readers.
func (s *Store) rQueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = s.stmtCtx(ctx)
	if st := s.rc.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, query, args...)
}

// rQuery runs a query on the readers.
func (s *Store) rQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = s.stmtCtx(ctx)
	if st := s.rc.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, query, args...)
}

// wExec runs a statement on the writer.
func (s *Store) wExec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = s.stmtCtx(ctx)
	if st := s.wc.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.w.ExecContext(ctx, query, args...)
}

// wQueryRow runs a single-row statement (an INSERT or DELETE … RETURNING)
// on the writer.
func (s *Store) wQueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = s.stmtCtx(ctx)
	if st := s.wc.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.w.QueryRowContext(ctx, query, args...)
}

// txStmt returns the cached statement of query bound to tx, or nil (the
// text is then prepared after the transaction, for the next time).
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	if st := s.wc.peek(query); st != nil {
		return tx.StmtContext(ctx, st)
	}
	return nil
}

// txQueryRow runs a single-row query in tx.
func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	ctx = s.stmtCtx(ctx)
	if st := s.txStmt(ctx, tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// txExec runs a statement in tx.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	ctx = s.stmtCtx(ctx)
	if st := s.txStmt(ctx, tx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}
