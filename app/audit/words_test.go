package audit

import (
	"context"
	"slices"
	"testing"

	"github.com/pepalumni/memberdb/components/i18n"
)

// An event's choices and times stood in its history as stored ("offer",
// "sie", "2027-03-01T10:00"); they read as the form offers them, and the
// search finds them by those words.
func TestChoicesAndLocalTimesReadAsTheFormShowsThem(t *testing.T) {
	de := i18n.WithLang(context.Background(), i18n.DE)
	en := i18n.WithLang(context.Background(), i18n.EN)
	value := func(s string) *string { return &s }
	for _, tt := range []struct {
		ctx          context.Context
		field, value string
		want         string
	}{
		{de, "freed_places", "offer", "Nächsten der Warteliste auf Zeit anbieten"},
		{de, "freed_places", "confirm", "Nächsten der Warteliste sofort bestätigen"},
		{en, "freed_places", "offer", i18n.In(i18n.EN, "admin.freed_places.offer")},
		{de, "formality", "sie", "Sie"},
		{de, "starts_at", "2027-03-01T10:00", "01.03.2027 10:00"},
		{en, "starts_at", "2027-03-01T10:00", "1 Mar 2027 10:00"},
		{de, "joining_date", "2026-12-07", "07.12.2026"},
		{de, "location", "offer", "offer"},
	} {
		if got := (Names{}).ValueName(tt.ctx, "events", tt.field, value(tt.value)); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.field, tt.value, got, tt.want)
		}
	}
	if c := CodesFor(i18n.DE, "auf zeit anbieten"); !slices.Contains(c.FieldValues, "freed_places=offer") {
		t.Errorf("the search for the offer's words found %+v", c)
	}
}
