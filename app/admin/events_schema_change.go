package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/components/i18n"
)

// confirmSchema is the form value that confirms a change of the
// registration form that affects stored answers; confirmMath one that
// keeps a formula KaTeX cannot typeset.
const (
	confirmSchema = "confirm_schema"
	confirmMath   = "confirm_math"
)

// brokenFormulas names, in the reader's quotes, the fields members see
// whose label or choices, in German or English, hold a formula without
// its closing $ or brace, leaving out those already so in old (nil:
// none), which were asked about when they came.
func brokenFormulas(ctx context.Context, fm, old *schema.Form) []string {
	var names []string
	for _, f := range fm.Flatten() {
		broken := brokenTexts(fm, f.Path)
		if f.Hidden || len(broken) == 0 {
			continue
		}
		// Asked about when they came; another change (a translation)
		// asks only about what it breaks.
		if was := oldField(old, f.Path); was != nil && !was.Hidden {
			before := brokenTexts(old, f.Path)
			if !slices.ContainsFunc(broken, func(s string) bool { return !slices.Contains(before, s) }) {
				continue
			}
		}
		names = append(names, i18n.T(ctx, "admin.builder.quoted", f.ShortLabel()))
	}
	return names
}

// oldField is the field at path of the form before, if there was one.
func oldField(old *schema.Form, path string) *schema.Field {
	if old == nil {
		return nil
	}
	return old.Field(path)
}

// brokenTexts are the texts readers of either language read of the field
// at path (its labels and its choices) that hold a broken formula.
func brokenTexts(fm *schema.Form, path string) []string {
	de, en := fm.Field(path), fm.In(i18n.EN).Field(path)
	texts := append([]string{de.Label, en.Label}, de.ChoiceLabels()...)
	return slices.DeleteFunc(append(texts, en.ChoiceLabels()...), func(s string) bool { return !brokenMath(s) })
}

// created asks, as an edit does, before a new event keeps a formula its
// members would see as an error.
func (r eventRules) created(ctx context.Context, tx pgx.Tx, id string, form url.Values) error {
	after, err := r.t.load(ctx, tx, id, false)
	if err != nil {
		return err
	}
	return r.schemaChanged(ctx, tx, id, rowState{values: map[string]*string{}}, after, form)
}

// schemaChanged refuses, until confirmed, a new registration form that
// drops or renames fields with stored answers, or under which stored
// answers to fields it keeps would no longer be valid: the answers stay as
// they are either way, and the organiser should know how many.
func (r eventRules) schemaChanged(ctx context.Context, tx pgx.Tx, id string, before, after rowState, form url.Values) error {
	old, new := before.text(schemaField), after.text(schemaField)
	if sameJSON(old, new) {
		return nil
	}
	// A form saved anew is held to what a stored one is not (control
	// characters): an event whose old form has one still saves its other
	// fields.
	newForm, err := schema.ParseNew([]byte(new))
	if err != nil {
		var pe *schema.ParseError
		if errors.As(err, &pe) && len(pe.Problems) > 0 && pe.Problems[0].Key == "events.schema.control" {
			return &problemError{Field: schemaField, Text: pe.Problems[0].Text(i18n.LangOf(ctx))}
		}
		return nil // the schema's own check refuses it
	}
	oldForm, oldErr := schema.Parse([]byte(old))
	if oldErr != nil {
		oldForm = nil
	}
	if broken := brokenFormulas(ctx, newForm, oldForm); len(broken) > 0 && form.Get(confirmMath) != "true" {
		return &confirmError{Field: schemaField, Name: confirmMath,
			Text: i18n.N(ctx, "admin.builder.change.broken_math", len(broken), strings.Join(broken, ", "))}
	}
	if form.Get(confirmSchema) == "true" || oldForm == nil {
		// A form that was never valid has no answers to protect.
		return nil
	}
	var gone, kept []string
	for _, f := range oldForm.Flatten() {
		if newForm.Field(f.Path) == nil {
			gone = append(gone, f.Path)
		} else {
			kept = append(kept, f.Path)
		}
	}
	rows, err := tx.Query(ctx, `SELECT data FROM registrations WHERE event_id = $1 AND data IS NOT NULL`, intID(id))
	if err != nil {
		return fmt.Errorf("admin: answers of the event: %w", err)
	}
	datas, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return fmt.Errorf("admin: answers of the event: %w", err)
	}
	answered := map[string]int{}
	invalid := 0
	lang := i18n.LangOf(ctx)
	for _, raw := range datas {
		var answers map[string]any
		if json.Unmarshal(raw, &answers) != nil {
			continue
		}
		for _, path := range gone {
			if schema.Lookup(answers, path) != nil {
				answered[path]++
			}
		}
		// Only answers the change makes invalid count: those the old form
		// refused already were counted when it was saved, and asking
		// again at every later change (a translation) says nothing new.
		oldBad := schema.CheckAnswers(oldForm, answers, lang)
		for path := range schema.CheckAnswers(newForm, answers, lang) {
			_, before := oldBad[path]
			// New required fields are not the old answers' fault, and an
			// empty text (the old system stored them) is no answer.
			v := schema.Lookup(answers, path)
			if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
				v = nil
			}
			if slices.Contains(kept, path) && v != nil && !before {
				invalid++
				break
			}
		}
	}
	var texts []string
	for _, path := range gone {
		if n := answered[path]; n > 0 {
			texts = append(texts, i18n.N(ctx, "admin.builder.change.gone", n, oldForm.Field(path).ShortLabel(), path))
		}
	}
	if invalid > 0 {
		texts = append(texts, i18n.N(ctx, "admin.builder.change.invalid", invalid))
	}
	if len(texts) == 0 {
		return nil
	}
	return &confirmError{Field: schemaField, Name: confirmSchema, Text: strings.Join(texts, " ")}
}
