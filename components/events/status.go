package events

import (
	"context"

	"github.com/pepalumni/memberdb/components/i18n"
)

// Registration statuses (registrations.status). The templates of this
// package and of components/organisers compare against them and components
// never import app, so the values are declared here, the one package both
// the templates and app/events can import; app/events names them for the
// domain code (events.StatusConfirmed) without repeating them.
const (
	StatusPending     = "pending"
	StatusConfirmed   = "confirmed"
	StatusWaitinglist = "waitinglist"
	StatusCanceled    = "canceled"
)

// StatusKeyPrefix starts the catalog key of every status's label
// (StatusKey). The labels are one vocabulary for whoever reads a status:
// the participant's page and mails, the organisers' lists, the admin
// console and the personal data export all say "storniert", never
// "abgesagt" in one place and "storniert" in another.
const StatusKeyPrefix = "events.status."

// StatusKey is the catalog key of status's label.
func StatusKey(status string) string { return StatusKeyPrefix + status }

// StatusLabel is status's label in the language of ctx.
func StatusLabel(ctx context.Context, status string) string {
	return i18n.T(ctx, StatusKey(status))
}

// StatusLabelIn is status's label in lang, for mails.
func StatusLabelIn(lang i18n.Lang, status string) string {
	return i18n.In(lang, StatusKey(status))
}
