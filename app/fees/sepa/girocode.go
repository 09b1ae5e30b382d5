package sepa

import (
	"fmt"
	"strings"
)

// GiroCode is the text of an EPC QR code (EPC069-12, version 002, UTF-8)
// for a credit transfer to the association, which banking apps scan to
// fill in a transfer. A member without a mandate pays their fee with it.
func GiroCode(name string, iban IBAN, bic string, cents int64, remittance string) string {
	lines := []string{
		"BCD", "002", "1", "SCT",
		bic,
		Latin(name, 70),
		string(iban),
		fmt.Sprintf("EUR%s", Amount(cents)),
		"", // purpose
		"", // structured creditor reference
		Latin(remittance, 140),
	}
	return strings.Join(lines, "\n")
}
