package objectives

import (
	"gameday.io/gameday/framework/evidence"
)

func init() {
	Register("min-ready", minReady{plain{help: "the fewest Ready replicas in Region during the fault ≥ target (default: the PDB's minimum)", needs: Needs{PDBWatch: true}}})
}

type minReady struct{ plain }

// PerWorkload: each workload under test is judged on its own.
func (minReady) AppliesTo(Spec, *Observation) bool { return true }

func (minReady) Evaluate(s Spec, o *Observation) evidence.Objective {
	region := o.Region(or(s.Region, "primary"))
	e := evidence.Objective{Name: "Ready replicas in " + region + " stay ≥ the PDB's minimum", Comparison: evidence.AtLeast, Target: target(s, float64(o.MinAvailable)), Unit: "replicas",
		Method: "the fewest Ready replicas of the workload observed while the fault held (watch of pods/Deployment)"}
	if m, ok := o.MinReady(region); ok {
		e.Achieved = evidence.Measured(float64(m))
	}
	if o.MinAvailable == 0 && s.Target == "" {
		e.Detail = "no PodDisruptionBudget covers this workload, so nothing keeps any replica Ready"
	}
	return e
}
