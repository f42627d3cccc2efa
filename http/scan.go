package http

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/pii"
)

// ScanRequest is the body of POST /api/v1/scan.
type ScanRequest struct {
	Text string `json:"text"`
	// Operator applies to every type: redact (default), mask, hash, keep.
	Operator string `json:"operator,omitempty"`
	// Operators overrides Operator per type, e.g. {"email_address": "keep"}.
	Operators map[string]string `json:"operators,omitempty"`
}

// ScanFinding is one finding, with byte offsets into the UTF-8 text.
type ScanFinding struct {
	Type      string `json:"type"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Validated bool   `json:"validated"`
	Category  string `json:"category,omitempty"`
	Temporary bool   `json:"temporary,omitempty"`
}

// ScanResponse answers a scan: the findings and the minimised text.
type ScanResponse struct {
	Findings []ScanFinding `json:"findings"`
	Text     string        `json:"text"`
}

var scanner = pii.New()

// scan finds personal data in a text and returns it minimised. Nothing is
// stored and no personal data is read, so there is nothing to audit; the
// request is authenticated like every data route.
func (s *Server) scan(w http.ResponseWriter, r *http.Request) error {
	var req ScanRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if !utf8.ValidString(req.Text) {
		return kirjaamo.FieldError("text", "text is not valid UTF-8")
	}
	def := pii.Operator{}
	if req.Operator != "" {
		op, err := parseScanOperator(req.Operator)
		if err != nil {
			return kirjaamo.FieldError("operator", "%v", err)
		}
		def = op
	}
	ops := map[pii.Type]pii.Operator{}
	for _, t := range pii.Types {
		ops[t] = def
	}
	for name, o := range req.Operators {
		known := false
		for _, t := range pii.Types {
			known = known || string(t) == name
		}
		if !known {
			return kirjaamo.FieldError("operators", "unknown type %s", quoteName(name))
		}
		op, err := parseScanOperator(o)
		if err != nil {
			return kirjaamo.FieldError("operators", "%v", err)
		}
		ops[pii.Type(name)] = op
	}
	red, err := pii.NewRedactor(scanner, ops, s.ScanKey)
	if err != nil {
		return kirjaamo.FieldError("operator", "%v", err)
	}
	out, fs := red.Redact([]byte(req.Text))
	resp := ScanResponse{Findings: make([]ScanFinding, len(fs)), Text: string(out)}
	for i, f := range fs {
		resp.Findings[i] = ScanFinding{Type: string(f.Type), Start: f.Start, End: f.End, Validated: f.Validated, Category: f.Category, Temporary: f.Temporary}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// parseScanOperator accepts the operators the API offers; encrypt is left
// out because its tokens would hand the scan key's ciphertexts to clients.
func parseScanOperator(s string) (pii.Operator, error) {
	op, err := pii.ParseOperator(s)
	if err != nil {
		// pii's message quotes the value, which could be anything the
		// client pasted: answer with the allowed forms instead.
		return op, errOperator
	}
	if op.Kind == pii.OperatorEncrypt {
		return op, errEncrypt
	}
	return op, nil
}

var errOperator = errors.New("unknown operator: use redact, mask, mask:N, hash or keep")

var errEncrypt = kirjaamo.Errorf(kirjaamo.EINVALID, "operator encrypt is not offered over the API")
