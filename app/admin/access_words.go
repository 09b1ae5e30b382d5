package admin

import (
	"context"
	"slices"

	"github.com/pepalumni/memberdb/app/auth"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// levelAreas orders the areas the domains describe their levels in
// (auth.Describe); levels no code describes come last.
var levelAreas = []string{"events", "members", "fees", "texts", "mail", "access", ""}

func areaRank(level string) int {
	return slices.Index(levelAreas, auth.AreaOf(auth.Level(level)))
}

// areaLabel names the area of level.
func areaLabel(ctx context.Context, level string) string {
	area := auth.AreaOf(auth.Level(level))
	if area == "" {
		area = "undescribed"
	}
	return tr(ctx, "admin.area."+area)
}

// levelText says what level lets its holders do; a level no code
// describes protects nothing.
func levelText(ctx context.Context, level string) string {
	if auth.AreaOf(auth.Level(level)) == "" {
		return tr(ctx, "admin.level.unknown")
	}
	return tr(ctx, "admin.level."+level)
}

// byArea sorts level names by area, then by name.
func byArea(levels []string) []string {
	out := slices.Clone(levels)
	slices.SortStableFunc(out, func(a, b string) int { return areaRank(a) - areaRank(b) })
	return out
}

// levelGroups groups the boxes of levels by area, in byArea's order.
func levelGroups(ctx context.Context, levels []string, box func(level string) adminui.Toggle) []adminui.ToggleGroup {
	var out []adminui.ToggleGroup
	for _, l := range byArea(levels) {
		title := areaLabel(ctx, l)
		if len(out) == 0 || out[len(out)-1].Title != title {
			out = append(out, adminui.ToggleGroup{Title: title})
		}
		g := &out[len(out)-1]
		g.Toggles = append(g.Toggles, box(l))
	}
	return out
}
