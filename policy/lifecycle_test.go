package policy

import (
	"os"
	"strings"
	"testing"
	"time"
)

// Seed 002: active until 3 months without login or closing; closed 3
// months (reactivatable); archived 12 months visible only to the customer.
func TestLifecycleSeed002Workspaces(t *testing.T) {
	p, err := Load("../examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l := p.Register("workspaces").Lifecycle
	if l == nil {
		t.Fatal("workspaces has no lifecycle")
	}
	login := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		at        time.Time
		stage     string
		staffSees bool
	}{
		{"ActiveRightAfterLogin", login.Add(time.Hour), "active", true},
		{"ActiveDayBeforeThreeMonths", time.Date(2026, 4, 29, 10, 0, 0, 0, time.UTC), "active", true},
		{"ClosedAfterThreeMonthsWithoutLogin", time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), "closed", true},
		{"ArchivedAfterThreeMoreMonths", time.Date(2026, 7, 31, 10, 0, 0, 0, time.UTC), "archived", false},
		{"ArchivedDayBeforeTwelveMonths", time.Date(2027, 7, 29, 10, 0, 0, 0, time.UTC), "archived", false},
		{"DeletedAfterTwelveMonths", time.Date(2027, 7, 31, 10, 0, 0, 0, time.UTC), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := l.StageAt(login, nil, tc.at)
			got := ""
			if st != nil {
				got = st.ID
			}
			if got != tc.stage {
				t.Fatalf("got stage %q, want %q", got, tc.stage)
			}
			if st != nil && st.Visible(string(RoleAgent)) != tc.staffSees {
				t.Fatalf("agent sees = %v, want %v", !tc.staffSees, tc.staffSees)
			}
			if st != nil && !st.Visible(SubjectViewer) {
				t.Fatal("the customer must see the workspace in every stage")
			}
		})
	}
	t.Run("StaffClosingEndsTheActiveStage", func(t *testing.T) {
		closed := login.Add(48 * time.Hour)
		if st, _ := l.StageAt(login, &closed, closed.Add(time.Minute)); st.ID != "closed" || !st.Reactivate {
			t.Fatalf("got %+v, want the reactivatable closed stage", st)
		}
	})
}

func TestLifecycleMustAgreeWithRetention(t *testing.T) {
	src, _ := readExample("seed002-te-contact-centre.yaml")
	broken := strings.Replace(src, "        lasts: 12m\n", "        lasts: 6m\n", 1)
	_, err := Parse("p.yaml", []byte(broken))
	if err == nil || !strings.Contains(err.Error(), "the stages keep a record 9m after closing") {
		t.Fatalf("got %v, want the disagreement reported", err)
	}
}

func readExample(name string) (string, error) {
	b, err := os.ReadFile("../examples/" + name)
	return string(b), err
}
