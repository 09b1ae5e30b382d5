package fees

import (
	"strconv"
	"time"

	"github.com/pepalumni/memberdb/app/audit"
)

// The fee domain's lines of the audit log. A board reads them years
// later, without the pages at hand: each names what it changed in
// values of its own (a rate's category, amount and date; a run's year,
// due date and counts), not only a row id. Amounts are logged as the
// bank file writes them ("30.00"), days as ISO dates, times in UTC
// (RFC 3339); the log words them for its reader.

// Tables of the log's fee entries.
const (
	auditRates = "fee_rates"
	auditRuns  = "fee_runs"
	auditFees  = "fees"
)

// Values a fee entry logs in words of its own (admin.audit.value.*).
const (
	paymentDebit   = "debit"
	paymentInvoice = "invoice"
)

// change is by's entry of field of row id in table, from old to new.
func change(by audit.Entry, table string, id int64, field string, old, new *string) audit.Entry {
	by.Table, by.RowID, by.Field, by.OldValue, by.NewValue = table, strconv.FormatInt(id, 10), field, old, new
	return by
}

// rateEntries log line r of the schedule added, or deleted: its fields,
// then the whole row, as the admin's tables log a row they create or
// delete; a deleted line's values stay readable in the log.
func rateEntries(by audit.Entry, r Rate, deleted bool) []audit.Entry {
	fields := []struct{ name, value string }{
		{"category", r.Category},
		{"amount", amount(r.Cents)},
		{"valid_from", r.ValidFrom.Format(time.DateOnly)},
		{"", r.Category},
	}
	out := make([]audit.Entry, len(fields))
	for i, f := range fields {
		if deleted {
			out[i] = change(by, auditRates, r.ID, f.name, audit.Value(f.value), nil)
		} else {
			out[i] = change(by, auditRates, r.ID, f.name, nil, audit.Value(f.value))
		}
	}
	return out
}

// runEntries log run created with the fees made: how many are debits
// and invoices, their sum, and how many members the treasurer left out.
func runEntries(by audit.Entry, run Run, made []Candidate, excluded int) []audit.Entry {
	var debits, invoices int
	var total int64
	for _, c := range made {
		if c.Mandate != nil {
			debits++
		} else {
			invoices++
		}
		total += c.Cents
	}
	out := []audit.Entry{
		change(by, auditRuns, run.ID, "year", nil, audit.Value(strconv.Itoa(run.Year))),
		change(by, auditRuns, run.ID, "due_on", nil, audit.Value(run.DueOn.Format(time.DateOnly))),
		change(by, auditRuns, run.ID, "debits", nil, audit.Value(strconv.Itoa(debits))),
		change(by, auditRuns, run.ID, "invoices", nil, audit.Value(strconv.Itoa(invoices))),
		change(by, auditRuns, run.ID, "total", nil, audit.Value(amount(total))),
	}
	if excluded > 0 {
		out = append(out, change(by, auditRuns, run.ID, "excluded", nil, audit.Value(strconv.Itoa(excluded))))
	}
	return append(out, change(by, auditRuns, run.ID, "", nil, audit.Value(strconv.Itoa(run.Year))))
}

// loggedTime is a time as the log keeps it.
func loggedTime(t time.Time) *string { return audit.Value(t.UTC().Format(time.RFC3339)) }

// withdrawnEntries log debits a revocation turned into invoices.
func withdrawnEntries(by audit.Entry, ws []Withdrawn) []audit.Entry {
	out := make([]audit.Entry, len(ws))
	for i, w := range ws {
		out[i] = change(by, auditFees, w.FeeID, "payment", audit.Value(paymentDebit), audit.Value(paymentInvoice))
	}
	return out
}
