package sepa

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// No public copy of the ISO 20022 XSD is at hand, so Check holds the
// structure the EPC implementation guidelines (SDD Core, pain.008.001.08)
// allow: the elements, their order and how often they occur, and the
// scheme's rules on codes, sums, lengths and the character set. The
// handler runs it on every file before it is downloaded.

type occurs struct {
	name     string
	min, max int
}

const many = 1 << 30

// structure maps an element, by "parent/element" or "element", to its
// children in schema order.
var structure = map[string][]occurs{
	"Document":          {{"CstmrDrctDbtInitn", 1, 1}},
	"CstmrDrctDbtInitn": {{"GrpHdr", 1, 1}, {"PmtInf", 1, many}},
	"GrpHdr":            {{"MsgId", 1, 1}, {"CreDtTm", 1, 1}, {"NbOfTxs", 1, 1}, {"CtrlSum", 0, 1}, {"InitgPty", 1, 1}},
	"InitgPty":          {{"Nm", 0, 1}, {"Id", 0, 1}},
	"PmtInf": {{"PmtInfId", 1, 1}, {"PmtMtd", 1, 1}, {"BtchBookg", 0, 1}, {"NbOfTxs", 0, 1}, {"CtrlSum", 0, 1},
		{"PmtTpInf", 1, 1}, {"ReqdColltnDt", 1, 1}, {"Cdtr", 1, 1}, {"CdtrAcct", 1, 1}, {"CdtrAgt", 1, 1},
		{"UltmtCdtr", 0, 1}, {"ChrgBr", 0, 1}, {"CdtrSchmeId", 0, 1}, {"DrctDbtTxInf", 1, many}},
	"PmtTpInf":         {{"InstrPrty", 0, 1}, {"SvcLvl", 1, 1}, {"LclInstrm", 1, 1}, {"SeqTp", 1, 1}, {"CtgyPurp", 0, 1}},
	"SvcLvl":           {{"Cd", 1, 1}},
	"LclInstrm":        {{"Cd", 1, 1}},
	"Cdtr":             {{"Nm", 1, 1}, {"PstlAdr", 0, 1}},
	"Dbtr":             {{"Nm", 1, 1}, {"PstlAdr", 0, 1}, {"Id", 0, 1}},
	"PstlAdr":          {{"Ctry", 0, 1}, {"AdrLine", 0, 2}},
	"CdtrAcct":         {{"Id", 1, 1}},
	"DbtrAcct":         {{"Id", 1, 1}},
	"OrgnlDbtrAcct":    {{"Id", 1, 1}},
	"CdtrAcct/Id":      {{"IBAN", 1, 1}},
	"DbtrAcct/Id":      {{"IBAN", 1, 1}},
	"OrgnlDbtrAcct/Id": {{"IBAN", 1, 1}},
	"CdtrAgt":          {{"FinInstnId", 1, 1}},
	"DbtrAgt":          {{"FinInstnId", 1, 1}},
	"FinInstnId":       {{"BICFI", 0, 1}, {"Othr", 0, 1}},
	"FinInstnId/Othr":  {{"Id", 1, 1}},
	"CdtrSchmeId":      {{"Id", 1, 1}},
	"CdtrSchmeId/Id":   {{"PrvtId", 1, 1}},
	"PrvtId":           {{"Othr", 1, 1}},
	"PrvtId/Othr":      {{"Id", 1, 1}, {"SchmeNm", 1, 1}},
	"SchmeNm":          {{"Prtry", 1, 1}},
	"DrctDbtTxInf": {{"PmtId", 1, 1}, {"InstdAmt", 1, 1}, {"DrctDbtTx", 1, 1}, {"UltmtCdtr", 0, 1},
		{"DbtrAgt", 1, 1}, {"Dbtr", 1, 1}, {"DbtrAcct", 1, 1}, {"UltmtDbtr", 0, 1}, {"Purp", 0, 1}, {"RmtInf", 0, 1}},
	"PmtId":         {{"InstrId", 0, 1}, {"EndToEndId", 1, 1}},
	"DrctDbtTx":     {{"MndtRltdInf", 1, 1}, {"CdtrSchmeId", 0, 1}},
	"MndtRltdInf":   {{"MndtId", 1, 1}, {"DtOfSgntr", 1, 1}, {"AmdmntInd", 0, 1}, {"AmdmntInfDtls", 0, 1}},
	"AmdmntInfDtls": {{"OrgnlMndtId", 0, 1}, {"OrgnlCdtrSchmeId", 0, 1}, {"OrgnlDbtrAcct", 0, 1}, {"OrgnlDbtrAgt", 0, 1}},
	"RmtInf":        {{"Ustrd", 0, 1}},
}

// maxLength of the texts the guidelines limit.
var maxLength = map[string]int{"MsgId": 35, "PmtInfId": 35, "EndToEndId": 35, "MndtId": 35, "Nm": 70, "AdrLine": 70, "Ustrd": 140}

type node struct {
	name     string
	space    string
	attrs    []xml.Attr
	text     string
	children []*node
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// at follows a path of element names; nil when one is missing.
func (n *node) at(path ...string) *node {
	for _, p := range path {
		if n = n.child(p); n == nil {
			return nil
		}
	}
	return n
}

func (n *node) textAt(path ...string) string {
	if c := n.at(path...); c != nil {
		return c.text
	}
	return ""
}

func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

func parse(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, space: t.Name.Space, attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, errors.New("more than one root element")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

var (
	amountForm = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{2}$`)
	dateTime   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`)
)

// Check returns every way data breaks the structure and rules of a
// pain.008.001.08 SEPA Core direct debit file; nil for a good one.
func Check(data []byte) []string {
	root, err := parse(data)
	if err != nil {
		return []string{"not XML: " + err.Error()}
	}
	c := &checker{ids: map[string]string{}}
	if root.name != "Document" || root.space != Namespace {
		c.add("root is {%s}%s, want {%s}Document", root.space, root.name, Namespace)
	}
	c.walk(root, "")
	c.rules(root)
	return c.problems
}

type checker struct {
	problems []string
	ids      map[string]string
}

func (c *checker) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *checker) walk(n *node, parent string) {
	if n.space != "" && n.space != Namespace {
		c.add("%s: namespace %q", n.name, n.space)
	}
	spec, ok := structure[parent+"/"+n.name]
	if !ok {
		spec, ok = structure[n.name]
	}
	if !ok {
		if len(n.children) > 0 {
			c.add("%s/%s: leaf element has children", parent, n.name)
		}
		c.text(n)
		return
	}
	if strings.TrimSpace(n.text) != "" {
		c.add("%s: text in a structured element", n.name)
	}
	if n.name == "FinInstnId" && len(n.children) != 1 {
		c.add("%s/FinInstnId: give either BICFI or Othr/Id NOTPROVIDED", parent)
	}
	i := 0
	for _, want := range spec {
		count := 0
		for i < len(n.children) && n.children[i].name == want.name {
			count++
			i++
		}
		if count < want.min || count > want.max {
			c.add("%s: %d×%s, want %d to %d", n.name, count, want.name, want.min, min(want.max, 99))
		}
	}
	if i < len(n.children) {
		c.add("%s: unexpected or misplaced element %s", n.name, n.children[i].name)
	}
	for _, ch := range n.children {
		c.walk(ch, n.name)
	}
}

func (c *checker) text(n *node) {
	if !IsLatinText(n.text) {
		c.add("%s: %q has characters outside the SEPA character set", n.name, n.text)
	}
	if n.text != strings.TrimSpace(n.text) || n.text == "" {
		c.add("%s: %q is empty or has leading or trailing spaces", n.name, n.text)
	}
	if limit, ok := maxLength[n.name]; ok && len(n.text) > limit {
		c.add("%s: %d characters, at most %d", n.name, len(n.text), limit)
	}
	switch n.name {
	case "MsgId", "PmtInfId", "EndToEndId", "MndtId":
		if strings.HasPrefix(n.text, "/") || strings.HasSuffix(n.text, "/") || strings.Contains(n.text, "//") {
			c.add("%s: %q starts or ends with / or contains //", n.name, n.text)
		}
	case "IBAN":
		if _, err := ParseIBAN(n.text); err != nil || strings.Contains(n.text, " ") {
			c.add("IBAN %q is not valid", n.text)
		}
	case "BICFI":
		if b, err := ParseBIC(n.text); err != nil || b != n.text {
			c.add("BICFI %q is not a BIC", n.text)
		}
	case "ReqdColltnDt", "DtOfSgntr":
		if _, err := time.Parse(time.DateOnly, n.text); err != nil {
			c.add("%s %q is not a date", n.name, n.text)
		}
	case "CreDtTm":
		if !dateTime.MatchString(n.text) {
			c.add("CreDtTm %q is not a date and time", n.text)
		}
	case "CtrlSum", "InstdAmt":
		if !amountForm.MatchString(n.text) || n.text == "0.00" {
			c.add("%s %q is not an amount with two decimals above zero", n.name, n.text)
		}
	case "Ctry":
		if len(n.text) != 2 || strings.ToUpper(n.text) != n.text {
			c.add("Ctry %q is not a country code", n.text)
		}
	}
}

// cents reads an amount; the form was checked by text.
func cents(s string) int64 {
	var euros, cts int64
	_, _ = fmt.Sscanf(s, "%d.%d", &euros, &cts)
	return euros*100 + cts
}

func (c *checker) unique(kind, id string) {
	if prev, dup := c.ids[kind+id]; dup {
		c.add("%s %q is used twice (%s)", kind, id, prev)
	}
	c.ids[kind+id] = kind
}

func (c *checker) rules(root *node) {
	initn := root.child("CstmrDrctDbtInitn")
	if initn == nil {
		return
	}
	c.unique("MsgId", initn.textAt("GrpHdr", "MsgId"))
	var total int64
	count := 0
	batches := map[string]bool{}
	for _, pi := range initn.all("PmtInf") {
		c.unique("PmtInfId", pi.textAt("PmtInfId"))
		for path, want := range map[string]string{
			"PmtMtd": "DD", "PmtTpInf/SvcLvl/Cd": "SEPA", "PmtTpInf/LclInstrm/Cd": "CORE", "ChrgBr": "SLEV",
			"CdtrSchmeId/Id/PrvtId/Othr/SchmeNm/Prtry": "SEPA",
		} {
			if got := pi.textAt(strings.Split(path, "/")...); got != want {
				c.add("PmtInf %s: %s is %q, want %q", pi.textAt("PmtInfId"), path, got, want)
			}
		}
		seq := pi.textAt("PmtTpInf", "SeqTp")
		switch seq {
		case First, Recurrent, "OOFF", "FNAL":
		default:
			c.add("SeqTp %q is not FRST, RCUR, OOFF or FNAL", seq)
		}
		batch := seq + " " + pi.textAt("ReqdColltnDt")
		if batches[batch] {
			c.add("two PmtInf for %s", batch)
		}
		batches[batch] = true
		if _, err := ParseCreditorID(pi.textAt("CdtrSchmeId", "Id", "PrvtId", "Othr", "Id")); err != nil {
			c.add("CdtrSchmeId %q is not a creditor identifier", pi.textAt("CdtrSchmeId", "Id", "PrvtId", "Othr", "Id"))
		}
		var sum int64
		txs := pi.all("DrctDbtTxInf")
		for _, tx := range txs {
			c.transaction(tx)
			sum += cents(tx.textAt("InstdAmt"))
		}
		if pi.child("NbOfTxs") == nil || pi.child("CtrlSum") == nil {
			c.add("PmtInf %s: NbOfTxs and CtrlSum are required here", pi.textAt("PmtInfId"))
		} else if pi.textAt("NbOfTxs") != fmt.Sprint(len(txs)) || cents(pi.textAt("CtrlSum")) != sum {
			c.add("PmtInf %s: NbOfTxs %s, CtrlSum %s; the transactions are %d, %s",
				pi.textAt("PmtInfId"), pi.textAt("NbOfTxs"), pi.textAt("CtrlSum"), len(txs), Amount(sum))
		}
		total += sum
		count += len(txs)
	}
	if hdr := initn.child("GrpHdr"); hdr != nil {
		if hdr.textAt("NbOfTxs") != fmt.Sprint(count) || hdr.child("CtrlSum") == nil || cents(hdr.textAt("CtrlSum")) != total {
			c.add("GrpHdr: NbOfTxs %s, CtrlSum %s; the transactions are %d, %s", hdr.textAt("NbOfTxs"), hdr.textAt("CtrlSum"), count, Amount(total))
		}
	}
}

func (c *checker) transaction(tx *node) {
	e2e := tx.textAt("PmtId", "EndToEndId")
	c.unique("EndToEndId", e2e)
	if amt := tx.child("InstdAmt"); amt != nil {
		ccy := ""
		for _, a := range amt.attrs {
			if a.Name.Local == "Ccy" {
				ccy = a.Value
			}
		}
		if ccy != "EUR" {
			c.add("%s: InstdAmt in %q, want EUR", e2e, ccy)
		}
	}
	m := tx.at("DrctDbtTx", "MndtRltdInf")
	if m != nil {
		c.unique("MndtId", m.textAt("MndtId"))
		amended := m.textAt("AmdmntInd") == "true"
		if amended != (m.child("AmdmntInfDtls") != nil) {
			c.add("%s: AmdmntInd %q does not match the presence of AmdmntInfDtls", e2e, m.textAt("AmdmntInd"))
		}
		if ind := m.textAt("AmdmntInd"); ind != "" && ind != "true" && ind != "false" {
			c.add("%s: AmdmntInd %q", e2e, ind)
		}
	}
	country := ""
	if iban := tx.textAt("DbtrAcct", "Id", "IBAN"); len(iban) >= 2 {
		country = iban[:2]
	}
	if country != "" && !InEEA(country) {
		if tx.at("DbtrAgt", "FinInstnId", "BICFI") == nil {
			c.add("%s: the debtor's bank is outside the EEA, its BIC is required", e2e)
		}
		if tx.at("Dbtr", "PstlAdr", "Ctry") == nil || tx.at("Dbtr", "PstlAdr", "AdrLine") == nil {
			c.add("%s: the debtor's account is outside the EEA, their address is required", e2e)
		}
	}
	if othr := tx.textAt("DbtrAgt", "FinInstnId", "Othr", "Id"); othr != "" && othr != "NOTPROVIDED" {
		c.add("%s: DbtrAgt Othr/Id %q, want NOTPROVIDED", e2e, othr)
	}
}
