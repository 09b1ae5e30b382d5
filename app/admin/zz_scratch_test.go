package admin_test

import (
	"context"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

var benchTerms = []string{
	"müller", "schmidt", "anna", "lena k", "weber", "schmitd", "hoffman", "jonas.f",
	"krüger", "kruger", "özlem", "example.org", "lukas wag", "papadop", "sophie sch", "12345",
	"felix", "maier", "meyer", "schäfer", "schafer", "nguyen", "tobias", "wang",
}

func TestScratchSearchSpeed(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	sql, _ := os.ReadFile("/tmp/seedq.sql")
	if _, err := app.Pool.Exec(context.Background(), string(sql), 50000); err != nil {
		t.Fatal(err)
	}
	app.Pool.Exec(context.Background(), "ANALYZE persons")
	for _, term := range benchTerms {
		var ds []time.Duration
		var n int
		for i := 0; i < 40; i++ {
			start := time.Now()
			resp := app.Get(t, c, "/admin/persons?q="+url.QueryEscape(term), htmx...)
			ds = append(ds, time.Since(start))
			n = len(rowOrder(resp.Body))
			if resp.StatusCode != 200 {
				t.Fatal(resp.StatusCode)
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("%-12s rows=%d p50=%v max=%v", term, n, ds[len(ds)/2], ds[len(ds)-1])
	}
}
