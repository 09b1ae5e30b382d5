package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
)

// Nobody gives, takes or takes over more access than they hold. A user
// holding user_admin alone could otherwise give themselves the admin role,
// or set the password of an account above theirs; a person_admin could
// change a staff member's address and have the password reset mailed
// there. Each change that reaches access levels checks them against the
// editor's own (beyondEditor) inside its transaction; the command line,
// with no user, is not limited.

// Which problem text a refusal uses: giving or taking a role or level,
// changing or deleting a role, changing an account, or a person with an
// account.
const (
	beyondGrant   = "admin.error.beyond.grant"
	beyondRole    = "admin.error.beyond.role"
	beyondAccount = "admin.error.beyond.account"
	beyondPerson  = "admin.error.beyond.person"
)

// lackedLevels are the levels the editor does not hold, sorted, without
// repeats; none for the command line. A level no code declares (made by
// hand, or no longer used) opens nothing, so anyone may give or take it.
func lackedLevels(ctx context.Context, levels []string) []string {
	u := auth.CurrentUser(ctx)
	if u == nil {
		return nil
	}
	var out []string
	for _, l := range levels {
		level := auth.Level(l)
		if !u.Has(level) && auth.AreaOf(level) != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

// beyondEditor refuses, with the message key's text naming them, levels
// the editor does not hold.
func beyondEditor(ctx context.Context, key string, levels []string) error {
	lacked := lackedLevels(ctx, levels)
	if len(lacked) == 0 {
		return nil
	}
	return &problemError{Text: tr(ctx, key, levelList(ctx, lacked))}
}

// namedLevels is how many missing levels a refusal names before it
// counts the rest: the admin's account lacks sixteen to most, which
// filled a phone's screen.
const namedLevels = 3

func levelList(ctx context.Context, levels []string) string {
	if len(levels) <= namedLevels+1 {
		return strings.Join(levels, ", ")
	}
	return tr(ctx, "admin.error.beyond.more", strings.Join(levels[:namedLevels], ", "), len(levels)-namedLevels)
}

// levelsOf reads the access levels a query names, one per row.
func levelsOf(ctx context.Context, q querier, what, sql string, arg any) ([]string, error) {
	levels, err := names(ctx, q, sql, arg)
	if err != nil {
		return nil, fmt.Errorf("admin: levels of %s: %w", what, err)
	}
	return levels, nil
}

func roleLevels(ctx context.Context, q querier, role string) ([]string, error) {
	return levelsOf(ctx, q, "role", `SELECT access_level FROM role_access_levels WHERE role = $1`, role)
}

// userLevels are the levels of a user's roles, disabled or not: a
// disabled account may be enabled again.
func userLevels(ctx context.Context, q querier, userID int64) ([]string, error) {
	return levelsOf(ctx, q, "user", `SELECT DISTINCT ral.access_level FROM user_roles ur
		JOIN role_access_levels ral ON ral.role = ur.role WHERE ur.user_id = $1`, userID)
}

// personLevels are the levels of the accounts of a person.
func personLevels(ctx context.Context, q querier, personID int64) ([]string, error) {
	return levelsOf(ctx, q, "person", `SELECT DISTINCT ral.access_level FROM users u
		JOIN user_roles ur ON ur.user_id = u.id
		JOIN role_access_levels ral ON ral.role = ur.role WHERE u.person_id = $1`, personID)
}

// accountWithin refuses a change of user id's account (its fields, its
// password, disabling, deleting) by an editor lacking one of its levels.
func accountWithin(ctx context.Context, q querier, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil // not a user's id: the change finds no row
	}
	levels, err := userLevels(ctx, q, n)
	if err != nil {
		return err
	}
	return beyondEditor(ctx, beyondAccount, levels)
}

// personWithin refuses a change that would hand a person's accounts to
// whoever controls their address (a new address, deleting, anonymising)
// by an editor lacking one of the accounts' levels.
func personWithin(ctx context.Context, q querier, personID int64) error {
	levels, err := personLevels(ctx, q, personID)
	if err != nil {
		return err
	}
	return beyondEditor(ctx, beyondPerson, levels)
}

// personsAbove are, of the persons ids, those whose accounts hold levels
// the editor lacks, with the refusal personWithin gives them: a list
// shows their address as it is instead of offering an editor that would
// be refused.
func personsAbove(ctx context.Context, q querier, ids []int64) (map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT u.person_id, array_agg(DISTINCT ral.access_level) FROM users u
		JOIN user_roles ur ON ur.user_id = u.id
		JOIN role_access_levels ral ON ral.role = ur.role
		WHERE u.person_id = ANY($1) GROUP BY u.person_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("admin: persons above the editor: %w", err)
	}
	above := map[int64]string{}
	var (
		id     int64
		levels []string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &levels}, func() error {
		text, err := refusal(beyondEditor(ctx, beyondPerson, levels))
		if text != "" {
			above[id] = text
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("admin: persons above the editor: %w", err)
	}
	return above, nil
}

// roleChoices are the roles a user may be given, in name order, and those
// among them holding levels the editor lacks: their boxes are shown but
// cannot be changed.
type roleChoices struct {
	names  []string
	beyond map[string]bool
}

func loadRoleChoices(ctx context.Context, q querier) (roleChoices, error) {
	rows, err := q.Query(ctx, `SELECT r.name, coalesce(array_agg(ral.access_level) FILTER (WHERE ral.access_level IS NOT NULL), '{}')
		FROM roles r LEFT JOIN role_access_levels ral ON ral.role = r.name GROUP BY r.name ORDER BY r.name`)
	if err != nil {
		return roleChoices{}, fmt.Errorf("admin: role choices: %w", err)
	}
	c := roleChoices{beyond: map[string]bool{}}
	var role string
	var levels []string
	_, err = pgx.ForEachRow(rows, []any{&role, &levels}, func() error {
		c.names = append(c.names, role)
		if lacks(ctx, levels) {
			c.beyond[role] = true
		}
		return nil
	})
	if err != nil {
		return roleChoices{}, fmt.Errorf("admin: role choices: %w", err)
	}
	return c, nil
}

// above tells whether an account holding roles has levels the editor
// lacks, as accountWithin finds.
func (c roleChoices) above(roles []string) bool {
	for _, r := range roles {
		if c.beyond[r] {
			return true
		}
	}
	return false
}

// roleBeyond tells whether one role holds levels the editor lacks.
func roleBeyond(ctx context.Context, q querier, role string) (bool, error) {
	levels, err := roleLevels(ctx, q, role)
	return lacks(ctx, levels), err
}

// accountAbove is why the editor may not change user id's account, or ""
// when they may.
func accountAbove(ctx context.Context, q querier, id int64) (string, error) {
	return refusal(accountWithin(ctx, q, strconv.FormatInt(id, 10)))
}

// refusal is the text of a check's refusal, for a page that says so
// instead of offering what would be refused; other errors stay errors.
func refusal(err error) (string, error) {
	var pe *problemError
	if errors.As(err, &pe) {
		return pe.Text, nil
	}
	return "", err
}

// lacks tells whether the editor lacks any of levels.
func lacks(ctx context.Context, levels []string) bool { return len(lackedLevels(ctx, levels)) > 0 }
