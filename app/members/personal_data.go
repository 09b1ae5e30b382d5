package members

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// The person row stays, with its membership status and joining date, so
// members per year can still be counted; name and address are replaced,
// date of birth and relation to the university removed. Applications go
// entirely; deletion requests are marked done. The person row is the
// last domain erased (see persons.eraseOrder). person_search_words, the
// words of a person's name and address for the admin's search, is kept by
// triggers from the person row (migration 0148): replacing name and
// address replaces the words; it is never exported, being the same
// name and address again. search_name_words, the words of all names once
// each (for suggesting names like a mistyped one, migration 0156), loses a
// word with the last person whose words hold it, or at the latest in the
// next daily purge (SweepNameWords).
func init() {
	persons.Register(persons.Domain{
		Name:   "members",
		Tables: []string{"persons", "person_search_words", "search_name_words", "membership_applications", "deletion_requests"},
		Holds: `EXISTS (SELECT 1 FROM membership_applications WHERE person_id = p.id)
			OR EXISTS (SELECT 1 FROM deletion_requests WHERE person_id = p.id AND done_at IS NULL)`,
		Data: []persons.Category{
			{What: "privacy.data.persons", Where: "persons, person_search_words, search_name_words",
				Why: "privacy.why.persons", HowLong: "privacy.while_member"},
			{What: "privacy.data.relations", Where: "persons.tu_status_id",
				Why: "privacy.why.relations", HowLong: "privacy.while_member", InUse: `EXISTS (SELECT 1 FROM tu_status)`},
			{What: "privacy.data.applications", Where: "membership_applications",
				Why: "privacy.why.applications", HowLong: "privacy.retain.applications"},
			{What: "privacy.data.deletion_requests", Where: "deletion_requests",
				Why: "privacy.why.deletion_requests", HowLong: "privacy.while_person"},
		},
		Refs:   persons.RefsQuery("membership_application", `SELECT id FROM membership_applications WHERE person_id = $1`),
		Erase:  erasePerson,
		Export: exportMembership,
	})
}

func erasePerson(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
	args := pgx.NamedArgs{"id": s.ID, "name": persons.AnonymisedName, "placeholder": persons.Placeholder(s.ID)}
	for _, q := range []string{
		`DELETE FROM membership_applications WHERE person_id = @id`,
		`UPDATE deletion_requests SET done_at = now() WHERE person_id = @id AND done_at IS NULL`,
		`UPDATE persons SET name = @name, email = @placeholder, email_valid = false,
		        date_of_birth = NULL, tu_status_id = NULL,
		        membership_status = CASE WHEN membership_status IN ('email_unverified', 'pending')
		                                 THEN NULL ELSE membership_status END,
		        anonymised_at = now(), version = version + 1, updated_at = now()
		 WHERE id = @id`,
	} {
		if _, err := tx.Exec(ctx, q, args); err != nil {
			return err
		}
	}
	return nil
}

// exportMembership adds the applications and deletion requests; the
// person row itself heads the export (collectExport).
func exportMembership(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	if err := exportApplications(ctx, tx, s, ex); err != nil {
		return err
	}
	return exportDeletions(ctx, tx, s, ex)
}
