package members

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// apiPerson is a person as the JSON API shows them; dates are ISO 8601.
type apiPerson = views.PersonJSON

// apiPersons is GET /persons: every person not anonymised.
func (h *Handler) apiPersons(w http.ResponseWriter, r *http.Request) {
	h.apiList(w, r, "persons", `TRUE`)
}

// apiMembers is GET /members/: the confirmed members.
func (h *Handler) apiMembers(w http.ResponseWriter, r *http.Request) {
	h.apiList(w, r, "members", `p.membership_status = 'confirmed'`)
}

func (h *Handler) apiList(w http.ResponseWriter, r *http.Request, key, where string) {
	list, err := listAPIPersons(r.Context(), h.pool, where)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, map[string]any{"status": "success", key: list})
}

const apiPersonSQL = `
	SELECT p.id, p.name, p.email, p.email_valid, p.date_of_birth, p.joining_date,
	       p.membership_status, p.membership_type, t.name
	FROM persons p LEFT JOIN tu_status t ON t.id = p.tu_status_id
	WHERE p.anonymised_at IS NULL AND `

func listAPIPersons(ctx context.Context, q querier, where string) ([]apiPerson, error) {
	rows, err := q.Query(ctx, apiPersonSQL+where+` ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAPIPerson)
}

func scanAPIPerson(row pgx.CollectableRow) (apiPerson, error) {
	var (
		p           apiPerson
		dob, joined *time.Time
	)
	err := row.Scan(&p.ID, &p.Name, &p.Email, &p.EmailValid, &dob, &joined, &p.MembershipStatus, &p.MembershipType, &p.TUStatus)
	p.DateOfBirth, p.JoiningDate = isoDatePtr(dob), isoDatePtr(joined)
	return p, err
}

// apiCreatePerson is POST /persons with {"name", "email"}.
func (h *Handler) apiCreatePerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		Name  *string `json:"name"`
		Email *string `json:"email"`
	}
	if !h.site.DecodeJSON(w, r, &in, i18n.T(ctx, "members.api.json")) {
		return
	}
	var name, email string
	if in.Name != nil {
		name = cleanName(*in.Name)
	}
	if in.Email != nil {
		email = strings.TrimSpace(*in.Email)
	}
	for _, msg := range []string{checkName(ctx, name), checkEmail(ctx, email)} {
		if msg != "" {
			apiError(w, http.StatusUnprocessableEntity, msg)
			return
		}
	}
	u := auth.CurrentUser(ctx)
	var created apiPerson
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		id, isNew, err := persons.FindOrCreate(ctx, tx, persons.New{Name: name, Email: email})
		if err != nil {
			return err
		}
		if !isNew {
			return db.ErrConflict
		}
		if err := audit.Record(ctx, tx, audit.Entry{UserID: &u.ID, Actor: u.Username, Table: "persons",
			RowID: strconv.FormatInt(id, 10), NewValue: audit.Value("created through the API")}); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, apiPersonSQL+`p.id = $1`, id)
		if err != nil {
			return err
		}
		created, err = pgx.CollectExactlyOneRow(rows, scanAPIPerson)
		return err
	})
	if errors.Is(err, db.ErrConflict) {
		apiError(w, http.StatusUnprocessableEntity, i18n.T(ctx, "members.api.exists"))
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"status": "success", "person": created})
}

func apiError(w http.ResponseWriter, status int, message string) {
	web.JSON(w, status, map[string]string{"status": "error", "message": message})
}
