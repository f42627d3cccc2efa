package web

import (
	"net/http"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// The retention view: what the sweeper will delete in the coming 30 days,
// per register, and the recent deletion log (the proof of deletion). The
// service refuses agents only; the view is for those who answer for
// retention: supervisors, the DPO, administrators and auditors.
var retentionRoles = []policy.Role{policy.RoleSupervisor, policy.RoleDPO, policy.RoleAdmin, policy.RoleAuditor}

// forecastDays is the window of the forecast (issue 8: the coming 30 days).
const forecastDays = 30

func (s *Server) retentionRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/retention", Roles: retentionRoles, Nav: "nav.forecast", Handler: s.retentionPage},
	}
}

func init() {
	dynamicKeySources = append(dynamicKeySources, func() []string {
		var out []string
		for _, p := range policy.Parts() {
			out = append(out, "deletion.part."+string(p))
		}
		return out
	})
}

// forecastRegister is one register's lines of the forecast.
type forecastRegister struct {
	ID, Name            string
	Rows                []kirjaamo.ForecastRow
	Due, Held, Extended int
}

type deletionRow struct {
	kirjaamo.DeletionLogEntry
	RegisterName string
}

func (s *Server) retentionPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	rows, err := s.Service.Forecast(r.Context(), forecastDays)
	if err != nil {
		return err
	}
	log, err := s.Service.DeletionLog(r.Context(), 50)
	if err != nil {
		return err
	}
	var regs []*forecastRegister
	byID := map[string]*forecastRegister{}
	for _, row := range rows {
		fr := byID[row.Register]
		if fr == nil {
			fr = &forecastRegister{ID: row.Register, Name: s.registerName(p, row.Register)}
			byID[row.Register] = fr
			regs = append(regs, fr)
		}
		fr.Rows = append(fr.Rows, row)
		fr.Due, fr.Held, fr.Extended = fr.Due+row.Due, fr.Held+row.Held, fr.Extended+row.Extended
	}
	deletions := make([]deletionRow, len(log))
	for i, e := range log {
		deletions[i] = deletionRow{e, s.registerName(p, e.Register)}
	}
	p.Title = "deletion.title"
	p.Data = map[string]any{"Registers": regs, "Until": s.now().AddDate(0, 0, forecastDays), "Days": forecastDays,
		"Deletions": deletions, "Now": s.now().Format(time.RFC3339)}
	s.render(w, http.StatusOK, "retention_forecast", p)
	return nil
}
