package localdb

import (
	"context"
	"database/sql"
	"fmt"
)

// stmt returns the transaction's prepared statement for query, preparing
// it on first use: a batch that runs the same statements thousands of
// times (a push, a page of a pull, an import) parses each once.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// queryRow runs a query of one row with a prepared statement.
func (tx *Tx) queryRow(query string, args ...any) rowScanner {
	st, err := tx.stmt(query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(tx.ctx, args...)
}

// rowScanner is a *sql.Row, or a statement that could not be prepared.
type rowScanner interface {
	Scan(dest ...any) error
}

// errRow is a row whose query failed before it ran.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// closeStmts closes the transaction's prepared statements.
func (tx *Tx) closeStmts() {
	for _, st := range tx.stmts {
		st.Close()
	}
	tx.stmts = nil
}

// preparedConn is a connection whose queries are prepared once each; a
// page of a pull reads thousands of records with a few queries.
type preparedConn struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func (c *preparedConn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	st, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	c.stmts[query] = st
	return st, nil
}

// QueryRowContext runs a query of one row.
func (c *preparedConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return c.conn.QueryRowContext(ctx, query, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext runs a query.
func (c *preparedConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// close closes the prepared statements.
func (c *preparedConn) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

// eachRow runs a query with a prepared statement and calls fn for every
// row.
func (tx *Tx) eachRow(query string, args []any, fn func(scanner) error) error {
	st, err := tx.stmt(query)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(tx.ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
