package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// The auditor's view: the audit log with filters, and the verification of
// its hash chain. The service lets the auditor and the DPO read the log.
var auditRoles = []policy.Role{policy.RoleAuditor, policy.RoleDPO}

// auditPage is how many events one page shows.
const auditPage = 100

var (
	auditActions  = []string{kirjaamo.ActionCreate, kirjaamo.ActionRead, kirjaamo.ActionUpdate, kirjaamo.ActionDelete, kirjaamo.ActionSearch, kirjaamo.ActionExport, kirjaamo.ActionReveal}
	auditOutcomes = []string{kirjaamo.OutcomeOK, kirjaamo.OutcomeDenied, kirjaamo.OutcomeRefused}
)

func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/audit", Roles: auditRoles, Nav: "nav.audit", Handler: s.auditLog},
	}
}

func init() {
	dynamicKeySources = append(dynamicKeySources, func() []string {
		return append(prefixed("audit.action.", auditActions), prefixed("audit.outcome.", auditOutcomes)...)
	})
}

// auditFilterForm is the filter form as typed, echoed back into the form.
type auditFilterForm struct {
	Since, Until, Actor, Action, SubjectID, RecordID string
}

// chainStatus is the result of walking the chain.
type chainStatus struct {
	Verified int64 // events verified before the end or the break
	Broken   int64 // the first bad event; 0 when the chain is whole
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, p *Page) error {
	q := r.URL.Query()
	form := auditFilterForm{Since: q.Get("since"), Until: q.Get("until"), Actor: strings.TrimSpace(q.Get("actor")),
		Action: q.Get("action"), SubjectID: strings.TrimSpace(q.Get("subject_id")), RecordID: strings.TrimSpace(q.Get("record_id"))}
	f := kirjaamo.AuditFilter{SubjectID: form.SubjectID, RecordID: form.RecordID, Limit: auditPage}
	if form.Action != "" {
		if !slices.Contains(auditActions, form.Action) {
			return kirjaamo.FieldError("action", "unknown action")
		}
		f.Action = form.Action
	}
	for _, d := range []struct {
		name, v string
		dst     *time.Time
		days    int
	}{{"since", form.Since, &f.Since, 0}, {"until", form.Until, &f.Until, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.v, time.Local)
		if err != nil {
			return kirjaamo.FieldError(d.name, "%s must be a date", d.name)
		}
		*d.dst = t.AddDate(0, 0, d.days) // until is inclusive: up to the end of that day
	}
	if form.Actor != "" {
		// The log names users by id; the auditor may type a username.
		f.Actor = form.Actor
		if !kirjaamo.ValidID(form.Actor) && !strings.Contains(form.Actor, ":") {
			u, err := s.Store.UserByUsername(r.Context(), form.Actor)
			if err != nil {
				if kirjaamo.ErrorCode(err) == kirjaamo.ENOTFOUND {
					return &kirjaamo.Error{Code: kirjaamo.ENOTFOUND, Field: "actor", Message: "no such user"}
				}
				return err
			}
			f.Actor = u.ID
		}
	}
	filtered := form != auditFilterForm{}
	after := int64(-1)
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return kirjaamo.FieldError("after", "after must be a non-negative integer")
		}
		after = n
	}
	head, _, err := s.Store.AuditChain(r.Context())
	if err != nil {
		return err
	}
	if after < 0 {
		// Unfiltered, the log opens at its newest page; filtered, at the
		// first match.
		after = 0
		if !filtered {
			after = max(0, head.Seq-auditPage)
		}
	}
	f.AfterSeq = after
	evs, err := s.Service.AuditEvents(r.Context(), f)
	if err != nil {
		return err
	}
	slices.Reverse(evs) // newest first on screen
	data := map[string]any{"Form": form, "Events": evs, "Actions": auditActions, "Head": head.Seq}
	page := func(after int64) string {
		v := url.Values{}
		for k, val := range map[string]string{"since": form.Since, "until": form.Until, "actor": form.Actor, "action": form.Action, "subject_id": form.SubjectID, "record_id": form.RecordID} {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("after", strconv.FormatInt(after, 10))
		return "/audit?" + v.Encode()
	}
	if len(evs) == auditPage && evs[0].Seq < head.Seq {
		data["Newer"] = page(evs[0].Seq)
	}
	if after > 0 && !filtered {
		data["Older"] = page(max(0, after-auditPage))
	}
	if q.Get("verify") == "1" {
		st, err := s.verifyChain(r)
		if err != nil {
			return err
		}
		data["Chain"] = st
	}
	p.Title, p.Data = "audit.title", data
	s.render(w, http.StatusOK, "audit_log", p)
	return nil
}

// verifyChain walks the whole chain (paged, flat memory) under the audit
// key. Without the key the interface cannot verify and says so.
func (s *Server) verifyChain(r *http.Request) (*chainStatus, error) {
	if len(s.AuditKey) == 0 {
		return nil, kirjaamo.Errorf(kirjaamo.EUNAVAILABLE, "the audit key is not configured")
	}
	n, err := kirjaamo.VerifyAudit(r.Context(), s.Store, s.AuditKey)
	var ce *kirjaamo.ChainError
	if errors.As(err, &ce) {
		return &chainStatus{Verified: n, Broken: ce.Seq}, nil
	}
	if err != nil {
		return nil, err
	}
	return &chainStatus{Verified: n}, nil
}
