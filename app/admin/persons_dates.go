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

// membershipDayParser reads a joining or leaving day, refusing one outside
// members.MembershipDays with the bound it crossed.
func membershipDayParser(ctx context.Context, q querier, raw string) (any, string, error) {
	v, problem, err := dateParser(false)(ctx, q, raw)
	if v == nil || problem != "" || err != nil {
		return v, problem, err
	}
	day, err := time.Parse(time.DateOnly, v.(string))
	if err != nil {
		return nil, "", fmt.Errorf("admin: membership day %q: %w", v, err)
	}
	today, err := time.Parse(time.DateOnly, web.Today())
	if err != nil {
		return nil, "", fmt.Errorf("admin: today: %w", err)
	}
	first, last := members.MembershipDays(today)
	layout := i18n.DayLayout(i18n.LangOf(ctx))
	switch {
	case day.Before(first):
		return nil, tr(ctx, "admin.persons.error.day_early", first.Format(layout)), nil
	case day.After(last):
		return nil, tr(ctx, "admin.persons.error.day_late", last.Format(layout)), nil
	}
	return v, "", nil
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
