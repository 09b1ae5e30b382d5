package site

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
)

// Limits of a logo: the upload, and the pixels of a PNG or JPEG (a logo
// needs no more; a few bytes of a compressed image can claim far more,
// which DecodeConfig catches before anything is decoded).
const (
	MaxLogoBytes  = 1 << 20
	MaxLogoPixels = 2048
)

// Reasons a logo is refused; the look page names each in the user's
// language.
var (
	ErrLogoTooLarge   = errors.New("site: logo too large")
	ErrLogoTooWide    = errors.New("site: logo has too many pixels")
	ErrLogoFormat     = errors.New("site: logo is no SVG, PNG or JPEG")
	ErrLogoUnreadable = errors.New("site: logo cannot be read")
)

// Logo is a logo ready to store and serve.
type Logo struct {
	Data []byte
	Type string
}

// CleanLogo turns an upload into a logo: SVG is sanitised (SanitizeSVG),
// PNG and JPEG are decoded and encoded anew, so nothing but pixels
// survives (no metadata, no trailing data, no polyglot).
func CleanLogo(upload []byte) (Logo, error) {
	if len(upload) > MaxLogoBytes {
		return Logo{}, ErrLogoTooLarge
	}
	switch http.DetectContentType(upload) {
	case "image/png":
		return reencode(upload, "image/png")
	case "image/jpeg":
		return reencode(upload, "image/jpeg")
	}
	svg, err := SanitizeSVG(upload)
	if err != nil {
		return Logo{}, err
	}
	return Logo{Data: svg, Type: "image/svg+xml"}, nil
}

func reencode(upload []byte, typ string) (Logo, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(upload))
	if err != nil {
		return Logo{}, ErrLogoUnreadable
	}
	if "image/"+format != typ {
		return Logo{}, ErrLogoFormat
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return Logo{}, ErrLogoTooWide
	}
	img, _, err := image.Decode(bytes.NewReader(upload))
	if err != nil {
		return Logo{}, ErrLogoUnreadable
	}
	var out bytes.Buffer
	if typ == "image/png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	} else {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		return Logo{}, ErrLogoUnreadable
	}
	if out.Len() > MaxLogoBytes {
		return Logo{}, ErrLogoTooLarge
	}
	return Logo{Data: out.Bytes(), Type: typ}, nil
}
