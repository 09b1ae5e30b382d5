package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Counts are what a run cost the database, read before and after it:
// statements (pg_stat_statements, without BEGIN/COMMIT and the benchmark's
// own queries, which carry benchMark) and write transactions (transaction
// ids assigned, cluster-wide: each is a commit that waits for a WAL flush;
// read-only transactions do not). pg_stat_database's commit counter is not
// used because idle backends report it up to 10 s late.
type Counts struct {
	Statements, WriteTxs, Registrations int64
	CPU                                 CPU
}

// benchMark tags the benchmark's own queries so that Counts leaves them out.
const benchMark = "/* bench */"

// ReadCounts reads the counters of pool's database.
func ReadCounts(ctx context.Context, pool *pgxpool.Pool) (Counts, error) {
	const q = `
		SELECT (SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements s
		        WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		          AND s.query !~* '^\s*(begin|commit|rollback|start transaction)'
		          AND s.query NOT LIKE '%` + benchMark + `%'),
		       pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
		       (SELECT count(*) FROM registrations) ` + benchMark
	var c Counts
	err := pool.QueryRow(ctx, q).Scan(&c.Statements, &c.WriteTxs, &c.Registrations)
	if err != nil {
		return c, fmt.Errorf("reading pg_stat_statements: %w", err)
	}
	return c, nil
}

// PerRegistration is what one registration cost between before and c.
func (c Counts) PerRegistration(before Counts) (statements, writeTxs float64, ok bool) {
	n := c.Registrations - before.Registrations
	if n <= 0 {
		return 0, 0, false
	}
	return float64(c.Statements-before.Statements) / float64(n), float64(c.WriteTxs-before.WriteTxs) / float64(n), true
}

// Cost is one line of the statements table.
type Cost struct {
	What                 string
	Clients              int
	Statements, WriteTxs float64
	// Memberdb, Postgres and Bench are milliseconds of CPU per
	// registration (see CPU).
	Memberdb, Postgres, Bench float64
}

// logTopStatements logs the statements of pool's database that ran most
// often since the last reset of pg_stat_statements, per registration: how
// often, and their execution time (without parsing, planning and the
// protocol), so a run shows where its statements go.
func (b *Bench) logTopStatements(ctx context.Context, pool *pgxpool.Pool, registrations int64) {
	if registrations <= 0 {
		return
	}
	const q = `
		SELECT calls, total_exec_time, left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND query NOT LIKE '%` + benchMark + `%'
		ORDER BY calls DESC LIMIT 30 ` + benchMark
	rows, err := pool.Query(ctx, q)
	if err != nil {
		b.logf("  top statements: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var calls int64
		var total float64
		var text string
		if rows.Scan(&calls, &total, &text) == nil {
			b.logf("    %6.2f × %6.3f ms  %s", float64(calls)/float64(registrations), total/float64(registrations), text)
		}
	}
}

// resetStatements empties pg_stat_statements.
func resetStatements(ctx context.Context, pool *pgxpool.Pool) {
	_, _ = pool.Exec(ctx, `SELECT pg_stat_statements_reset() `+benchMark)
}
