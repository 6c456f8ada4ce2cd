package backups

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

var (
	_ list.ListResource              = (*dropletBackupsListResource)(nil)
	_ list.ListResourceWithConfigure = (*dropletBackupsListResource)(nil)
)

// NewListResource returns the droplet_backups list resource, which finds droplets for
// `terraform query` (Terraform 1.14 and later).
func NewListResource() list.ListResource {
	return &dropletBackupsListResource{}
}

type dropletBackupsListResource struct {
	client *digitalocean.Client
}

// Metadata is the managed resource's: a list resource lists instances of the type it shares.
func (l *dropletBackupsListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&dropletBackupsResource{}).Metadata(ctx, req, resp)
}

func (l *dropletBackupsListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *dropletBackupsListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the droplets of the account, or those with a tag, with their backup settings, " +
			"for `terraform query` (Terraform 1.14 and later). Each result is a droplet's `droplet_backups`: " +
			"its identity (`droplet_id`), a display name with the " +
			"droplet's name, ID and schedule, such as `web-1 (3164444): weekly SUN 04:00`, `db-1 (3164459): " +
			"daily 20:00`, `api (3164467): every 4 h, kept 7 days` (a usage-based plan) or `batch (3164470): " +
			"backups off`, and, with `include_resource = true` or `-generate-config-out`, every attribute as " +
			"an import would store it. Hours are UTC. Droplets come in the API's order.\n\n" +
			"Listing changes nothing. A tag that no droplet carries lists " +
			"nothing; it is not an error.",
		Attributes: map[string]schema.Attribute{
			"tag_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only droplets with this tag (`GET /v2/droplets?tag_name=…`, which needs the " +
					"token's `tag:read` scope). Unset lists every droplet of the account.",
				Validators: providerutil.TagNameValidators(),
			},
			"enabled": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "`true` lists only droplets whose backups are on, `false` only those whose " +
					"backups are off. Unset lists both. `limit` counts the droplets that pass this filter.",
			},
		},
	}
}

func (l *dropletBackupsListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg dropletBackupsListModel
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !providerutil.RequireClient(l.client, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	tag := cfg.TagName.ValueString()
	stream.Results = func(push func(list.ListResult) bool) {
		var listed int64
		for found, err := range l.client.DropletBackups(ctx, tag) {
			if err != nil {
				push(listErrorResult(tag, listed, err))
				return
			}
			if providerutil.IsKnown(cfg.Enabled) && found.Policy.Enabled != cfg.Enabled.ValueBool() {
				continue
			}
			if !push(l.result(ctx, req, found)) {
				return
			}
			listed++
			if req.Limit > 0 && listed >= req.Limit {
				// Stopping here leaves the remaining pages unread.
				break
			}
		}
		tflog.Debug(ctx, "Listed droplet backups", map[string]any{"tag_name": tag, "results": listed})
	}
}

// result is one droplet as `terraform query` shows it. The resource is what Read stores after an
// import, so configuration generated from it plans no change.
func (l *dropletBackupsListResource) result(ctx context.Context, req list.ListRequest, found digitalocean.DropletBackup) list.ListResult {
	id := int64(found.Droplet.ID)
	res := req.NewListResult(ctx)
	res.DisplayName = listDisplayName(found.Droplet.Name, found.Droplet.ID, found.Policy)
	providerutil.SetDropletIdentity(ctx, res.Identity, id, &res.Diagnostics)
	if !req.IncludeResource {
		return res
	}
	prior := dropletBackupsModel{DropletID: types.Int64Value(id)}
	// A null timeouts block of the schema's own type: the model alone cannot build one.
	res.Diagnostics.Append(res.Resource.GetAttribute(ctx, path.Root("timeouts"), &prior.Timeouts)...)
	state := readState(prior, found.Policy)
	res.Diagnostics.Append(res.Resource.Set(ctx, &state)...)
	return res
}

// listErrorResult reports a failed listing, saying what was being listed and how far it got.
func listErrorResult(tag string, listed int64, err error) list.ListResult {
	summary := "Cannot list the account's droplets and their backup policies"
	if tag != "" {
		summary = fmt.Sprintf("Cannot list the droplets tagged %q and their backup policies", tag)
	}
	detail := providerutil.APIErrorDetail(err)
	if tag != "" && errors.Is(err, digitalocean.ErrForbidden) {
		detail += " Listing by tag also needs the `tag:read` scope."
	}
	if listed > 0 {
		detail += fmt.Sprintf("\n\nThe %d results before the error are shown above; run the query again for the rest.", listed)
	}
	var res list.ListResult
	res.Diagnostics.AddError(summary, detail)
	return res
}

type dropletBackupsListModel struct {
	TagName types.String `tfsdk:"tag_name"`
	Enabled types.Bool   `tfsdk:"enabled"`
}
