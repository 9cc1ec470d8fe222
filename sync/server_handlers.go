package sync

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"intiqa/localdb"
)

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, map[string]string{
		"status": "ok", "time": time.Now().UTC().Format(time.RFC3339)})
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", contentJSON)
	w.Write(openAPI)
}

func (s *Server) handleEnrollment(w http.ResponseWriter, r *http.Request, t *localdb.Token) {
	writeJSON(w, r, http.StatusOK, EnrollmentInfo{TokenID: t.ID, Province: t.Province, Role: t.Role})
}

func (s *Server) handleProgress(w http.ResponseWriter, r *http.Request, t *localdb.Token) {
	rep, err := s.db.Progress(r.Context())
	if err != nil {
		s.internalError(w, r.Context(), "progress", err)
		return
	}
	writeJSON(w, r, http.StatusOK, rep)
}

// handleChanges answers one page of a pull.
func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request, t *localdb.Token) {
	q, err := DecodeChangesQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, requestError(err))
		return
	}
	page, err := s.db.Changes(r.Context(), t.Province, q.Cursor, q.Limit)
	if err != nil {
		s.internalError(w, r.Context(), "changes", err)
		return
	}
	writeJSON(w, r, http.StatusOK, page)
}

// handleDecisions applies a pushed batch.
func (s *Server) handleDecisions(w http.ResponseWriter, r *http.Request, t *localdb.Token) {
	// Read and decode the whole batch before touching the store.
	req, err := DecodePushRequest(r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"),
		http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		writeError(w, requestError(err))
		return
	}

	// Apply it in one transaction.
	from := localdb.Pusher{TokenID: t.ID, Province: t.Province, Role: t.Role}
	results, err := s.db.ApplyDecisions(r.Context(), from, req.pushed)
	switch {
	case errors.Is(err, localdb.ErrScope):
		writeError(w, &APIError{Status: http.StatusForbidden, Code: CodeForbidden,
			Message: "envoi refusé, rien n'a été appliqué : " + err.Error()})
		return
	case err != nil:
		s.internalError(w, r.Context(), "apply decisions", err)
		return
	}
	s.log.Info("decisions applied", keyToken, t.ID, keyProvince, t.Province,
		keyDecisions, len(results))
	s.tellApplied(r.Context(), t.Province, req.pushed, results)
	writeJSON(w, r, http.StatusOK, PushResponse{Results: results})
}

// requestError answers a request the decoders refused.
func requestError(err error) *APIError {
	e := &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: err.Error()}
	switch {
	case errors.Is(err, ErrTooLarge):
		e.Status, e.Code = http.StatusRequestEntityTooLarge, CodeTooLarge
	case errors.Is(err, ErrMediaType):
		e.Status, e.Code = http.StatusUnsupportedMediaType, CodeMediaType
	}
	return e
}

// handleDocument serves a document file of the token's province by its
// SHA-256, with HTTP Range so that a cut download resumes.
func (s *Server) handleDocument(w http.ResponseWriter, r *http.Request, t *localdb.Token) {
	sum := r.PathValue("sha256")
	if !IsSHA256(sum) {
		writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest,
			Message: "empreinte SHA-256 attendue : 64 chiffres hexadécimaux en minuscules"})
		return
	}
	d, err := s.db.DocumentBySHA256(r.Context(), t.Province, sum)
	if errors.Is(err, localdb.ErrNotFound) {
		writeError(w, &APIError{Status: http.StatusNotFound, Code: CodeNotFound,
			Message: "aucun document de la province n'a cette empreinte"})
		return
	}
	if err != nil {
		s.internalError(w, r.Context(), "document", err)
		return
	}
	f, err := os.Open(filepath.Join(s.docs, d.FileName()))
	if err != nil {
		s.log.Error("document file", keyError, err)
		writeError(w, &APIError{Status: http.StatusNotFound, Code: CodeNotFound,
			Message: "le fichier de ce document manque au siège"})
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", d.MediaType)
	w.Header().Set("ETag", `"`+sum+`"`)
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, f)
}
