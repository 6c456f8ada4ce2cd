package backups

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

var (
	_ datasource.DataSource              = (*dropletBackupPoliciesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*dropletBackupPoliciesDataSource)(nil)
)

// NewPoliciesDataSource returns the droplet_backup_policies data source.
func NewPoliciesDataSource() datasource.DataSource {
	return &dropletBackupPoliciesDataSource{}
}

type dropletBackupPoliciesDataSource struct {
	client *digitalocean.Client
}

var supportedPolicyAttrTypes = map[string]attr.Type{
	"name":                   types.StringType,
	"possible_window_starts": types.ListType{ElemType: types.Int64Type},
	"possible_days":          types.ListType{ElemType: types.StringType},
	"window_length_hours":    types.Int64Type,
	"retention_period_days":  types.Int64Type,
}

func (d *dropletBackupPoliciesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup_policies"
}

func (d *dropletBackupPoliciesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the backup policies DigitalOcean supports " +
			"(`GET /v2/droplets/backups/supported_policies`): for each plan, the hours a backup window can open, " +
			"the weekdays it can run on, and how long windows last and backups are kept.",
		Attributes: map[string]schema.Attribute{
			"policies": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The supported policies, in the order DigitalOcean lists them.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Plan name, the value of `plan` in `droplet_backups` (e.g. `daily`, `weekly`).",
						},
						"possible_window_starts": schema.ListAttribute{
							Computed:            true,
							ElementType:         types.Int64Type,
							MarkdownDescription: "UTC hours at which a backup window can open: the allowed values of `hour`.",
						},
						"possible_days": schema.ListAttribute{
							Computed:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "Allowed values of `weekday`; empty for plans that run every day.",
						},
						"window_length_hours": schema.Int64Attribute{
							Computed:            true,
							MarkdownDescription: "Length of each backup window in hours.",
						},
						"retention_period_days": schema.Int64Attribute{
							Computed:            true,
							MarkdownDescription: "How many days each backup is kept.",
						},
					},
				},
			},
		},
	}
}

func (d *dropletBackupPoliciesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *dropletBackupPoliciesDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !providerutil.RequireClient(d.client, &resp.Diagnostics) {
		return
	}
	supported, err := d.client.SupportedBackupPolicies(ctx)
	if err != nil {
		providerutil.AddAPIError(&resp.Diagnostics, "Cannot list the supported backup policies", err)
		return
	}

	elems := make([]attr.Value, 0, len(supported))
	for _, p := range supported {
		starts := make([]int64, len(p.PossibleWindowStarts))
		for i, h := range p.PossibleWindowStarts {
			starts[i] = int64(h)
		}
		startList, diags := types.ListValueFrom(ctx, types.Int64Type, starts)
		resp.Diagnostics.Append(diags...)
		dayList, diags := types.ListValueFrom(ctx, types.StringType, nonNilStrings(p.PossibleDays))
		resp.Diagnostics.Append(diags...)
		obj, diags := types.ObjectValue(supportedPolicyAttrTypes, map[string]attr.Value{
			"name":                   types.StringValue(p.Name),
			"possible_window_starts": startList,
			"possible_days":          dayList,
			"window_length_hours":    types.Int64Value(int64(p.WindowLengthHours)),
			"retention_period_days":  types.Int64Value(int64(p.RetentionPeriodDays)),
		})
		resp.Diagnostics.Append(diags...)
		elems = append(elems, obj)
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: supportedPolicyAttrTypes}, elems)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &dropletBackupPoliciesModel{Policies: list})...)
}

type dropletBackupPoliciesModel struct {
	Policies types.List `tfsdk:"policies"`
}
