package objectives

import (
	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("rpo", rpo{plain{help: "worst-case RPO of the platform's backup schedule, measured on a compressed clock ≤ target (default 1h)"}})
}

type rpo struct{ plain }

func (rpo) Evaluate(s Spec, o *Observation) evidence.Objective {
	e := evidence.Objective{Name: "rpo", Comparison: evidence.AtMost, Target: target(s, o.Criteria.RPO.Seconds()), Unit: "s",
		Method: "storage of the primary region lost at the worst instant of the backup schedule (just before a backup completes, and at a seeded random instant) on a compressed clock; the latest completed backup restored into the DR region and every object's checksum verified; RPO = loss time − newest restored version"}
	if r := o.RPO; r != nil {
		e.Achieved = evidence.Measured(r.Worst.Seconds())
		e.Detail = r.Reason
	}
	return e
}
