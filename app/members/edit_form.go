package members

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// editInput is a valid edit form.
type editInput struct {
	version        int
	name           string
	dateOfBirth    *time.Time
	tuStatusID     *int64
	membershipType string // "" when the person may not choose one
	lang           i18n.Lang
}

// earliestBirth rejects typos such as 0199 for 1990.
var earliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// readEditForm validates the posted edit form of p. It returns the input
// when it is valid, and always the form to show again with its messages.
func readEditForm(ctx context.Context, r *http.Request, p Person, tus []tuStatus, ts Types) (*editInput, views.EditForm) {
	f := editFrame(i18n.LangOf(ctx), p, tus, ts)
	f.Name = cleanName(r.PostFormValue("name"))
	f.DateOfBirth = strings.TrimSpace(r.PostFormValue("date_of_birth"))
	f.TUStatus = r.PostFormValue("tu_status")
	f.MembershipType = r.PostFormValue("membership_type")
	in := editInput{name: f.Name}
	var err error
	if in.version, err = strconv.Atoi(r.PostFormValue("version")); err != nil || in.version < 1 {
		// A form without its version is not ours: it may not save over
		// what is stored, so it counts as stale and shows the stored state.
		in.version = 0
	}
	f.Version = in.version

	f.NameError = checkName(ctx, f.Name)
	if f.DateOfBirth != "" {
		dob, err := time.Parse(time.DateOnly, f.DateOfBirth)
		today, _ := time.Parse(time.DateOnly, dayAt(time.Now()))
		switch {
		case err != nil || dob.Before(earliestBirth):
			f.DateOfBirthError = i18n.T(ctx, "members.error.birth.invalid")
		case dob.After(today):
			f.DateOfBirthError = i18n.T(ctx, "members.error.birth.future")
		default:
			in.dateOfBirth = &dob
		}
	}
	if f.TUStatus != "" {
		id, err := strconv.ParseInt(f.TUStatus, 10, 64)
		if err != nil || !hasTUStatus(tus, id) {
			f.TUStatusError = i18n.T(ctx, "members.error.tu_status")
		} else {
			in.tuStatusID = &id
		}
	}
	if f.ShowType {
		f.TypeError = checkType(ctx, ts, f.MembershipType, p.MembershipType)
		in.membershipType = f.MembershipType
	}
	if f.NameError != "" || f.DateOfBirthError != "" || f.TUStatusError != "" || f.TypeError != "" {
		return nil, f
	}
	return &in, f
}

// editFrame is the edit form of p without the values of its fields: what
// is shown read-only and which choices p has: the public membership types
// and the one p has.
func editFrame(lang i18n.Lang, p Person, tus []tuStatus, ts Types) views.EditForm {
	return views.EditForm{
		Types:            ts.Choices(lang, p.MembershipType, true),
		Email:            p.Email,
		JoiningDate:      isoDate(p.JoiningDate),
		LeavingDate:      isoDate(p.LeavingDate),
		MembershipStatus: p.MembershipStatus,
		TUStatuses:       tuOptions(lang, tus),
		ShowType:         p.IsMember(),
		ShowFees:         p.IsMember(),
		CanCancel:        p.MembershipStatus == StatusConfirmed,
	}
}

func hasTUStatus(tus []tuStatus, id int64) bool {
	for _, t := range tus {
		if t.ID == id {
			return true
		}
	}
	return false
}

func tuOptions(lang i18n.Lang, tus []tuStatus) []views.Option {
	out := make([]views.Option, len(tus))
	for i, t := range tus {
		out[i] = views.Option{Value: strconv.FormatInt(t.ID, 10), Label: TUStatusName(lang, t.Name, t.NameEN)}
	}
	return out
}

func idString(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}
