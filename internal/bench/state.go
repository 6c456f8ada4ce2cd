package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// writeState gives the workspace in dir the state of one resource per droplet, as if an apply
// had created them. One resource is applied for real (in a workspace of its own, the emulator's
// limits lifted) and its state is repeated for the other droplets with the droplet's ID put in
// place of the first one's wherever it appears; the measured command's refresh reads every
// droplet again, so nothing else of the first droplet's state needs to be right for the others.
func (h harness) writeState(ctx context.Context, base tfRun, label string, r Resource, dir string, dropletIDs []int) error {
	if len(dropletIDs) == 0 {
		return fmt.Errorf("no droplets")
	}
	tmpl := filepath.Join(h.s.WorkDir, "runs", label+"-template")
	if err := os.RemoveAll(tmpl); err != nil {
		return err
	}
	if err := writeWorkspace(tmpl, r, dropletIDs[:1]); err != nil {
		return err
	}
	if res, err := base.withDir(tmpl).run(ctx, tfArgs(KindApply, setupParallelism)...); err != nil {
		return fmt.Errorf("set-up apply of one resource: %w\n%s", err, res.tail)
	}
	raw, err := os.ReadFile(filepath.Join(tmpl, "terraform.tfstate"))
	if err != nil {
		return err
	}
	out, err := repeatState(raw, dropletIDs)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "terraform.tfstate"), out, 0o644)
}

// repeatState turns a state holding one counted resource instance for dropletIDs[0] into one
// holding an instance per droplet ID, index by index.
func repeatState(raw []byte, dropletIDs []int) ([]byte, error) {
	var st map[string]any
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("reading the template state: %w", err)
	}
	resources, _ := st["resources"].([]any)
	if len(resources) != 1 {
		return nil, fmt.Errorf("the template state holds %d resources, want 1", len(resources))
	}
	res, _ := resources[0].(map[string]any)
	instances, _ := res["instances"].([]any)
	if res == nil || len(instances) != 1 {
		return nil, fmt.Errorf("the template state holds %d instances, want 1", len(instances))
	}
	first := dropletIDs[0]
	all := make([]any, len(dropletIDs))
	for i, id := range dropletIDs {
		inst := substitute(instances[0], first, id)
		m, _ := inst.(map[string]any)
		if m == nil {
			return nil, fmt.Errorf("the template instance is not an object")
		}
		m["index_key"] = i
		all[i] = m
	}
	res["instances"] = all
	st["serial"] = 1
	return json.MarshalIndent(st, "", "  ")
}

// substitute copies v with every occurrence of the droplet ID from (as a number or a string)
// replaced by to.
func substitute(v any, from, to int) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = substitute(e, from, to)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = substitute(e, from, to)
		}
		return out
	case float64:
		if x == float64(from) {
			return float64(to)
		}
	case string:
		if x == strconv.Itoa(from) {
			return strconv.Itoa(to)
		}
	}
	return v
}
