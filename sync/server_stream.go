package sync

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"intiqa/localdb"
	"intiqa/selection"
)

// PathDecisionStream is the streamed push: the body is a gzip stream of
// PushRequest objects, one per batch, and the answer a stream of
// StreamAnswer objects, one per batch, each sent as soon as its batch is
// applied. The laptop sends its next batch while headquarters applies
// the previous one, so a slow link carries decisions without pause;
// batches are applied in the order sent, each in its own transaction.
const PathDecisionStream = "/v1/provinces/{province}/decisions/stream"

// contentStream is the media type of the streamed push, both ways.
const contentStream = "application/x-ndjson"

// MaxStreamBytes bounds what one streamed push may carry, decompressed.
const MaxStreamBytes = 1 << 30

// StreamAnswer answers one batch of a streamed push: its results, or the
// error that ended the stream (the batch was not applied).
type StreamAnswer struct {
	Results []selection.DecisionResult `json:"results,omitempty"`
	Error   *APIError                  `json:"error,omitempty"`
	Status  int                        `json:"status,omitempty"` // the error's HTTP status
}

// handleDecisionStream applies the batches of a streamed push as they
// come.
func (s *Server) handleDecisionStream(w http.ResponseWriter, r *http.Request, t *localdb.Token) {
	// Check the request before answering.
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != contentStream {
		writeError(w, &APIError{Status: http.StatusUnsupportedMediaType, Code: CodeMediaType,
			Message: "le corps doit être un flux JSON (Content-Type: " + contentStream + ")"})
		return
	}
	if r.Header.Get("Content-Encoding") != encGzip {
		writeError(w, &APIError{Status: http.StatusUnsupportedMediaType, Code: CodeMediaType,
			Message: "le flux doit être compressé (Content-Encoding: gzip)"})
		return
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		writeError(w, requestError(fmt.Errorf("%w: corps gzip illisible: %v", ErrBadRequest, err)))
		return
	}
	rc := http.NewResponseController(w)
	if err := rc.EnableFullDuplex(); err != nil {
		s.internalError(w, r.Context(), "full duplex", err)
		return
	}

	// Answer batch by batch.
	w.Header().Set("Content-Type", contentStream)
	w.Header().Set("Content-Encoding", encGzip)
	w.WriteHeader(http.StatusOK)
	zw := gzip.NewWriter(w)
	defer zw.Close()
	enc := json.NewEncoder(zw)
	answer := func(a StreamAnswer) bool {
		if enc.Encode(a) != nil || zw.Flush() != nil {
			return false
		}
		return rc.Flush() == nil
	}
	dec := json.NewDecoder(io.LimitReader(zr, MaxStreamBytes))
	dec.DisallowUnknownFields()
	from := localdb.Pusher{TokenID: t.ID, Province: t.Province, Role: t.Role}

	// Decode the next batch while the current one is applied.
	ctx := r.Context()
	batches := make(chan decodedBatch, 1)
	go func() {
		defer close(batches)
		for {
			b := decodeBatch(dec)
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	for b := range batches {
		if b.err == errEndOfStream {
			return
		}
		var results []selection.DecisionResult
		apiErr := b.err
		if apiErr == nil {
			results, apiErr = s.applyBatch(r, from, b.pushed)
		}
		if apiErr != nil {
			answer(StreamAnswer{Error: apiErr, Status: apiErr.Status})
			return
		}
		if !answer(StreamAnswer{Results: results}) {
			return
		}
	}
}

// errEndOfStream marks the end of a streamed push.
var errEndOfStream = &APIError{Code: "end"}

// decodedBatch is the next batch of a stream, decoded and checked, or
// the error that ends the stream.
type decodedBatch struct {
	pushed []localdb.Pushed
	err    *APIError
}

// decodeBatch reads and checks the next batch of a stream.
func decodeBatch(dec *json.Decoder) decodedBatch {
	var req PushRequest
	err := dec.Decode(&req)
	switch {
	case err == io.EOF:
		return decodedBatch{err: errEndOfStream}
	case err != nil:
		return decodedBatch{err: requestError(fmt.Errorf("%w: JSON invalide: %v", ErrBadRequest, err))}
	case req.Decisions == nil:
		return decodedBatch{err: requestError(fmt.Errorf("%w: champ \"decisions\" absent",
			ErrBadRequest))}
	case len(req.Decisions) > MaxBatch:
		return decodedBatch{err: requestError(fmt.Errorf("%w: %d décisions, au plus %d par lot",
			ErrTooLarge, len(req.Decisions), MaxBatch))}
	}
	if err := checkDecisions(req.Decisions); err != nil {
		return decodedBatch{err: requestError(err)}
	}
	pushed, err := localdb.DecodePushed(req.Decisions)
	if err != nil {
		return decodedBatch{err: requestError(fmt.Errorf("%w: %v", ErrBadRequest, err))}
	}
	return decodedBatch{pushed: pushed}
}

// applyBatch applies one batch of a stream in one transaction.
func (s *Server) applyBatch(r *http.Request, from localdb.Pusher,
	pushed []localdb.Pushed) ([]selection.DecisionResult, *APIError) {
	results, err := s.db.ApplyDecisions(r.Context(), from, pushed)
	switch {
	case errors.Is(err, localdb.ErrScope):
		return nil, &APIError{Status: http.StatusForbidden, Code: CodeForbidden,
			Message: "lot refusé, rien n'a été appliqué : " + err.Error()}
	case err != nil:
		if r.Context().Err() == nil {
			s.log.Error("apply decisions", keyError, err)
		}
		return nil, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal,
			Message: "erreur interne du siège : réessayez plus tard"}
	}
	s.log.Info("decisions applied", keyToken, from.TokenID, keyProvince, from.Province,
		keyDecisions, len(results))
	s.tellApplied(r.Context(), from.Province, pushed, results)
	return results, nil
}
