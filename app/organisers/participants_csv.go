package organisers

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// participantsCSV is GET /events/{id}/participants.csv: the rows and
// columns the page shows (same filter, same chosen columns), for
// spreadsheets.
func (h *Handler) participantsCSV(w http.ResponseWriter, r *http.Request) {
	ev, regs, ok := h.registrations(w, r)
	if !ok {
		return
	}
	cols, all, ok := h.rows(w, r, ev, regs)
	if !ok {
		return
	}
	rows := filterOf(r.URL.Query()).apply(all)
	body, err := participantsCSV(i18n.LangOf(r.Context()), cols, rows)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	name := csvName(ev, time.Now())
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// csvName names the download after the event (its shortlink, else its
// name) and the day it was taken, e.g. toolbox-2026-12-06.csv, so several
// downloads tell themselves apart. Only ASCII letters, digits, - and _
// remain, so the name is safe in a header and on every file system.
func csvName(ev *events.Event, now time.Time) string {
	base := ""
	if ev.Shortlink != nil {
		base = fileSlug(*ev.Shortlink)
	}
	if base == "" {
		base = fileSlug(ev.Name)
	}
	if base == "" {
		base = "event-" + strconv.FormatInt(ev.ID, 10)
	}
	return base + "-" + now.In(web.Berlin).Format("2006-01-02") + ".csv"
}

// umlauts spells German letters out, as people do in file names.
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss")

// fileSlug turns s into lowercase ASCII letters, digits, - and _, other
// runs of characters becoming one -, at most 60 characters.
func fileSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(umlauts.Replace(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 60 {
		// Between words where there is one, so no word is cut.
		out = out[:60]
		if i := strings.LastIndexByte(out, '-'); i > 20 {
			out = out[:i]
		}
	}
	return out
}

// utf8BOM tells Excel the file is UTF-8; without it umlauts break.
const utf8BOM = "\ufeff"

// participantsCSV writes rows as CSV for Excel: BOM, semicolons (the list
// separator of German Excel), CRLF, every text cell neutralised. The
// columns are those of the page, in its order, and the confirmation time.
func participantsCSV(lang i18n.Lang, cols columnSet, rows []participant) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	head := []string{
		i18n.In(lang, "organisers.col.number"), i18n.In(lang, "organisers.col.name"),
		i18n.In(lang, "organisers.col.status"), i18n.In(lang, "organisers.col.email"),
	}
	for _, j := range cols.shown {
		head = append(head, neutralise(cols.all[j].Label))
	}
	head = append(head, i18n.In(lang, "organisers.col.confirmed_at"), i18n.In(lang, "organisers.col.checked_in_at"))
	if err := cw.Write(head); err != nil {
		return nil, err
	}
	for _, p := range rows {
		rec := []string{strconv.Itoa(p.Number), neutralise(p.Name), i18n.In(lang, "organisers.status."+p.Reg.Status), neutralise(p.Reg.Email)}
		for _, j := range cols.shown {
			switch a := p.Answers[j]; a.Kind {
			case answerBool:
				rec = append(rec, i18n.In(lang, yesNo(a.Bool)))
			case answerNumber:
				// Numbers were validated as JSON numbers; "-3" is a value here.
				rec = append(rec, a.Text)
			default:
				rec = append(rec, neutralise(a.Text))
			}
		}
		confirmed := ""
		if p.Reg.ConfirmedAt != nil {
			confirmed = web.LocalTime(*p.Reg.ConfirmedAt)
		}
		checkedIn := ""
		if p.Reg.CheckedInAt != nil {
			checkedIn = web.LocalTime(*p.Reg.CheckedInAt)
		}
		rec = append(rec, confirmed, checkedIn)
		if err := cw.Write(rec); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

func yesNo(b bool) string {
	if b {
		return "organisers.yes"
	}
	return "organisers.no"
}

// neutralise keeps spreadsheets from running a cell as a formula (CSV
// injection): a leading = + - @ tab or CR is escaped with an apostrophe.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
