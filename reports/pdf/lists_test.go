package pdf_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"intiqa/reports"
	"intiqa/reports/pdf"
	"intiqa/reports/reportstest"
	"intiqa/selection"
)

// checkPeople checks that every listed applicant's ID, Latin name and
// Arabic name are printed, the IDs in the given order.
func checkPeople(t *testing.T, f *reportstest.Fixture, text string, ids []string) {
	t.Helper()
	if i := inOrder(text, ids); i >= 0 {
		t.Errorf("applicant %s (number %d) missing or out of order", ids[i], i+1)
	}
	for _, id := range ids {
		a := f.Applicants[id]
		if !strings.Contains(text, reports.LatinName(a)) {
			t.Errorf("%s: Latin name %q missing", id, reports.LatinName(a))
		}
		if !strings.Contains(text, reports.ArabicName(a)) {
			t.Errorf("%s: Arabic name %q missing", id, reports.ArabicName(a))
		}
	}
}

// convokedIDs returns the IDs of a stored session's convocations, by slot.
func convokedIDs(t *testing.T, f *reportstest.Fixture, session string) []string {
	t.Helper()
	convs, err := f.DB.Convocations(context.Background(), session)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range convs {
		ids = append(ids, c.ApplicantID)
	}
	return ids
}

func TestConvocations(t *testing.T) {
	f := mustFixture(t)
	s := f.Sessions[0]
	r, err := reports.Convocations(t.Context(), f.DB, s.ID, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	path, ps := writeReport(t, r)
	text := strings.Join(ps, "\n")
	ids := convokedIDs(t, f, s.ID)
	if len(ids) != reportstest.SessionSize {
		t.Fatalf("%d convocations stored; want %d", len(ids), reportstest.SessionSize)
	}
	checkPeople(t, f, text, ids)
	checkPages(t, ps, "Liste des convocations", "Identifiant", "Session "+s.ID, "20/06/2024")
	if want := fmt.Sprintf("%d candidats convoqués", len(ids)); !strings.Contains(text, want) {
		t.Errorf("the count %q is missing", want)
	}
	if !strings.Contains(text, "09:20") {
		t.Error("the second slot's time is missing")
	}
	checkGolden(t, path, "convocations")
}

func TestAttendance(t *testing.T) {
	f := mustFixture(t)
	s := f.Sessions[0]
	r, err := reports.Attendance(t.Context(), f.DB, s.ID, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	path, ps := writeReport(t, r)
	if len(ps) < 2 {
		t.Fatalf("%d page(s): the sheet should need two, to show the header repeated", len(ps))
	}
	checkPages(t, ps, "Feuille de présence", "Signature", "Identifiant", "Présent")
	text := strings.Join(ps, "\n")
	checkPeople(t, f, text, convokedIDs(t, f, s.ID))
	last := ps[len(ps)-1]
	for _, m := range s.Panel {
		if !strings.Contains(last, m) {
			t.Errorf("the last page lacks the signature block of %s", m)
		}
	}
	checkGolden(t, path, "attendance")
}

func TestMinutes(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	s := f.Sessions[1]
	r, err := reports.Minutes(ctx, f.DB, s.ID, f.Rubric, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	path, ps := writeReport(t, r)
	checkPages(t, ps, "Procès-verbal du jury", s.ID)
	text := strings.Join(ps, "\n")
	ids := convokedIDs(t, f, s.ID)
	checkPeople(t, f, text, ids)

	// Each candidate's panel score, recomputed from the stored sheets.
	att, err := f.DB.Attendance(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	absent := 0
	for _, a := range att {
		if !a.Present {
			absent++
			continue
		}
		sheets, err := f.DB.ScoreSheets(ctx, s.ID, a.ApplicantID)
		if err != nil || len(sheets) != len(reportstest.Panel) {
			t.Fatalf("sheets of %s: %d, %v", a.ApplicantID, len(sheets), err)
		}
		var sum float64
		for _, sh := range sheets {
			sum += f.Rubric.WeightedScore(sh.Points)
		}
		want := fmt.Sprintf("Note du jury (moyenne de 3 fiches) : %s / 100",
			reports.Decimal(sum/3))
		if !strings.Contains(text, want) {
			t.Errorf("%s: %q missing", a.ApplicantID, want)
		}
	}
	if got := strings.Count(text, "Absent : non évalué."); got != absent {
		t.Errorf("%d candidates marked absent; want %d", got, absent)
	}
	for _, m := range s.Panel {
		if !strings.Contains(ps[len(ps)-1], m) {
			t.Errorf("no signature block for %s", m)
		}
	}
	checkGolden(t, path, "minutes")
}

// listed returns the final run's outcomes of a status, in list order.
func listed(f *reportstest.Fixture, st selection.Status) []selection.Outcome {
	var out []selection.Outcome
	for _, o := range f.Outcomes {
		if o.Status == st {
			out = append(out, o)
		}
	}
	roleOrder := map[selection.Role]int{selection.RoleController: 0, selection.RoleEnumerator: 1}
	slices.SortFunc(out, func(a, b selection.Outcome) int {
		if c := strings.Compare(a.CommuneCode, b.CommuneCode); c != 0 {
			return c
		}
		if a.Role != b.Role {
			return roleOrder[a.Role] - roleOrder[b.Role]
		}
		return a.Rank - b.Rank
	})
	return out
}

func TestSelected(t *testing.T) {
	f := mustFixture(t)
	r, err := reports.Selected(t.Context(), f.DB, f.Final.ID, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	checkFinalList(t, f, r, selection.StatusSelected, "Candidats retenus")
}

func TestWaiting(t *testing.T) {
	f := mustFixture(t)
	r, err := reports.Waiting(t.Context(), f.DB, f.Final.ID, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	checkFinalList(t, f, r, selection.StatusWaiting, "Listes d'attente")
}

// checkFinalList checks a list of a final run against the run's
// outcomes: every candidate once, in commune, role and rank order, and
// the run's hash on every page.
func checkFinalList(t *testing.T, f *reportstest.Fixture, r *reports.Report,
	st selection.Status, title string) {
	t.Helper()
	want := listed(f, st)
	if len(want) < 5 {
		t.Fatalf("the fixture's run has %d %s candidates: too few to test", len(want), st)
	}
	if r.RowCount() != len(want) {
		t.Errorf("%d rows; want %d", r.RowCount(), len(want))
	}
	path, ps := writeReport(t, r)
	checkPages(t, ps, title, "Rang", f.Final.OutputHash)
	text := strings.Join(ps, "\n")
	var ids []string
	for _, o := range want {
		ids = append(ids, o.ApplicantID)
	}
	checkPeople(t, f, text, ids)
	note := fmt.Sprintf("%s candidats dans %d listes.", reports.Thousands(len(want)), len(r.Sections))
	if !has(text, note) {
		t.Errorf("the count %q is missing", note)
	}
	checkGolden(t, path, r.Name)
}

func TestReviews(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	r, err := reports.Reviews(ctx, f.DB, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}

	// The files and their verdicts, from the store.
	verdicts := map[string][]selection.Verdict{}
	for dr, err := range f.DB.DocumentReviews(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		verdicts[dr.Document.ApplicantID] = append(verdicts[dr.Document.ApplicantID], dr.Verdict())
	}
	count := map[selection.Verdict]int{}
	for _, vs := range verdicts {
		count[selection.FileVerdict(vs)]++
	}
	if r.RowCount() != len(verdicts) || count[selection.VerdictRejected] == 0 {
		t.Fatalf("%d rows for %d files (%v)", r.RowCount(), len(verdicts), count)
	}
	path, ps := writeReport(t, r)
	checkPages(t, ps, "État de l'examen des pièces", "Dossier")
	text := strings.Join(ps, "\n")
	want := fmt.Sprintf("%s dossiers : %s acceptés, %s rejetés, %s en attente.",
		reports.Thousands(len(verdicts)), reports.Thousands(count[selection.VerdictAccepted]),
		reports.Thousands(count[selection.VerdictRejected]),
		reports.Thousands(count[selection.VerdictPending]))
	if !has(text, want) {
		t.Errorf("the summary %q is missing", want)
	}
	if got := strings.Count(text, "rejeté"); got < count[selection.VerdictRejected] {
		t.Errorf("%d rejected files printed; want %d", got, count[selection.VerdictRejected])
	}
	checkGolden(t, path, "reviews")
}

func TestStatistics(t *testing.T) {
	requireTool(t, "pdftotext")
	f := mustFixture(t)
	quota := selection.DefaultRules().Preselection.QuotaMultiplier
	s, err := reports.BuildStatistics(t.Context(), f.DB, f.Province, quota, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, "stats", func(w *os.File) error { return pdf.WriteStatistics(w, s) })
	ps := pages(t, path)
	checkPages(t, ps, "Statistiques du recrutement", "Jerada")
	text := strings.Join(ps, "\n")
	want := []string{"Candidats inscrits par catégorie", reports.Thousands(s.Total.Applications),
		"Candidatures et besoins par commune", s.Total.Ratio(), "Dossiers de pièces justificatives"}
	for _, c := range s.Categories {
		want = append(want, c.Label, reports.Thousands(c.Applicants))
	}
	for _, a := range s.Areas {
		want = append(want, a.Name)
	}
	want = append(want, reports.Thousands(s.Files.Examined), reports.Thousands(s.Files.Pending))
	for _, w := range want {
		if !has(text, w) {
			t.Errorf("the statistics lack %q", w)
		}
	}
	// The bars' values are printed once more beside each bar.
	if n := strings.Count(text, fmt.Sprint(s.Files.Rejected)); n < 2 {
		t.Errorf("the rejected files' count appears %d times; want the table's and the bar's", n)
	}
	checkGolden(t, path, "stats")
}
