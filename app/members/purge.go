package members

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
)

// PurgeApplications deletes the membership applications made before
// before that were never verified or were denied (RETAIN_APPLICATIONS),
// and takes the stale "unverified" or "denied" status off their persons.
func PurgeApplications(ctx context.Context, tx pgx.Tx, before time.Time) (persons.Purged, error) {
	p, err := persons.PurgeRows(ctx, tx, `
		WITH gone AS (
		    DELETE FROM membership_applications a USING persons p
		    WHERE p.id = a.person_id AND a.created_at < $1
		      AND (a.verified_at IS NULL OR p.membership_status = 'denied')
		    RETURNING a.created_at)
		SELECT count(*), min(created_at) FROM gone`, before)
	if err != nil {
		return p, err
	}
	// updated_at stays: it tells when the person last did something, and
	// a person with nothing else is deleted by PurgePersons right after.
	_, err = tx.Exec(ctx, `
		UPDATE persons p SET membership_status = NULL, version = version + 1
		WHERE membership_status IN ('email_unverified', 'denied') AND updated_at < $1
		  AND NOT EXISTS (SELECT 1 FROM membership_applications a WHERE a.person_id = p.id)`, before)
	return p, err
}

// PurgePersons deletes the persons who have nothing else here (no
// membership, former or present, and no domain holds them: no
// application, registration, user account or open deletion request) and
// have not changed since before.
// Each is erased through every domain first, so the mails about them go
// too, and then their row is deleted, unless the association's books
// keep it (a revoked mandate, a paid fee: persons.Keeping): then it stays
// anonymised, as the erasure left it. Deleting those failed the whole
// run.
func PurgePersons(ctx context.Context, tx pgx.Tx, before time.Time) (persons.Purged, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, name, email, created_at, anonymised_at IS NOT NULL FROM persons p
		WHERE (membership_status IS NULL OR membership_status IN ('email_unverified', 'denied'))
		  AND updated_at < $1 AND created_at < $1 AND NOT (`+persons.Held()+`)
		ORDER BY id
		FOR UPDATE`, before)
	if err != nil {
		return persons.Purged{}, err
	}
	type idle struct {
		ID          int64
		Name, Email string
		Created     time.Time
		Anonymised  bool
	}
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[idle])
	if err != nil {
		return persons.Purged{}, err
	}
	var p persons.Purged
	for _, f := range found {
		if f.Anonymised {
			kept, err := persons.Keeping(ctx, tx, f.ID)
			if err != nil {
				return p, err
			}
			if len(kept) > 0 {
				continue // erased before; the books still keep the row
			}
		}
		s, err := persons.Collect(ctx, tx, f.ID, f.Name, f.Email)
		if err != nil {
			return p, err
		}
		if err := persons.EraseAll(ctx, tx, s); err != nil {
			return p, err
		}
		// Counted after the erasure, which takes some of those rows (a
		// reduced category).
		kept, err := persons.Keeping(ctx, tx, f.ID)
		if err != nil {
			return p, err
		}
		if len(kept) == 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM persons WHERE id = $1`, f.ID); err != nil {
				return p, err
			}
		}
		created := f.Created
		p.Add(persons.Purged{Count: 1, Oldest: &created})
	}
	return p, nil
}

// SweepNameWords deletes the words of names (search_name_words, migration
// 0156) that nobody's search words hold any more, and adds those a name
// has and the table lacks. The trigger keeping them decides from what its
// transaction sees: two transactions erasing a word's last two bearers at
// once each see the other's, and keep the word; one erasing the last
// bearer while another adds a new one drops it. The daily purge mends both.
func SweepNameWords(ctx context.Context, tx pgx.Tx, _ time.Time) (persons.Purged, error) {
	p, err := persons.PurgeRows(ctx, tx, `
		WITH gone AS (
		    DELETE FROM search_name_words n
		    WHERE NOT EXISTS (SELECT 1 FROM person_search_words s WHERE s.word = n.word)
		    RETURNING 1)
		SELECT count(*), NULL::timestamptz FROM gone`)
	if err != nil {
		return p, err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO search_name_words (word)
		SELECT DISTINCT w FROM persons p, unnest(search_words_of(search_text_of(p.name))) w
		ORDER BY w
		ON CONFLICT DO NOTHING`)
	return p, err
}
