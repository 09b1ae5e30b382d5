package main

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
)

// The example schemas of the spec: graduation ceremony for the registration
// burst, toolbox workshop (the largest) for the form page.
//
//go:embed testdata/*.json
var schemas embed.FS

func schema(name string) []byte {
	b, err := schemas.ReadFile("testdata/" + name + ".json")
	if err != nil {
		panic(err) // embedded at build time: cannot be missing
	}
	return b
}

// Event is a seeded event.
type Event struct {
	ID              int64
	MaxParticipants int
}

// CreateEvent inserts an open event with schema and capacity.
func CreateEvent(ctx context.Context, pool *pgxpool.Pool, name, schemaName string, maxParticipants int) (Event, error) {
	const q = `
		INSERT INTO events (name, description, registration_open, registration_schema, max_participants,
		                    starts_at, ends_at)
		VALUES ($1, $2, true, $3, $4, now() + interval '30 days', now() + interval '30 days 4 hours')
		RETURNING id ` + benchMark
	e := Event{MaxParticipants: maxParticipants}
	desc := "Die Feier für alle Absolventinnen und Absolventen des Jahrgangs. Mit **Sektempfang** und $E = mc^2$."
	err := pool.QueryRow(ctx, q, name, desc, string(schema(schemaName)), maxParticipants).Scan(&e.ID)
	if err != nil {
		return e, fmt.Errorf("creating event %q: %w", name, err)
	}
	return e, nil
}

// CloseRegistration closes an event once its run is over, so that the event
// list of later scenarios does not grow with every run.
func CloseRegistration(ctx context.Context, pool *pgxpool.Pool, ids ...int64) error {
	_, err := pool.Exec(ctx, `UPDATE events SET registration_open = false WHERE id = ANY($1) `+benchMark, ids)
	return err
}

// SeedPastEvents adds closed events of earlier years, as the association's
// database holds them.
func SeedPastEvents(ctx context.Context, pool *pgxpool.Pool, n int) error {
	const q = `
		INSERT INTO events (name, description, registration_open, registration_schema, max_participants, starts_at, ends_at)
		SELECT 'Vergangene Veranstaltung ' || g, 'Beschreibung ' || g, false, $1, 100,
		       now() - g * interval '30 days', now() - g * interval '30 days' + interval '3 hours'
		FROM generate_series(1, $2) g`
	_, err := pool.Exec(ctx, q, string(schema("summer-academy")), n)
	return err
}

// SeedPersons writes persons from+1 … to with realistic German names in
// one statement, so the table can grow from one size to the next.
func SeedPersons(ctx context.Context, pool *pgxpool.Pool, from, to int) error {
	const q = `
		INSERT INTO persons (name, email, email_valid, membership_status, membership_type, joining_date, created_at)
		SELECT f.v || ' ' || l.v,
		       translate(lower(f.v || '.' || l.v), 'äöüß', 'aous') || '.' || g || '@example.org',
		       true,
		       (ARRAY['confirmed', 'confirmed', 'confirmed', 'pending', 'canceled', NULL])[1 + g % 6],
		       (ARRAY['ordentlich', 'ausserordentlich'])[1 + g % 2],
		       date '2005-01-01' + (g % 7000),
		       now() - (g % 3000) * interval '1 day'
		FROM generate_series($1::int + 1, $2::int) g,
		     LATERAL (SELECT (ARRAY['Anna', 'Lena', 'Marie', 'Sophie', 'Laura', 'Julia', 'Lea', 'Hannah',
		                            'Sarah', 'Katharina', 'Johanna', 'Clara', 'Paula', 'Emma', 'Mia', 'Nele',
		                            'Max', 'Paul', 'Jonas', 'Felix', 'Lukas', 'Leon', 'Tim', 'Jan', 'Niklas',
		                            'Moritz', 'David', 'Simon', 'Tobias', 'Philipp', 'Alexander', 'Florian',
		                            'Kevin', 'Benedikt', 'Jörg', 'Özlem', 'Ayşe', 'Mehmet', 'Dmitri', 'Chen'])[1 + g % 40] AS v) f,
		     LATERAL (SELECT (ARRAY['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner',
		                            'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter',
		                            'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun',
		                            'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz',
		                            'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler',
		                            'Herrmann', 'König', 'Walter', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters',
		                            'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Schubert', 'Yilmaz',
		                            'Kaya', 'Nguyen', 'Ivanova', 'Wang', 'Kowalski', 'Nowak', 'Rossi',
		                            'García', 'Papadopoulos'])[1 + (g / 40) % 60] AS v) l`
	if _, err := pool.Exec(ctx, q, from, to); err != nil {
		return fmt.Errorf("seeding persons %d to %d: %w", from+1, to, err)
	}
	return vacuumPersons(ctx, pool)
}

// vacuumPersons vacuums and analyses persons, the persons' search words
// and the names' words (migrations 0148 and 0156) where the binary
// measured has them, and more. VACUUM,
// not only ANALYZE: a table that served for a while has its rows marked
// visible; fresh ones make the first reads set those marks (writes) and
// measure that instead, and autovacuum would do it during the runs.
func vacuumPersons(ctx context.Context, pool *pgxpool.Pool, more ...string) error {
	tables := append([]string{"persons"}, more...)
	for _, words := range []string{"person_search_words", "search_name_words"} {
		var held bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, words).Scan(&held); err != nil {
			return err
		}
		if held {
			tables = append(tables, words)
		}
	}
	_, err := pool.Exec(ctx, `VACUUM ANALYZE `+strings.Join(tables, ", "))
	return err
}

// Admin is a user of the benchmark with the levels it needs.
type Admin struct {
	Username, Password string
}

// CreateAdmin writes a user bench-<name> holding levels through a role of
// its own, the way an administrator would set one up.
func CreateAdmin(ctx context.Context, pool *pgxpool.Pool, name string, levels ...string) (Admin, error) {
	a := Admin{Username: "bench-" + name, Password: "bench-password-0123"}
	role := "bench_" + name
	hash, err := auth.HashPassword(a.Password)
	if err != nil {
		return a, err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var personID, userID int64
		if err := tx.QueryRow(ctx, `INSERT INTO persons (name, email, email_valid) VALUES ($1, $2, true) RETURNING id`,
			"Bench "+name, a.Username+"@example.org").Scan(&personID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO users (username, password_hash, person_id) VALUES ($1, $2, $3) RETURNING id`,
			a.Username, hash, personID).Scan(&userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO roles (name) VALUES ($1)`, role); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO access_levels (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, levels); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO role_access_levels (role, access_level) SELECT $1, unnest($2::text[])`, role, levels); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, userID, role)
		return err
	})
	if err != nil {
		return a, fmt.Errorf("creating the user %s: %w", a.Username, err)
	}
	return a, nil
}

// LogIn logs a through the login form and returns a client holding the
// session cookie.
func (a Admin) LogIn(ctx context.Context, tr *http.Transport, baseURL string) (*http.Client, error) {
	c := NewClient(tr, true)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	form := url.Values{"user_or_email": {a.Username}, "password": {a.Password}}
	if _, _, err := PostForm(ctx, c, baseURL+"/login/", form, nil, http.StatusSeeOther); err != nil {
		return nil, fmt.Errorf("logging in as %s: %w", a.Username, err)
	}
	return c, nil
}
