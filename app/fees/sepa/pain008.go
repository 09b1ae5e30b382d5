package sepa

import (
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Namespace is the pain.008 version of the EPC's current implementation
// guidelines, which German banks accept.
const Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"

// Sequence types of a collection.
const (
	First     = "FRST" // a mandate's first collection
	Recurrent = "RCUR" // every collection after
)

// Creditor is the association collecting the fees.
type Creditor struct {
	Name string
	IBAN IBAN
	BIC  string // empty: NOTPROVIDED
	ID   string // creditor identifier
}

// Debit is one collection from one member.
type Debit struct {
	EndToEndID string
	Cents      int64
	Sequence   string
	MandateID  string
	SignedOn   time.Time
	// OriginalIBAN is the account of the mandate's last collection when the
	// member changed it since (the amendment the rulebook requires).
	OriginalIBAN IBAN
	DebtorName   string
	IBAN         IBAN
	BIC          string // only for banks outside the EEA
	// Country and AddressLines only for debtors outside the EEA.
	Country      string
	AddressLines []string
	Remittance   string
}

// File is one bank file: the debits of one collection run.
type File struct {
	MsgID    string
	Created  time.Time
	Due      time.Time
	Creditor Creditor
	Debits   []Debit
}

// ErrEmpty is a file without a debit, which banks refuse.
var ErrEmpty = errors.New("sepa: a bank file needs at least one debit")

// XML writes the file as pain.008.001.08: one PmtInf per sequence type
// (the due date is the run's), every text in the SEPA character set.
func (f File) XML() ([]byte, error) {
	if len(f.Debits) == 0 {
		return nil, ErrEmpty
	}
	var total int64
	for _, d := range f.Debits {
		total += d.Cents
	}
	doc := xDocument{Xmlns: Namespace, Initn: xInitiation{
		GrpHdr: xGroupHeader{
			MsgID:    Latin(f.MsgID, 35),
			CreDtTm:  f.Created.UTC().Format("2006-01-02T15:04:05"),
			NbOfTxs:  strconv.Itoa(len(f.Debits)),
			CtrlSum:  Amount(total),
			InitgPty: xParty{Nm: Latin(f.Creditor.Name, 70)},
		},
	}}
	for _, seq := range []string{First, Recurrent} {
		var txs []xTransaction
		var sum int64
		for _, d := range f.Debits {
			if d.Sequence != seq {
				continue
			}
			sum += d.Cents
			txs = append(txs, transaction(d))
		}
		if len(txs) == 0 {
			continue
		}
		doc.Initn.PmtInf = append(doc.Initn.PmtInf, xPaymentInfo{
			PmtInfID:    Latin(f.MsgID+"-"+seq, 35),
			PmtMtd:      "DD",
			NbOfTxs:     strconv.Itoa(len(txs)),
			CtrlSum:     Amount(sum),
			PmtTpInf:    xPaymentType{SvcLvl: xCode{"SEPA"}, LclInstrm: xCode{"CORE"}, SeqTp: seq},
			Due:         f.Due.Format(time.DateOnly),
			Cdtr:        xParty{Nm: Latin(f.Creditor.Name, 70)},
			CdtrAcct:    xAccount{IBAN: string(f.Creditor.IBAN)},
			CdtrAgt:     agent(f.Creditor.BIC),
			ChrgBr:      "SLEV",
			CdtrSchmeID: xSchemeID{Othr: xOther{ID: f.Creditor.ID, Prtry: "SEPA"}},
			Txs:         txs,
		})
	}
	if unknown := slices.IndexFunc(f.Debits, func(d Debit) bool { return d.Sequence != First && d.Sequence != Recurrent }); unknown >= 0 {
		return nil, fmt.Errorf("sepa: debit %s has sequence type %q", f.Debits[unknown].EndToEndID, f.Debits[unknown].Sequence)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sepa: %w", err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func transaction(d Debit) xTransaction {
	tx := xTransaction{
		EndToEndID: Latin(d.EndToEndID, 35),
		Amount:     xAmount{Ccy: "EUR", Value: Amount(d.Cents)},
		Mandate: xMandate{
			MndtID:    d.MandateID,
			DtOfSgntr: d.SignedOn.Format(time.DateOnly),
		},
		DbtrAgt:  agent(d.BIC),
		Dbtr:     xDebtor{Nm: Latin(d.DebtorName, 70)},
		DbtrAcct: xAccount{IBAN: string(d.IBAN)},
	}
	if d.OriginalIBAN != "" {
		tx.Mandate.AmdmntInd = "true"
		tx.Mandate.Amendment = &xAmendment{OrgnlDbtrAcct: &xAccount{IBAN: string(d.OriginalIBAN)}}
	} else {
		tx.Mandate.AmdmntInd = "false"
	}
	if d.Country != "" || len(d.AddressLines) > 0 {
		addr := &xAddress{Ctry: d.Country}
		for _, l := range d.AddressLines {
			if l = Latin(l, 70); l != "" && len(addr.AdrLine) < 2 {
				addr.AdrLine = append(addr.AdrLine, l)
			}
		}
		tx.Dbtr.PstlAdr = addr
	}
	if r := Latin(d.Remittance, 140); r != "" {
		tx.RmtInf = &xRemittance{Ustrd: r}
	}
	return tx
}

func agent(bic string) xAgent {
	if bic == "" {
		return xAgent{Othr: &xOtherID{ID: "NOTPROVIDED"}}
	}
	return xAgent{BICFI: bic}
}

// Amount formats cents as the file and the mails show euros: 30.00.
func Amount(cents int64) string {
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

type xDocument struct {
	XMLName xml.Name    `xml:"Document"`
	Xmlns   string      `xml:"xmlns,attr"`
	Initn   xInitiation `xml:"CstmrDrctDbtInitn"`
}

type xInitiation struct {
	GrpHdr xGroupHeader   `xml:"GrpHdr"`
	PmtInf []xPaymentInfo `xml:"PmtInf"`
}

type xGroupHeader struct {
	MsgID    string `xml:"MsgId"`
	CreDtTm  string `xml:"CreDtTm"`
	NbOfTxs  string `xml:"NbOfTxs"`
	CtrlSum  string `xml:"CtrlSum"`
	InitgPty xParty `xml:"InitgPty"`
}

type xParty struct {
	Nm string `xml:"Nm"`
}

type xPaymentInfo struct {
	PmtInfID    string         `xml:"PmtInfId"`
	PmtMtd      string         `xml:"PmtMtd"`
	NbOfTxs     string         `xml:"NbOfTxs"`
	CtrlSum     string         `xml:"CtrlSum"`
	PmtTpInf    xPaymentType   `xml:"PmtTpInf"`
	Due         string         `xml:"ReqdColltnDt"`
	Cdtr        xParty         `xml:"Cdtr"`
	CdtrAcct    xAccount       `xml:"CdtrAcct"`
	CdtrAgt     xAgent         `xml:"CdtrAgt"`
	ChrgBr      string         `xml:"ChrgBr"`
	CdtrSchmeID xSchemeID      `xml:"CdtrSchmeId"`
	Txs         []xTransaction `xml:"DrctDbtTxInf"`
}

type xPaymentType struct {
	SvcLvl    xCode  `xml:"SvcLvl"`
	LclInstrm xCode  `xml:"LclInstrm"`
	SeqTp     string `xml:"SeqTp"`
}

type xCode struct {
	Cd string `xml:"Cd"`
}

type xAccount struct {
	IBAN string `xml:"Id>IBAN"`
}

type xAgent struct {
	BICFI string    `xml:"FinInstnId>BICFI,omitempty"`
	Othr  *xOtherID `xml:"FinInstnId>Othr,omitempty"`
}

type xOtherID struct {
	ID string `xml:"Id"`
}

type xSchemeID struct {
	Othr xOther `xml:"Id>PrvtId>Othr"`
}

type xOther struct {
	ID    string `xml:"Id"`
	Prtry string `xml:"SchmeNm>Prtry"`
}

type xTransaction struct {
	EndToEndID string       `xml:"PmtId>EndToEndId"`
	Amount     xAmount      `xml:"InstdAmt"`
	Mandate    xMandate     `xml:"DrctDbtTx>MndtRltdInf"`
	DbtrAgt    xAgent       `xml:"DbtrAgt"`
	Dbtr       xDebtor      `xml:"Dbtr"`
	DbtrAcct   xAccount     `xml:"DbtrAcct"`
	RmtInf     *xRemittance `xml:"RmtInf,omitempty"`
}

type xAmount struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

type xMandate struct {
	MndtID    string      `xml:"MndtId"`
	DtOfSgntr string      `xml:"DtOfSgntr"`
	AmdmntInd string      `xml:"AmdmntInd"`
	Amendment *xAmendment `xml:"AmdmntInfDtls,omitempty"`
}

type xAmendment struct {
	OrgnlDbtrAcct *xAccount `xml:"OrgnlDbtrAcct,omitempty"`
}

type xDebtor struct {
	Nm      string    `xml:"Nm"`
	PstlAdr *xAddress `xml:"PstlAdr,omitempty"`
}

type xAddress struct {
	Ctry    string   `xml:"Ctry,omitempty"`
	AdrLine []string `xml:"AdrLine"`
}

type xRemittance struct {
	Ustrd string `xml:"Ustrd"`
}
