package legacy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/members"
)

// tuStatusAliases map the names the old app wrote at start-up to the names
// memberdb's migrations seed, so the same relation is not listed twice.
var tuStatusAliases = map[string]string{
	"Student*in":                "Studentin/Student",
	"Doktorand*in":              "Doktorandin/Doktorand",
	"Alumnus/Alumna":            "Alumna/Alumnus",
	"Mitarbeiter*in / Lehrende": "Mitarbeiterin/Mitarbeiter, Lehrende",
}

func (w *writer) tuStatuses(ctx context.Context) error {
	c := w.rep.count("tu_status")
	c.Old += len(w.d.TUStatuses)
	byName := map[string]int64{}
	rows, err := w.tx.Query(ctx, `SELECT name, id FROM tu_status`)
	if err != nil {
		return fmt.Errorf("legacy: tu_status: %w", err)
	}
	var name string
	var id int64
	if _, err := pgx.ForEachRow(rows, []any{&name, &id}, func() error { byName[name] = id; return nil }); err != nil {
		return fmt.Errorf("legacy: tu_status: %w", err)
	}
	var position int
	if err := w.tx.QueryRow(ctx, `SELECT coalesce(max(position), 0) FROM tu_status`).Scan(&position); err != nil {
		return fmt.Errorf("legacy: tu_status: %w", err)
	}
	taken, err := w.takenIDs(ctx, "tu_status")
	if err != nil {
		return err
	}
	for _, t := range w.d.TUStatuses {
		name := strings.TrimSpace(t.Name)
		if name == "" {
			c.Skipped++
			w.rep.problem("tu_status", t.ID, "has no name; not imported, persons holding it get none")
			continue
		}
		if id, ok := byName[name]; ok {
			c.Matched++
			w.tuIDs[t.ID] = id
			continue
		}
		if alias, ok := tuStatusAliases[name]; ok {
			if id, ok := byName[alias]; ok {
				c.Matched++
				w.tuIDs[t.ID] = id
				byName[name] = id
				w.rep.problem("tu_status", t.ID, "%q is memberdb's %q", name, alias)
				continue
			}
		}
		position += 10
		id := taken.next()
		_, err := w.tx.Exec(ctx, `INSERT INTO tu_status (id, name, position) VALUES ($1, $2, $3)`, id, name, position)
		if err != nil {
			return fmt.Errorf("legacy: tu_status %d: %w", t.ID, err)
		}
		c.Imported++
		w.tuIDs[t.ID] = id
		byName[name] = id
	}
	return nil
}

// existingPerson is a memberdb person an old one may match by email.
type existingPerson struct {
	ID                                                         int64
	Name, Email                                                string
	EmailValid                                                 bool
	DateOfBirth, JoiningDate, MembershipStatus, MembershipType string
	TUStatusID                                                 int64
}

func (w *writer) existingPersons(ctx context.Context) (map[string]existingPerson, error) {
	const q = `SELECT id, name, email, email_valid, coalesce(date_of_birth::text, '') AS date_of_birth,
		coalesce(joining_date::text, '') AS joining_date, coalesce(membership_status, '') AS membership_status,
		coalesce(membership_type, '') AS membership_type, coalesce(tu_status_id, 0) AS tu_status_id,
		lower(email) AS key
		FROM persons`
	rows, err := w.tx.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("legacy: existing persons: %w", err)
	}
	type row struct {
		existingPerson
		Key string
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return nil, fmt.Errorf("legacy: existing persons: %w", err)
	}
	out := make(map[string]existingPerson, len(all))
	for _, r := range all {
		out[r.Key] = r.existingPerson
	}
	return out, nil
}

func (w *writer) persons(ctx context.Context) error {
	c := w.rep.count("persons")
	c.Old += len(w.d.Persons)
	existing, err := w.existingPersons(ctx)
	if err != nil {
		return err
	}
	taken, err := w.takenIDs(ctx, "persons")
	if err != nil {
		return err
	}
	emails := make([]string, len(w.d.Persons))
	for i, p := range w.d.Persons {
		emails[i] = p.Email
	}
	keys, err := w.lower(ctx, emails)
	if err != nil {
		return err
	}
	firstByKey := map[string]int64{}
	aliases := map[int64]int64{}
	var deferred []Person
	var kept []Person
	for i, p := range w.d.Persons {
		key := keys[i]
		switch {
		case strings.TrimSpace(p.Email) == "":
			c.Skipped++
			w.rep.problem("person", p.ID, "has no email address; not imported")
			continue
		case firstByKey[key] != 0:
			c.Matched++
			aliases[p.ID] = firstByKey[key]
			w.rep.problem("person", p.ID, "%s is the address of person %d apart from case; merged into that person",
				p.Email, firstByKey[key])
			continue
		}
		p = w.cleanPerson(p)
		if ex, ok := existing[key]; ok {
			c.Matched++
			w.personIDs[p.ID] = ex.ID
			firstByKey[key] = p.ID
			if diff := w.personDiff(p, ex); diff != "" {
				w.rep.problem("person", p.ID, "%s is memberdb person %d: kept memberdb's %s", p.Email, ex.ID, diff)
			}
			continue
		}
		firstByKey[key] = p.ID
		if !taken.keep(p.ID) {
			deferred = append(deferred, p)
			continue
		}
		kept = append(kept, p)
	}
	for _, p := range kept {
		if err := w.insertPerson(ctx, p, p.ID); err != nil {
			return err
		}
	}
	for _, p := range deferred {
		if err := w.insertPerson(ctx, p, taken.next()); err != nil {
			return err
		}
		w.rep.problem("person", p.ID, "id %d is taken in memberdb; imported as person %d", p.ID, w.personIDs[p.ID])
	}
	c.Imported += len(kept) + len(deferred)
	for alias, first := range aliases {
		w.personIDs[alias] = w.personIDs[first]
	}
	return nil
}

// cleanPerson drops values memberdb cannot hold, saying so in the report.
func (w *writer) cleanPerson(p Person) Person {
	if p.MembershipStatus != "" && !slices.Contains(members.Statuses, p.MembershipStatus) {
		w.rep.problem("person", p.ID, "membership status %q is unknown to memberdb; imported without one", p.MembershipStatus)
		p.MembershipStatus = ""
	}
	if p.MembershipType != "" && !slices.Contains(w.types, p.MembershipType) {
		w.rep.problem("person", p.ID, "membership type %q is unknown to memberdb; imported without one", p.MembershipType)
		p.MembershipType = ""
	}
	if p.TUStatusID != 0 {
		if id, ok := w.tuIDs[p.TUStatusID]; ok {
			p.TUStatusID = id
		} else {
			w.rep.problem("person", p.ID, "tu_status %d was not imported; imported without one", p.TUStatusID)
			p.TUStatusID = 0
		}
	}
	return p
}

// personDiff names the fields where memberdb's person differs from the old
// one (whose tu_status is already mapped).
func (w *writer) personDiff(p Person, ex existingPerson) string {
	var diffs []string
	add := func(field string, old, cur any) {
		if fmt.Sprint(old) != fmt.Sprint(cur) {
			diffs = append(diffs, fmt.Sprintf("%s (old %q, memberdb %q)", field, fmt.Sprint(old), fmt.Sprint(cur)))
		}
	}
	add("name", p.Name, ex.Name)
	add("email", p.Email, ex.Email)
	add("email_valid", p.EmailValid, ex.EmailValid)
	add("date_of_birth", p.DateOfBirth, ex.DateOfBirth)
	add("joining_date", p.JoiningDate, ex.JoiningDate)
	add("membership_status", p.MembershipStatus, ex.MembershipStatus)
	add("membership_type", p.MembershipType, ex.MembershipType)
	add("tu_status_id", p.TUStatusID, ex.TUStatusID)
	return strings.Join(diffs, ", ")
}

// insertPerson creates p as memberdb person id.
func (w *writer) insertPerson(ctx context.Context, p Person, id int64) error {
	const q = `INSERT INTO persons (id, name, email, email_valid, date_of_birth, joining_date,
		membership_status, membership_type, tu_status_id)
		VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8, $9)`
	var tu any
	if p.TUStatusID != 0 {
		tu = p.TUStatusID
	}
	_, err := w.tx.Exec(ctx, q, id, p.Name, p.Email, p.EmailValid, orNull(p.DateOfBirth), orNull(p.JoiningDate),
		orNull(p.MembershipStatus), orNull(p.MembershipType), tu)
	if err != nil {
		return fmt.Errorf("legacy: person %d: %w", p.ID, err)
	}
	w.personIDs[p.ID] = id
	w.created("persons", id, "person", p.ID)
	return nil
}

func (w *writer) users(ctx context.Context) error {
	c := w.rep.count("users")
	c.Old += len(w.d.Users)
	type existingUser struct {
		ID       int64
		PersonID int64
	}
	rows, err := w.tx.Query(ctx, `SELECT lower(username), id, person_id FROM users`)
	if err != nil {
		return fmt.Errorf("legacy: existing users: %w", err)
	}
	byName := map[string]existingUser{}
	var (
		name string
		ex   existingUser
	)
	if _, err := pgx.ForEachRow(rows, []any{&name, &ex.ID, &ex.PersonID}, func() error { byName[name] = ex; return nil }); err != nil {
		return fmt.Errorf("legacy: existing users: %w", err)
	}
	taken, err := w.takenIDs(ctx, "users")
	if err != nil {
		return err
	}
	emails := map[int64]string{}
	for _, p := range w.d.Persons {
		emails[p.ID] = p.Email
	}
	names := make([]string, len(w.d.Users))
	for i, u := range w.d.Users {
		if strings.TrimSpace(u.Username) == "" && emails[u.PersonID] != "" {
			w.d.Users[i].Username = emails[u.PersonID]
			w.rep.problem("user", u.ID, "has no username; imported with the person's email %q as username", emails[u.PersonID])
		}
		names[i] = w.d.Users[i].Username
	}
	keys, err := w.lower(ctx, names)
	if err != nil {
		return err
	}
	firstByKey := map[string]int64{}
	var kept, deferred []User
	for i, u := range w.d.Users {
		key := keys[i]
		person, ok := w.personIDs[u.PersonID]
		switch ex, exists := byName[key]; {
		case !ok:
			c.Skipped++
			w.rep.problem("user", u.ID, "person %d was not imported; user %q not imported", u.PersonID, u.Username)
			continue
		case strings.TrimSpace(u.Username) == "":
			c.Skipped++
			w.rep.problem("user", u.ID, "has neither a username nor an email address; not imported")
			continue
		case firstByKey[key] != 0:
			c.Skipped++
			w.rep.problem("user", u.ID, "username %q is user %d's apart from case; not imported", u.Username, firstByKey[key])
			continue
		case exists && ex.PersonID == person:
			c.Matched++
			w.rep.problem("user", u.ID, "%q is already memberdb user %d of the same person: kept as it is, roles unchanged", u.Username, ex.ID)
			continue
		case exists:
			c.Skipped++
			w.rep.problem("user", u.ID, "username %q belongs to memberdb user %d of another person; not imported", u.Username, ex.ID)
			continue
		}
		firstByKey[key] = u.ID
		u.PersonID = person
		switch {
		case u.PasswordHash == "":
			u.PasswordHash = "!"
			w.rep.problem("user", u.ID, "%q has no password; they set one through the password reset", u.Username)
		case !strings.HasPrefix(u.PasswordHash, "pbkdf2:") && !strings.HasPrefix(u.PasswordHash, "scrypt:"):
			w.rep.problem("user", u.ID, "%q has a password hash of an unknown format; they set a new one through the password reset", u.Username)
		}
		if !taken.keep(u.ID) {
			deferred = append(deferred, u)
			continue
		}
		kept = append(kept, u)
	}
	for _, u := range kept {
		if err := w.insertUser(ctx, u, u.ID); err != nil {
			return err
		}
	}
	for _, u := range deferred {
		if err := w.insertUser(ctx, u, taken.next()); err != nil {
			return err
		}
		w.rep.problem("user", u.ID, "id %d is taken in memberdb; imported as user %d", u.ID, w.userIDs[u.ID])
	}
	c.Imported += len(kept) + len(deferred)
	return nil
}

// insertUser keeps the werkzeug hash as it is: the login verifies it and
// replaces it with argon2id on the first successful login.
func (w *writer) insertUser(ctx context.Context, u User, id int64) error {
	const q = `INSERT INTO users (id, username, password_hash, person_id) VALUES ($1, $2, $3, $4)`
	if _, err := w.tx.Exec(ctx, q, id, u.Username, u.PasswordHash, u.PersonID); err != nil {
		return fmt.Errorf("legacy: user %d: %w", u.ID, err)
	}
	w.userIDs[u.ID] = id
	w.newUsers[u.ID] = true
	w.created("users", id, "user", u.ID)
	return nil
}
