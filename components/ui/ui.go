package ui

import "strconv"

func itoa(i int) string { return strconv.Itoa(i) }

// known maps a status to one the catalogs explain; other errors read as 500.
func known(status int) string {
	switch status {
	case 401, 403, 404, 405, 410, 413, 429:
		return itoa(status)
	}
	return "500"
}
