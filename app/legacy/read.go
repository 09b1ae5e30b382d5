package legacy

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Data is everything read from the old database.
type Data struct {
	Revision             string
	TUStatuses           []TUStatus
	MembershipStatuses   []string
	MembershipTypes      []string
	RegistrationStatuses []string
	Persons              []Person
	Events               []Event
	Registrations        []Registration
	Users                []User
	Roles                []string
	AccessLevels         []string
	Grants               []Grant
	UserRoles            []UserRole
	// Unreadable rows, with the reason; they are not imported.
	Unreadable []Problem
}

// TUStatus is a person's relation to the university.
type TUStatus struct {
	ID   int64
	Name string
}

// Person is an old person row; dates are YYYY-MM-DD, empty for NULL.
type Person struct {
	ID                               int64
	Name, Email                      string
	EmailValid                       bool
	DateOfBirth, JoiningDate         string
	MembershipStatus, MembershipType string
	TUStatusID                       int64 // 0 for NULL
}

// Event is an old event; RegistrationSchema is the JSON text as stored.
type Event struct {
	ID                            int64
	Name, Description, Footer     string
	NotifyEmail, Shortlink        string
	MaxParticipants               *int64
	RegistrationOpen, ForceTUMail bool
	RegistrationSchema            string
}

// Registration is an old event registration; Data is the JSON text as
// stored, empty for NULL.
type Registration struct {
	ID, EventID, PersonID int64
	Status                string
	Data                  string
	ConfirmedAt           *time.Time
}

// User is an old login; PasswordHash is in werkzeug's format.
type User struct {
	ID                     int64
	Username, PasswordHash string
	PersonID               int64
}

// Grant gives a role an access level.
type Grant struct{ Role, Level string }

// UserRole gives a user a role.
type UserRole struct {
	UserID int64
	Role   string
}

// querier is what reading needs of *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryRows calls fn with each row's values as the driver returned them.
func queryRows(ctx context.Context, q querier, query string, fn func(v []any) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Read checks the schema and reads every table in one snapshot.
func (s *Source) Read(ctx context.Context) (*Data, error) {
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	if s.sqlite {
		// A SQLite read transaction is a snapshot already.
		opts = nil
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("legacy: read %s: %w", s.Display, err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	sc, err := s.checkSchema(ctx, tx)
	if err != nil {
		return nil, err
	}
	d := &Data{Revision: sc.revision}
	r := reader{ctx: ctx, q: tx, d: d}
	r.names(`SELECT id FROM membership_status ORDER BY id`, &d.MembershipStatuses)
	r.names(`SELECT id FROM membership_type ORDER BY id`, &d.MembershipTypes)
	r.names(`SELECT name FROM registration_status ORDER BY name`, &d.RegistrationStatuses)
	r.names(`SELECT id FROM role ORDER BY id`, &d.Roles)
	r.names(`SELECT id FROM access_level ORDER BY id`, &d.AccessLevels)
	r.tuStatuses()
	r.persons()
	r.events(sc.has["event.shortlink"], sc.has["event.footer"])
	r.registrations()
	r.users()
	r.grants()
	r.userRoles()
	if r.err != nil {
		return nil, fmt.Errorf("legacy: read %s: %w", s.Display, r.err)
	}
	return d, nil
}

// reader keeps the first error, so the table reads above stay a list.
type reader struct {
	ctx context.Context
	q   querier
	d   *Data
	err error
}

func (r *reader) each(query string, fn func(v []any) error) {
	if r.err != nil {
		return
	}
	r.err = queryRows(r.ctx, r.q, query, fn)
}

// unreadable records a row that cannot be read; id is its first column.
func (r *reader) unreadable(table string, id any, column string, err error) {
	s, _ := text(id)
	r.d.Unreadable = append(r.d.Unreadable, Problem{Table: table, ID: s, Reason: fmt.Sprintf("column %s: %v", column, err)})
}

func (r *reader) names(query string, into *[]string) {
	r.each(query, func(v []any) error {
		if s, ok := text(v[0]); ok {
			*into = append(*into, s)
		}
		return nil
	})
}

// field converts one column of a row and remembers the first failure.
type field struct {
	v   []any
	col []string
	bad string
	err error
}

func (f *field) fail(i int, err error) {
	if f.err == nil && err != nil {
		f.bad, f.err = f.col[i], err
	}
}

func (f *field) int(i int) int64 {
	n, _, err := integer(f.v[i])
	f.fail(i, err)
	return n
}

func (f *field) optInt(i int) *int64 {
	n, ok, err := integer(f.v[i])
	f.fail(i, err)
	if !ok {
		return nil
	}
	return &n
}

func (f *field) str(i int) string {
	s, _ := text(f.v[i])
	return s
}

func (f *field) bool(i int) bool {
	b, _, err := boolean(f.v[i])
	f.fail(i, err)
	return b
}

func (f *field) date(i int) string {
	d, _, err := date(f.v[i])
	f.fail(i, err)
	return d
}

func (f *field) time(i int) *time.Time {
	t, ok, err := timestamp(f.v[i])
	f.fail(i, err)
	if !ok {
		return nil
	}
	return &t
}

func (r *reader) tuStatuses() {
	cols := []string{"id", "name"}
	r.each(`SELECT id, name FROM tu_status ORDER BY id`, func(v []any) error {
		f := field{v: v, col: cols}
		t := TUStatus{ID: f.int(0), Name: f.str(1)}
		if f.err != nil {
			r.unreadable("tu_status", v[0], f.bad, f.err)
			return nil
		}
		r.d.TUStatuses = append(r.d.TUStatuses, t)
		return nil
	})
}

func (r *reader) persons() {
	cols := []string{"id", "name", "email", "email_valid", "date_of_birth", "joining_date", "membership_status_id", "tu_status_id", "membership_type_id"}
	r.each(`SELECT id, name, email, email_valid, date_of_birth, joining_date, membership_status_id, tu_status_id, membership_type_id
		FROM person ORDER BY id`, func(v []any) error {
		f := field{v: v, col: cols}
		p := Person{ID: f.int(0), Name: f.str(1), Email: f.str(2), EmailValid: f.bool(3), DateOfBirth: f.date(4),
			JoiningDate: f.date(5), MembershipStatus: f.str(6), MembershipType: f.str(8)}
		if tu := f.optInt(7); tu != nil {
			p.TUStatusID = *tu
		}
		if f.err != nil {
			r.unreadable("person", v[0], f.bad, f.err)
			return nil
		}
		r.d.Persons = append(r.d.Persons, p)
		return nil
	})
}

func (r *reader) events(hasShortlink, hasFooter bool) {
	shortlink, footer := "NULL", "NULL"
	if hasShortlink {
		shortlink = "shortlink"
	}
	if hasFooter {
		footer = "footer"
	}
	cols := []string{"id", "name", "description", "notify_email", "max_participants", "registration_open", "registration_schema", "force_tu_mail", "shortlink", "footer"}
	// CAST … AS TEXT: the JSON exactly as stored, on both backends.
	r.each(`SELECT id, name, description, notify_email, max_participants, registration_open,
		CAST(registration_schema AS TEXT), force_tu_mail, `+shortlink+`, `+footer+`
		FROM event ORDER BY id`, func(v []any) error {
		f := field{v: v, col: cols}
		e := Event{ID: f.int(0), Name: f.str(1), Description: f.str(2), NotifyEmail: f.str(3), MaxParticipants: f.optInt(4),
			RegistrationOpen: f.bool(5), RegistrationSchema: f.str(6), ForceTUMail: f.bool(7), Shortlink: f.str(8), Footer: f.str(9)}
		if f.err != nil {
			r.unreadable("event", v[0], f.bad, f.err)
			return nil
		}
		r.d.Events = append(r.d.Events, e)
		return nil
	})
}

func (r *reader) registrations() {
	cols := []string{"id", "event_id", "person_id", "status_name", "data", "timestamp"}
	r.each(`SELECT id, event_id, person_id, status_name, CAST(data AS TEXT), "timestamp"
		FROM event_registration ORDER BY id`, func(v []any) error {
		f := field{v: v, col: cols}
		reg := Registration{ID: f.int(0), EventID: f.int(1), PersonID: f.int(2), Status: f.str(3), Data: f.str(4), ConfirmedAt: f.time(5)}
		if f.err != nil {
			r.unreadable("event_registration", v[0], f.bad, f.err)
			return nil
		}
		r.d.Registrations = append(r.d.Registrations, reg)
		return nil
	})
}

func (r *reader) users() {
	cols := []string{"id", "username", "password_hash", "person_id"}
	r.each(`SELECT id, username, password_hash, person_id FROM "user" ORDER BY id`, func(v []any) error {
		f := field{v: v, col: cols}
		u := User{ID: f.int(0), Username: f.str(1), PasswordHash: f.str(2), PersonID: f.int(3)}
		if f.err != nil {
			r.unreadable("user", v[0], f.bad, f.err)
			return nil
		}
		r.d.Users = append(r.d.Users, u)
		return nil
	})
}

func (r *reader) grants() {
	r.each(`SELECT role_id, access_level_id FROM access_levels ORDER BY role_id, access_level_id`, func(v []any) error {
		role, _ := text(v[0])
		level, _ := text(v[1])
		r.d.Grants = append(r.d.Grants, Grant{Role: role, Level: level})
		return nil
	})
}

func (r *reader) userRoles() {
	cols := []string{"user_id", "role_id"}
	r.each(`SELECT user_id, role_id FROM roles ORDER BY user_id, role_id`, func(v []any) error {
		f := field{v: v, col: cols}
		ur := UserRole{UserID: f.int(0), Role: f.str(1)}
		if f.err != nil {
			r.unreadable("roles", v[0], f.bad, f.err)
			return nil
		}
		r.d.UserRoles = append(r.d.UserRoles, ur)
		return nil
	})
}
