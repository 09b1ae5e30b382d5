package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// signingKey returns the key named name from the table signing_keys,
// creating it on first use. It lives in the database so that every
// instance signs and checks with the same key; it is read once per
// process, and read again after a failure.
func signingKey(pool *pgxpool.Pool, name string) func(context.Context) ([]byte, error) {
	var mu sync.Mutex
	var key []byte
	return func(ctx context.Context) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if key != nil {
			return key, nil
		}
		fresh := make([]byte, 32)
		_, _ = rand.Read(fresh) // never fails (crypto/rand)
		const q = `
			WITH made AS (
				INSERT INTO signing_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING key)
			SELECT key FROM made UNION ALL SELECT key FROM signing_keys WHERE name = $1`
		var k []byte
		if err := pool.QueryRow(ctx, q, name, fresh).Scan(&k); err != nil {
			return nil, fmt.Errorf("server: signing key %s: %w", name, err)
		}
		key = k
		return key, nil
	}
}
