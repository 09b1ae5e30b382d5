package formbuilder_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/events/formbuilder"
)

func compactJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		t.Fatalf("invalid JSON %s: %v", raw, err)
	}
	return buf.String()
}

// The three example forms of the spec load into the builder and save
// unchanged as the same schema, key for key and in the same order.
func TestRoundTripOfTheExampleForms(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) != 3 {
		t.Fatalf("want the three example schemas, got %v (%v)", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fm, err := formbuilder.Load(raw)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fm.Fields {
				if f.Kind == formbuilder.KindOther {
					t.Errorf("field %s cannot be shown in the builder", f.Name)
				}
			}
			if got, want := compactJSON(t, fm.JSON()), compactJSON(t, raw); got != want {
				t.Errorf("saved unchanged, the schema became\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// A schema nested deeper or longer than a form can be is refused before
// it is read: kept as typed and written back indented, ten thousand
// levels wrote 400 MB.
func TestLoadRefusesDeepOrLongText(t *testing.T) {
	deep := `{"type":"object","properties":{},"x":` + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + `}`
	long := `{"type":"object","properties":{},"x":"` + strings.Repeat("a", 200_000) + `"}`
	for name, raw := range map[string]string{"deep": deep, "long": long} {
		if _, err := formbuilder.Load([]byte(raw)); err == nil {
			t.Errorf("%s text loaded", name)
		}
	}
}
