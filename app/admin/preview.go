package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/events/schema"
	adminui "github.com/pepalumni/memberdb/components/admin"
	eventsui "github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// preview renders a field's preview: sanitised HTML for descriptions and
// footers, the registration form for a schema.
func (h *Handler) preview(ctx context.Context, kind, value string) templ.Component {
	if kind == "schema" {
		fm, problems := parseSchema(ctx, value)
		if len(problems) > 0 {
			return adminui.SchemaPreview(problems, nil)
		}
		fields := schema.View(fm.In(i18n.LangOf(ctx)), schema.Defaults(fm, i18n.LangOf(ctx)), nil, false)
		return adminui.SchemaPreview(nil, eventsui.RegistrationFields(previewFields(fields)))
	}
	return adminui.HTMLPreview(schema.Sanitize(value))
}

// previewFields renames the preview's inputs so they cannot be mistaken
// for the event form's own fields (name) around them.
func previewFields(fields []eventsui.Field) []eventsui.Field {
	for i := range fields {
		fields[i].Path = "preview." + fields[i].Path
		fields[i].ID = "preview-" + fields[i].ID
		fields[i].Children = previewFields(fields[i].Children)
	}
	return fields
}

// parseSchema checks a registration schema; problems are translated and
// name their location in the schema, with the parser's own words as
// their detail.
func parseSchema(ctx context.Context, raw string) (*schema.Form, []eventsui.Problem) {
	if strings.TrimSpace(raw) == "" {
		return nil, []eventsui.Problem{{Text: tr(ctx, "admin.error.required")}}
	}
	fm, err := schema.Parse([]byte(raw))
	if err == nil {
		return fm, nil
	}
	var pe *schema.ParseError
	if !errors.As(err, &pe) {
		return nil, []eventsui.Problem{{Text: tr(ctx, "admin.events.schema.unreadable")}}
	}
	lang := i18n.LangOf(ctx)
	out := make([]eventsui.Problem, len(pe.Problems))
	for i, p := range pe.Problems {
		out[i] = p.View(lang)
	}
	return nil, out
}

// previewField answers POST /admin/events/preview/{field} with the preview
// of the posted description, footer or schema, while the admin types.
func (h *Handler) previewField(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "field")
	f := h.events.field(name)
	if f == nil || f.preview == "" {
		h.site.NotFound(w, r)
		return
	}
	if !h.site.ParseForm(w, r) {
		return
	}
	h.site.RenderFragment(w, r, http.StatusOK, h.preview(r.Context(), f.kind, r.PostFormValue(name)))
}
