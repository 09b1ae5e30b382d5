package schema_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// BenchmarkRenderToolboxForm is what rendering the largest real form's
// fields costs each visitor when the page cache is off.
func BenchmarkRenderToolboxForm(b *testing.B) {
	raw, err := os.ReadFile("../testdata/toolbox-workshop.json")
	if err != nil {
		b.Fatal(err)
	}
	fm, err := schema.ParseCached(raw)
	if err != nil {
		b.Fatal(err)
	}
	ctx := i18n.WithLang(context.Background(), i18n.DE)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		fields := schema.View(fm, schema.Defaults(fm, i18n.DE), nil, false)
		if err := events.RegistrationFields(fields).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
