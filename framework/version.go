package framework

// Version and Commit identify the gameday build; make build sets them with
// -ldflags "-X gameday.io/gameday/framework.Version=... -X ...Commit=...".
// Reports and evidence record them.
var (
	Version = "dev"
	Commit  = "unknown"
)
