package sepa

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// testFile has a first and a recurring collection, an amended mandate
// and a debtor outside the EEA.
func testFile() File {
	return File{
		MsgID:   "PEP-RUN-7-20270301",
		Created: time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC),
		Due:     day("2027-03-15"),
		Creditor: Creditor{Name: "PeP et al. e.V.", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX",
			ID: "DE98ZZZ09999999999"},
		Debits: []Debit{
			{EndToEndID: "PEP-7-1", Cents: 3000, Sequence: First, MandateID: "PEP-1-1", SignedOn: day("2027-01-10"),
				DebtorName: "Jürgen Meißner", IBAN: "DE02120300000000202051", Remittance: "Mitgliedsbeitrag 2027 – Jürgen"},
			{EndToEndID: "PEP-7-2", Cents: 1500, Sequence: Recurrent, MandateID: "PEP-2-1", SignedOn: day("2024-05-02"),
				DebtorName: "Anna Schmidt", IBAN: "DE02500105170137075030", OriginalIBAN: "DE02100100100006820101",
				Remittance: "Mitgliedsbeitrag 2027"},
			{EndToEndID: "PEP-7-3", Cents: 3000, Sequence: Recurrent, MandateID: "PEP-3-2", SignedOn: day("2025-11-30"),
				DebtorName: "Zoë Müller", IBAN: "CH9300762011623852957", BIC: "UBSWCHZH80A",
				Country: "CH", AddressLines: []string{"Bahnhofstraße 1", "8001 Zürich"}, Remittance: "Mitgliedsbeitrag 2027"},
		},
	}
}

func TestBankFile(t *testing.T) {
	data, err := testFile().XML()
	if err != nil {
		t.Fatal(err)
	}
	if problems := Check(data); len(problems) > 0 {
		t.Fatalf("the structural checks fail:\n%s\n%s", strings.Join(problems, "\n"), data)
	}
	root, err := parse(data)
	if err != nil {
		t.Fatal(err)
	}
	initn := root.child("CstmrDrctDbtInitn")
	if got := initn.textAt("GrpHdr", "NbOfTxs") + " " + initn.textAt("GrpHdr", "CtrlSum"); got != "3 75.00" {
		t.Errorf("group header: %s, want 3 75.00", got)
	}
	pis := initn.all("PmtInf")
	if len(pis) != 2 {
		t.Fatalf("%d PmtInf, want one for FRST and one for RCUR", len(pis))
	}
	for i, want := range []string{"FRST 1 30.00 2027-03-15", "RCUR 2 45.00 2027-03-15"} {
		pi := pis[i]
		got := strings.Join([]string{pi.textAt("PmtTpInf", "SeqTp"), pi.textAt("NbOfTxs"), pi.textAt("CtrlSum"), pi.textAt("ReqdColltnDt")}, " ")
		if got != want {
			t.Errorf("PmtInf %d: %s, want %s", i, got, want)
		}
	}
	first := pis[0].child("DrctDbtTxInf")
	for path, want := range map[string]string{
		"Dbtr/Nm":                      "Juergen Meissner",
		"RmtInf/Ustrd":                 "Mitgliedsbeitrag 2027 Juergen",
		"DrctDbtTx/MndtRltdInf/MndtId": "PEP-1-1", "DrctDbtTx/MndtRltdInf/DtOfSgntr": "2027-01-10",
		"DrctDbtTx/MndtRltdInf/AmdmntInd": "false", "DbtrAgt/FinInstnId/Othr/Id": "NOTPROVIDED",
	} {
		if got := first.textAt(strings.Split(path, "/")...); got != want {
			t.Errorf("first debit %s = %q, want %q", path, got, want)
		}
	}
	amended, foreign := pis[1].all("DrctDbtTxInf")[0], pis[1].all("DrctDbtTxInf")[1]
	if got := amended.textAt("DrctDbtTx", "MndtRltdInf", "AmdmntInfDtls", "OrgnlDbtrAcct", "Id", "IBAN"); got != "DE02100100100006820101" {
		t.Errorf("amendment carries the original account %q", got)
	}
	for path, want := range map[string]string{"DbtrAgt/FinInstnId/BICFI": "UBSWCHZH80A", "Dbtr/PstlAdr/Ctry": "CH", "Dbtr/PstlAdr/AdrLine": "Bahnhofstrasse 1", "Dbtr/Nm": "Zoe Mueller"} {
		if got := foreign.textAt(strings.Split(path, "/")...); got != want {
			t.Errorf("debtor outside the EEA: %s = %q, want %q", path, got, want)
		}
	}
	if !strings.Contains(string(data), `<InstdAmt Ccy="EUR">15.00</InstdAmt>`) {
		t.Error("amount not written with two decimals in EUR")
	}
}

func TestBankFileRefusesNothingToCollect(t *testing.T) {
	f := testFile()
	f.Debits = nil
	if _, err := f.XML(); err != ErrEmpty {
		t.Errorf("empty file: %v", err)
	}
	f = testFile()
	f.Debits[0].Sequence = "OOFF"
	if _, err := f.XML(); err == nil {
		t.Error("an unknown sequence type was written")
	}
}

// The checks are worth something only if they catch broken files.
func TestCheckCatchesBrokenFiles(t *testing.T) {
	data, err := testFile().XML()
	if err != nil {
		t.Fatal(err)
	}
	good := string(data)
	tests := []struct{ name, old, new, want string }{
		{"wrong namespace", Namespace, "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02", "root is"},
		{"group sum", "<CtrlSum>75.00</CtrlSum>", "<CtrlSum>75.01</CtrlSum>", "GrpHdr"},
		{"batch count", "<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>", "PmtInf"},
		{"one decimal", `<InstdAmt Ccy="EUR">15.00</InstdAmt>`, `<InstdAmt Ccy="EUR">15.0</InstdAmt>`, "two decimals"},
		{"currency", `<InstdAmt Ccy="EUR">15.00</InstdAmt>`, `<InstdAmt Ccy="USD">15.00</InstdAmt>`, "want EUR"},
		{"umlaut", "Juergen Meissner", "Jürgen Meißner", "character set"},
		{"too long", "<Nm>Anna Schmidt</Nm>", "<Nm>" + strings.Repeat("A", 71) + "</Nm>", "at most 70"},
		{"duplicate end-to-end id", "PEP-7-2<", "PEP-7-1<", "used twice"},
		{"service level", "<Cd>SEPA</Cd>", "<Cd>NURG</Cd>", "SvcLvl"},
		{"instrument", "<Cd>CORE</Cd>", "<Cd>B2B</Cd>", "LclInstrm"},
		{"charge bearer", "<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>SHAR</ChrgBr>", "ChrgBr"},
		{"sequence", "<SeqTp>FRST</SeqTp>", "<SeqTp>FIRST</SeqTp>", "SeqTp"},
		{"creditor id", "DE98ZZZ09999999999", "DE97ZZZ09999999999", "creditor identifier"},
		{"iban", "DE02120300000000202051", "DE02120300000000202052", "IBAN"},
		{"order", "<PmtMtd>DD</PmtMtd>", "", "PmtMtd"},
		{"amendment without details", "<AmdmntInd>false</AmdmntInd>", "<AmdmntInd>true</AmdmntInd>", "AmdmntInfDtls"},
		{"non-EEA without BIC", "<BICFI>UBSWCHZH80A</BICFI>", "<Othr><Id>NOTPROVIDED</Id></Othr>", "BIC is required"},
		{"non-EEA without address", "<Ctry>CH</Ctry>", "", "address is required"},
		{"unknown element", "<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>SLEV</ChrgBr><Foo>x</Foo>", "unexpected"},
		{"not xml", "</Document>", "", "not XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("the file has no %q", tt.old)
			}
			bad := strings.Replace(good, tt.old, tt.new, 1)
			problems := strings.Join(Check([]byte(bad)), "\n")
			if !strings.Contains(problems, tt.want) {
				t.Errorf("want a problem with %q, got:\n%s", tt.want, problems)
			}
		})
	}
}
