package organisers

import (
	"mime"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/events"
)

func TestCSVName(t *testing.T) {
	// 23:30 UTC is the next day in Berlin.
	late := time.Date(2026, 12, 5, 23, 30, 0, 0, time.UTC)
	short := func(s string) *string { return &s }
	tests := []struct {
		name string
		ev   *events.Event
		want string
	}{
		{"shortlink", &events.Event{ID: 1, Name: "Toolbox-Workshop", Shortlink: short("toolbox")}, "toolbox-2026-12-06.csv"},
		{"shortlink in capitals", &events.Event{ID: 1, Name: "x", Shortlink: short("Sommer_Akademie-2026")}, "sommer_akademie-2026-2026-12-06.csv"},
		{"name without shortlink", &events.Event{ID: 2, Name: "Absolvent*innenfeier Größe \"Ü\" 2026"}, "absolvent-innenfeier-groesse-ue-2026-2026-12-06.csv"},
		{"header breaking name", &events.Event{ID: 3, Name: "Feier\r\nContent-Type: text/html; a=\"b\""}, "feier-content-type-text-html-a-b-2026-12-06.csv"},
		{"nothing usable", &events.Event{ID: 4, Name: "„…“"}, "event-4-2026-12-06.csv"},
		{"long name", &events.Event{ID: 5, Name: "Ein sehr langer Veranstaltungsname der kein Ende nimmt und immer weiter geht"},
			"ein-sehr-langer-veranstaltungsname-der-kein-ende-nimmt-und-2026-12-06.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := csvName(tt.ev, late)
			if got != tt.want {
				t.Errorf("csvName = %q, want %q", got, tt.want)
			}
			// The header carries it as a plain token, no quoting needed.
			cd := mime.FormatMediaType("attachment", map[string]string{"filename": got})
			if cd != "attachment; filename="+got {
				t.Errorf("Content-Disposition %q", cd)
			}
		})
	}
}
