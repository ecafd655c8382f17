package fault

func init() {
	Register(Definition{
		Kind: ZoneOutage, Help: "every node of a zone dies at once", Params: []string{"zone"},
		Impl: nodeFault{}, DefaultHold: nodeHold,
	})
}
