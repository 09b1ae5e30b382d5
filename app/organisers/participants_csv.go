package organisers

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// participantsCSV is GET /events/{id}/participants.csv: the rows the page
// shows (same filter), one column per answer, for spreadsheets.
func (h *Handler) participantsCSV(w http.ResponseWriter, r *http.Request) {
	ev, regs, ok := h.registrations(w, r)
	if !ok {
		return
	}
	cols, all, ok := h.rows(w, r, ev, regs)
	if !ok {
		return
	}
	rows := filterOf(r).apply(all)
	body, err := participantsCSV(i18n.LangOf(r.Context()), cols, rows)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	name := "participants-" + strconv.FormatInt(ev.ID, 10) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// utf8BOM tells Excel the file is UTF-8; without it umlauts break.
const utf8BOM = "\ufeff"

// participantsCSV writes rows as CSV for Excel: BOM, semicolons (the list
// separator of German Excel), CRLF, every text cell neutralised.
func participantsCSV(lang i18n.Lang, cols []column, rows []participant) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	head := []string{
		i18n.In(lang, "organisers.col.number"), i18n.In(lang, "organisers.col.name"), i18n.In(lang, "organisers.col.email"),
	}
	for _, c := range cols {
		head = append(head, neutralise(c.Label))
	}
	head = append(head, i18n.In(lang, "organisers.col.status"), i18n.In(lang, "organisers.col.confirmed_at"))
	if err := cw.Write(head); err != nil {
		return nil, err
	}
	for _, p := range rows {
		rec := []string{strconv.Itoa(p.Number), neutralise(p.Name), neutralise(p.Reg.Email)}
		for _, a := range p.Answers {
			switch a.Kind {
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
		rec = append(rec, i18n.In(lang, "organisers.status."+p.Reg.Status), confirmed)
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
