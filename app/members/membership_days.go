package members

import "time"

// firstMembershipDay is the earliest joining or leaving day taken. An
// earlier one is a typo (0223 for 2023) or the placeholder 1900-01-01 of
// an old spreadsheet, not a day on which anyone still on file joined: a
// member who joined in 1950 as a student is over ninety now.
var firstMembershipDay = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)

// MembershipDays are the first and the last joining or leaving day taken
// on the day today: from firstMembershipDay to a year ahead, as far as a
// board decides a joining or a member gives notice in advance.
func MembershipDays(today time.Time) (first, last time.Time) {
	y, m, d := today.Date()
	return firstMembershipDay, time.Date(y+1, m, d, 0, 0, 0, 0, time.UTC)
}
