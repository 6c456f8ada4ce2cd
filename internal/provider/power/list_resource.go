package power

import (
	"context"
	"errors"
	"fmt"

	"github.com/digitalocean/godo"
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
	_ list.ListResource              = (*dropletPowerListResource)(nil)
	_ list.ListResourceWithConfigure = (*dropletPowerListResource)(nil)
)

// NewListResource returns the droplet_power list resource, which finds droplets for
// `terraform query` (Terraform 1.14 and later).
func NewListResource() list.ListResource { return &dropletPowerListResource{} }

type dropletPowerListResource struct {
	client *digitalocean.Client
}

// Metadata is the managed resource's: a list resource lists instances of the type it shares.
func (l *dropletPowerListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&dropletPowerResource{}).Metadata(ctx, req, resp)
}

func (l *dropletPowerListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *dropletPowerListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the droplets of the account, or those with a tag, with their power state, for " +
			"`terraform query` (Terraform 1.14 and later). Each result is a droplet's `droplet_power`: " +
			"its identity (`droplet_id`), a display name with the " +
			"droplet's name, ID and power state, such as `web-1 (3164444): on` or `db-1 (3164459): off`, followed " +
			"by the droplet's status in parentheses when it is neither `active` nor `off` (`on (new)` while the " +
			"first boot runs, `off (archive)`), and, with `include_resource = true` or `-generate-config-out`, " +
			"every attribute as an import would store it. Droplets come in the API's order.\n\n" +
			"Listing changes nothing. A tag that no droplet carries lists nothing; it is not an error.",
		Attributes: map[string]schema.Attribute{
			"tag_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only droplets with this tag (`GET /v2/droplets?tag_name=…`, which needs the " +
					"token's `tag:read` scope). Unset lists every droplet of the account.",
				Validators: providerutil.TagNameValidators(),
			},
		},
	}
}

func (l *dropletPowerListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg dropletPowerListModel
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !providerutil.RequireClient(l.client, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	tag := cfg.TagName.ValueString()
	stream.Results = func(push func(list.ListResult) bool) {
		var listed int64
		for d, err := range l.client.Droplets(ctx, tag) {
			if err != nil {
				push(listErrorResult(tag, listed, err))
				return
			}
			if !push(l.result(ctx, req, d)) {
				return
			}
			listed++
			if req.Limit > 0 && listed >= req.Limit {
				// Stopping here leaves the remaining pages unread.
				break
			}
		}
		tflog.Debug(ctx, "Listed droplet power states", map[string]any{"tag_name": tag, "results": listed})
	}
}

// result is one droplet as `terraform query` shows it. The resource is what Read stores after an
// import, so configuration generated from it plans no change.
func (l *dropletPowerListResource) result(ctx context.Context, req list.ListRequest, d godo.Droplet) list.ListResult {
	id := int64(d.ID)
	res := req.NewListResult(ctx)
	prior := dropletPowerModel{DropletID: types.Int64Value(id)}
	state := readState(prior, &d)
	res.DisplayName = listDisplayName(d.Name, d.ID, d.Status, state.State.ValueString())
	providerutil.SetDropletIdentity(ctx, res.Identity, id, &res.Diagnostics)
	if !req.IncludeResource {
		return res
	}
	// A null timeouts block of the schema's own type: the model alone cannot build one.
	res.Diagnostics.Append(res.Resource.GetAttribute(ctx, path.Root("timeouts"), &state.Timeouts)...)
	res.Diagnostics.Append(res.Resource.Set(ctx, &state)...)
	return res
}

// listDisplayName is what `terraform query` shows for a droplet: name, ID and power state, and
// the status when the state alone would hide it.
//
//	web-1 (100001): on
//	db-1 (100002): off (archive)
func listDisplayName(name string, dropletID int, status, state string) string {
	who := fmt.Sprintf("%s (%d)", name, dropletID)
	if name == "" {
		who = fmt.Sprintf("droplet %d", dropletID)
	}
	s := who + ": " + state
	if status != "" && status != dropletStatusActive && status != dropletStatusOff {
		s += " (" + status + ")"
	}
	return s
}

// listErrorResult reports a failed listing, saying what was being listed and how far it got.
func listErrorResult(tag string, listed int64, err error) list.ListResult {
	summary := "Cannot list the account's droplets"
	if tag != "" {
		summary = fmt.Sprintf("Cannot list the droplets tagged %q", tag)
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

type dropletPowerListModel struct {
	TagName types.String `tfsdk:"tag_name"`
}
