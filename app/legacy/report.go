package legacy

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Report says what an import did (or, in a dry run, would do).
type Report struct {
	Source   string
	Revision string
	DryRun   bool
	Merge    bool
	Counts   []Count
	// Problems are rows not imported, or imported with a change, each
	// with the reason; in a merge also the conflicts with existing data.
	Problems []Problem
}

// Count is one table's numbers.
type Count struct {
	// Table is the memberdb table (or the old lookup table) counted.
	Table string
	// Old is the number of rows in the old database.
	Old int
	// Imported rows were created in memberdb.
	Imported int
	// Matched rows were already in memberdb (or in the old data under
	// another spelling) and are used instead of being created.
	Matched int
	// Skipped rows are not in memberdb after the import; Problems says why.
	Skipped int
}

// Problem is one row that could not be mapped as it was.
type Problem struct {
	Table  string // the old table
	ID     string // the old row's id
	Reason string
}

// Count returns the numbers of table, zero when it was not counted.
func (r *Report) Count(table string) Count {
	for _, c := range r.Counts {
		if c.Table == table {
			return c
		}
	}
	return Count{Table: table}
}

func (r *Report) count(table string) *Count {
	for i := range r.Counts {
		if r.Counts[i].Table == table {
			return &r.Counts[i]
		}
	}
	r.Counts = append(r.Counts, Count{Table: table})
	return &r.Counts[len(r.Counts)-1]
}

func (r *Report) problem(table string, id any, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Table: table, ID: fmt.Sprint(id), Reason: fmt.Sprintf(format, args...)})
}

// Write prints the summary an operator reads after the command.
func (r *Report) Write(w io.Writer) error {
	mode := "into an empty database"
	if r.Merge {
		mode = "merging into the existing data"
	}
	fmt.Fprintf(w, "Old member database: %s (alembic revision %s), %s\n\n", r.Source, r.Revision, mode)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "table\told\timported\tmatched\tnot imported")
	for _, c := range r.Counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", c.Table, c.Old, c.Imported, c.Matched, c.Skipped)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "Every row was mapped as it was.")
	} else {
		fmt.Fprintf(w, "Rows not mapped as they were (%d):\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s %s: %s\n", p.Table, p.ID, p.Reason)
		}
	}
	fmt.Fprintln(w)
	var err error
	if r.DryRun {
		_, err = fmt.Fprintln(w, "Dry run: nothing was changed.")
	} else {
		_, err = fmt.Fprintln(w, "Imported in one transaction.")
	}
	return err
}
