// Package matchers holds Gomega matchers for gameday's measurements, for the
// thin Ginkgo suites:
//
//	r, err := measure.RTO(timeline, objective, measure.FailoverTo("europe-west1", ""))
//	Expect(err).NotTo(HaveOccurred())
//	AddReportEntry("recovery", r)
//	Expect(r).To(HaveRTOBelow(objective.RTO))
//	Expect(r).To(HaveFailedOverTo("europe-west1"))
//	Expect(watcher.Result()).To(HoldPDBMinAvailable(4))
//	Expect(timeline).To(StayWithinErrorBudget("baseline", 0.001))
//
// A failure message prints the measured figures and the stretch of the load
// timeline (or of the Ready samples) that broke the expectation, so a red CI
// run says what happened without a rerun.
package matchers
