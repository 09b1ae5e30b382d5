package organisers

import (
	"bufio"
	"encoding/csv"
	"io"
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
// The rows are written as they come from the database, so thousands of
// registrations cost the memory of one; like the JSON, an export the
// database breaks off after its first 32 kB ends early.
func (h *Handler) participantsCSV(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	cols, err := h.columns(r, ev)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	lang, filter := i18n.LangOf(r.Context()), filterOf(r.URL.Query())
	name := csvName(ev, time.Now())
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	out := &countingWriter{w: w}
	bw := bufio.NewWriterSize(out, jsonBuffer)
	cw := newCSVWriter(bw, lang, cols)
	n, rows := 0, rowReader{cols: cols.all}
	err = events.EachRegistration(r.Context(), h.pool, ev.ID, func(reg *events.Registration) error {
		n++
		if p := rows.row(n, *reg); filter.keeps(p) {
			return cw.Write(csvRecord(lang, cols, p))
		}
		return nil
	})
	if err == nil {
		cw.Flush()
		if err = cw.Error(); err == nil {
			err = bw.Flush()
		}
	}
	switch {
	case err == nil:
	case out.n == 0:
		w.Header().Del("Content-Disposition")
		w.Header().Del("Content-Type")
		h.site.ServerError(w, r, err)
	case r.Context().Err() != nil:
		h.site.Logger.InfoContext(r.Context(), "participants CSV: client gone", "event", ev.ID)
	default:
		h.site.Logger.ErrorContext(r.Context(), "participants CSV cut short", "event", ev.ID, "err", err)
	}
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

// newCSVWriter starts the CSV on w with the BOM and the header row (whose
// error the writer's Error reports). The CSV is for Excel: BOM,
// semicolons (the list separator of German Excel), CRLF, every text cell
// neutralised. The columns are those of the page, in its order, and the
// confirmation time.
func newCSVWriter(w io.Writer, lang i18n.Lang, cols columnSet) *csv.Writer {
	_, _ = io.WriteString(w, utf8BOM)
	cw := csv.NewWriter(w)
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
	_ = cw.Write(head)
	return cw
}

// csvRecord is p's row of the CSV.
func csvRecord(lang i18n.Lang, cols columnSet, p participant) []string {
	rec := []string{strconv.Itoa(p.Number), neutralise(p.Name), i18n.In(lang, "organisers.status."+p.Reg.Status), neutralise(p.Reg.Email)}
	for _, j := range cols.shown {
		switch a := p.Answers[j]; a.Kind {
		case answerBool:
			rec = append(rec, i18n.In(lang, yesNo(a.Bool)))
		case answerNumber:
			// Numbers were validated as JSON numbers; "-3" is a value here.
			rec = append(rec, cols.all[j].text(lang, a))
		default:
			rec = append(rec, neutralise(cols.all[j].text(lang, a)))
		}
	}
	confirmed := ""
	if p.Reg.ConfirmedAt != nil {
		confirmed = web.ISOTime(*p.Reg.ConfirmedAt)
	}
	checkedIn := ""
	if p.Reg.CheckedInAt != nil {
		checkedIn = web.ISOTime(*p.Reg.CheckedInAt)
	}
	rec = append(rec, confirmed, checkedIn)
	return rec
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
