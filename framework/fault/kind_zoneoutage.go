package fault

func init() {
	Register(Definition{
		Kind: ZoneOutage, Help: "every node of a zone dies at once (mode black-hole, the default, or refuse)",
		Params: []string{"zone", "mode"}, Check: checkLossMode, Impl: nodeFault{}, DefaultHold: nodeHold,
	})
}
