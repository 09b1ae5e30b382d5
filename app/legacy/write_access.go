package legacy

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

func (w *writer) names(ctx context.Context, query string) (map[string]bool, error) {
	rows, err := w.tx.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("legacy: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("legacy: %w", err)
	}
	set := make(map[string]bool, len(list))
	for _, n := range list {
		set[n] = true
	}
	return set, nil
}

// accessLevels creates the old levels memberdb lacks. Levels its code does
// not use are marked unused, so grants survive without meaning anything.
func (w *writer) accessLevels(ctx context.Context) error {
	c := w.rep.count("access_levels")
	c.Old += len(w.d.AccessLevels)
	existing, err := w.names(ctx, `SELECT name FROM access_levels`)
	if err != nil {
		return err
	}
	for _, level := range w.d.AccessLevels {
		if existing[level] {
			c.Matched++
			continue
		}
		inUse := slices.Contains(w.opts.Declared, level)
		if _, err := w.tx.Exec(ctx, `INSERT INTO access_levels (name, in_use) VALUES ($1, $2)`, level, inUse); err != nil {
			return fmt.Errorf("legacy: access level %s: %w", level, err)
		}
		c.Imported++
		if !inUse {
			w.rep.problem("access_level", level, "memberdb does not use it; created marked unused, so roles keep it without effect")
		}
	}
	return nil
}

// roles creates the old roles memberdb lacks, with their grants. Existing
// roles are not changed.
func (w *writer) roles(ctx context.Context) error {
	c := w.rep.count("roles")
	c.Old += len(w.d.Roles)
	existing, err := w.names(ctx, `SELECT name FROM roles`)
	if err != nil {
		return err
	}
	levels, err := w.names(ctx, `SELECT name FROM access_levels`)
	if err != nil {
		return err
	}
	created := map[string]bool{}
	for _, role := range w.d.Roles {
		if existing[role] {
			c.Matched++
			continue
		}
		if _, err := w.tx.Exec(ctx, `INSERT INTO roles (name) VALUES ($1)`, role); err != nil {
			return fmt.Errorf("legacy: role %s: %w", role, err)
		}
		c.Imported++
		created[role] = true
		w.created("roles", role, "role", role)
	}
	grants := w.rep.count("role_access_levels")
	grants.Old += len(w.d.Grants)
	have, err := w.names(ctx, `SELECT role || '/' || access_level FROM role_access_levels`)
	if err != nil {
		return err
	}
	missing := map[string][]string{}
	for _, g := range w.d.Grants {
		switch {
		case have[g.Role+"/"+g.Level]:
			grants.Matched++
		case !created[g.Role] && existing[g.Role]:
			grants.Skipped++
			missing[g.Role] = append(missing[g.Role], g.Level)
		case !created[g.Role] || !levels[g.Level]:
			grants.Skipped++
			w.rep.problem("access_levels", g.Role+"/"+g.Level, "role or access level not imported; grant not imported")
		default:
			if _, err := w.tx.Exec(ctx, `INSERT INTO role_access_levels (role, access_level) VALUES ($1, $2)`, g.Role, g.Level); err != nil {
				return fmt.Errorf("legacy: grant %s to %s: %w", g.Level, g.Role, err)
			}
			grants.Imported++
		}
	}
	for _, role := range slices.Sorted(maps.Keys(missing)) {
		w.rep.problem("role", role, "exists in memberdb and keeps its access levels; the old role also had %s",
			strings.Join(missing[role], ", "))
	}
	return nil
}

// userRoles gives the users this import created their old roles.
func (w *writer) userRoles(ctx context.Context) error {
	c := w.rep.count("user_roles")
	c.Old += len(w.d.UserRoles)
	roles, err := w.names(ctx, `SELECT name FROM roles`)
	if err != nil {
		return err
	}
	for _, ur := range w.d.UserRoles {
		id := fmt.Sprintf("%d/%s", ur.UserID, ur.Role)
		switch {
		case !w.newUsers[ur.UserID]:
			c.Skipped++
			w.rep.problem("roles", id, "user %d was not imported as a new user; role not granted", ur.UserID)
		case !roles[ur.Role]:
			c.Skipped++
			w.rep.problem("roles", id, "role %q was not imported; not granted", ur.Role)
		default:
			const q = `INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING`
			if _, err := w.tx.Exec(ctx, q, w.userIDs[ur.UserID], ur.Role); err != nil {
				return fmt.Errorf("legacy: role %s of user %d: %w", ur.Role, ur.UserID, err)
			}
			c.Imported++
		}
	}
	return nil
}
