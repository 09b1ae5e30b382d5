package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/persons"
)

// Errors of the account commands; each message names what is wrong.
var (
	ErrUnknownUser  = errors.New("unknown user")
	ErrUnknownRole  = errors.New("unknown role")
	ErrUnknownLevel = errors.New("unknown access level")
	ErrUserExists   = errors.New("a user with this name exists already")
	ErrRoleExists   = errors.New("a role with this name exists already")
	ErrInvalid      = errors.New("invalid value")
)

// ActorCommandLine names changes made with the memberdb command in the
// audit log.
const ActorCommandLine = "command line"

// NewAccount is a user to create, with the person they belong to.
type NewAccount struct {
	Username string
	Email    string
	Name     string
	Password string
	Roles    []string
}

// CreateUser creates a user for the person with acc.Email (creating the
// person if there is none) and gives it acc.Roles.
func CreateUser(ctx context.Context, pool *pgxpool.Pool, acc NewAccount) (int64, error) {
	acc, hash, err := checkAccount(acc)
	if err != nil {
		return 0, err
	}
	var userID int64
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		userID, err = createUser(ctx, tx, acc, hash, ActorCommandLine)
		return err
	})
	return userID, err
}

// CreateFirstAdmin creates, inside tx, a role named role holding every
// access level in use and a user with it, the person's account as
// CreateUser makes it; actor names who did it in the audit log. The first
// run's setup page uses it, so the admin and the rest of the setup stand or
// fall together.
func CreateFirstAdmin(ctx context.Context, tx pgx.Tx, acc NewAccount, role, actor string) (int64, error) {
	acc, hash, err := checkAccount(acc)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO roles (name) VALUES ($1) ON CONFLICT DO NOTHING`, role); err != nil {
		return 0, fmt.Errorf("auth: create role: %w", err)
	}
	const levels = `INSERT INTO role_access_levels (role, access_level)
		SELECT $1, name FROM access_levels WHERE in_use ON CONFLICT DO NOTHING`
	if _, err := tx.Exec(ctx, levels, role); err != nil {
		return 0, fmt.Errorf("auth: grant every level: %w", err)
	}
	if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Table: "roles", RowID: role, NewValue: audit.Value(role)}); err != nil {
		return 0, err
	}
	acc.Roles = []string{role}
	return createUser(ctx, tx, acc, hash, actor)
}

// checkAccount trims acc, refuses what no account may be, and hashes its
// password.
func checkAccount(acc NewAccount) (NewAccount, string, error) {
	acc.Username, acc.Email, acc.Name = strings.TrimSpace(acc.Username), strings.TrimSpace(acc.Email), strings.TrimSpace(acc.Name)
	if acc.Username == "" || strings.ContainsAny(acc.Username, ": \t\r\n") {
		return acc, "", fmt.Errorf("%w: the user name must not be empty nor contain spaces or ':'", ErrInvalid)
	}
	if addr, err := mail.ParseAddress(acc.Email); err != nil || addr.Address != acc.Email {
		return acc, "", fmt.Errorf("%w: %q is not a mail address", ErrInvalid, acc.Email)
	}
	if acc.Name == "" {
		return acc, "", fmt.Errorf("%w: the name must not be empty", ErrInvalid)
	}
	if err := CheckNewPassword(acc.Password); err != nil {
		return acc, "", err
	}
	hash, err := HashPassword(acc.Password)
	return acc, hash, err
}

func createUser(ctx context.Context, tx pgx.Tx, acc NewAccount, hash, actor string) (int64, error) {
	if err := rolesExist(ctx, tx, acc.Roles); err != nil {
		return 0, err
	}
	personID, _, err := persons.FindOrCreate(ctx, tx, persons.New{Name: acc.Name, Email: acc.Email, EmailValid: true})
	if err != nil {
		return 0, fmt.Errorf("auth: %w", err)
	}
	var userID int64
	const user = `INSERT INTO users (username, password_hash, person_id) VALUES ($1, $2, $3) RETURNING id`
	if err := tx.QueryRow(ctx, user, acc.Username, hash, personID).Scan(&userID); err != nil {
		if db.IsUniqueViolation(err, "") {
			return 0, fmt.Errorf("%w: %s", ErrUserExists, acc.Username)
		}
		return 0, fmt.Errorf("auth: create user: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
		userID, acc.Roles); err != nil {
		return 0, fmt.Errorf("auth: user roles: %w", err)
	}
	entries := []audit.Entry{{Actor: actor, Table: "users", RowID: fmt.Sprint(userID), NewValue: audit.Value(acc.Username)}}
	for _, r := range acc.Roles {
		entries = append(entries, audit.Entry{Actor: actor, Table: "user_roles", RowID: fmt.Sprint(userID), Field: "role", NewValue: audit.Value(r)})
	}
	return userID, audit.Record(ctx, tx, entries...)
}

// SetPassword sets the password of username and ends all their sessions.
func SetPassword(ctx context.Context, pool *pgxpool.Pool, username, password string) error {
	if err := CheckNewPassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE lower(username) = lower($1)`, username).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: %s", ErrUnknownUser, username)
		}
		if err != nil {
			return fmt.Errorf("auth: find user: %w", err)
		}
		_, err = storePassword(ctx, tx, id, hash, ActorCommandLine, nil)
		return err
	})
}

// UserInfo is one line of the user list.
type UserInfo struct {
	Username string
	Name     string
	Email    string
	Roles    []string
	Disabled bool
}

// ListUsers returns every user with their roles, by user name.
func ListUsers(ctx context.Context, pool *pgxpool.Pool) ([]UserInfo, error) {
	const q = `
		SELECT u.username, p.name, p.email, u.disabled_at IS NOT NULL AS disabled,
		       coalesce(array_agg(ur.role ORDER BY ur.role) FILTER (WHERE ur.role IS NOT NULL), '{}') AS roles
		FROM users u JOIN persons p ON p.id = u.person_id
		LEFT JOIN user_roles ur ON ur.user_id = u.id
		GROUP BY u.id, p.id
		ORDER BY lower(u.username)`
	rows, err := pool.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[UserInfo])
}

// CreateRole creates a role holding levels, or every declared level when
// allAccess is set.
func CreateRole(ctx context.Context, pool *pgxpool.Pool, role string, allAccess bool, levels []string) error {
	role = strings.TrimSpace(role)
	if role == "" || strings.ContainsAny(role, " \t\r\n") {
		return fmt.Errorf("%w: the role name must not be empty nor contain spaces", ErrInvalid)
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO roles (name) VALUES ($1)`, role); err != nil {
			if db.IsUniqueViolation(err, "") {
				return fmt.Errorf("%w: %s", ErrRoleExists, role)
			}
			return fmt.Errorf("auth: create role: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: ActorCommandLine, Table: "roles", RowID: role, NewValue: audit.Value(role)}); err != nil {
			return err
		}
		if allAccess {
			if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM access_levels WHERE in_use`).Scan(&levels); err != nil {
				return fmt.Errorf("auth: access levels: %w", err)
			}
		}
		return grant(ctx, tx, role, levels)
	})
}

// Grant gives role the access levels.
func Grant(ctx context.Context, pool *pgxpool.Pool, role string, levels []string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := rolesExist(ctx, tx, []string{role}); err != nil {
			return err
		}
		return grant(ctx, tx, role, levels)
	})
}

// Revoke takes the access levels from role.
func Revoke(ctx context.Context, pool *pgxpool.Pool, role string, levels []string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := rolesExist(ctx, tx, []string{role}); err != nil {
			return err
		}
		if err := levelsExist(ctx, tx, levels, false); err != nil {
			return err
		}
		const q = `DELETE FROM role_access_levels WHERE role = $1 AND access_level = ANY($2) RETURNING access_level`
		return changeLevels(ctx, tx, q, role, levels, false)
	})
}

func grant(ctx context.Context, tx pgx.Tx, role string, levels []string) error {
	if err := levelsExist(ctx, tx, levels, true); err != nil {
		return err
	}
	const q = `INSERT INTO role_access_levels (role, access_level) SELECT $1, unnest($2::text[])
		ON CONFLICT DO NOTHING RETURNING access_level`
	return changeLevels(ctx, tx, q, role, levels, true)
}

// changeLevels runs q, which adds (granted) or removes levels of role and
// returns those it really changed, and records each in the audit log; a
// level the role held already, or did not hold, leaves no entry.
func changeLevels(ctx context.Context, tx pgx.Tx, q, role string, levels []string, granted bool) error {
	rows, err := tx.Query(ctx, q, role, levels)
	if err != nil {
		return fmt.Errorf("auth: change access levels of %s: %w", role, err)
	}
	changed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("auth: change access levels of %s: %w", role, err)
	}
	for _, l := range changed {
		e := audit.Entry{Actor: ActorCommandLine, Table: "role_access_levels", RowID: role, Field: "access_level"}
		if granted {
			e.NewValue = audit.Value(l)
		} else {
			e.OldValue = audit.Value(l)
		}
		if err := audit.Record(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// LevelInfo is one access level with the roles holding it.
type LevelInfo struct {
	Name  string
	InUse bool
	Roles []string
}

// ListLevels returns every access level known to the database.
func ListLevels(ctx context.Context, pool *pgxpool.Pool) ([]LevelInfo, error) {
	const q = `
		SELECT al.name, al.in_use,
		       coalesce(array_agg(ral.role ORDER BY ral.role) FILTER (WHERE ral.role IS NOT NULL), '{}') AS roles
		FROM access_levels al LEFT JOIN role_access_levels ral ON ral.access_level = al.name
		GROUP BY al.name ORDER BY al.name`
	rows, err := pool.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("auth: list access levels: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[LevelInfo])
}

// rolesExist fails with ErrUnknownRole naming every missing role.
func rolesExist(ctx context.Context, tx pgx.Tx, roles []string) error {
	missing, err := missingNames(ctx, tx, `SELECT name FROM roles WHERE name = ANY($1)`, roles)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrUnknownRole, strings.Join(missing, ", "))
	}
	return nil
}

// levelsExist fails with ErrUnknownLevel naming every missing level; to
// grant, a level must also still be declared by the code.
func levelsExist(ctx context.Context, tx pgx.Tx, levels []string, declared bool) error {
	q := `SELECT name FROM access_levels WHERE name = ANY($1)`
	if declared {
		q += ` AND in_use`
	}
	missing, err := missingNames(ctx, tx, q, levels)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s (memberdb access-levels lists them)", ErrUnknownLevel, strings.Join(missing, ", "))
	}
	return nil
}

func missingNames(ctx context.Context, tx pgx.Tx, q string, names []string) ([]string, error) {
	rows, err := tx.Query(ctx, q, names)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	have := make(map[string]bool, len(found))
	for _, f := range found {
		have[f] = true
	}
	var missing []string
	for _, n := range names {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	return missing, nil
}
