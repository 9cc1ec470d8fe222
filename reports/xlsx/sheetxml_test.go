package xlsx_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"intiqa/reports/xlsx"
	"intiqa/reports/xlsx/xlsxtest"
)

// Cells of hand-written sheet XML.
func is(ref, s string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, s)
}
func num(ref, v string) string { return fmt.Sprintf(`<c r="%s"><v>%s</v></c>`, ref, v) }

// needsHeader is the header row of a needs sheet, as inline strings.
const needsHeader = `<row r="1">` + `<c r="A1" t="inlineStr"><is><t>commune_code</t></is></c>` +
	`<c r="B1" t="inlineStr"><is><t>enumerators</t></is></c>` +
	`<c r="C1" t="inlineStr"><is><t>controllers</t></is></c></row>`

// mustNeedsFile writes a needs.xlsx whose sheet XML is sheet.
func mustNeedsFile(t *testing.T, sheet string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "needs.xlsx")
	xlsxtest.MustWriteXLSX(t, path, "needs", "", false, xlsxtest.NeedHeader,
		[][]any{xlsxtest.NeedRow(xlsxtest.Commune1)})
	xlsxtest.MustRewrite(t, path, func(name string, data []byte) []byte {
		if strings.HasPrefix(name, "xl/worksheets/") {
			return []byte(sheet)
		}
		return data
	})
	return path
}

// worksheet wraps rows in a worksheet part.
func worksheet(rows ...string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<dimension ref="A1:C3"/><sheetData>` + strings.Join(rows, "") +
		`</sheetData><pageMargins left="0.7"/></worksheet>`
}

// TestSheetXMLForms reads forms of sheet XML that other tools write.
func TestSheetXMLForms(t *testing.T) {
	tests := []struct {
		name  string
		sheet string
		want  string // the needs read, as "line:code:enumerators:controllers;"
		fault string // or the fault, as "ROW: message piece"
	}{
		{"Plain", worksheet(needsHeader,
			`<row r="2">`+is("A2", "01.511.01.01")+num("B2", "12")+num("C2", "3")+`</row>`),
			"2:01.511.01.01:12:3;", ""},
		{"Prefixed", `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<x:sheetData>` + strings.ReplaceAll(strings.ReplaceAll(needsHeader+
			`<row r="2">`+is("A2", "01.511.01.01")+num("B2", "12")+num("C2", "3")+`</row>`,
			"<", "<x:"), "<x:/", "</x:") + `</x:sheetData></x:worksheet>`,
			"2:01.511.01.01:12:3;", ""},
		{"NoReferences", worksheet(strings.ReplaceAll(needsHeader, ` r="`, ` data-r="`),
			`<row><c t="inlineStr"><is><t>01.511.01.01</t></is></c><c><v>4</v></c><c><v>1</v></c></row>`),
			"2:01.511.01.01:4:1;", ""},
		{"EmptyRowsSkipped", worksheet(needsHeader, `<row r="2"/>`,
			`<row r="3"><c r="A3" s="1"/></row>`,
			`<row r="4">`+is("A4", "01.511.01.09")+num("B4", "2")+num("C4", "0")+`</row>`,
			`<row r="9" ht="20"><c r="B9" s="2"><v></v></c></row>`),
			"4:01.511.01.09:2:0;", ""},
		{"RichTextEntitiesComments", worksheet(needsHeader, `<!-- exported -->`,
			`<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>&#48;1.511</t></r>`+
				`<r><t xml:space="preserve">.01.01</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></is></c>`+
				`<c r="B2" t="str"><f>6*2</f><v>12</v></c><c r="C2"><v> 3 </v></c></row>`),
			"2:01.511.01.01:12:3;", ""},
		{"CDATA", worksheet(needsHeader,
			`<row r="2">`+is("A2", "<![CDATA[01.511.01.01]]>")+num("B2", "1")+num("C2", "1")+`</row>`),
			"2:01.511.01.01:1:1;", ""},
		{"BOM", "\ufeff" + worksheet(needsHeader,
			`<row r="2">`+is("A2", "01.511.01.01")+num("B2", "1")+num("C2", "1")+`</row>`),
			"2:01.511.01.01:1:1;", ""},
		{"DTD", `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY big "xxxxxxxx">]>` +
			worksheet(needsHeader), "", "0: feuille illisible : XML mal formé : déclaration <!…> non admise"},
		{"UnknownEntity", worksheet(needsHeader,
			`<row r="2">`+is("A2", "&big;")+num("B2", "1")+num("C2", "1")+`</row>`),
			"", "2: feuille illisible : XML mal formé : entité inconnue &big;"},
		{"RowsOutOfOrder", worksheet(needsHeader,
			`<row r="3">`+is("A3", "01.511.01.01")+num("B3", "1")+num("C3", "1")+`</row>`,
			`<row r="2">`+is("A2", "01.511.01.09")+num("B2", "1")+num("C2", "1")+`</row>`),
			"3:01.511.01.01:1:1;", "3: feuille illisible : XML mal formé : ligne 2 après la ligne 3"},
		{"CellsOutOfOrder", worksheet(needsHeader,
			`<row r="2">`+num("B2", "1")+is("A2", "01.511.01.01")+num("C2", "1")+`</row>`),
			"", "2: feuille illisible : XML mal formé : cellule A2 après la colonne 2"},
		{"MismatchedTag", worksheet(needsHeader, `<row r="2"><c r="A2"><v>1</c></row>`),
			"", "2: feuille illisible : XML mal formé : balise </c> au lieu de </v>"},
		{"BadSharedString", worksheet(needsHeader,
			`<row r="2"><c r="A2" t="s"><v>99</v></c>`+num("B2", "1")+num("C2", "1")+`</row>`),
			"", "2: feuille illisible : XML mal formé : chaîne partagée \"99\" absente"},
		{"NoSheetData", `<worksheet></worksheet>`, "", "0: feuille illisible : XML mal formé : élément <sheetData> absent"},
		{"NotUTF8", worksheet(needsHeader,
			`<row r="2">`+is("A2", "01.511\xff")+num("B2", "1")+num("C2", "1")+`</row>`),
			"", "2: feuille illisible : XML mal formé : texte qui n'est pas de l'UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fault := readNeeds(t, mustNeedsFile(t, tt.sheet))
			if got != tt.want || !strings.HasPrefix(fault, tt.fault) || (tt.fault == "") != (fault == "") {
				t.Errorf("got %q, fault %q\nwant %q, fault %q", got, fault, tt.want, tt.fault)
			}
		})
	}
}

// readNeeds reads a needs file into "line:code:enumerators:controllers;"
// items, or its first fault as "ROW: message".
func readNeeds(t *testing.T, path string) (string, string) {
	t.Helper()
	r, err := xlsx.OpenNeeds(path, xlsx.Limits{})
	if err != nil {
		f := mustInvalid(t, err).Errors[0]
		return "", fmt.Sprintf("%d: %s", f.Row, f.Msg)
	}
	defer r.Close()
	var b strings.Builder
	for row, err := range r.Rows() {
		if err != nil {
			f := mustInvalid(t, err).Errors[0]
			return b.String(), fmt.Sprintf("%d: %s", f.Row, f.Msg)
		}
		if len(row.Problems) > 0 {
			return b.String(), fmt.Sprintf("%d: %v", row.Line, row.Problems[0])
		}
		n := row.Value
		fmt.Fprintf(&b, "%d:%s:%d:%d;", row.Line, n.CommuneCode, n.Enumerators, n.Controllers)
	}
	return b.String(), ""
}
