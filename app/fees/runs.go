package fees

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/web"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// runInput reads year and due date of a run from the query or the form;
// on a problem the admin page is rendered with it and ok is false.
func (h *Handler) runInput(w http.ResponseWriter, r *http.Request, year, due string) (int, time.Time, bool) {
	ctx := r.Context()
	f := views.RunForm{Year: strings.TrimSpace(year), Due: strings.TrimSpace(due)}
	y, err := strconv.Atoi(f.Year)
	if err != nil || y < 2000 || y > 2200 {
		f.YearError = i18n.T(ctx, "fees.error.year")
	}
	d, err := time.Parse(time.DateOnly, f.Due)
	switch {
	case err != nil:
		f.DueError = i18n.T(ctx, "fees.error.date")
	default:
		switch CheckDue(h.cfg.SEPA, d, h.now().In(web.Berlin)) {
		case ErrDueDay:
			f.DueError = i18n.T(ctx, "fees.error.due_day")
		case ErrDueSoon:
			f.DueError = i18n.T(ctx, "fees.error.due_soon", h.cfg.SEPA.PrenotificationDays+1)
		case ErrDueFar:
			f.DueError = i18n.T(ctx, "fees.error.due_far")
		}
	}
	if f.YearError != "" || f.DueError != "" {
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, views.RateForm{}, f)
		return 0, time.Time{}, false
	}
	return y, d, true
}

func (h *Handler) ready(w http.ResponseWriter, r *http.Request) bool {
	if !h.cfg.SEPA.Ready() || h.box == nil {
		h.renderAdmin(w, r, http.StatusConflict, views.RateForm{}, views.RunForm{})
		return false
	}
	return true
}

// newRun is GET /admin/fees/runs/new?year=…&due=…: who the run would
// collect from, before anything is stored or mailed.
func (h *Handler) newRun(w http.ResponseWriter, r *http.Request) {
	if !h.ready(w, r) {
		return
	}
	year, due, ok := h.runInput(w, r, r.URL.Query().Get("year"), r.URL.Query().Get("due"))
	if !ok {
		return
	}
	// The page asks again as members are left out, for its summary.
	exclude, _ := parseIDs(r.URL.Query()["exclude"])
	h.renderNewRun(w, r, http.StatusOK, year, due, exclude, "")
}

// parseIDs reads person ids; ok is false when one is no id.
func parseIDs(raw []string) (ids []int64, ok bool) {
	for _, s := range raw {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return ids, false
		}
		ids = append(ids, id)
	}
	return ids, true
}

func (h *Handler) renderNewRun(w http.ResponseWriter, r *http.Request, status, year int, due time.Time, exclude []int64, problem string) {
	ctx := r.Context()
	cands, err := Candidates(ctx, h.pool, year, due)
	var noRate *NoRateError
	if err != nil && !errors.As(err, &noRate) {
		h.site.ServerError(w, r, err)
		return
	}
	ts, err := members.LoadTypes(ctx, h.pool)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if noRate != nil {
		// No run can be made: the page says which category lacks an
		// amount, for whom, and offers nothing to create.
		problem, status = i18n.T(ctx, "fees.error.no_rate", year, categoryName(ts, i18n.LangOf(ctx), noRate.Category), noRate.Name), http.StatusUnprocessableEntity
	}
	v := views.NewRunPage{Year: itoa(year), Due: due.Format(time.DateOnly), Error: problem, Blocked: noRate != nil}
	var total int64
	for _, c := range cands {
		row := views.CandidateRow{PersonID: strconv.FormatInt(c.Person.ID, 10), Name: c.Person.Name,
			Category: categoryName(ts, i18n.LangOf(ctx), c.Category),
			Amount:   amount(c.Cents), Excluded: slices.Contains(exclude, c.Person.ID)}
		if c.Mandate != nil {
			row.Mandate = c.Mandate.Reference
		}
		if !row.Excluded {
			total += c.Cents
			if c.Mandate != nil {
				v.Debits++
			} else {
				v.Invoices++
			}
		}
		v.Candidates = append(v.Candidates, row)
	}
	v.Total = amount(total)
	v.Summary = i18n.T(ctx, "fees.run.summary", i18n.N(ctx, "fees.run.summary_debits", v.Debits),
		i18n.N(ctx, "fees.run.summary_invoices", v.Invoices), views.Euros(i18n.LangOf(ctx), v.Total))
	h.site.Render(w, r, status, i18n.T(ctx, "fees.run.new_title", v.Year, i18n.Day(i18n.LangOf(ctx), v.Due)), views.NewRun(v))
}

// createRun is POST /admin/fees/runs: creates the run and queues the
// pre-notifications and invoices.
func (h *Handler) createRun(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) || !h.ready(w, r) {
		return
	}
	ctx := r.Context()
	year, due, ok := h.runInput(w, r, r.PostFormValue("year"), r.PostFormValue("due"))
	if !ok {
		return
	}
	exclude, ok := parseIDs(r.PostForm["exclude"])
	if !ok {
		h.renderNewRun(w, r, http.StatusUnprocessableEntity, year, due, nil, i18n.T(ctx, "fees.error.exclude"))
		return
	}
	// Creating the run mails every member in it at once.
	if r.PostFormValue("confirm") != "yes" {
		h.renderNewRun(w, r, http.StatusUnprocessableEntity, year, due, exclude, i18n.T(ctx, "fees.error.create_confirm"))
		return
	}
	run, err := h.CreateRunAndMail(ctx, year, due, exclude, actor(ctx))
	switch {
	case errors.Is(err, ErrNoDebtor):
		h.renderNewRun(w, r, http.StatusUnprocessableEntity, year, due, exclude, i18n.T(ctx, "fees.error.nobody"))
		return
	case errors.Is(err, ErrNoRate):
		h.renderNewRun(w, r, http.StatusUnprocessableEntity, year, due, exclude, "")
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.run.created"))
	web.Redirect(w, r, "/admin/fees/runs/"+strconv.FormatInt(run.ID, 10))
}

// CreateRunAndMail creates a run in one transaction with its mails and
// its audit entries, as by's; the command line uses it too.
func (h *Handler) CreateRunAndMail(ctx context.Context, year int, due time.Time, exclude []int64, by audit.Entry) (Run, error) {
	var run Run
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var cands []Candidate
		var err error
		run, cands, err = CreateRun(ctx, tx, h.cfg.SEPA, year, due, h.now().In(web.Berlin), exclude, by)
		if err != nil {
			return err
		}
		return h.mailer().runMails(ctx, tx, run, cands)
	})
	return run, err
}

// runID reads {id}; a malformed id is a missing run.
func (h *Handler) loadRun(w http.ResponseWriter, r *http.Request) (Run, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.NotFound(w, r)
		return Run{}, false
	}
	run, err := LoadRun(r.Context(), h.pool, id, false)
	switch {
	case errors.Is(err, ErrNotFound):
		h.site.NotFound(w, r)
		return Run{}, false
	case err != nil:
		h.site.ServerError(w, r, err)
		return Run{}, false
	}
	return run, true
}

// run is GET /admin/fees/runs/{id}.
func (h *Handler) run(w http.ResponseWriter, r *http.Request) {
	run, ok := h.loadRun(w, r)
	if !ok {
		return
	}
	h.renderRun(w, r, http.StatusOK, run, "")
}

func (h *Handler) renderRun(w http.ResponseWriter, r *http.Request, status int, run Run, problem string) {
	v, err := h.runPage(r.Context(), run, problem)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "fees.run.name", v.Year, v.Due), views.Run(v))
}

// renderRunQuestion is the run's page asking to confirm an action on fee
// feeID: ask puts the question on the page, or returns false where the
// page offers no such action for the fee, which is then refused as the
// action itself would be, saying refusal.
func (h *Handler) renderRunQuestion(w http.ResponseWriter, r *http.Request, run Run, feeID int64, refusal string, ask func(f views.FeeRow, v *views.RunPage) bool) {
	ctx := r.Context()
	v, err := h.runPage(ctx, run, "")
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	v.Error = i18n.T(ctx, refusal)
	for _, f := range v.Fees {
		if f.ID == feeID && ask(f, &v) {
			status, v.Error = http.StatusOK, ""
		}
	}
	h.site.Render(w, r, status, i18n.T(ctx, "fees.run.name", v.Year, v.Due), views.Run(v))
}

// reasonText says what a return code means, in the reader's language.
func reasonText(ctx context.Context, code string) string {
	return i18n.T(ctx, "fees.reason."+code)
}

// runPage is the run's page: its fees, what each may still become, and
// whether its downloaded file is stale.
func (h *Handler) runPage(ctx context.Context, run Run, problem string) (views.RunPage, error) {
	fees, err := RunFees(ctx, h.pool, run.ID)
	if err != nil {
		return views.RunPage{}, err
	}
	id := strconv.FormatInt(run.ID, 10)
	v := views.RunPage{ID: id, Year: itoa(run.Year), Due: run.DueOn.Format(i18n.DayLayout(i18n.LangOf(ctx))),
		FileURL: "/admin/fees/runs/" + id + "/pain.008.xml", Error: problem}
	for _, c := range ReturnCodes {
		v.Codes = append(v.Codes, views.Option{Value: c, Label: c + " – " + reasonText(ctx, c)})
	}
	if run.SubmittedAt != nil {
		v.Submitted = web.LocalTime(ctx, *run.SubmittedAt)
	}
	changed, err := FileChanged(ctx, h.pool, run.ID)
	if err != nil {
		return views.RunPage{}, err
	}
	if changed != nil {
		v.FileChanged = web.LocalTime(ctx, *changed)
	}
	var total, returned int64
	for _, f := range fees {
		row := feeRow(f, i18n.LangOf(ctx))
		if f.Reference != "" {
			v.Debits++
			total += f.Cents
			if f.ReturnReason != "" {
				v.Returned++
				returned += f.Cents
			}
			row.CanReturn = run.SubmittedAt != nil && f.Status == "paid" && f.ReturnReason == ""
		}
		row.CanSettle = f.Status == "due" && f.Reference == "" || f.Status == "returned" && !f.Again
		v.Fees = append(v.Fees, row)
	}
	v.Total, v.ReturnedTotal = amount(total), amount(returned)
	return v, nil
}

// bankFile is GET /admin/fees/runs/{id}/pain.008.xml: the file for the
// bank, checked before it goes out. It is the one place the IBANs are
// readable.
func (h *Handler) bankFile(w http.ResponseWriter, r *http.Request) {
	if !h.ready(w, r) {
		return
	}
	run, ok := h.loadRun(w, r)
	if !ok {
		return
	}
	data, version, err := CurrentFile(r.Context(), h.pool, h.box, h.cfg.SEPA, run)
	// An empty file is not counted as downloaded: a run without debits
	// is never submitted, and one whose debits were withdrawn after its
	// download keeps saying the bank may hold the old file.
	if errors.Is(err, sepa.ErrEmpty) {
		h.site.Error(w, r, http.StatusNotFound, i18n.T(r.Context(), "fees.error.no_debits"))
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if problems := sepa.Check(data); len(problems) > 0 {
		h.site.ServerError(w, r, errors.New("fees: bank file fails its checks: "+strings.Join(problems, "; ")))
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="pain.008-`+run.MsgID(h.cfg.SEPA.Prefix)+`.xml"`)
	w.Header().Set("Cache-Control", "no-store")
	// Counted as downloaded once written, and only when a body went out:
	// a client that went away, or asked with HEAD, did not get the file.
	if _, err := w.Write(data); err != nil || web.ClientGone(r) || r.Method != http.MethodGet {
		return
	}
	if err := MarkDownloaded(r.Context(), h.pool, run.ID, version, actor(r.Context())); err != nil {
		h.site.Logger.Error("fees: mark downloaded", "run", run.ID, "err", err)
	}
}

// submitRun is POST /admin/fees/runs/{id}/submit.
func (h *Handler) submitRun(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	run, ok := h.loadRun(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if r.PostFormValue("confirm") != "yes" {
		h.renderRun(w, r, http.StatusUnprocessableEntity, run, i18n.T(ctx, "fees.error.submit_confirm"))
		return
	}
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		_, err := SubmitRun(ctx, tx, run.ID, actor(ctx))
		return err
	})
	// A refused submission shows the run as it is now (a double click's
	// first one may have submitted it meanwhile).
	if errors.Is(err, ErrSubmitted) || errors.Is(err, ErrFileNotCurrent) || errors.Is(err, ErrNoDebits) {
		fresh, lerr := LoadRun(ctx, h.pool, run.ID, false)
		if lerr != nil {
			h.site.ServerError(w, r, lerr)
			return
		}
		run = fresh
	}
	switch {
	case errors.Is(err, ErrSubmitted):
		h.renderRun(w, r, http.StatusUnprocessableEntity, run, i18n.T(ctx, "fees.error.submitted"))
		return
	case errors.Is(err, ErrFileNotCurrent):
		h.renderRun(w, r, http.StatusUnprocessableEntity, run, i18n.T(ctx, "fees.error.file_not_current"))
		return
	case errors.Is(err, ErrNoDebits):
		// The page says why there is nothing to submit.
		h.renderRun(w, r, http.StatusUnprocessableEntity, run, "")
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.run.submitted"))
	web.Redirect(w, r, "/admin/fees/runs/"+strconv.FormatInt(run.ID, 10))
}

// recordReturn is POST /admin/fees/runs/{id}/returns: a returned debit
// with its reason; the fee is open again and the member is told.
func (h *Handler) recordReturn(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	run, ok := h.loadRun(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	reason := r.PostFormValue("reason")
	feeID, err := strconv.ParseInt(r.PostFormValue("fee_id"), 10, 64)
	if err != nil || !slices.Contains(ReturnCodes, reason) {
		h.renderRun(w, r, http.StatusUnprocessableEntity, run, i18n.T(ctx, "fees.error.return"))
		return
	}
	// Recording a return mails the member and cannot be taken back: the
	// page asks first, naming the member and the reason.
	if r.PostFormValue("confirm") != "yes" {
		h.renderRunQuestion(w, r, run, feeID, "fees.error.return", func(f views.FeeRow, v *views.RunPage) bool {
			if !f.CanReturn {
				return false
			}
			v.Ask = &views.ReturnQuestion{FeeID: feeID, Name: f.Name, Amount: f.Amount, Reason: reason, ReasonText: reasonText(r.Context(), reason)}
			return true
		})
		return
	}
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		f, err := RecordReturn(ctx, tx, run.ID, feeID, reason, actor(ctx))
		if err != nil {
			return err
		}
		p, err := members.Load(ctx, tx, f.PersonID)
		if errors.Is(err, members.ErrGone) {
			return nil
		}
		if err != nil {
			return err
		}
		return h.mailer().returnMail(ctx, tx, p, f)
	})
	switch {
	case errors.Is(err, ErrNotReturnable), errors.Is(err, ErrNotFound):
		h.renderRun(w, r, http.StatusUnprocessableEntity, run, i18n.T(ctx, "fees.error.return"))
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.run.returned"))
	web.Redirect(w, r, "/admin/fees/runs/"+strconv.FormatInt(run.ID, 10))
}

// settle is POST /admin/fees/runs/{id}/settle: an open fee paid by
// transfer, or waived.
func (h *Handler) settle(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	run, ok := h.loadRun(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	feeID, err := strconv.ParseInt(r.PostFormValue("fee_id"), 10, 64)
	status := r.PostFormValue("status")
	// Settling cannot be taken back: the page asks first, naming the
	// member, the amount and what becomes of it.
	if err == nil && r.PostFormValue("confirm") != "yes" {
		h.renderRunQuestion(w, r, run, feeID, "fees.error.settle", func(f views.FeeRow, v *views.RunPage) bool {
			if !f.CanSettle || status != "paid" && status != "waived" {
				return false
			}
			v.AskSettle = &views.SettleQuestion{FeeID: feeID, Name: f.Name, Amount: f.Amount, Status: status}
			return true
		})
		return
	}
	if err == nil {
		err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
			return Settle(ctx, tx, run.ID, feeID, status, actor(ctx))
		})
	}
	switch {
	case errors.Is(err, ErrNotOpen), errors.Is(err, strconv.ErrSyntax), errors.Is(err, strconv.ErrRange):
		h.renderRun(w, r, http.StatusUnprocessableEntity, run, i18n.T(ctx, "fees.error.settle"))
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.run.settled"))
	web.Redirect(w, r, "/admin/fees/runs/"+strconv.FormatInt(run.ID, 10))
}
