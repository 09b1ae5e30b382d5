package admin

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// daysOutOfBounds refuses a joining or leaving day the save changed to
// one outside members.MembershipDays, naming the bound it crossed. A day
// stored before is left alone: a person imported with the old system's
// 1900-01-01 can still have their name corrected.
func daysOutOfBounds(ctx context.Context, before, after rowState) error {
	today, err := time.Parse(time.DateOnly, web.Today())
	if err != nil {
		return fmt.Errorf("admin: today: %w", err)
	}
	first, last := members.MembershipDays(today)
	layout := i18n.DayLayout(i18n.LangOf(ctx))
	for _, field := range []string{"joining_date", "leaving_date"} {
		v := after.text(field)
		if v == "" || v == before.text(field) {
			continue
		}
		day, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return fmt.Errorf("admin: membership day %q: %w", v, err)
		}
		switch {
		case day.Before(first):
			return &problemError{Field: field, Text: tr(ctx, "admin.persons.error.day_early", first.Format(layout))}
		case day.After(last):
			return &problemError{Field: field, Text: tr(ctx, "admin.persons.error.day_late", last.Format(layout))}
		}
	}
	return nil
}

// leftBeforeJoining refuses a save that left the person with a leaving day
// before their joining day, whether typed or set by a rule (a member set
// to have left today who joins in the future). Rows that held such days
// before keep them until one of the two changes, so that editing anything
// else still works.
func leftBeforeJoining(ctx context.Context, tx pgx.Tx, id string, before rowState) error {
	var joining, leaving *string
	if err := tx.QueryRow(ctx, `SELECT joining_date::text, leaving_date::text FROM persons WHERE id = $1`, intID(id)).
		Scan(&joining, &leaving); err != nil {
		return fmt.Errorf("admin: person's days: %w", err)
	}
	if joining == nil || leaving == nil || *leaving >= *joining {
		return nil
	}
	leftChanged := *leaving != before.text("leaving_date")
	if !leftChanged && *joining == before.text("joining_date") {
		return nil
	}
	field := "leaving_date"
	if !leftChanged {
		field = "joining_date"
	}
	lang := i18n.LangOf(ctx)
	return &problemError{Field: field, Text: tr(ctx, "admin.persons.error.left_before_joined", i18n.Day(lang, *leaving), i18n.Day(lang, *joining))}
}
