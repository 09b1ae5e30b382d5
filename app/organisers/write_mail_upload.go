package organisers

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"slices"
	"strconv"
	"strings"

	"github.com/pepalumni/memberdb/app/mail"
)

func keptBytes(atts []AttachmentInfo, ids []int64) int64 {
	var n int64
	for _, a := range atts {
		if slices.Contains(ids, a.ID) {
			n += a.Size
		}
	}
	return n
}

// readAttachments reads the uploaded files; a file input left empty sends
// a part without content, which is ignored.
func readAttachments(form *multipart.Form) ([]Attachment, error) {
	if form == nil {
		return nil, nil
	}
	var out []Attachment
	for _, fh := range form.File["attachments"] {
		if fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("organisers: open upload: %w", err)
		}
		content, err := io.ReadAll(io.LimitReader(f, maxAttachmentBytes+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("organisers: read upload: %w", err)
		}
		out = append(out, Attachment{
			Filename:    mail.AttachmentName(fh.Filename),
			ContentType: cleanContentType(fh.Header.Get("Content-Type")),
			Content:     content,
		})
	}
	return out, nil
}

func cleanContentType(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") {
		return "application/octet-stream"
	}
	if s := mime.FormatMediaType(mt, params); s != "" {
		return s
	}
	return mt
}

// sizeText shows a byte count the way people read file sizes.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+(1<<10)-1)/(1<<10), 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
