package evidence

import "testing"

func TestObjectiveEvaluate(t *testing.T) {
	tests := []struct {
		name string
		o    Objective
		want bool
		text string
	}{
		{"at most met", Objective{Comparison: AtMost, Target: 1800, Achieved: Measured(4.5), Unit: "s"}, true, "4.5 s"},
		{"at most equal", Objective{Comparison: AtMost, Target: 1800, Achieved: Measured(1800), Unit: "s"}, true, "1800 s"},
		{"at most missed", Objective{Comparison: AtMost, Target: 3600, Achieved: Measured(21540), Unit: "s"}, false, "21540 s"},
		{"lower bound never meets at most", Objective{Comparison: AtMost, Target: 1800, Achieved: Measured(70), LowerBound: true, Unit: "s"}, false, "≥ 70 s"},
		{"lower bound meets at least", Objective{Comparison: AtLeast, Target: 4, Achieved: Measured(5), LowerBound: true, Unit: "replicas"}, true, "≥ 5 replicas"},
		{"at least met", Objective{Comparison: AtLeast, Target: 0.99, Achieved: Measured(0.9996), Unit: "ratio"}, true, "0.9996"},
		{"at least missed", Objective{Comparison: AtLeast, Target: 0.9, Achieved: Measured(0.62), Unit: "ratio"}, false, "0.620"},
		{"not measured", Objective{Comparison: AtLeast, Target: 4, Unit: "replicas"}, false, "not measured"},
		{"unknown comparison", Objective{Comparison: "==", Target: 4, Achieved: Measured(4), Unit: "replicas"}, false, "4 replicas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Evaluate(); got != tt.want {
				t.Errorf("Evaluate() = %v, want %v", got, tt.want)
			}
			if got := tt.o.AchievedText(); got != tt.text {
				t.Errorf("AchievedText() = %q, want %q", got, tt.text)
			}
		})
	}
}

func TestRequirement(t *testing.T) {
	tests := []struct {
		o    Objective
		want string
	}{
		{Objective{Comparison: AtMost, Target: 1800, Unit: "s"}, "≤ 1800 s"},
		{Objective{Comparison: AtLeast, Target: 0.99, Unit: "ratio"}, "≥ 0.990"},
		{Objective{Comparison: AtLeast, Target: 4, Unit: "replicas"}, "≥ 4 replicas"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.o.Requirement(); got != tt.want {
				t.Errorf("Requirement() = %q, want %q", got, tt.want)
			}
		})
	}
}
