package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed" // the OpenAPI document
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// openAPI is the API's description, kept beside the code and checked
// against the routes by the tests.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's OpenAPI 3 document.
func OpenAPI() []byte { return bytes.Clone(openAPI) }

// Log keys of the server. No log line holds a national ID, a phone, an
// e-mail, a token or a request body.
const (
	keyMethod    = "method"
	keyRoute     = "route"
	keyStatus    = "status"
	keyDuration  = "duration"
	keyBytes     = "bytes"
	keyToken     = "token"
	keyProvince  = "province"
	keyDecisions = "decisions"
	keyError     = "error"
	keyCode      = "code"
)

// Server is headquarters' side of the protocol: an http.Handler over the
// national store and the folder of document files.
type Server struct {
	db      *localdb.DB
	docs    string
	log     *slog.Logger
	mux     *http.ServeMux
	applied func(province string, applicants []string) // see OnApplied
}

// OnApplied sets f to be told, after each batch of decisions that
// headquarters applied, the applicants those decisions concern (for the
// e-mails they may call for). f runs on the request's goroutine, after
// the batch's transaction: it should hand the work on, not do it. Set it
// before serving.
func (s *Server) OnApplied(f func(province string, applicants []string)) { s.applied = f }

// tellApplied calls the OnApplied function, if any, with the applicants
// of a batch's applied decisions.
func (s *Server) tellApplied(ctx context.Context, province string, pushed []localdb.Pushed,
	results []selection.DecisionResult) {
	if s.applied == nil {
		return
	}
	ids, err := s.db.AppliedApplicants(ctx, pushed, results)
	if err != nil {
		// The batch is applied; a later planning catches what this misses.
		s.log.Warn("applicants of an applied batch", keyError, err)
		return
	}
	if len(ids) > 0 {
		s.applied(province, ids)
	}
}

// Route is one operation of the API: a method and a path pattern.
type Route struct {
	Method, Path string
}

// NewServer returns the server of a national store. docs is the folder
// of the document files, named by SHA-256 (as intiqa-hq gen writes them).
func NewServer(db *localdb.DB, docs string, log *slog.Logger) *Server {
	s := &Server{db: db, docs: docs, log: log, mux: http.NewServeMux()}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Path, rt.h)
	}
	return s
}

// route is a Route and its handler.
type route struct {
	Route
	h http.Handler
}

func (s *Server) routes() []route {
	r := func(method, path string, h http.HandlerFunc) route {
		return route{Route{method, path}, h}
	}
	return []route{
		r(http.MethodGet, PathHealth, s.handleHealth),
		r(http.MethodGet, PathOpenAPI, s.handleOpenAPI),
		r(http.MethodGet, PathEnrollment, s.authed(nil, s.handleEnrollment)),
		r(http.MethodPost, PathEnrollmentKey, s.authed(nil, s.handleEnrollmentKey)),
		r(http.MethodGet, PathProgress, s.authed(onlyRoles(selection.SyncCoordinator), s.handleProgress)),
		r(http.MethodGet, PathChanges, s.authed(ownProvince, s.handleChanges)),
		r(http.MethodPost, PathDecisions, s.authed(pushers, s.handleDecisions)),
		r(http.MethodPost, PathDecisionStream, s.authed(pushers, s.handleDecisionStream)),
		r(http.MethodGet, PathDocument, s.authed(readers, s.handleDocument)),
	}
}

// Routes lists the API's operations.
func (s *Server) Routes() []Route {
	var out []Route
	for _, rt := range s.routes() {
		out = append(out, rt.Route)
	}
	return out
}

// ServeHTTP logs each request and turns a panic into a 500 answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", keyError, p, "stack", string(debug.Stack()))
			writeError(rec, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal,
				Message: "erreur interne du serveur"})
		}
		_, pattern := s.mux.Handler(r)
		s.log.Info("request", keyMethod, r.Method, keyRoute, pattern, keyStatus, rec.status,
			keyDuration, time.Since(start), keyBytes, rec.bytes, keyToken, rec.token)
	}()
	s.mux.ServeHTTP(rec, r)
}

// recorder remembers a response's status and size, and the token that
// made the request, for the log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	token  string
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// access decides whether a token may use an operation.
type access func(t *localdb.Token, r *http.Request) *APIError

// authed authenticates the request's bearer token, checks access and
// calls h.
func (s *Server) authed(check access, h func(http.ResponseWriter, *http.Request,
	*localdb.Token)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, err := ParseBearer(r.Header.Get("Authorization"))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="intiqa"`)
			writeError(w, &APIError{Status: http.StatusUnauthorized, Code: CodeUnauthorized,
				Message: "jeton d'enrôlement absent : enrôlez ce poste auprès du siège"})
			return
		}
		t, err := s.db.Authenticate(r.Context(), token)
		if err != nil {
			writeError(w, s.authError(err))
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.token = t.ID
		}
		if check != nil {
			if e := check(t, r); e != nil {
				writeError(w, e)
				return
			}
		}
		h(w, r, t)
	}
}

// authError answers a token that did not authenticate.
func (s *Server) authError(err error) *APIError {
	switch {
	case errors.Is(err, localdb.ErrRevoked):
		return &APIError{Status: http.StatusUnauthorized, Code: CodeRevoked,
			Message: "ce jeton a été révoqué par le siège : demandez un nouveau jeton d'enrôlement"}
	case errors.Is(err, localdb.ErrNotFound):
		return &APIError{Status: http.StatusUnauthorized, Code: CodeUnauthorized,
			Message: "jeton inconnu du siège : vérifiez le jeton d'enrôlement"}
	}
	s.log.Error("authenticate", keyError, err)
	return &APIError{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
		Message: "le siège ne peut vérifier le jeton : réessayez plus tard"}
}

// ownProvince lets a token use only its own province's paths.
func ownProvince(t *localdb.Token, r *http.Request) *APIError {
	if p := r.PathValue("province"); p != t.Province {
		return &APIError{Status: http.StatusForbidden, Code: CodeForbidden,
			Message: "ce poste est enrôlé pour la province " + t.Province +
				" : il n'a pas accès à la province " + p}
	}
	return nil
}

// onlyRoles lets only tokens of the given roles through.
func onlyRoles(roles ...selection.SyncRole) access {
	return func(t *localdb.Token, r *http.Request) *APIError {
		for _, role := range roles {
			if t.Role == role {
				return nil
			}
		}
		return &APIError{Status: http.StatusForbidden, Code: CodeForbidden,
			Message: "le rôle " + string(t.Role) + " de ce poste ne permet pas cette opération"}
	}
}

// both combines two checks.
func both(a, b access) access {
	return func(t *localdb.Token, r *http.Request) *APIError {
		if e := a(t, r); e != nil {
			return e
		}
		return b(t, r)
	}
}

// The access of the province's operations: every role pulls; supervisors
// and panels push; supervisors and coordinators read documents.
var (
	pushers = both(ownProvince, onlyRoles(selection.SyncSupervisor, selection.SyncPanel))
	readers = both(ownProvince, onlyRoles(selection.SyncSupervisor, selection.SyncCoordinator))
)

// writeJSON answers v in JSON, gzip-compressed when the client accepts
// it and the body is worth it.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal,
			Message: "erreur interne du serveur"})
		return
	}
	w.Header().Set("Content-Type", contentJSON)
	w.Header().Add("Vary", "Accept-Encoding")
	if len(body) < 512 || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	w.Header().Set("Content-Encoding", encGzip)
	w.WriteHeader(status)
	zw := gzip.NewWriter(w)
	zw.Write(body)
	zw.Close()
}

// acceptsGzip reads an Accept-Encoding header.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), encGzip) &&
			strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// writeError answers an error.
func writeError(w http.ResponseWriter, e *APIError) {
	body, _ := json.Marshal(ErrorBody{Error: *e})
	w.Header().Set("Content-Type", contentJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	w.Write(body)
}

// internalError logs a failure of the store and answers 500.
func (s *Server) internalError(w http.ResponseWriter, ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return // the client went away
	}
	s.log.Error(what, keyError, err)
	writeError(w, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal,
		Message: "erreur interne du siège : réessayez plus tard"})
}
