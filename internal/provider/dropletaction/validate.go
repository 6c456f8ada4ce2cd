package dropletaction

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// validate applies the per-type rules. Unknown values are skipped: they are checked once known.
func (m dropletActionModel) validate(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.Type.IsNull() || m.Type.IsUnknown() {
		return diags
	}
	t := actionType(m.Type.ValueString())
	spec, ok := actionSpecs[t]
	if !ok {
		return diags // the type's OneOf validator reports it
	}

	values := map[string]attr.Value{
		argImage: m.Image, argSize: m.Size, argDisk: m.Disk, argName: m.Name, argKernel: m.Kernel,
		argBackupPolicy: m.BackupPolicy,
	}
	for _, arg := range actionArguments {
		v := values[arg]
		switch {
		case !v.IsNull() && !v.IsUnknown() && !spec.takes(arg):
			diags.AddAttributeError(path.Root(arg), fmt.Sprintf("`%s` does not apply to type %q", arg, t),
				fmt.Sprintf("`%s` is only used by type %s. Remove it, or choose one of those types.",
					arg, providerutil.QuotedAnd(typesTaking(arg))))
		case v.IsNull() && slices.Contains(spec.required, arg):
			diags.AddAttributeError(path.Root(arg), fmt.Sprintf("Type %q requires `%s`", t, arg),
				fmt.Sprintf("Set `%s`; it is required by type %s.", arg, providerutil.QuotedAnd(typesRequiring(arg))))
		}
	}

	// An unknown tag_name is still set: the action will run by tag.
	if !m.TagName.IsNull() {
		if !spec.byTag {
			diags.AddAttributeError(path.Root("type"), fmt.Sprintf("Type %q cannot run by tag", t),
				fmt.Sprintf("DigitalOcean runs only %s on all droplets with a tag. Use `droplet_id` for %q "+
					"(with `for_each` over the droplets to act on several).", providerutil.QuotedAnd(byTagTypes()), t))
		}
		if !m.BackupPolicy.IsNull() && !m.BackupPolicy.IsUnknown() {
			diags.AddAttributeError(path.Root(argBackupPolicy), "`backup_policy` cannot be used with `tag_name`",
				"The by-tag endpoint takes no backup policy: `enable_backups` by tag uses DigitalOcean's default "+
					"(daily). Remove `backup_policy`, or use `droplet_id` (with `for_each` over the droplets).")
		}
	}

	if t == actionRestore && !m.Image.IsNull() && !m.Image.IsUnknown() {
		if err := checkRestoreImage(m.Image.ValueString()); err != nil {
			diags.AddAttributeError(path.Root(argImage), "Invalid image for restore",
				err.Error()+". Find the ID with the `droplet_backups` data source.")
		}
	}

	if !m.BackupPolicy.IsNull() && !m.BackupPolicy.IsUnknown() {
		var p actionBackupPolicyModel
		diags.Append(m.BackupPolicy.As(ctx, &p, basetypes.ObjectAsOptions{})...)
		p.values().ValidateShape(&diags)
	}
	return diags
}

// ModifyPlan checks a backup policy against the plans DigitalOcean offers the account once the
// provider is configured, so that a plan, hour or retention it would refuse fails at plan time,
// before the action starts. A policy that already ran unchanged is not checked again, so plans of
// a completed action send no request.
func (r *dropletActionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return // destroy, or a provider not configured yet: Create checks again
	}
	var planned types.Object
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(argBackupPolicy), &planned)...)
	if resp.Diagnostics.HasError() || planned.IsNull() || planned.IsUnknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		var prior types.Object
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(argBackupPolicy), &prior)...)
		if resp.Diagnostics.HasError() || prior.Equal(planned) {
			return
		}
	}
	var p actionBackupPolicyModel
	resp.Diagnostics.Append(planned.As(ctx, &p, basetypes.ObjectAsOptions{})...)
	if resp.Diagnostics.HasError() || !providerutil.IsKnown(p.Plan) {
		return
	}
	offered := providerutil.OfferedBackupPolicies(ctx, r.client, &resp.Diagnostics)
	p.values().ValidateOffered(offered, false, &resp.Diagnostics)
}
