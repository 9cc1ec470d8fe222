package reports

import "strings"

// The tables of the statistics, shared by the PDF and the XLSX files.

// StatsTable is one table of the statistics: its title, columns and
// rows (the last one a total where the table has one).
type StatsTable struct {
	Sheet          string // XLSX sheet name
	Title, TitleAR string
	Columns        []Column
	Rows           [][]any
}

// Tables returns the statistics' three tables: applicants by category,
// applications against needs by area, and document files.
func (s *Statistics) Tables() []StatsTable {
	return []StatsTable{s.categoryTable(), s.areaTable(), s.fileTable()}
}

func (s *Statistics) categoryTable() StatsTable {
	t := StatsTable{Sheet: "categories", Title: "Candidats inscrits par catégorie",
		TitleAR: "المترشحون المسجلون حسب الفئة",
		Columns: []Column{
			{Key: "category", Width: 0},
			{Key: "label", Label: "Catégorie", Width: 70, Align: Left},
			{Key: "label_ar", LabelAR: "الفئة", Width: 60, Align: Right},
			{Key: "applicants", Label: "Candidats", LabelAR: "المترشحون", Width: 30, Align: Right},
			{Key: "share_percent", Label: "Part (%)", LabelAR: "النسبة", Width: 22, Align: Right},
		}}
	total := 0
	for _, c := range s.Categories {
		t.Rows = append(t.Rows, []any{string(c.Category), c.Label, c.LabelAR, c.Applicants,
			float64(c.SharePermil) / 10})
		total += c.Applicants
	}
	t.Rows = append(t.Rows, []any{"total", "Total", "المجموع", total, 100.0})
	return t
}

func (s *Statistics) areaTable() StatsTable {
	codeWidth := 12.0
	if s.AreaLabel == "Commune" {
		codeWidth = 22 // dotted commune codes: 02.275.01.03
	}
	t := StatsTable{Sheet: "areas",
		Title:   "Candidatures et besoins par " + strings.ToLower(s.AreaLabel),
		TitleAR: "الترشيحات والحاجيات حسب " + s.AreaLabelAR,
		Columns: []Column{
			{Key: "code", Label: "Code", Width: codeWidth, Align: Left},
			{Key: "name", Label: s.AreaLabel, Width: 54, Align: Left},
			{Key: "name_ar", LabelAR: s.AreaLabelAR, Width: 42, Align: Right},
			{Key: "applications", Label: "Candidatures", LabelAR: "الترشيحات", Width: 25,
				Align: Right},
			{Key: "training_needs", Label: "Besoins en formation", LabelAR: "حاجيات التكوين",
				Width: 25, Align: Right},
			{Key: "ratio", Label: "Ratio", LabelAR: "النسبة", Width: 15, Align: Right},
			{Key: "invited", Label: "Invités à la formation", LabelAR: "المدعوون",
				Width: 25, Align: Right},
			{Key: "field_needs", Label: "Besoins terrain", LabelAR: "الحاجيات الميدانية",
				Width: 25, Align: Right},
		}}
	for _, a := range append(s.Areas, s.Total) {
		t.Rows = append(t.Rows, []any{a.Code, a.Name, a.NameAR, a.Applications, a.TrainingNeeds,
			a.Ratio(), a.Invited, a.FieldNeeds})
	}
	return t
}

func (s *Statistics) fileTable() StatsTable {
	f := s.Files
	return StatsTable{Sheet: "files", Title: "Dossiers de pièces justificatives",
		TitleAR: "ملفات الوثائق المثبتة",
		Columns: []Column{
			{Key: "status", Label: "Dossiers", Width: 80, Align: Left},
			{Key: "status_ar", LabelAR: "الملفات", Width: 60, Align: Right},
			{Key: "count", Label: "Nombre", LabelAR: "العدد", Width: 30, Align: Right},
		},
		Rows: [][]any{
			{"Dossiers déposés par les candidats", "الملفات المودعة من طرف المترشحين", f.Files},
			{"Dossiers examinés", "الملفات المدروسة", f.Examined},
			{"Acceptés", "المقبولة", f.Accepted},
			{"Rejetés", "المرفوضة", f.Rejected},
			{"En cours d'examen", "قيد الدراسة", f.Pending},
		}}
}
