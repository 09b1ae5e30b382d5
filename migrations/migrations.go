// Package migrations embeds the SQL migrations so the binary carries them.
// The same files serve the stock sql-migrate CLI through dbconfig.yml.
package migrations

import "embed"

// FS holds every NNNN_name.sql file of this folder.
//
//go:embed *.sql
var FS embed.FS
