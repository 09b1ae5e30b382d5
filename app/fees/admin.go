package fees

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/web"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

func itoa(n int) string { return strconv.Itoa(n) }

func amount(cents int64) string { return sepa.Amount(cents) }

var (
	euros = regexp.MustCompile(`^([0-9]{1,6})(?:[.,]([0-9]{1,2}))?$`)
	// grouped is a German amount with thousands points and its cents
	// ("1.234,50"); without the cents "1.234" could be either reading.
	grouped = regexp.MustCompile(`^[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]{1,2}$`)
)

// parseEuros reads an amount such as 30, 30,00, 12.5 or 1.234,50 into
// cents.
func parseEuros(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if grouped.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	m := euros.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	e, _ := strconv.ParseInt(m[1], 10, 64)
	frac := m[2]
	if len(frac) == 1 {
		frac += "0"
	}
	c, _ := strconv.ParseInt("0"+frac, 10, 64)
	return e*100 + c, true
}

var category = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// adminPage is /admin/fees with the forms given.
func (h *Handler) adminPage(ctx context.Context, rf views.RateForm, runf views.RunForm) (views.AdminPage, error) {
	v := views.AdminPage{Missing: h.cfg.SEPA.Missing, RateForm: rf, RunForm: runf}
	if !h.cfg.SEPA.PrefixSet {
		v.DefaultPrefix = h.cfg.SEPA.Prefix
	}
	if len(v.Missing) > 0 {
		return v, nil
	}
	rates, err := Rates(ctx, h.pool)
	if err != nil {
		return v, err
	}
	ts, err := members.LoadTypes(ctx, h.pool)
	if err != nil {
		return v, err
	}
	lang := i18n.LangOf(ctx)
	for _, r := range rates {
		_, typed := ts.Find(r.Category)
		v.Rates = append(v.Rates, views.RateRow{ID: r.ID, Category: ts.NameOf(lang, r.Category), Key: r.Category, Amount: amount(r.Cents),
			ValidFrom: r.ValidFrom.Format(i18n.DayLayout(lang)), Reduced: !typed})
	}
	v.TypeKeys = strings.Join(ts.Keys(), ", ")
	for _, t := range ts {
		v.Categories = append(v.Categories, views.Option{Value: t.Key, Label: t.Name(lang)})
	}
	for _, c := range categories(rates) {
		if _, ok := ts.Find(c); !ok {
			v.Categories = append(v.Categories, views.Option{Value: c, Label: i18n.T(ctx, "fees.admin.reduced")})
		}
	}
	ms, err := Mandates(ctx, h.pool)
	if err != nil {
		return v, err
	}
	v.Mandates = ms
	runs, err := Runs(ctx, h.pool)
	if err != nil {
		return v, err
	}
	for _, r := range runs {
		// Days as the member's pages and mails write them; an ISO day broke
		// at its hyphens on a phone.
		row := views.RunRow{ID: strconv.FormatInt(r.ID, 10), Year: itoa(r.Year), Due: r.DueOn.Format(i18n.DayLayout(lang)),
			InvoicesOnly: r.Debits == 0, Withdrawn: r.Debits == 0 && r.Downloaded}
		if r.SubmittedAt != nil {
			row.Submitted = r.SubmittedAt.In(web.Berlin).Format(i18n.DayLayout(lang))
		}
		v.Runs = append(v.Runs, row)
	}
	if v.RunForm.Year == "" {
		v.RunForm.Year = itoa(h.now().In(web.Berlin).Year())
	}
	v.RunForm.MinDue = today(h.now()).AddDate(0, 0, h.cfg.SEPA.PrenotificationDays+1).Format(i18n.DayLayout(lang))
	return v, nil
}

func (h *Handler) renderAdmin(w http.ResponseWriter, r *http.Request, status int, rf views.RateForm, runf views.RunForm) {
	v, err := h.adminPage(r.Context(), rf, runf)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "fees.admin.title"), views.Admin(v))
}

// overview is GET /admin/fees.
func (h *Handler) overview(w http.ResponseWriter, r *http.Request) {
	h.renderAdmin(w, r, http.StatusOK, views.RateForm{}, views.RunForm{})
}

// knownCategory reports whether c is a membership type's key or a
// category the schedule has.
func (h *Handler) knownCategory(ctx context.Context, c string) (bool, error) {
	ts, err := members.LoadTypes(ctx, h.pool)
	if err != nil {
		return false, err
	}
	if _, ok := ts.Find(c); ok {
		return true, nil
	}
	rates, err := Rates(ctx, h.pool)
	return slices.Contains(categories(rates), c), err
}

// addRate is POST /admin/fees/rates: a line of the schedule.
func (h *Handler) addRate(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	if !h.cfg.SEPA.Ready() {
		h.renderAdmin(w, r, http.StatusConflict, views.RateForm{}, views.RunForm{})
		return
	}
	f := views.RateForm{Category: strings.TrimSpace(r.PostFormValue("category")), Amount: strings.TrimSpace(r.PostFormValue("amount")),
		ValidFrom: strings.TrimSpace(r.PostFormValue("valid_from"))}
	var rate Rate
	var ok bool
	if !category.MatchString(f.Category) {
		f.CategoryError = i18n.T(ctx, "fees.error.category")
	} else if r.PostFormValue("new_category") != "yes" {
		known, err := h.knownCategory(ctx, f.Category)
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		if !known {
			f.CategoryError, f.AskNew = i18n.T(ctx, "fees.error.category_new", f.Category), true
		}
	}
	rate.Category = f.Category
	if rate.Cents, ok = parseEuros(f.Amount); !ok {
		f.AmountError = i18n.T(ctx, "fees.error.amount")
	}
	from, err := time.Parse(time.DateOnly, f.ValidFrom)
	switch {
	case err != nil:
		f.ValidFromError = i18n.T(ctx, "fees.error.date")
	case from.Year() < 2000 || from.Year() > 2200:
		f.ValidFromError = i18n.T(ctx, "fees.error.valid_from_range", 2000, 2200)
	}
	rate.ValidFrom = from
	if f.CategoryError != "" || f.AmountError != "" || f.ValidFromError != "" {
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, f, views.RunForm{})
		return
	}
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		_, err := AddRate(ctx, tx, rate, actor(ctx))
		return err
	})
	switch {
	case errors.Is(err, db.ErrConflict):
		f.ValidFromError = i18n.T(ctx, "fees.error.rate_exists")
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, f, views.RunForm{})
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.admin.rate_added"))
	// A year's fee is the amount valid on 1 January: one from later in
	// the year first counts the next, which the treasurer may not expect.
	if from.YearDay() != 1 {
		h.site.Flash(r, "info", i18n.T(ctx, "fees.admin.rate_next_year", from.Year()+1))
	}
	web.Redirect(w, r, "/admin/fees")
}

// deleteRate is POST /admin/fees/rates/{id}/delete: a mistyped line of
// the schedule goes, after the page asked. Runs already made keep their
// amounts; later ones reckon with the rest of the schedule.
func (h *Handler) deleteRate(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.NotFound(w, r)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		v, err := h.adminPage(ctx, views.RateForm{}, views.RunForm{})
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		for i := range v.Rates {
			if v.Rates[i].ID == id {
				v.AskDelete = &v.Rates[i]
			}
		}
		if v.AskDelete == nil {
			h.site.NotFound(w, r)
			return
		}
		// A line whose year (this one, or the next, whose run is made
		// in December) then has no amount leaves its members without one.
		year := h.now().In(web.Berlin).Year()
		v.StrandedYear, err = StrandedYear(ctx, h.pool, v.AskDelete.Key, id, year, year+1)
		if err == nil && v.StrandedYear != 0 {
			v.Stranded, err = MembersIn(ctx, h.pool, v.AskDelete.Key, v.StrandedYear)
		}
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "fees.admin.title"), views.Admin(v))
		return
	}
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error { return DeleteRate(ctx, tx, id, actor(ctx)) })
	switch {
	case errors.Is(err, ErrNotFound):
		// Gone meanwhile (the confirmation clicked twice): said so, not
		// only "page not found".
		h.site.Error(w, r, http.StatusNotFound, i18n.T(ctx, "fees.admin.rate_gone"))
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.admin.rate_deleted"))
	web.Redirect(w, r, "/admin/fees")
}

// actor is the audit entry of the logged-in user.
func actor(ctx context.Context) audit.Entry { return auth.AuditActor(ctx, ActorCommandLine) }

// ActorCommandLine names changes made with memberdb fees on the command
// line (admin.audit.actor.command_line).
const ActorCommandLine = "command line"

// memberHistory is GET /admin/fees/members/{id}: a member's fees by year
// and their mandate, masked.
func (h *Handler) memberHistory(w http.ResponseWriter, r *http.Request) {
	p, ok := h.historyMember(w, r)
	if !ok {
		return
	}
	v, ok := h.history(w, r, p)
	if !ok {
		return
	}
	h.site.Render(w, r, http.StatusOK, p.Name, views.MemberHistory(v))
}

// history is what the treasurer sees of member p; on an error the answer
// is written and ok is false.
func (h *Handler) history(w http.ResponseWriter, r *http.Request, p members.Person) (views.History, bool) {
	ctx := r.Context()
	base := "/admin/fees/members/" + strconv.FormatInt(p.ID, 10)
	v := views.History{Name: p.Name, Action: base + "/category", RevokeURL: base + "/mandate/revoke"}
	rates, err := Rates(ctx, h.pool)
	if err != nil {
		h.site.ServerError(w, r, err)
		return v, false
	}
	ts, err := members.LoadTypes(ctx, h.pool)
	if err != nil {
		h.site.ServerError(w, r, err)
		return v, false
	}
	lang := i18n.LangOf(ctx)
	v.MembershipType = ts.NameOf(lang, p.MembershipType)
	for _, c := range categories(rates) {
		v.Categories = append(v.Categories, views.Option{Value: c, Label: categoryName(ts, lang, c)})
	}
	if v.Category, err = Category(ctx, h.pool, p.ID); err != nil {
		h.site.ServerError(w, r, err)
		return v, false
	}
	// A category whose every line was deleted stays the member's: shown
	// as such, not as if they paid by their type.
	if v.Category != "" && !slices.ContainsFunc(v.Categories, func(o views.Option) bool { return o.Value == v.Category }) {
		v.Categories = append(v.Categories, views.Option{Value: v.Category, Label: i18n.T(ctx, "fees.admin.category_without_rate", v.Category)})
	}
	fees, err := PersonFees(ctx, h.pool, p.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return v, false
	}
	for _, f := range fees {
		v.Fees = append(v.Fees, feeRow(f, i18n.LangOf(ctx)))
	}
	m, err := ActiveMandate(ctx, h.pool, p.ID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		h.site.ServerError(w, r, err)
		return v, false
	default:
		mv := mandateView(m, i18n.LangOf(ctx))
		v.Mandate = &mv
	}
	return v, true
}

// historyMember loads the member of {id}; ok false when the answer (404)
// is written.
func (h *Handler) historyMember(w http.ResponseWriter, r *http.Request) (members.Person, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.NotFound(w, r)
		return members.Person{}, false
	}
	p, err := members.Load(r.Context(), h.pool, id)
	if errors.Is(err, members.ErrGone) {
		h.site.NotFound(w, r)
		return members.Person{}, false
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return members.Person{}, false
	}
	return p, true
}

// setCategory is POST /admin/fees/members/{id}/category: a reduced
// category of the schedule, or none (the membership type's).
func (h *Handler) setCategory(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	p, ok := h.historyMember(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v, ok := h.history(w, r, p)
	if !ok {
		return
	}
	c := r.PostFormValue("category")
	if c != "" && !slices.ContainsFunc(v.Categories, func(o views.Option) bool { return o.Value == c }) {
		v.CategoryError = i18n.T(ctx, "fees.error.category_unknown")
		h.site.Render(w, r, http.StatusUnprocessableEntity, p.Name, views.MemberHistory(v))
		return
	}
	by := actor(ctx)
	by.Table, by.RowID, by.Field, by.OldValue, by.NewValue = "fee_categories", strconv.FormatInt(p.ID, 10), "category", &v.Category, &c
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if err := SetCategory(ctx, tx, p.ID, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by)
	})
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.admin.category_saved"))
	web.Redirect(w, r, "/admin/fees/members/"+strconv.FormatInt(p.ID, 10))
}

// adminRevoke is POST /admin/fees/members/{id}/mandate/revoke: a
// revocation the member sent by letter or mail, recorded by the
// treasurer after ticking that it is there. The member is mailed as when
// revoking themselves.
func (h *Handler) adminRevoke(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	p, ok := h.historyMember(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	page := "/admin/fees/members/" + strconv.FormatInt(p.ID, 10)
	if r.PostFormValue("confirm") != "yes" {
		v, ok := h.history(w, r, p)
		if !ok {
			return
		}
		v.RevokeError = i18n.T(ctx, "fees.error.revoke_confirm_admin")
		h.site.Render(w, r, http.StatusUnprocessableEntity, p.Name, views.MemberHistory(v))
		return
	}
	switch err := h.revoke(ctx, p, actor(ctx)); {
	case errors.Is(err, ErrNotFound):
		// Revoked meanwhile (by the member, or a second click): the page
		// shows the state as it is, and says why nothing was done.
		h.site.Flash(r, "warning", i18n.T(ctx, "fees.error.no_mandate"))
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	default:
		h.site.Flash(r, "success", i18n.T(ctx, "fees.admin.revoked", p.Name))
	}
	web.Redirect(w, r, page)
}
