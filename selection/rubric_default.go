package selection

// DefaultRubricVersion names the rubric shipped with Intiqa.
const DefaultRubricVersion = "2024.1"

// DefaultRubric returns the interview rubric of PRODUCT.md: five criteria
// scored 0 to 4 on anchored descriptions, weighted 25, 20, 25, 15 and 15
// percent. Headquarters may publish another.
func DefaultRubric() *Rubric {
	return &Rubric{Version: DefaultRubricVersion, Criteria: []Criterion{
		{Code: "communication", Weight: 0.25, Max: 4,
			LabelFR: "Communication et langues de la commune",
			LabelAR: "التواصل ولغات الجماعة",
			Anchors: []string{
				"Ne se fait pas comprendre",
				"Se fait comprendre avec peine, une seule langue",
				"Clair dans une langue de la commune",
				"Clair et à l'aise dans les langues de la commune",
				"Excellent, s'adapte à chaque interlocuteur",
			}},
		{Code: "tablet", Weight: 0.20, Max: 4,
			LabelFR: "Manipulation de la tablette (exercice pratique)",
			LabelAR: "استعمال اللوحة الإلكترونية (تمرين تطبيقي)",
			Anchors: []string{
				"Ne parvient pas à commencer",
				"Termine avec une aide constante",
				"Termine avec quelques aides",
				"Termine seul, sans erreur notable",
				"Termine seul, vite et sans erreur",
			}},
		{Code: "reasoning", Weight: 0.25, Max: 4,
			LabelFR: "Raisonnement sur un cas de terrain du recensement",
			LabelAR: "التفكير في حالة ميدانية من الإحصاء",
			Anchors: []string{
				"Aucune réponse pertinente",
				"Réponse partielle et hésitante",
				"Réponse correcte",
				"Réponse correcte et justifiée",
				"Réponse complète, anticipe les difficultés",
			}},
		{Code: "territory", Weight: 0.15, Max: 4,
			LabelFR: "Connaissance du territoire de la commune",
			LabelAR: "معرفة تراب الجماعة",
			Anchors: []string{
				"Ne connaît pas la commune",
				"Connaît le chef-lieu seulement",
				"Connaît les principaux douars et quartiers",
				"Connaît bien la commune et ses accès",
				"Connaît chaque secteur et ses particularités",
			}},
		{Code: "availability", Weight: 0.15, Max: 4,
			LabelFR: "Disponibilité pour toute la durée du recensement",
			LabelAR: "التفرغ طيلة مدة الإحصاء",
			Anchors: []string{
				"Indisponible",
				"Disponible une partie de la période",
				"Disponible avec des contraintes",
				"Disponible, contraintes mineures",
				"Entièrement disponible",
			}},
	}}
}
