package backups

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

var (
	_ datasource.DataSource              = (*dropletBackupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*dropletBackupsDataSource)(nil)
)

// NewDataSource returns the droplet_backups data source.
func NewDataSource() datasource.DataSource {
	return &dropletBackupsDataSource{}
}

type dropletBackupsDataSource struct {
	client *digitalocean.Client
}

// backupImageAttrTypes is the shape of one entry of `backups`.
var backupImageAttrTypes = map[string]attr.Type{
	"id":             types.Int64Type,
	"name":           types.StringType,
	"created_at":     types.StringType,
	"size_gigabytes": types.Float64Type,
	"min_disk_size":  types.Int64Type,
	"regions":        types.ListType{ElemType: types.StringType},
}

func (d *dropletBackupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backups"
}

func (d *dropletBackupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a droplet's backup policy (`GET /v2/droplets/{id}/backups/policy`) and its " +
			"current backup images (`GET /v2/droplets/{id}/backups`), newest first. A backup's `id` is what a " +
			"`restore` action or `droplet_action` with `type = \"restore\"` needs.",
		Attributes: map[string]schema.Attribute{
			"droplet_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "ID of the droplet to read.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"enabled": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether automatic backups are on.",
			},
			"plan": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Backup frequency: `daily`, `weekly`, or a usage-based plan DigitalOcean reports " +
					"(such as `intra_daily_4h`). Null when backups are off.",
			},
			"weekday": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Day of weekly backups (" + providerutil.Quoted(providerutil.BackupWeekdays) + "). Null for other plans and when backups are off.",
			},
			"hour": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "UTC hour at which the backup window opens (" + providerutil.Quoted(providerutil.BackupHours) + "). Null when backups are off.",
			},
			"window_length_hours": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Length of the backup window in hours. Null when backups are off.",
			},
			"retention_period_days": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many days each backup is kept. Null when backups are off.",
			},
			"next_backup_window": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The next backup window. Null when backups are off.",
				Attributes: map[string]schema.Attribute{
					"start": schema.StringAttribute{Computed: true, MarkdownDescription: "Start of the window, RFC 3339 in UTC."},
					"end":   schema.StringAttribute{Computed: true, MarkdownDescription: "End of the window, RFC 3339 in UTC."},
				},
			},
			"backups": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The droplet's backup images, newest first. Backups outlive `disable_backups` " +
					"until their retention ends, so this list can be non-empty while backups are off.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":             schema.Int64Attribute{Computed: true, MarkdownDescription: "Image ID; use it with a `restore` action."},
						"name":           schema.StringAttribute{Computed: true, MarkdownDescription: "Name DigitalOcean gave the backup."},
						"created_at":     schema.StringAttribute{Computed: true, MarkdownDescription: "When the backup was taken, RFC 3339."},
						"size_gigabytes": schema.Float64Attribute{Computed: true, MarkdownDescription: "Size of the image in GB."},
						"min_disk_size":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Smallest disk, in GB, a droplet restored from it needs."},
						"regions": schema.ListAttribute{
							Computed:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "Region slugs where the backup is available.",
						},
					},
				},
			},
		},
	}
}

func (d *dropletBackupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *dropletBackupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data dropletBackupsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() || !providerutil.RequireClient(d.client, &resp.Diagnostics) {
		return
	}
	dropletID := int(data.DropletID.ValueInt64())

	policy, err := d.client.BackupPolicy(ctx, dropletID)
	if err != nil {
		providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
		return
	}
	images, err := d.client.Backups(ctx, dropletID)
	if err != nil {
		providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot list the backups of droplet %d", dropletID), err)
		return
	}

	data.policyState = policyStateFrom(policy)

	elems := make([]attr.Value, 0, len(images))
	for _, img := range images {
		regions, diags := types.ListValueFrom(ctx, types.StringType, nonNilStrings(img.Regions))
		resp.Diagnostics.Append(diags...)
		obj, diags := types.ObjectValue(backupImageAttrTypes, map[string]attr.Value{
			"id":             types.Int64Value(int64(img.ID)),
			"name":           types.StringValue(img.Name),
			"created_at":     types.StringValue(img.Created),
			"size_gigabytes": types.Float64Value(img.SizeGigaBytes),
			"min_disk_size":  types.Int64Value(int64(img.MinDiskSize)),
			"regions":        regions,
		})
		resp.Diagnostics.Append(diags...)
		elems = append(elems, obj)
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: backupImageAttrTypes}, elems)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data.Backups = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type dropletBackupsDataSourceModel struct {
	DropletID types.Int64 `tfsdk:"droplet_id"`
	policyState
	Backups types.List `tfsdk:"backups"`
}
