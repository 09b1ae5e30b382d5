package admin

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A muted row is grey and a date stays on one line; other rows and cells
// carry no class at all.
func TestTableRowClasses(t *testing.T) {
	render := func(r Row) string {
		t.Helper()
		var b bytes.Buffer
		if err := TableRow(r).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	muted := render(Row{DomID: "persons-1", Muted: true, Cells: []Cell{{Text: "2026-12-06", NoWrap: true}}})
	for _, want := range []string{`<tr id="persons-1" class="text-body-secondary" data-testid="row">`, `<td class="text-nowrap">2026-12-06</td>`} {
		if !strings.Contains(muted, want) {
			t.Errorf("muted row lacks %s:\n%s", want, muted)
		}
	}
	plain := render(Row{DomID: "persons-2", Cells: []Cell{{Text: "Anna"}}})
	for _, want := range []string{`<tr id="persons-2" data-testid="row">`, `<td>Anna</td>`} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain row lacks %s:\n%s", want, plain)
		}
	}
}
