package policy

import (
	"fmt"
	"slices"
	"time"

	"gopkg.in/yaml.v3"
)

// Lifecycle is a register's sequence of stages (seed 002: a counselling
// workspace is active until the customer has not logged in for 3 months or
// staff close it; closed, it can be reactivated for 3 months; then it is
// archived for 12 months, hidden from staff but visible to the customer;
// then deleted).
//
// The first stage ends at the register's "closed" event: when staff close
// the record, or Inactivity after the customer's last activity, whichever is
// first. Each later stage lasts its Lasts; after the last one the record is
// deleted. The retention rules of a register with a lifecycle therefore run
// from closed and keep exactly the later stages' total, so the retention the
// sweeper enforces, the notice states and the stages describe are one.
type Lifecycle struct {
	Stages []Stage
	Line   int
}

// Stage is one stage of a lifecycle.
type Stage struct {
	ID string
	// Inactivity (first stage only) ends the stage this long after the
	// customer's last activity.
	Inactivity Duration
	// Lasts (later stages) is the stage's length.
	Lasts Duration
	// Reactivate: activity of the customer during this stage, or staff
	// reactivating, returns the record to the first stage.
	Reactivate bool
	// VisibleTo lists the roles that see records in this stage, and
	// "subject" when the authenticated customer does.
	VisibleTo []string
	Line      int
}

// SubjectViewer names the data subject in a stage's visible_to.
const SubjectViewer = "subject"

// Total is the time from the first stage's end to deletion.
func (l *Lifecycle) Total() Duration {
	var d Duration
	for _, s := range l.Stages[1:] {
		d = Duration{d.Years + s.Lasts.Years, d.Months + s.Lasts.Months, d.Days + s.Lasts.Days}
	}
	return d
}

// FirstStageEnd is the closed event: closing, or inactivity after the last
// activity, whichever comes first.
func (l *Lifecycle) FirstStageEnd(lastActivity time.Time, closedAt *time.Time) time.Time {
	end := l.Stages[0].Inactivity.AddTo(lastActivity)
	if closedAt != nil && closedAt.Before(end) {
		end = *closedAt
	}
	return end
}

// StageAt returns the stage a record is in at now, and when it began; nil
// when the record is past its last stage (due for deletion).
func (l *Lifecycle) StageAt(lastActivity time.Time, closedAt *time.Time, now time.Time) (*Stage, time.Time) {
	end := l.FirstStageEnd(lastActivity, closedAt)
	if now.Before(end) {
		return &l.Stages[0], lastActivity
	}
	start := end
	for i := 1; i < len(l.Stages); i++ {
		next := l.Stages[i].Lasts.AddTo(start)
		if now.Before(next) {
			return &l.Stages[i], start
		}
		start = next
	}
	return nil, start
}

// Visible reports whether viewer (a role, or "subject") sees a record in
// stage s.
func (s *Stage) Visible(viewer string) bool { return slices.Contains(s.VisibleTo, viewer) }

var lifecycleStageKeys = []string{"stage", "inactivity", "lasts", "reactivate", "visible_to"}

func (p *parser) lifecycle(path string, key, n *yaml.Node, r *Register) {
	items := p.list(path+".lifecycle", n)
	l := &Lifecycle{Line: key.Line}
	if r.Records != RecordsContacts {
		p.addf(key, "%s.lifecycle: only a register with records: contacts has lifecycle stages", path)
		return
	}
	if len(items) < 2 {
		p.addf(key, "%s.lifecycle: needs at least two stages (the first ends on closing or inactivity; the others last a time)", path)
		return
	}
	seen := map[string]bool{}
	for i, it := range items {
		sp := fmt.Sprintf("%s.lifecycle[%d]", path, i)
		f := p.mapping(sp, it, "in a lifecycle stage", lifecycleStageKeys)
		if f == nil {
			continue
		}
		st := Stage{Line: it.Line}
		st.ID = p.str(f, sp, "stage")
		switch {
		case st.ID == "":
			p.addf(it, "%s.stage: missing", sp)
		case seen[st.ID]:
			p.addf(it, "%s.stage: stage %q listed twice", sp, st.ID)
		}
		seen[st.ID] = true
		inact, hasInact := f.get("inactivity")
		lasts, hasLasts := f.get("lasts")
		if i == 0 {
			if !hasInact {
				p.addf(it, "%s.inactivity: missing; the first stage ends this long after the customer's last activity", sp)
			} else if d, ok := p.duration(sp+".inactivity", inact); ok {
				st.Inactivity = d
			}
			if hasLasts {
				p.addf(lasts, "%s.lasts: the first stage ends on closing or inactivity, not after a fixed time", sp)
			}
		} else {
			if !hasLasts {
				p.addf(it, "%s.lasts: missing; how long the stage lasts", sp)
			} else if d, ok := p.duration(sp+".lasts", lasts); ok {
				st.Lasts = d
			}
			if hasInact {
				p.addf(inact, "%s.inactivity: only the first stage ends on inactivity", sp)
			}
		}
		if v, ok := f.get("reactivate"); ok {
			st.Reactivate = p.boolean(sp+".reactivate", v)
			if i == 0 && st.Reactivate {
				p.addf(v, "%s.reactivate: the first stage is the one a record is reactivated to", sp)
			}
		}
		if v, ok := f.get("visible_to"); ok {
			for j, vn := range p.list(sp+".visible_to", v) {
				s := p.scalar(fmt.Sprintf("%s.visible_to[%d]", sp, j), vn)
				if s != SubjectViewer && !ValidRole(Role(s)) && s != "" {
					p.addf(vn, "%s.visible_to: unknown viewer %q (a role, or subject)", sp, s)
					continue
				}
				st.VisibleTo = append(st.VisibleTo, s)
			}
		}
		l.Stages = append(l.Stages, st)
	}
	if len(l.Stages) != len(items) {
		return
	}
	// The retention rules must say what the stages say.
	total := l.Total()
	for _, rule := range r.Retention {
		if rule.From != EventClosed || rule.Keep != total {
			p.addf(key, "%s.lifecycle: the stages keep a record %s after closing, but retention rule %s keeps it %s from %s (line %d); with a lifecycle every rule is keep: %s, from: closed",
				path, total, rule.Part, rule.Keep, rule.From, rule.Line, total)
		}
	}
	r.Lifecycle = l
}
