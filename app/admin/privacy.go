package admin

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// recordOrder lists the domains on the privacy page as a reader meets
// them: the person first, the technical records last.
var recordOrder = map[string]int{"members": 1, persons.DomainFees: 2, "events": 3, "mail": 4, "auth": 5, "organisers": 6, "tokens": 7, "audit": 8}

// processed lists the categories of personal data this association
// processes, its domains in recordOrder: those whose domain says it does
// not use them (Category.InUse) are left out, so that another
// association's privacy statement promises nothing it does not do.
func (h *Handler) processed(ctx context.Context) ([]persons.Category, error) {
	domains := persons.Domains()
	slices.SortStableFunc(domains, func(a, b persons.Domain) int { return recordOrder[a.Name] - recordOrder[b.Name] })
	var cats []persons.Category
	var asks []string
	for _, d := range domains {
		for _, c := range d.Data {
			cats = append(cats, c)
			asks = append(asks, "("+cmp.Or(c.InUse, "true")+")")
		}
	}
	// One query answers for every category.
	var used []bool
	if err := h.pool.QueryRow(ctx, `SELECT ARRAY[`+strings.Join(asks, ", ")+`]`).Scan(&used); err != nil {
		return nil, fmt.Errorf("admin: categories in use: %w", err)
	}
	var out []persons.Category
	for i, c := range cats {
		if used[i] {
			out = append(out, c)
		}
	}
	return out, nil
}

// privacyAhead is how far ahead the privacy page looks for what the purge
// will take.
const privacyAhead = 30 * 24 * time.Hour

// privacy answers GET /admin/privacy: the record of processing (GDPR
// Art. 30), made from the domains' declarations (persons.Register) and the
// retention settings, and what the purge takes in the next 30 days (its
// dry run, rolled back).
func (h *Handler) privacy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := time.Now()
	ahead := now.Add(privacyAhead)
	rep, err := h.purge.Run(ctx, ahead, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	org := h.org()
	v := adminui.PrivacyView{
		Title:     tr(ctx, "privacy.title"),
		Intro:     tr(ctx, "privacy.intro", strings.Join(append([]string{org.Name}, org.Postal...), ", "), org.Email),
		Generated: tr(ctx, "privacy.generated", web.LocalTime(ctx, now)),
		DueHelp:   tr(ctx, "privacy.due.help", ahead.In(web.Berlin).Format(i18n.DayLayout(i18n.LangOf(ctx)))),
	}
	cats, err := h.processed(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, c := range cats {
		v.Records = append(v.Records, adminui.PrivacyRecord{
			What: tr(ctx, c.What), Where: c.Where, Why: tr(ctx, c.Why), HowLong: h.howLong(ctx, c.HowLong),
		})
	}
	for _, l := range rep.Lines {
		d := adminui.PrivacyDue{Key: l.Key, Label: tr(ctx, "privacy.purge."+l.Key), Count: l.Count, Oldest: "–"}
		if l.Oldest != nil {
			d.Oldest = l.Oldest.In(web.Berlin).Format(i18n.DayLayout(i18n.LangOf(ctx)))
		}
		v.Due = append(v.Due, d)
	}
	ret := h.cfg.Retain
	for _, s := range []struct {
		name string
		p    config.Period
	}{{"RETAIN_MAIL", ret.Mail}, {"RETAIN_REGISTRATIONS", ret.Registrations}, {"RETAIN_APPLICATIONS", ret.Applications}, {"RETAIN_AUDIT", ret.Audit}} {
		v.Settings = append(v.Settings, adminui.PrivacySetting{Name: s.name, Value: s.p.String() + " (" + periodText(ctx, s.p) + ")"})
	}
	w.Header().Set("Cache-Control", "no-store")
	h.page(w, r, http.StatusOK, v.Title, adminui.Privacy(v))
}

// howLong translates a category's retention, naming the configured period
// where its text has a place for one.
func (h *Handler) howLong(ctx context.Context, key string) string {
	ret := h.cfg.Retain
	period := map[string]config.Period{
		"privacy.retain.mail": ret.Mail, "privacy.retain.registrations": ret.Registrations,
		"privacy.retain.applications": ret.Applications, "privacy.retain.audit": ret.Audit,
		"privacy.while_member": ret.Applications,
	}
	if p, ok := period[key]; ok {
		return tr(ctx, key, periodText(ctx, p))
	}
	return tr(ctx, key)
}

// periodText writes a period in words: "12 Monate", "3 years".
func periodText(ctx context.Context, p config.Period) string {
	n, unit := p.Unit()
	if unit == "" {
		return p.String()
	}
	return i18n.N(ctx, "privacy.period."+unit, n)
}
