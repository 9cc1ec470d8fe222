package xlsxtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"os"
	"strings"
	"testing"
	"time"
)

// Cases returns the shared table of contract files: valid ones, and
// faulty ones each with the one fault it must be refused for.
func Cases() []Case {
	return slices2(applicantCases(), fileCases(), needCases(), trainingCases())
}

func slices2(parts ...[]Case) []Case {
	var out []Case
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// applicantCases are the cases of applicants.xlsx's rows and header.
func applicantCases() []Case {
	h, valid := ApplicantHeader, Applicants(3)
	row := func(col string, v any) [][]any { // row 3 (the second data row) faulty
		return [][]any{valid[0], with(h, valid[1], col, v), valid[2]}
	}
	noEmail, noEmailRows := without(h, valid, "email")
	excelDates := [][]any{
		with(h, with(h, valid[0], "birth_date", time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)),
			"registered_at", time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC)),
		with(h, valid[1], "registered_at", "2024-03-01 10:11:12"),
	}
	return []Case{
		{Name: "Valid", Kind: "applicants", Header: h, Rows: valid, Valid: 3},
		{Name: "ValidInlineStrings", Kind: "applicants", Header: h, Rows: valid, Stream: true, Valid: 3},
		{Name: "ValidExcelDates", Kind: "applicants", Header: h, Rows: excelDates, Valid: 2},
		{Name: "ValidShuffledColumns", Kind: "applicants", Valid: 3,
			Header: shuffled(h), Rows: shuffledRows(valid)},
		{Name: "ValidSingleSheetNamedOtherwise", Kind: "applicants", Header: h, Rows: valid,
			Sheet: "Feuil1", Valid: 3},
		{Name: "MissingColumn", Kind: "applicants", Header: noEmail, Rows: noEmailRows,
			Want: "applicants.xlsx:applicants:1:email", Msg: "absente de la ligne d'en-tête"},
		{Name: "DuplicateColumn", Kind: "applicants", Header: append(slices0(h), " CIN "),
			Rows: valid, Want: "applicants.xlsx:applicants:1:cin", Msg: "en double (colonnes B et T)"},
		{Name: "UnknownEnum", Kind: "applicants", Header: h, Rows: row("category", "retired"),
			Want: "applicants.xlsx:applicants:3:category", Msg: "« retired » n'est pas une valeur admise"},
		{Name: "MalformedCIN", Kind: "applicants", Header: h, Rows: row("cin", "12345B"),
			Want: "applicants.xlsx:applicants:3:cin", Msg: "« 12345B » invalide"},
		{Name: "BadDate", Kind: "applicants", Header: h, Rows: row("birth_date", "1990-13-45"),
			Want: "applicants.xlsx:applicants:3:birth_date", Msg: "date AAAA-MM-JJ"},
		{Name: "BadDateTime", Kind: "applicants", Header: h, Rows: row("registered_at", "01/03/2024"),
			Want: "applicants.xlsx:applicants:3:registered_at", Msg: "date et heure"},
		{Name: "CodeAsNumber", Kind: "applicants", Header: h, Rows: row("choice_1", 1.511),
			Want: "applicants.xlsx:applicants:3:choice_1", Msg: "code en texte attendu"},
		{Name: "PhoneAsNumber", Kind: "applicants", Header: h, Rows: row("phone", 612345678),
			Want: "applicants.xlsx:applicants:3:phone", Msg: "0 initial est perdu"},
		{Name: "DuplicateCIN", Kind: "applicants", Header: h, ByStore: true,
			Rows: row("cin", "BK000001"), Want: "applicants.xlsx:applicants:3:cin", Msg: "en double"},
		{Name: "DuplicateEmail", Kind: "applicants", Header: h, ByStore: true,
			Rows: row("email", "Fatima.Benali1@example.ma"),
			Want: "applicants.xlsx:applicants:3:email", Msg: "en double"},
		{Name: "UnknownCommune", Kind: "applicants", Header: h, ByStore: true,
			Rows: row("choice_2", UnknownCommune),
			Want: "applicants.xlsx:applicants:3:choice_2", Msg: "« 01.511.99.99 » inconnu"},
	}
}

// fileCases are the cases of files refused whole.
func fileCases() []Case {
	h, valid := ApplicantHeader, Applicants(3)
	return []Case{
		{Name: "EmptySheet", Kind: "applicants",
			Want: "applicants.xlsx:applicants:0:", Msg: "feuille vide"},
		{Name: "HeaderOnly", Kind: "applicants", Header: h,
			Want: "applicants.xlsx:applicants:0:", Msg: "aucune ligne de données"},
		{Name: "MissingSheet", Kind: "applicants", Header: h, Rows: valid,
			Sheet: "Feuil1", OtherSheet: "Feuil2",
			Want: "applicants.xlsx:applicants:0:", Msg: "feuille « applicants » absente"},
		{Name: "OtherFilesSheet", Kind: "applicants", Header: h, Rows: valid, Sheet: "needs",
			Want: "applicants.xlsx:applicants:0:", Msg: "celle du fichier needs.xlsx"},
		{Name: "NotXLSX", Kind: "applicants", Build: writeText("applicant_id;cin\nA1;BK1\n"),
			Want: "applicants.xlsx:applicants:0:", Msg: "ce n'est pas un fichier XLSX"},
		{Name: "OldExcelFormat", Kind: "applicants",
			Build: writeText("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old"),
			Want:  "applicants.xlsx:applicants:0:", Msg: "Excel 97-2003"},
		{Name: "ZipBomb", Kind: "applicants", Build: writeZipBomb,
			Want: "applicants.xlsx:applicants:0:", Msg: "bombe de décompression"},
		{Name: "DeclaredHuge", Kind: "applicants", Build: writeDeclaredHuge,
			Want: "applicants.xlsx:applicants:0:", Msg: "contenu décompressé trop volumineux"},
		{Name: "BrokenXML", Kind: "applicants", Build: writeBroken(h, valid, `<c r="C3"`, `<c r="C3" <`),
			Want: "applicants.xlsx:applicants:3:", Msg: "feuille illisible"},
		{Name: "TruncatedXML", Kind: "applicants", Build: writeTruncated(h, valid, `<row r="4"`),
			Want: "applicants.xlsx:applicants:3:", Msg: "non fermé (fichier tronqué ?)"},
	}
}

// needCases are the cases of needs.xlsx.
func needCases() []Case {
	h := NeedHeader
	valid := [][]any{NeedRow(Commune1), NeedRow(Commune2), NeedRow(Commune3)}
	row := func(col string, v any) [][]any {
		return [][]any{valid[0], with(h, valid[1], col, v), valid[2]}
	}
	noLang, noLangRows := without(h, valid, "languages")
	return []Case{
		{Name: "NeedsValid", Kind: "needs", Header: h, Rows: valid, Valid: 3},
		{Name: "NeedsValidWithoutLanguages", Kind: "needs", Header: noLang, Rows: noLangRows, Valid: 3},
		{Name: "NeedsTextInNumber", Kind: "needs", Header: h, Rows: row("enumerators", "douze"),
			Want: "needs.xlsx:needs:3:enumerators", Msg: "nombre attendu"},
		{Name: "NeedsFraction", Kind: "needs", Header: h, Rows: row("controllers", 2.5),
			Want: "needs.xlsx:needs:3:controllers", Msg: "nombre entier attendu"},
		{Name: "NeedsUnknownLanguage", Kind: "needs", Header: h, Rows: row("languages", "darija;klingon"),
			Want: "needs.xlsx:needs:3:languages", Msg: "« klingon » n'est pas une valeur admise"},
		{Name: "NeedsUnknownCommune", Kind: "needs", Header: h, Rows: row("commune_code", UnknownCommune),
			ByStore: true, Want: "needs.xlsx:needs:3:commune_code", Msg: "inconnu"},
	}
}

// trainingCases are the cases of training.xlsx, for applicants 1 to 3.
func trainingCases() []Case {
	h := TrainingHeader
	valid := [][]any{TrainingRow(1), TrainingRow(2), with(h, TrainingRow(3), "test_score", "")}
	row := func(col string, v any) [][]any {
		return [][]any{valid[0], with(h, valid[1], col, v), valid[2]}
	}
	return []Case{
		{Name: "TrainingValid", Kind: "training", Header: h, Rows: valid, Valid: 3},
		{Name: "TrainingTextInNumber", Kind: "training", Header: h, Rows: row("modules_total", "cinq"),
			Want: "training.xlsx:training:3:modules_total", Msg: "nombre attendu"},
		{Name: "TrainingBadStarted", Kind: "training", Header: h, Rows: row("started", "maybe"),
			Want: "training.xlsx:training:3:started", Msg: "admises : yes, no"},
		{Name: "TrainingScoreOutOfRange", Kind: "training", Header: h, Rows: row("test_score", 120),
			Want: "training.xlsx:training:3:test_score", Msg: "de 0 à 100"},
		{Name: "TrainingUnknownApplicant", Kind: "training", Header: h,
			Rows: row("applicant_id", "A999999"), ByStore: true,
			Want: "training.xlsx:training:3:applicant_id", Msg: "inconnu"},
	}
}

func slices0(s []string) []string { return append([]string(nil), s...) }

// shuffled reverses the header and adds a column outside the contract.
func shuffled(h []string) []string {
	out := []string{"remarque"}
	for i := len(h) - 1; i >= 0; i-- {
		out = append(out, strings.ToUpper(h[i]))
	}
	return out
}

// shuffledRows reorders rows as shuffled reorders the header.
func shuffledRows(rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for j, r := range rows {
		o := []any{"note libre"}
		for i := len(r) - 1; i >= 0; i-- {
			o = append(o, r[i])
		}
		out[j] = o
	}
	return out
}

// writeText returns a Build writing text as the file.
func writeText(text string) func(testing.TB, string) {
	return func(tb testing.TB, path string) {
		tb.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// writeBroken returns a Build writing a valid file, then replacing old
// by new in its sheet XML.
func writeBroken(h []string, rows [][]any, old, new string) func(testing.TB, string) {
	return func(tb testing.TB, path string) {
		tb.Helper()
		MustWriteXLSX(tb, path, "applicants", "", false, h, rows)
		MustRewrite(tb, path, replaceInSheet(tb, old, new))
	}
}

// writeTruncated returns a Build writing a valid file whose sheet XML
// is then cut just before at, as a writer that crashed would leave it.
func writeTruncated(h []string, rows [][]any, at string) func(testing.TB, string) {
	return func(tb testing.TB, path string) {
		tb.Helper()
		MustWriteXLSX(tb, path, "applicants", "", false, h, rows)
		MustRewrite(tb, path, func(name string, data []byte) []byte {
			i := bytes.Index(data, []byte(at))
			if !strings.HasPrefix(name, "xl/worksheets/") {
				return data
			}
			if i < 0 {
				tb.Fatalf("xlsxtest: %q not in %s", at, name)
			}
			return data[:i]
		})
	}
}

// writeZipBomb writes a valid file whose sheet XML also holds 2 MB of
// blanks, which deflate about a thousand times: beyond the ratio any
// real sheet has.
func writeZipBomb(tb testing.TB, path string) {
	tb.Helper()
	MustWriteXLSX(tb, path, "applicants", "", false, ApplicantHeader, Applicants(1))
	MustRewrite(tb, path, func(name string, data []byte) []byte {
		if !strings.HasPrefix(name, "xl/worksheets/") {
			return data
		}
		blank := bytes.Repeat([]byte(" "), 2<<20)
		return bytes.Replace(data, []byte("<sheetData>"), append([]byte("<sheetData>"), blank...), 1)
	})
}

// writeDeclaredHuge writes a zip whose directory declares a sheet of
// 8 GiB: the reader must refuse it from the directory alone.
func writeDeclaredHuge(tb testing.TB, path string) {
	tb.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	data := []byte("<worksheet/>")
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(comp.Len()),
		UncompressedSize64: 8 << 30})
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}
