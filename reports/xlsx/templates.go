package xlsx

import (
	"fmt"
	"io"
)

// ColumnsSheet is the name of a template's second sheet, which explains
// each column of the first.
const ColumnsSheet = "colonnes"

// columnHelp explains one contract column: what it holds, its format, and
// an example.
type columnHelp struct {
	description, format, example string
	required                     bool
}

// help explains the columns of the contract files (PRODUCT.md).
var help = map[Kind]map[string]columnHelp{
	KindApplicants: {
		"applicant_id": {"Identifiant du candidat sur la plateforme, unique",
			"texte", "A0070213", true},
		"cin": {"Numéro de la CIN : une ou deux lettres puis six chiffres au plus, unique",
			"texte", "BK123456", true},
		"last_name": {"Nom en caractères latins",
			"texte", "Benali", true},
		"first_name": {"Prénom en caractères latins",
			"texte", "Fatima Zahra", true},
		"last_name_ar": {"Nom en caractères arabes",
			"texte", "بنعلي", true},
		"first_name_ar": {"Prénom en caractères arabes",
			"texte", "فاطمة الزهراء", true},
		"sex": {"Sexe",
			"F ou M", "F", true},
		"birth_date": {"Date de naissance",
			"date AAAA-MM-JJ (texte ou date Excel)", "1990-05-01", true},
		"phone": {"Téléphone mobile marocain",
			"06…, 07…, +2126… ou +2127…", "0612345678", true},
		"email": {"Adresse électronique, unique ; identifiant de la formation à distance",
			"texte", "fatima.benali@example.ma", true},
		"category": {"Catégorie",
			"graduate, student, civil_servant, private_employee, public_retiree", "graduate", true},
		"education": {"Niveau d'études",
			"bac, bac+2, bac+3, bac+5, bac+8", "bac+3", true},
		"survey_experience": {"Expérience des enquêtes de terrain",
			"none, survey, census", "survey", true},
		"tech_skill": {"Maîtrise des outils numériques",
			"none, basic, good, advanced", "good", true},
		"languages": {"Langues parlées, séparées par « ; »",
			"darija, tachelhit, tamazight, tarifit, hassaniya, french, spanish, english",
			"darija;french", true},
		"choice_1": {"Commune de premier choix",
			"code officiel de commune (texte)", "01.511.01.01", true},
		"choice_2": {"Commune de deuxième choix",
			"code de commune, ou vide", "01.511.01.09", false},
		"choice_3": {"Commune de troisième choix",
			"code de commune, ou vide", "", false},
		"registered_at": {"Date et heure d'inscription",
			"AAAA-MM-JJTHH:MM:SS ou AAAA-MM-JJ HH:MM:SS (texte ou date Excel)",
			"2024-02-07T10:11:12", true},
	},
	KindNeeds: {
		"commune_code": {"Commune",
			"code officiel de commune (texte)", "01.511.01.01", true},
		"enumerators": {"Postes d'agents recenseurs",
			"entier, 0 ou plus", "12", true},
		"controllers": {"Postes de contrôleurs",
			"entier, 0 ou plus", "3", true},
		"languages": {"Langues des ménages de la commune, séparées par « ; »",
			"comme languages des candidats", "darija;tachelhit", false},
	},
	KindTraining: {
		"applicant_id": {"Identifiant du candidat",
			"texte", "A0070213", true},
		"started": {"Formation commencée",
			"yes ou no", "yes", true},
		"modules_completed": {"Modules achevés",
			"entier, 0 ou plus", "7", true},
		"modules_total": {"Modules de la formation",
			"entier, au moins modules_completed", "10", true},
		"test_score": {"Note du test final",
			"nombre de 0 à 100, ou vide", "78.5", false},
	},
}

// WriteTemplate writes the import template of a contract file to w: the
// sheet named as the file with the contract's header row and no data,
// then a sheet explaining each column.
func WriteTemplate(w io.Writer, k Kind) error {
	cols := k.Columns()
	rows := [][]any{{"colonne", "description", "format", "obligatoire", "exemple"}}
	for _, c := range cols {
		h, ok := help[k][c]
		if !ok {
			return fmt.Errorf("template %s: no help for column %s", k, c)
		}
		required := "non"
		if h.required {
			required = "oui"
		}
		rows = append(rows, []any{c, h.description, h.format, required, h.example})
	}
	_, err := writeSheet(w, k.Sheet(), cols, slice(nil), copyCells,
		smallSheet{name: ColumnsSheet, rows: rows})
	return err
}
