package site_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// postLogo uploads data as the look page's file field.
func postLogo(t *testing.T, app *apptest.App, c *http.Client, name string, data []byte, headers ...string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("logo", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, app.URL+"/admin/site/logo", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return apptest.Do(t, c, req)
}

// resetSettings brings the package database's settings back when t ends:
// the tests of this package share its one row, so none runs in parallel.
func resetSettings(t *testing.T, app *apptest.App) {
	t.Cleanup(func() {
		_, err := app.Pool.Exec(context.Background(), `UPDATE site_settings SET org_name = '', contact_address = '', website = '', postal_address = '', accent = '', logo = NULL, logo_type = NULL`)
		if err != nil {
			t.Errorf("reset settings: %v", err)
		}
	})
}

func settingsRow(t *testing.T, app *apptest.App) string {
	t.Helper()
	var row string
	if err := app.Pool.QueryRow(t.Context(), `SELECT s::text FROM site_settings s`).Scan(&row); err != nil {
		t.Fatal(err)
	}
	return row
}
