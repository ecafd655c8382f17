package reports

import (
	"fmt"
	"image/color"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// page is what the tests read back from a rendered report's DOM.
type page struct {
	verdict     string            // text of #verdict
	verdictAttr string            // its data-verdict
	charts      map[string]chart  // figure.chart by data-drill
	sections    map[string]string // section.drill id -> data-verdict
	text        string            // all text
}

// chart maps a stroke colour (#RRGGBB, as vgsvg writes it) to the most
// points of any path drawn in it.
type chart map[string]int

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }

func parsePage(r io.Reader) (*page, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return nil, err
	}
	p := &page{charts: map[string]chart{}, sections: map[string]string{}}
	var text strings.Builder
	var walk func(n *html.Node, fig chart)
	walk = func(n *html.Node, fig chart) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		if n.Type == html.ElementNode {
			switch {
			case attr(n, "id") == "verdict":
				p.verdict, p.verdictAttr = strings.TrimSpace(textOf(n)), attr(n, "data-verdict")
			case n.Data == "figure" && hasClass(n, "chart"):
				fig = chart{}
				p.charts[attr(n, "data-drill")] = fig
			case n.Data == "section" && hasClass(n, "drill"):
				p.sections[attr(n, "id")] = attr(n, "data-verdict")
			case n.Data == "path" && fig != nil:
				if c := strokeOf(attr(n, "style")); c != "" {
					fig[c] = max(fig[c], pathPoints(attr(n, "d")))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, fig)
		}
	}
	walk(doc, nil)
	p.text = text.String()
	return p, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		b.WriteString(textOf(c))
	}
	return b.String()
}

func strokeOf(style string) string {
	for _, decl := range strings.Split(style, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(decl), "stroke:"); ok {
			return strings.ToUpper(v)
		}
	}
	return ""
}

// pathPoints counts the points of an SVG path made of M and L commands.
func pathPoints(d string) int {
	return strings.Count(d, "M") + strings.Count(d, "L")
}
