package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/persons"
)

// Outcomes of scanning a code at the door, as the check-in JSON names them.
const (
	CheckedIn        = "checked_in"
	AlreadyCheckedIn = "already_checked_in"
	NotConfirmed     = "not_confirmed"
	UnknownCode      = "unknown_code"
	// Undone is a check-in taken back; NotCheckedIn an undo of nothing.
	Undone       = "undone"
	NotCheckedIn = "not_checked_in"
)

// Checkin is what scanning (or undoing) a code found.
type Checkin struct {
	Status string
	// Registration is nil for an unknown code.
	Registration *Registration
	// By names the door staff who checked the person in; "" when not
	// checked in or when their account is gone.
	By string
	// OtherEvent names the event an UnknownCode is a ticket of, if any.
	OtherEvent string
}

// Door is the staff member at the door, for the record.
type Door struct {
	UserID int64
	Name   string
}

// checkinFind reads the registration of code at the event with who
// checked it in.
const checkinFind = `SELECT ` + registrationColumns + `,
		coalesce(nullif(bp.name, ''), bu.username, '') AS checked_in_by_name
	FROM registrations r JOIN persons p ON p.id = r.person_id
	LEFT JOIN users bu ON bu.id = r.checked_in_by
	LEFT JOIN persons bp ON bp.id = bu.person_id
	WHERE r.event_id = $1 AND r.checkin_code = $2`

// LetIn says when the door let the registration's person in and who
// did; a nil time for someone not let in.
func LetIn(ctx context.Context, q Querier, registrationID int64) (at *time.Time, by string, err error) {
	err = q.QueryRow(ctx, `SELECT r.checked_in_at, coalesce(nullif(bp.name, ''), bu.username, '')
		FROM registrations r LEFT JOIN users bu ON bu.id = r.checked_in_by
		LEFT JOIN persons bp ON bp.id = bu.person_id WHERE r.id = $1`, registrationID).Scan(&at, &by)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("events: checked in: %w", err)
	}
	return at, by, nil
}

type checkinRow struct {
	Registration
	By string `db:"checked_in_by_name"`
}

func findByCode(ctx context.Context, q Querier, eventID int64, code string) (*checkinRow, error) {
	rows, err := q.Query(ctx, checkinFind, eventID, code)
	if err != nil {
		return nil, fmt.Errorf("events: find code: %w", err)
	}
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[checkinRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("events: find code: %w", err)
	}
	return row, nil
}

// CheckIn checks in the person whose ticket has code (as typed or
// scanned) at the event. Of several door staff scanning one code at the
// same moment exactly one gets CheckedIn: the update only takes a row not
// checked in yet, and a second update waits for the first and then finds
// none. A code of another event is an UnknownCode.
func CheckIn(ctx context.Context, tx pgx.Tx, eventID int64, code string, door Door) (Checkin, error) {
	code, ok := NormalizeCode(code)
	if !ok {
		return Checkin{Status: UnknownCode}, nil
	}
	const q = `UPDATE registrations SET checked_in_at = clock_timestamp(), checked_in_by = $3
		WHERE event_id = $1 AND checkin_code = $2 AND status = 'confirmed' AND checked_in_at IS NULL
		RETURNING id, checked_in_at`
	var (
		id int64
		at time.Time
	)
	err := tx.QueryRow(ctx, q, eventID, code, door.UserID).Scan(&id, &at)
	switch {
	case err == nil:
		if err := audit.Record(ctx, tx, audit.Entry{
			UserID: &door.UserID, Actor: door.Name, Table: "registrations", RowID: strconv.FormatInt(id, 10),
			Field: "checked_in_at", NewValue: audit.Value(at.UTC().Format(time.RFC3339)),
		}); err != nil {
			return Checkin{}, err
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return Checkin{}, fmt.Errorf("events: check in: %w", err)
	}
	row, err := findByCode(ctx, tx, eventID, code)
	if errors.Is(err, ErrNotFound) {
		return unknownCode(ctx, tx, eventID, code)
	}
	if err != nil {
		return Checkin{}, err
	}
	out := Checkin{Registration: &row.Registration, By: row.By}
	switch {
	case id != 0:
		out.Status = CheckedIn
	case row.Status != StatusConfirmed:
		out.Status = NotConfirmed
	default:
		out.Status = AlreadyCheckedIn
	}
	return out, nil
}

// unknownCode is the outcome of a code the event did not issue. A valid
// ticket of another event names it, so the door can tell a guest who
// brought the wrong ticket from one without any. The code alone is looked
// up without an index of its own (a scan of the registrations, a few
// milliseconds for tens of thousands): a wrong ticket is rare, and an
// index would cost every confirmation.
func unknownCode(ctx context.Context, q Querier, eventID int64, code string) (Checkin, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT e.name FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.checkin_code = $1 AND r.event_id <> $2 AND r.status = 'confirmed' ORDER BY r.id DESC LIMIT 1`, code, eventID).Scan(&name)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Checkin{}, fmt.Errorf("events: code of another event: %w", err)
	}
	return Checkin{Status: UnknownCode, OtherEvent: name}, nil
}

// UndoCheckIn takes back the check-in of code (a mis-tap at the door) and
// records who did.
func UndoCheckIn(ctx context.Context, tx pgx.Tx, eventID int64, code string, door Door) (Checkin, error) {
	code, ok := NormalizeCode(code)
	if !ok {
		return Checkin{Status: UnknownCode}, nil
	}
	row, err := findByCode(ctx, tx, eventID, code)
	if errors.Is(err, ErrNotFound) {
		return unknownCode(ctx, tx, eventID, code)
	}
	if err != nil {
		return Checkin{}, err
	}
	var was *time.Time
	err = tx.QueryRow(ctx, `SELECT checked_in_at FROM registrations WHERE id = $1 FOR UPDATE`, row.ID).Scan(&was)
	if err != nil {
		return Checkin{}, fmt.Errorf("events: undo check-in: %w", err)
	}
	if was == nil {
		row.CheckedInAt = nil
		return Checkin{Status: NotCheckedIn, Registration: &row.Registration}, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE registrations SET checked_in_at = NULL, checked_in_by = NULL WHERE id = $1`, row.ID); err != nil {
		return Checkin{}, fmt.Errorf("events: undo check-in: %w", err)
	}
	row.CheckedInAt = nil
	err = audit.Record(ctx, tx, audit.Entry{
		UserID: &door.UserID, Actor: door.Name, Table: "registrations", RowID: strconv.FormatInt(row.ID, 10),
		Field: "checked_in_at", OldValue: audit.Value(was.UTC().Format(time.RFC3339)),
	})
	return Checkin{Status: Undone, Registration: &row.Registration}, err
}

// CheckinCounts are the door's counters.
type CheckinCounts struct {
	CheckedIn, Confirmed int
}

// CountCheckins counts the confirmed registrations of the event and how
// many of them are checked in.
func CountCheckins(ctx context.Context, q Querier, eventID int64) (CheckinCounts, error) {
	var c CheckinCounts
	err := q.QueryRow(ctx, `SELECT count(*) FILTER (WHERE checked_in_at IS NOT NULL), count(*)
		FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, eventID).Scan(&c.CheckedIn, &c.Confirmed)
	if err != nil {
		return c, fmt.Errorf("events: count check-ins: %w", err)
	}
	return c, nil
}

// SearchAtDoor finds up to limit registrations of the event whose
// person's name or email contains every word of query, as the admin's
// person search compares them: ignoring case and accents, so "muller"
// finds Müller and "anna schmidt" Anna Maria Schmidt. It is the door's
// search for people without their code; confirmed ones come first. The
// patterns (persons.SearchPattern) are made once per search (an
// uncorrelated ARRAY is an InitPlan), not once per person.
func SearchAtDoor(ctx context.Context, q Querier, eventID int64, query string, limit int) ([]Registration, error) {
	// A word of accents only would be erased by unaccent and match anyone.
	words := slices.DeleteFunc(strings.Fields(query), func(w string) bool {
		return strings.IndexFunc(w, func(r rune) bool { return !unicode.Is(unicode.M, r) }) < 0
	})
	if len(words) == 0 {
		return nil, nil
	}
	sql := `SELECT ` + registrationColumns + ` FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = $1 AND p.search_text LIKE ALL (ARRAY(
			SELECT ` + persons.SearchPattern("w") + ` FROM unnest($2::text[]) w))
		ORDER BY r.status <> 'confirmed', p.name COLLATE alphabetical, r.id LIMIT $3`
	rows, err := q.Query(ctx, sql, eventID, words[:min(len(words), doorSearchWords)], limit)
	if err != nil {
		return nil, fmt.Errorf("events: search at door: %w", err)
	}
	regs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Registration])
	if err != nil {
		return nil, fmt.Errorf("events: search at door: %w", err)
	}
	return regs, nil
}

// doorSearchWords bounds the words a door search compares.
const doorSearchWords = 8
