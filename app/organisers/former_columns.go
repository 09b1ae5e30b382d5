package organisers

import (
	"context"
	"slices"

	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// formerColumns are the answered fields of the event's earlier forms that
// its current form no longer has: their answers stay stored, and the list
// and the CSV show them after the current ones, marked as former fields.
func (h *Handler) formerColumns(ctx context.Context, eventID int64, current []column) ([]column, error) {
	forms, err := events.EarlierForms(ctx, h.pool, eventID)
	if err != nil {
		return nil, err
	}
	seen := make([]string, 0, len(current))
	for _, c := range current {
		seen = append(seen, c.Key())
	}
	var out []column
	for _, raw := range forms {
		cols, err := columnsOf(raw)
		if err != nil {
			continue // an old form nobody can read has no columns to offer
		}
		for _, c := range cols {
			if slices.Contains(seen, c.Key()) {
				continue
			}
			seen = append(seen, c.Key())
			answered, err := events.Answered(ctx, h.pool, eventID, c.Path)
			if err != nil {
				return nil, err
			}
			if answered {
				c.Label = i18n.T(ctx, "organisers.columns.former", c.Label)
				c.Detail = i18n.T(ctx, "organisers.columns.former", c.Detail)
				out = append(out, c)
			}
		}
	}
	return out, nil
}
