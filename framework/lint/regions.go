package lint

import (
	"fmt"
	"strings"
)

// regionNotes collects what a check finds per region and joins it: regions
// where the same thing happens (up to names) are named once, as "likewise".
type regionNotes struct {
	notes []regionNote
}

type regionNote struct{ region, text string }

func (r *regionNotes) add(region, text string) { r.notes = append(r.notes, regionNote{region, text}) }

func (r *regionNotes) empty() bool { return len(r.notes) == 0 }

func (r *regionNotes) String() string {
	var parts []string
	done := make([]bool, len(r.notes))
	for i, n := range r.notes {
		if done[i] {
			continue
		}
		var same []string
		for j := i + 1; j < len(r.notes); j++ {
			if !done[j] && strings.ReplaceAll(r.notes[j].text, r.notes[j].region, "") == strings.ReplaceAll(n.text, n.region, "") {
				same = append(same, r.notes[j].region)
				done[j] = true
			}
		}
		if len(same) > 0 {
			parts = append(parts, fmt.Sprintf("%s (likewise in %s)", n.text, strings.Join(same, ", ")))
		} else {
			parts = append(parts, n.text)
		}
	}
	return strings.Join(parts, "; ")
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
