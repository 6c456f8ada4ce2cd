package dropletaction

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// actionType is a droplet action `type` as DigitalOcean names it in POST /v2/droplets/{id}/actions.
type actionType string

const (
	actionReboot             actionType = "reboot"
	actionPowerCycle         actionType = "power_cycle"
	actionShutdown           actionType = "shutdown"
	actionPowerOff           actionType = "power_off"
	actionPowerOn            actionType = "power_on"
	actionRestore            actionType = "restore"
	actionPasswordReset      actionType = "password_reset"
	actionResize             actionType = "resize"
	actionRebuild            actionType = "rebuild"
	actionRename             actionType = "rename"
	actionChangeKernel       actionType = "change_kernel"
	actionEnableIPv6         actionType = "enable_ipv6"
	actionSnapshot           actionType = "snapshot"
	actionEnableBackups      actionType = "enable_backups"
	actionDisableBackups     actionType = "disable_backups"
	actionChangeBackupPolicy actionType = "change_backup_policy"
)

// The optional arguments of droplet_action, each used by some action types only.
const (
	argImage        = "image"
	argSize         = "size"
	argDisk         = "disk"
	argName         = "name"
	argKernel       = "kernel"
	argBackupPolicy = "backup_policy"
)

// actionArguments lists the per-type arguments in schema order, so messages list them predictably.
var actionArguments = []string{argImage, argSize, argDisk, argName, argKernel, argBackupPolicy}

// actionSpec says which arguments a type takes and whether the by-tag endpoint accepts it.
type actionSpec struct {
	required []string
	optional []string
	// byTag: POST /v2/droplets/actions?tag_name= accepts this type; the API's specification allows
	// only the power, IPv6, backup on/off and snapshot types there.
	byTag bool
	// summary is the one-line description used in the attribute documentation.
	summary string
}

// actionTypes is every droplet action the resource runs, in the order the documentation lists them.
// enable_private_networking is left out on purpose: it was removed from the API in 2020.
var actionTypes = []actionType{
	actionReboot, actionPowerCycle, actionShutdown, actionPowerOff, actionPowerOn, actionRestore,
	actionPasswordReset, actionResize, actionRebuild, actionRename, actionChangeKernel, actionEnableIPv6,
	actionSnapshot, actionEnableBackups, actionDisableBackups, actionChangeBackupPolicy,
}

var actionSpecs = map[actionType]actionSpec{
	actionReboot:             {summary: "graceful reboot"},
	actionPowerCycle:         {byTag: true, summary: "hard reset (power off, then on)"},
	actionShutdown:           {byTag: true, summary: "graceful shutdown request; the guest may ignore it"},
	actionPowerOff:           {byTag: true, summary: "hard power off"},
	actionPowerOn:            {byTag: true, summary: "boot the droplet"},
	actionRestore:            {required: []string{argImage}, summary: "restore from a backup image of the same droplet (`image` = numeric backup ID); needs `droplet:admin`"},
	actionPasswordReset:      {summary: "reset the root password (DigitalOcean e-mails the new one); needs `droplet:admin`"},
	actionResize:             {required: []string{argSize}, optional: []string{argDisk}, summary: "change the size (`size`, and `disk = true` to grow the disk for good); needs `droplet:create`"},
	actionRebuild:            {required: []string{argImage}, summary: "reinstall from an image (`image` = slug or numeric ID); needs `droplet:admin`"},
	actionRename:             {required: []string{argName}, summary: "rename the droplet to `name`"},
	actionChangeKernel:       {required: []string{argKernel}, summary: "switch to kernel ID `kernel` (droplets with externally managed kernels only)"},
	actionEnableIPv6:         {byTag: true, summary: "add IPv6 (cannot be undone)"},
	actionSnapshot:           {optional: []string{argName}, byTag: true, summary: "take a snapshot image, optionally named `name`; needs `image:create`"},
	actionEnableBackups:      {optional: []string{argBackupPolicy}, byTag: true, summary: "turn on automatic backups, with `backup_policy` or DigitalOcean's default (daily)"},
	actionDisableBackups:     {byTag: true, summary: "turn off automatic backups (existing backups are kept until their retention ends)"},
	actionChangeBackupPolicy: {required: []string{argBackupPolicy}, summary: "change the schedule of enabled backups to `backup_policy`"},
}

// typesTaking returns the types that accept arg, in documentation order.
func typesTaking(arg string) []actionType {
	var out []actionType
	for _, t := range actionTypes {
		s := actionSpecs[t]
		if slices.Contains(s.required, arg) || slices.Contains(s.optional, arg) {
			out = append(out, t)
		}
	}
	return out
}

// typesRequiring returns the types that cannot run without arg, in documentation order.
func typesRequiring(arg string) []actionType {
	var out []actionType
	for _, t := range actionTypes {
		if slices.Contains(actionSpecs[t].required, arg) {
			out = append(out, t)
		}
	}
	return out
}

// byTagTypes returns the types the by-tag endpoint accepts, in documentation order.
func byTagTypes() []actionType {
	var out []actionType
	for _, t := range actionTypes {
		if actionSpecs[t].byTag {
			out = append(out, t)
		}
	}
	return out
}

func (s actionSpec) takes(arg string) bool {
	return slices.Contains(s.required, arg) || slices.Contains(s.optional, arg)
}

// actionTypeStrings is actionTypes as plain strings, for validators.
func actionTypeStrings() []string {
	out := make([]string, len(actionTypes))
	for i, t := range actionTypes {
		out[i] = string(t)
	}
	return out
}

// argumentUseDescription is the sentence each per-type argument's documentation ends with.
func argumentUseDescription(arg string) string {
	req := typesRequiring(arg)
	opt := []actionType{}
	for _, t := range typesTaking(arg) {
		if !slices.Contains(req, t) {
			opt = append(opt, t)
		}
	}
	var parts []string
	if len(req) > 0 {
		parts = append(parts, "Required for type "+providerutil.QuotedAnd(req))
	}
	if len(opt) > 0 {
		parts = append(parts, "optional for type "+providerutil.QuotedAnd(opt))
	}
	s := strings.Join(parts, "; ")
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s + "; not allowed with any other type (plan-time error). Changing it replaces the resource and runs the action again."
}

// typesDescription documents every type with what it needs, for the `type` attribute.
func typesDescription() string {
	var b strings.Builder
	for _, t := range actionTypes {
		s := actionSpecs[t]
		fmt.Fprintf(&b, "\n  - `%s`", t)
		if s.byTag {
			b.WriteString(" (also by tag)")
		}
		fmt.Fprintf(&b, ": %s.", s.summary)
	}
	return b.String()
}

// checkRestoreImage checks the image argument of a restore action: DigitalOcean only accepts the
// numeric ID of a backup there, never a slug.
func checkRestoreImage(image string) error {
	if id, err := strconv.Atoi(strings.TrimSpace(image)); err != nil || id < 1 {
		return fmt.Errorf("`image` must be the numeric ID of a backup of this droplet for type `restore`, got %q", image)
	}
	return nil
}
