package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // documents may be JPEG photos
	_ "image/png"  // or PNG
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// prefetch is how many documents ahead the screen reads and decodes.
const prefetch = 3

// docView is a document file ready to show: a decoded image, or the
// path of a PDF for the system viewer, or why it cannot be shown.
type docView struct {
	img     image.Image
	pdfPath string
	err     error
}

// reviewScreen walks the review queue one document at a time, the
// applicant's declared data beside the document, driven from the
// keyboard: A accepts, R rejects (then 1 to 6 picks the reason), S or →
// skips, B or ← goes back, + and − zoom, T turns the image.
type reviewScreen struct {
	sess  *session
	queue *office.ReviewQueue
	item  *office.ReviewItem
	views map[string]*docView // by document ID, prefetched
	zoom  float32
	turns int // quarter turns clockwise

	declared  *fyne.Container
	docTitle  *widget.Label
	image     *canvas.Image
	imageBox  *fyne.Container
	pdfBox    *fyne.Container
	counts    *widget.Label
	position  *widget.Label
	bar       *widget.ProgressBar
	reasons   *fyne.Container
	verdict   *widget.Label
	rejecting bool
	done      *fyne.Container
	body      fyne.CanvasObject
}

func newReviewScreen(s *session) *reviewScreen {
	return &reviewScreen{sess: s, views: map[string]*docView{}, zoom: 1}
}

func (s *reviewScreen) build() fyne.CanvasObject {
	s.declared = container.NewVBox()
	s.docTitle = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.image = canvas.NewImageFromImage(nil)
	s.image.FillMode = canvas.ImageFillContain
	s.image.ScaleMode = canvas.ImageScaleSmooth
	s.imageBox = container.NewCenter(s.image)
	openPDF := widget.NewButtonWithIcon(tr("Ouvrir dans le lecteur PDF"), theme.FileIcon(), s.onOpenPDF)
	s.pdfBox = container.NewCenter(container.NewVBox(widget.NewIcon(theme.FileApplicationIcon()),
		paragraph(trRaw("Pièce au format PDF : ouvrez-la dans le lecteur du système.")), openPDF))
	s.pdfBox.Hide()
	s.counts = widget.NewLabel("")
	s.position = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	s.bar = widget.NewProgressBar()
	s.verdict = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.reasons = s.reasonList()
	s.reasons.Hide()
	s.done = container.NewCenter(container.NewVBox(heading(trRaw("File terminée")),
		paragraph(trRaw("Toutes les pièces de la file ont été vues. Revenez plus tard : "+
			"la synchronisation en apportera d'autres."))))
	s.done.Hide()

	viewer := container.NewBorder(container.NewVBox(s.docTitle, s.toolbar()), s.verdict, nil, nil,
		container.NewStack(container.NewScroll(s.imageBox), s.pdfBox))
	left := container.NewBorder(heading(trRaw("Déclaration du candidat")), nil, nil, nil,
		container.NewVScroll(s.declared))
	split := container.NewHSplit(left, viewer)
	split.Offset = 0.34
	if rtl() {
		split = container.NewHSplit(viewer, left)
		split.Offset = 0.66
	}
	bottom := container.NewVBox(s.reasons, s.actions(), container.NewBorder(nil, nil, nil,
		s.position, s.counts), s.bar)
	s.body = container.NewBorder(nil, bottom, nil, nil, container.NewStack(split, s.done))
	s.sess.win.Canvas().SetOnTypedKey(s.onKey)
	s.load()
	return container.NewPadded(s.body)
}

// toolbar holds the viewer's zoom and rotate buttons.
func (s *reviewScreen) toolbar() fyne.CanvasObject {
	return container.NewCenter(container.NewHBox(
		widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { s.onZoom(1 / 1.25) }),
		widget.NewButtonWithIcon("", theme.ZoomFitIcon(), func() { s.zoom = 1; s.layoutImage() }),
		widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { s.onZoom(1.25) }),
		widget.NewButtonWithIcon(tr("Tourner (T)"), theme.ViewRefreshIcon(), s.onRotate),
	))
}

// actions holds the decision buttons, each with its key.
func (s *reviewScreen) actions() fyne.CanvasObject {
	accept := widget.NewButtonWithIcon(tr("Accepter (A)"), theme.ConfirmIcon(), s.onAccept)
	accept.Importance = widget.SuccessImportance
	reject := widget.NewButtonWithIcon(tr("Rejeter (R)"), theme.CancelIcon(), s.onRejectStart)
	reject.Importance = widget.DangerImportance
	skip := widget.NewButtonWithIcon(tr("Passer (S)"), theme.MediaSkipNextIcon(), s.onSkip)
	back := widget.NewButtonWithIcon(tr("Retour (B)"), theme.MediaSkipPreviousIcon(), s.onBack)
	return container.NewCenter(row(back, accept, reject, skip))
}

// reasonList shows the closed list of reasons, each with its number.
func (s *reviewScreen) reasonList() *fyne.Container {
	grid := container.NewGridWithColumns(2)
	for i, r := range selection.RejectReasons {
		grid.Add(widget.NewButton(display(fmt.Sprintf("%d. %s", i+1, reasonLabel(r))),
			func() { s.onReject(r) }))
	}
	title := widget.NewLabelWithStyle(tr("Motif du rejet :"), align(), fyne.TextStyle{Bold: true})
	cancel := widget.NewButton(tr("Annuler (Échap)"), s.onRejectCancel)
	return container.NewVBox(container.NewBorder(nil, nil, nil, cancel, title), grid)
}

// load opens the queue in the background.
func (s *reviewScreen) load() {
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() (*office.ReviewQueue, error) { return svc.ReviewQueue(ctx) },
		func(q *office.ReviewQueue, err error) {
			if err != nil {
				s.sess.showError("open review queue", err)
				return
			}
			s.queue = q
			s.show()
		})
}

// onKey drives the screen from the keyboard.
func (s *reviewScreen) onKey(ev *fyne.KeyEvent) {
	if s.queue == nil {
		return
	}
	if s.rejecting {
		if n := digit(ev.Name); n >= 1 && n <= len(selection.RejectReasons) {
			s.onReject(selection.RejectReasons[n-1])
		} else if ev.Name == fyne.KeyEscape {
			s.onRejectCancel()
		}
		return
	}
	switch ev.Name {
	case fyne.KeyA, fyne.KeyReturn, fyne.KeyEnter:
		s.onAccept()
	case fyne.KeyR:
		s.onRejectStart()
	case fyne.KeyS, fyne.KeyRight, fyne.KeySpace:
		s.onSkip()
	case fyne.KeyB, fyne.KeyLeft, fyne.KeyBackspace:
		s.onBack()
	case fyne.KeyPlus, fyne.KeyEqual:
		s.onZoom(1.25)
	case fyne.KeyMinus:
		s.onZoom(1 / 1.25)
	case fyne.KeyT:
		s.onRotate()
	}
}

// digit returns the number of a digit key, or -1.
func digit(k fyne.KeyName) int {
	if len(k) == 1 && k[0] >= '0' && k[0] <= '9' {
		return int(k[0] - '0')
	}
	return -1
}

// onAccept accepts the document on screen and shows the next.
func (s *reviewScreen) onAccept() {
	if s.item == nil || s.rejecting {
		return
	}
	if err := s.queue.Accept(s.sess.ctx); err != nil {
		s.sess.showError("accept document", err)
		return
	}
	s.show()
}

// onRejectStart shows the reasons to reject the document for.
func (s *reviewScreen) onRejectStart() {
	if s.item == nil {
		return
	}
	s.sess.svc.Touch()
	s.rejecting = true
	s.reasons.Show()
}

// onRejectCancel hides the reasons.
func (s *reviewScreen) onRejectCancel() {
	s.rejecting = false
	s.reasons.Hide()
}

// onReject rejects the document on screen for a reason and shows the
// next.
func (s *reviewScreen) onReject(r selection.RejectReason) {
	s.onRejectCancel()
	if s.item == nil {
		return
	}
	if err := s.queue.Reject(s.sess.ctx, r); err != nil {
		s.sess.showError("reject document", err)
		return
	}
	s.show()
}

// onSkip shows the next document without a decision.
func (s *reviewScreen) onSkip() {
	if s.queue != nil {
		s.queue.Skip()
		s.show()
	}
}

// onBack shows the previous document, to see or change its verdict.
func (s *reviewScreen) onBack() {
	if s.queue != nil {
		s.queue.Back()
		s.show()
	}
}

// onZoom scales the image.
func (s *reviewScreen) onZoom(f float32) {
	s.zoom = min(4, max(0.25, s.zoom*f))
	s.layoutImage()
}

// onRotate turns the image a quarter clockwise.
func (s *reviewScreen) onRotate() {
	s.turns = (s.turns + 1) % 4
	s.showImage()
}

// onOpenPDF opens the PDF on screen in the system viewer.
func (s *reviewScreen) onOpenPDF() {
	if s.item == nil {
		return
	}
	v := s.views[s.item.Doc.Document.ID]
	if v == nil || v.pdfPath == "" {
		return
	}
	u := &url.URL{Scheme: "file", Path: v.pdfPath}
	if err := fyne.CurrentApp().OpenURL(u); err != nil {
		s.sess.showError("open PDF", err)
	}
}

// show puts the queue's current document on screen, then prefetches the
// next ones.
func (s *reviewScreen) show() {
	item, err := s.queue.Current(s.sess.ctx)
	if err != nil {
		s.sess.showError("read review queue", err)
		return
	}
	s.item, s.turns, s.zoom = item, 0, 1
	s.refreshCounts()
	if item == nil {
		s.done.Show()
		return
	}
	s.done.Hide()
	s.docTitle.SetText(display(fmt.Sprintf("%s · %s", kindLabel(item.Doc.Document.Kind),
		trRaw("pièce {{.N}} sur {{.Of}}", map[string]any{"N": item.Nth, "Of": item.Of}))))
	s.showVerdict()
	s.showDeclared()
	s.showImage()
	s.prefetch()
}

// showVerdict tells whether the document on screen was already decided
// (after going back).
func (s *reviewScreen) showVerdict() {
	st := s.item.Doc
	switch st.Verdict {
	case selection.VerdictPending:
		s.verdict.SetText("")
	case selection.VerdictRejected:
		s.verdict.SetText(tr("Décision actuelle : rejetée ({{.Reason}})",
			map[string]any{"Reason": reasonLabel(st.Reason)}))
	default:
		s.verdict.SetText(tr("Décision actuelle : acceptée"))
	}
}

// showDeclared shows what the applicant declared, beside the document.
func (s *reviewScreen) showDeclared() {
	a := s.item.Applicant
	birth := ""
	if !a.BirthDate.IsZero() {
		birth = a.BirthDate.Format("02/01/2006")
	}
	s.declared.Objects = []fyne.CanvasObject{
		value(joinNonEmpty(strings.ToUpper(a.LastName), a.FirstName)),
		arabicLabel(joinNonEmpty(a.LastNameAR, a.FirstNameAR)),
		fields(tr("Identifiant"), a.ID, tr("CIN"), orDash(a.CIN),
			tr("Date de naissance"), orDash(birth), tr("Catégorie"), categoryLabel(a.Category),
			tr("Études"), educationLabel(a.Education),
			tr("Expérience d'enquête"), experienceLabel(a.SurveyExperience)),
		heading(trRaw("Pièces du dossier")),
	}
	for _, st := range s.queue.Dossier(a.ID) {
		text := kindLabel(st.Document.Kind) + " : " + verdictLabel(st.Verdict)
		l := value(text)
		if st.Document.ID == s.item.Doc.Document.ID {
			l.TextStyle = fyne.TextStyle{Bold: true}
		}
		s.declared.Add(l)
	}
	s.declared.Refresh()
}

// showImage shows the document on screen, turned and zoomed.
func (s *reviewScreen) showImage() {
	v := s.view(s.item)
	switch {
	case v.pdfPath != "":
		s.image.Image = nil
		s.pdfBox.Show()
	case v.err != nil:
		s.image.Image = nil
		s.pdfBox.Hide()
		s.verdict.SetText(tr("Fichier illisible ou absent : rejetez-le comme illisible, " +
			"ou passez en attendant son téléchargement."))
	default:
		s.pdfBox.Hide()
		s.image.Image = rotate(v.img, s.turns)
	}
	s.layoutImage()
}

// layoutImage sizes the image to the zoom.
func (s *reviewScreen) layoutImage() {
	if s.image.Image == nil {
		s.image.SetMinSize(fyne.NewSize(0, 0))
		s.image.Refresh()
		return
	}
	b := s.image.Image.Bounds()
	w, h := float32(b.Dx()), float32(b.Dy())
	fit := min(560/w, 400/h)
	s.image.SetMinSize(fyne.NewSize(w*fit*s.zoom, h*fit*s.zoom))
	s.image.Refresh()
}

// view returns a document's prefetched view, reading it now if needed.
func (s *reviewScreen) view(it *office.ReviewItem) *docView {
	if v := s.views[it.Doc.Document.ID]; v != nil {
		return v
	}
	v := readView(s.sess.svc, &it.Doc.Document)
	s.views[it.Doc.Document.ID] = v
	return v
}

// prefetch reads and decodes the next documents in the background.
func (s *reviewScreen) prefetch() {
	var docs []selection.Document
	for k := 1; k <= prefetch; k++ {
		it, err := s.queue.Peek(s.sess.ctx, k)
		if err != nil || it == nil {
			break
		}
		if s.views[it.Doc.Document.ID] == nil {
			docs = append(docs, it.Doc.Document)
		}
	}
	if len(docs) == 0 {
		return
	}
	svc := s.sess.svc
	goAsync(func() {
		views := make([]*docView, len(docs))
		for i := range docs {
			views[i] = readView(svc, &docs[i])
		}
		fyne.Do(func() {
			for i, d := range docs {
				if s.views[d.ID] == nil {
					s.views[d.ID] = views[i]
				}
			}
		})
	})
}

// readView reads and decodes one document's file.
func readView(svc *office.Service, d *selection.Document) *docView {
	if d.MediaType == "application/pdf" {
		p, err := svc.DocumentPath(d)
		return &docView{pdfPath: p, err: err}
	}
	b, err := svc.DocumentFile(d)
	if err != nil {
		return &docView{err: err}
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	return &docView{img: img, err: err}
}

// refreshCounts shows the province's review figures and the position in
// the queue.
func (s *reviewScreen) refreshCounts() {
	c := s.queue.Counts()
	s.counts.SetText(tr("Pièces examinées : {{.Done}} sur {{.Total}} · acceptées : {{.Acc}} · "+
		"rejetées : {{.Rej}} · en attente : {{.Pending}}", map[string]any{
		"Done": formatCount(c.DocsReviewed()), "Total": formatCount(c.Documents),
		"Acc": formatCount(c.DocsAccepted), "Rej": formatCount(c.DocsRejected),
		"Pending": formatCount(c.DocsPending)}))
	n := s.queue.Len()
	s.position.SetText(fmt.Sprintf("%s / %s", formatCount(min(s.queue.Position()+1, n)),
		formatCount(n)))
	if c.Documents > 0 {
		s.bar.SetValue(float64(c.DocsReviewed()) / float64(c.Documents))
	}
}

// rotate turns an image by quarter turns clockwise.
func rotate(img image.Image, turns int) image.Image {
	if img == nil || turns%4 == 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out *image.NRGBA
	if turns%2 == 1 {
		out = image.NewNRGBA(image.Rect(0, 0, h, w))
	} else {
		out = image.NewNRGBA(image.Rect(0, 0, w, h))
	}
	for y := range h {
		for x := range w {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch turns % 4 {
			case 1:
				out.Set(h-1-y, x, c)
			case 2:
				out.Set(w-1-x, h-1-y, c)
			case 3:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}
