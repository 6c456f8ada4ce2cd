package bench

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// The chart: wall time and requests against droplet count, this provider and the official one,
// as a self-contained SVG (system fonts only, nothing fetched).
const (
	chartWidth  = 960
	chartHeight = 420
	panelWidth  = 400
	panelHeight = 280
	panelTop    = 50
	panelLeft   = 70
	panelGap    = 80
)

type series struct {
	label  string
	color  string
	dash   string // stroke-dasharray; "" = solid
	points [][2]float64
}

// WriteSVG writes the chart to path, creating its directory.
func (r *Report) WriteSVG(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := r.svg(f); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}

func (r *Report) svg(w io.Writer) error {
	sc := r.Scale()
	pick := func(get func(ScalePoint) *Run, value func(*Run) float64) [][2]float64 {
		var pts [][2]float64
		for _, pt := range sc.Points {
			if run := get(pt); run != nil {
				pts = append(pts, [2]float64{float64(pt.Droplets), value(run)})
			}
		}
		return pts
	}
	wall := func(r *Run) float64 { return r.WallSeconds }
	reqs := func(r *Run) float64 { return float64(r.TotalRequests) }
	enable := func(p ScalePoint) *Run { return p.Enable }
	disable := func(p ScalePoint) *Run { return p.Disable }
	peerEnable := func(p ScalePoint) *Run { return p.PeerEnable }
	peerDisable := func(p ScalePoint) *Run { return p.PeerDisable }
	const ours, ours2, peer, peer2 = "#1f5fbf", "#2e9e6a", "#d9731a", "#c0392b"
	projected := func(label, color string, get func(ScalePoint) *Run, at float64) series {
		s := series{label: label, color: color, dash: "2,4"}
		if pts := pick(get, reqs); len(pts) > 0 && at > 0 {
			s.points = [][2]float64{pts[len(pts)-1], {float64(sc.ProjectedAt), at}}
		}
		return s
	}
	wallSeries := []series{
		{"this provider: enable (apply)", ours, "", pick(enable, wall)},
		{"this provider: disable (destroy)", ours2, "", pick(disable, wall)},
		{"official provider: enable", peer, "7,4", pick(peerEnable, wall)},
		{"official provider: disable", peer2, "7,4", pick(peerDisable, wall)},
	}
	reqSeries := []series{
		{"this provider: enable (apply)", ours, "", pick(enable, reqs)},
		{"this provider: disable (destroy)", ours2, "", pick(disable, reqs)},
		{"official provider: enable", peer, "7,4", pick(peerEnable, reqs)},
		{"official provider: disable", peer2, "7,4", pick(peerDisable, reqs)},
		projected("official provider: enable, projected", peer, peerEnable, sc.ProjectedEnable),
		projected("official provider: disable, projected", peer2, peerDisable, sc.ProjectedDisable),
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		chartWidth, chartHeight, chartWidth, chartHeight)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", chartWidth, chartHeight)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">droplet_backups at -parallelism=10: this provider and the official provider (%s)</text>`+"\n",
		panelLeft, xmlEscape(r.Machine.Commit))
	panel(&b, panelLeft, "wall time, s", wallSeries)
	panel(&b, panelLeft+panelWidth+panelGap, "API requests", reqSeries)
	// The legend, under both panels.
	y := panelTop + panelHeight + 50
	x := panelLeft
	for i, s := range reqSeries {
		if i > 0 && i%3 == 0 {
			x, y = panelLeft, y+20
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"%s/>`, x, y-4, x+28, y-4, s.color, dashAttr(s.dash))
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", x+34, y, xmlEscape(s.label))
		x += 280
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func dashAttr(d string) string {
	if d == "" {
		return ""
	}
	return fmt.Sprintf(` stroke-dasharray="%s"`, d)
}

// panel draws one plot: axes from zero, five ticks each, and the series as lines with dots.
func panel(b *strings.Builder, left int, title string, ss []series) {
	maxX, maxY := 0.0, 0.0
	for _, s := range ss {
		for _, p := range s.points {
			maxX, maxY = math.Max(maxX, p[0]), math.Max(maxY, p[1])
		}
	}
	stepX, stepY := niceStep(maxX), niceStep(maxY)
	topX, topY := stepX*5, stepY*5
	px := func(x float64) float64 { return float64(left) + x/topX*panelWidth }
	py := func(y float64) float64 { return float64(panelTop+panelHeight) - y/topY*panelHeight }
	fmt.Fprintf(b, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", left, panelTop-10, xmlEscape(title))
	for i := 0; i <= 5; i++ {
		y := py(float64(i) * stepY)
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, left, y, left+panelWidth, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, y+4, tick(float64(i)*stepY))
		x := px(float64(i) * stepX)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`, x, panelTop, x, panelTop+panelHeight)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, panelTop+panelHeight+16, tick(float64(i)*stepX))
	}
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", left, panelTop, panelWidth, panelHeight)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">droplets</text>`+"\n", left+panelWidth/2, panelTop+panelHeight+34)
	for _, s := range ss {
		if len(s.points) == 0 {
			continue
		}
		var pts []string
		for _, p := range s.points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p[0]), py(p[1])))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2.5"%s points="%s"/>`+"\n", s.color, dashAttr(s.dash), strings.Join(pts, " "))
		for i, p := range s.points {
			if s.dash == "2,4" && i == 0 {
				continue // the projection starts at a measured point, drawn with its own series
			}
			fill := s.color
			if s.dash == "2,4" {
				fill = "white"
			}
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s" stroke="%s" stroke-width="1.5"/>`+"\n", px(p[0]), py(p[1]), fill, s.color)
		}
	}
}

// niceStep is a round tick step (1, 2 or 5 × a power of ten) such that five steps cover v.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	raw := v / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

func tick(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", v)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
