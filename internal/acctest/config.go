package acctest

import (
	"fmt"
	"strings"
)

// Block is one block of a test configuration.
type Block interface {
	HCL() string
}

// HCL renders blocks one after the other, to put behind Env.Config's provider block.
func HCL(blocks ...Block) string {
	var b strings.Builder
	for _, block := range blocks {
		b.WriteString(block.HCL())
	}
	return b.String()
}

// Backups is a droplet_backups resource. Arguments at their zero value are left out, so the
// resource takes its defaults; Args holds any further arguments as HCL lines.
type Backups struct {
	Label     string // "test" when empty
	DropletID int
	Enabled   *bool
	Plan      string
	Weekday   string
	Hour      *int
	Args      string
}

// HCL implements Block.
func (r Backups) HCL() string {
	b := newResource("droplet_backups", r.Label)
	b.set("droplet_id", r.DropletID)
	if r.Enabled != nil {
		b.line(fmt.Sprintf("enabled = %t", *r.Enabled))
	}
	b.set("plan", r.Plan)
	b.set("weekday", r.Weekday)
	if r.Hour != nil {
		b.line(fmt.Sprintf("hour = %d", *r.Hour)) // 0 is an hour like any other
	}
	return b.end(r.Args)
}

// Action is a droplet_action resource on DropletID or, when Tag is set, on every droplet with the
// tag. Name is the action's `name` argument; Trigger, when set, is its triggers' `run` value.
type Action struct {
	Label string // "test" when empty
	Type  string
	// Where it runs: on DropletID, or on every droplet with Tag when that is set.
	DropletID           int
	Tag                 string
	Name, Trigger, Args string
}

// HCL implements Block.
func (r Action) HCL() string {
	b := newResource("droplet_action", r.Label)
	b.set("type", r.Type)
	if r.Tag != "" {
		b.set("tag_name", r.Tag)
	} else {
		b.set("droplet_id", r.DropletID)
	}
	b.set("name", r.Name)
	if r.Trigger != "" {
		b.line(fmt.Sprintf("triggers = { run = %q }", r.Trigger))
	}
	return b.end(r.Args)
}

// Power is a droplet_power resource.
type Power struct {
	Label     string // "test" when empty
	DropletID int
	// State is "on" or "off"; Shutdown, when set, "graceful" or "force".
	State, Shutdown, Args string
}

// HCL implements Block.
func (r Power) HCL() string {
	b := newResource("droplet_power", r.Label)
	b.set("droplet_id", r.DropletID)
	b.set("state", r.State)
	b.set("shutdown", r.Shutdown)
	return b.end(r.Args)
}

// Ptr returns a pointer to v, for the optional arguments of the blocks.
func Ptr[T any](v T) *T { return &v }

// resourceBlock writes one resource block, an argument a line.
type resourceBlock struct{ b strings.Builder }

func newResource(typ, label string) *resourceBlock {
	if label == "" {
		label = "test"
	}
	r := &resourceBlock{}
	fmt.Fprintf(&r.b, "\nresource %q %q {\n", typ, label)
	return r
}

// set writes `name = value`; an empty string or a zero number is left out.
func (r *resourceBlock) set(name string, value any) {
	switch v := value.(type) {
	case string:
		if v != "" {
			r.line(fmt.Sprintf("%s = %q", name, v))
		}
	case int:
		if v != 0 {
			r.line(fmt.Sprintf("%s = %d", name, v))
		}
	default:
		panic(fmt.Sprintf("acctest: argument %s of type %T", name, value))
	}
}

func (r *resourceBlock) line(s string) { r.b.WriteString("  " + s + "\n") }

// end closes the block after args, which are written as they are.
func (r *resourceBlock) end(args string) string {
	if args != "" {
		r.b.WriteString(strings.TrimRight(args, "\n") + "\n")
	}
	r.b.WriteString("}\n")
	return r.b.String()
}

// List is a list block for `terraform query`, with the provider set. Config holds the lines of its
// config block, which is left out when empty.
type List struct {
	Type, Label     string
	IncludeResource bool
	Limit           int
	Config          string
}

// HCL implements Block.
func (l List) HCL() string {
	b := &resourceBlock{}
	fmt.Fprintf(&b.b, "\nlist %q %q {\n", l.Type, l.Label)
	b.line("provider = droplet")
	if l.IncludeResource {
		b.line("include_resource = true")
	}
	b.set("limit", l.Limit)
	if l.Config != "" {
		b.line("config {")
		for _, s := range strings.Split(strings.TrimSpace(l.Config), "\n") {
			b.line("  " + strings.TrimSpace(s))
		}
		b.line("}")
	}
	return b.end("")
}
