package ui

import "strconv"

// KnownStatus maps a status to one the catalogs explain ("error.<status>.title"
// and ".text"); other errors read as 500.
func KnownStatus(status int) string {
	switch status {
	case 400, 401, 403, 404, 405, 410, 413, 415, 422, 429, 503:
		return strconv.Itoa(status)
	}
	return "500"
}
