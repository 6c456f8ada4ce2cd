package dropletaction

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// The arguments every action, or shutdown alone, takes besides the per-type ones of the table.
const (
	argDropletID  = "droplet_id"
	argTagName    = "tag_name"
	argTimeout    = "timeout"
	argForceAfter = "force_after"
)

// defaultInvokeTimeout is droplet_action's default too: enough for a snapshot or resize of a
// large droplet.
const defaultInvokeTimeout = 60 * time.Minute

// terraformActions are the types offered as Terraform actions, in documentation order. Backups
// stay declarative (droplet_backups), so their three types have no action.
var terraformActions = []actionType{
	actionReboot, actionPowerCycle, actionShutdown, actionPowerOff, actionPowerOn, actionSnapshot,
	actionResize, actionRebuild, actionRestore, actionRename, actionPasswordReset, actionChangeKernel,
	actionEnableIPv6,
}

// actionDoc is what an action's page says first, and the extra token scope it needs.
type actionDoc struct {
	what  string
	scope string
}

var actionDocs = map[actionType]actionDoc{
	actionReboot:        {what: "Reboots the droplet gracefully, as running `reboot` in the guest would."},
	actionPowerCycle:    {what: "Hard-resets the droplet: powers it off and on again without asking the guest."},
	actionShutdown:      {what: "Asks the guest to shut down, like pressing the power button. With `force_after`, a droplet that is not off by then is powered off hard, as `droplet_power` does."},
	actionPowerOff:      {what: "Powers the droplet off hard, like pulling the plug: the guest is not asked."},
	actionPowerOn:       {what: "Boots the droplet."},
	actionSnapshot:      {what: "Takes a snapshot image of the droplet, optionally named `name`. The image stays after the run, like every image DigitalOcean holds; delete it in the control panel or with the official provider when it is no longer needed.", scope: "image:create"},
	actionResize:        {what: "Changes the droplet's size to `size`; with `disk = true` it also grows the disk, for good. Power the droplet off first: list a `droplet_power_off` before it in the same `action_trigger`, and a `droplet_power_on` after it.", scope: "droplet:create"},
	actionRebuild:       {what: "Reinstalls the droplet from `image`, replacing everything on its disk.", scope: "droplet:admin"},
	actionRestore:       {what: "Restores the droplet from one of its own backups, `image` being the backup's numeric ID (see the `droplet_backups` data source).", scope: "droplet:admin"},
	actionRename:        {what: "Renames the droplet to `name`. For droplets the official provider manages, set `name` on `digitalocean_droplet` instead."},
	actionPasswordReset: {what: "Resets the root password; DigitalOcean e-mails the new one, to be changed at the first login.", scope: "droplet:admin"},
	actionChangeKernel:  {what: "Switches the droplet to kernel `kernel`. Only droplets with externally managed kernels (created before March 2017) use one; reboot afterwards to boot it."},
	actionEnableIPv6:    {what: "Adds IPv6 to the droplet. It cannot be undone, and the guest may need configuring to use the address."},
}

// argDocs documents the per-type arguments; an entry keyed by type wins over the one keyed "".
var argDocs = map[string]map[actionType]string{
	argName: {
		actionRename:   "The droplet's new name.",
		actionSnapshot: "Name of the snapshot image. When omitted, DigitalOcean picks one.",
	},
	argImage: {
		actionRebuild: "Image to reinstall from: a public image slug such as `ubuntu-24-04-x64`, or the numeric ID of an image.",
		actionRestore: "Numeric ID of a backup of this same droplet, as the `droplet_backups` data source lists them. DigitalOcean accepts no slug here; anything else fails at `terraform validate`.",
	},
	argSize:   {"": "New size slug, such as `s-2vcpu-4gb`."},
	argDisk:   {"": "Also grow the disk to the new size's. Permanent: a disk cannot shrink, so the droplet can never be resized down again. Defaults to `false` (CPU and memory only)."},
	argKernel: {"": "ID of the kernel to switch to, from `GET /v2/droplets/{id}/kernels`."},
}

func argDoc(arg string, t actionType) string {
	if d, ok := argDocs[arg][t]; ok {
		return d
	}
	return argDocs[arg][""]
}

// actionTypeName is the Terraform action type name of a droplet action type: droplet_<type>.
func actionTypeName(providerTypeName string, t actionType) string {
	return providerTypeName + "_" + string(t)
}

// invokeSchema is the schema of the action that runs t. The type table decides which per-type
// arguments exist and which are required, and whether `tag_name` exists at all: Terraform then
// rejects a missing or unknown argument at `terraform validate`, naming it.
func invokeSchema(t actionType) schema.Schema {
	spec := actionSpecs[t]
	attrs := map[string]schema.Attribute{
		argDropletID: schema.Int64Attribute{
			Required:            !spec.byTag,
			Optional:            spec.byTag,
			MarkdownDescription: dropletIDDoc(spec),
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
		},
		argTimeout: schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: timeoutDoc(spec),
			Validators:          []validator.String{providerutil.PositiveDuration()},
		},
	}
	if spec.byTag {
		attrs[argTagName] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Run the action on every droplet that has this tag and wait for all of them. " +
				"When none of them is busy, one request (`POST /v2/droplets/actions?tag_name=`) starts them all; " +
				"otherwise each droplet starts on its own once it is free. Progress is reported for each droplet. " +
				"The droplets are the ones tagged when the action runs; a tag that matches no droplet is an " +
				"error. Exactly one of `droplet_id` and `tag_name` is required.",
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, 255),
				stringvalidator.RegexMatches(actionTagPattern, "must contain only letters, digits, `_`, `-` and `:`"),
			},
		}
	}
	for _, arg := range actionArguments {
		if !spec.takes(arg) {
			continue
		}
		required := slices.Contains(spec.required, arg)
		doc := argDoc(arg, t)
		switch arg {
		case argDisk:
			attrs[arg] = schema.BoolAttribute{Optional: true, MarkdownDescription: doc}
		case argKernel:
			attrs[arg] = schema.Int64Attribute{Required: required, Optional: !required, MarkdownDescription: doc,
				Validators: []validator.Int64{int64validator.AtLeast(1)}}
		default:
			attrs[arg] = schema.StringAttribute{Required: required, Optional: !required, MarkdownDescription: doc,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
		}
	}
	if t == actionShutdown {
		attrs[argForceAfter] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "If the droplet is not off this long after the shutdown request (the guest " +
				"ignored it, or the shutdown errored), power it off hard with `power_off`, as `droplet_power` " +
				"does. A Go duration such as `2m`, shorter than `timeout`. Without it, the invocation ends when " +
				"DigitalOcean reports the shutdown action completed, which says the request was delivered, not " +
				"that the guest stopped.",
			Validators: []validator.String{providerutil.PositiveDuration()},
		}
	}
	return schema.Schema{MarkdownDescription: actionDescription(t), Attributes: attrs}
}

func timeoutDoc(spec actionSpec) string {
	tag := ""
	if spec.byTag {
		tag = " With `tag_name` it covers every droplet, whose actions run side by side."
	}
	return "How long the invocation waits for the action to start and complete, as a Go duration such as " +
		"`30s`, `10m` or `2h`. Defaults to `60m`. It includes waiting for a busy droplet's other action to " +
		"finish." + tag + " When it runs out the invocation fails naming each droplet, its action and last " +
		"status; DigitalOcean keeps running the action, and invoking again waits for it instead of starting " +
		"a second one."
}

func dropletIDDoc(spec actionSpec) string {
	if spec.byTag {
		return "ID of the droplet to act on. Exactly one of `droplet_id` and `tag_name` is required."
	}
	return "ID of the droplet to act on."
}

// actionDescription is the action's page: what it does, how to run it, and what it does not keep.
func actionDescription(t actionType) string {
	spec, doc := actionSpecs[t], actionDocs[t]
	var b strings.Builder
	b.WriteString(doc.what)
	if doc.scope != "" {
		fmt.Fprintf(&b, " The token needs the `%s` scope.", doc.scope)
	}
	b.WriteString("\n\n")
	if spec.byTag {
		fmt.Fprintf(&b, "Runs the `%s` droplet action on one droplet (`droplet_id`) or on every droplet with a tag "+
			"(`tag_name`) and waits until DigitalOcean reports each action `completed`, ", t)
	} else {
		fmt.Fprintf(&b, "Runs the `%s` droplet action on one droplet and waits until DigitalOcean reports it "+
			"`completed`, ", t)
	}
	b.WriteString("reporting progress as it goes: when the action starts (droplet ID and name, action ID), " +
		"each change of its status, at least every 10 seconds while it waits, and how long it took.")
	if !spec.byTag {
		fmt.Fprintf(&b, " DigitalOcean does not run `%s` by tag; to act on several droplets, give the action "+
			"block `for_each`.", t)
	}
	b.WriteString("\n\n")
	switch t {
	case actionPowerOn:
		b.WriteString("A droplet that is already on is left alone: nothing is sent, and the progress says so.\n\n")
	case actionPowerOff, actionShutdown:
		b.WriteString("A droplet that is already off is left alone: nothing is sent, and the progress says so.\n\n")
	}
	fmt.Fprintf(&b, "Needs Terraform 1.14 or later. Run it with `terraform apply -invoke=action.droplet_%s.<name>`, "+
		"or from a resource's `lifecycle { action_trigger { ... } }`. Nothing is kept in state. For a record "+
		"in state, for OpenTofu or for older Terraform, use the `droplet_action` resource with "+
		"`type = \"%s\"`; the [Actions or droplet_action?](../guides/actions-or-droplet-action.md) guide compares "+
		"the two.\n\n", t, t)
	b.WriteString("Exactly one action is started per droplet. A droplet busy with another action is waited " +
		"for first; when the answer to a start is lost, the droplet's actions show whether it began, and that " +
		"action is followed instead of sending another. An action of the same type already in progress (the " +
		"one an earlier invocation left running when its `timeout` ran out) is followed too, with a warning. " +
		"Failures (an errored action, a droplet that is gone")
	if spec.byTag {
		b.WriteString(", a tag that matches no droplet")
	}
	b.WriteString(", the timeout, an interrupt) end the invocation with an error naming each droplet, its " +
		"action and last status.")
	return b.String()
}
