package fees

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Rate is one line of the fee schedule.
type Rate struct {
	ID        int64
	Category  string
	Cents     int64
	ValidFrom time.Time
}

// Rates returns the whole schedule, newest first per category.
func Rates(ctx context.Context, q pgxQuerier) ([]Rate, error) {
	rows, err := q.Query(ctx, `SELECT id, category, cents, valid_from FROM fee_rates ORDER BY category, valid_from DESC`)
	if err != nil {
		return nil, fmt.Errorf("fees: rates: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Rate])
}

// AddRate adds a line to the schedule; one per category and date. by
// is logged as having added it.
func AddRate(ctx context.Context, tx pgx.Tx, r Rate, by audit.Entry) (Rate, error) {
	err := tx.QueryRow(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES ($1, $2, $3) RETURNING id`,
		r.Category, r.Cents, r.ValidFrom).Scan(&r.ID)
	if err != nil {
		return Rate{}, fmt.Errorf("fees: add rate: %w", db.Map(err))
	}
	return r, audit.Record(ctx, tx, rateEntries(by, r, false)...)
}

// DeleteRate deletes line id of the schedule, logged as by's;
// ErrNotFound when there is none.
func DeleteRate(ctx context.Context, tx pgx.Tx, id int64, by audit.Entry) error {
	r := Rate{ID: id}
	err := tx.QueryRow(ctx, `DELETE FROM fee_rates WHERE id = $1 RETURNING category, cents, valid_from`, id).
		Scan(&r.Category, &r.Cents, &r.ValidFrom)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("fees: delete rate: %w", err)
	}
	return audit.Record(ctx, tx, rateEntries(by, r, true)...)
}

// rateOn is the amount of category on day: the line valid from the latest
// date not after it; ok false when the schedule has none.
func rateOn(rates []Rate, category string, day time.Time) (cents int64, ok bool) {
	var best *Rate
	for i, r := range rates {
		if r.Category == category && !r.ValidFrom.After(day) && (best == nil || r.ValidFrom.After(best.ValidFrom)) {
			best = &rates[i]
		}
	}
	if best == nil {
		return 0, false
	}
	return best.Cents, true
}

// SetCategory puts the member in a reduced category of the schedule, or
// back to their membership type's when category is empty.
func SetCategory(ctx context.Context, tx pgx.Tx, personID int64, category string) error {
	var err error
	if category == "" {
		_, err = tx.Exec(ctx, `DELETE FROM fee_categories WHERE person_id = $1`, personID)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO fee_categories (person_id, category) VALUES ($1, $2)
			ON CONFLICT (person_id) DO UPDATE SET category = EXCLUDED.category, updated_at = now()`, personID, category)
	}
	if err != nil {
		return fmt.Errorf("fees: category: %w", db.Map(err))
	}
	return nil
}

// Category is the member's reduced category; "" when they pay by
// membership type.
func Category(ctx context.Context, q pgxQuerier, personID int64) (string, error) {
	var c string
	err := q.QueryRow(ctx, `SELECT coalesce((SELECT category FROM fee_categories WHERE person_id = $1), '')`, personID).Scan(&c)
	return c, err
}

// categoryName is how the pages name a category of the schedule: a
// membership type's name with its key, a reduced category as it is written.
func categoryName(ts members.Types, lang i18n.Lang, category string) string {
	if t, ok := ts.Find(category); ok {
		return t.Name(lang) + " (" + category + ")"
	}
	return category
}

// categories lists the schedule's categories.
func categories(rates []Rate) []string {
	var out []string
	for _, r := range rates {
		if !slices.Contains(out, r.Category) {
			out = append(out, r.Category)
		}
	}
	return out
}

// StrandedYear is the first year from from to to in which deleting line
// id leaves category without an amount (none valid on its 1 January)
// while it has one now; for the category's last line, the first year it
// counts if none of those. 0 for none. A later line does not keep an
// earlier year's run: a year's fee is the amount valid on its 1 January.
func StrandedYear(ctx context.Context, q pgxQuerier, category string, id int64, from, to int) (int, error) {
	for year := from; year <= to; year++ {
		var stranded bool
		err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM fee_rates WHERE id = $2 AND valid_from <= make_date($3, 1, 1))
			AND NOT EXISTS (SELECT 1 FROM fee_rates WHERE category = $1 AND id <> $2 AND valid_from <= make_date($3, 1, 1))`,
			category, id, year).Scan(&stranded)
		if err != nil || stranded {
			return year, err
		}
	}
	// The category's last line leaves it without an amount for good,
	// from the first year the line counts.
	var first int
	err := q.QueryRow(ctx, `SELECT CASE WHEN EXISTS (SELECT 1 FROM fee_rates WHERE category = $1 AND id <> $2) THEN 0
		ELSE coalesce((SELECT extract(year FROM valid_from)::int + CASE WHEN extract(doy FROM valid_from) = 1 THEN 0 ELSE 1 END
		      FROM fee_rates WHERE id = $2), 0) END`, category, id).Scan(&first)
	return first, err
}
