package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// testProvider has what the droplet provider may grow into: a resource with an identity, a list
// resource and an action, with nested attributes and blocks. Only its schemas are ever asked for,
// so its CRUD, List and Invoke methods do nothing.
type testProvider struct{}

var (
	_ provider.ProviderWithActions       = testProvider{}
	_ provider.ProviderWithListResources = testProvider{}
)

func (testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "droplet"
}

func (testProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerschema.Schema{
		Attributes: map[string]providerschema.Attribute{
			"token": providerschema.StringAttribute{Optional: true, Sensitive: true, Description: "The API token."},
		},
	}
}

func (testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (testProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return widget{} }}
}

func (testProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (testProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{func() list.ListResource { return widget{} }}
}

func (testProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{func() action.Action { return poke{} }}
}

// widget is both the managed resource droplet_widget and its list resource.
type widget struct{}

var (
	_ resource.ResourceWithIdentity = widget{}
	_ list.ListResource             = widget{}
)

func (widget) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "droplet_widget"
}

func (widget) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version:             2,
		MarkdownDescription: "A widget, for **testing**.",
		Attributes: map[string]schema.Attribute{
			"id":   schema.StringAttribute{Computed: true},
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "The widget's `name`."},
			"tags": schema.SetAttribute{Optional: true, ElementType: types.StringType, Description: "Tags."},
			"secret": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
				Description: "Sent once, never stored."},
			"old": schema.StringAttribute{Optional: true, DeprecationMessage: "Use name."},
			"settings": schema.SingleNestedAttribute{
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"size":   schema.NumberAttribute{Optional: true},
					"labels": schema.MapAttribute{Optional: true, ElementType: types.StringType},
					"ports": schema.ListNestedAttribute{
						Computed: true,
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"number": schema.Int64Attribute{Computed: true},
						}},
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"rule": schema.ListNestedBlock{
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"port": schema.Int64Attribute{Required: true},
					"open": schema.BoolAttribute{Optional: true},
				}},
			},
		},
	}
}

func (widget) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Version: 1,
		Attributes: map[string]identityschema.Attribute{
			"id":     identityschema.StringAttribute{RequiredForImport: true, Description: "The widget's ID."},
			"region": identityschema.StringAttribute{OptionalForImport: true},
		},
	}
}

func (widget) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (widget) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (widget) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (widget) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func (widget) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists widgets by *name prefix*.",
		Attributes: map[string]listschema.Attribute{
			"prefix": listschema.StringAttribute{Optional: true, Description: "Name prefix."},
			"tags":   listschema.ListAttribute{Optional: true, ElementType: types.StringType},
		},
		Blocks: map[string]listschema.Block{
			"filter": listschema.ListNestedBlock{
				NestedObject: listschema.NestedBlockObject{Attributes: map[string]listschema.Attribute{
					"key":    listschema.StringAttribute{Required: true},
					"values": listschema.ListAttribute{Required: true, ElementType: types.StringType},
				}},
			},
		},
	}
}

func (widget) List(_ context.Context, _ list.ListRequest, stream *list.ListResultsStream) {
	stream.Results = list.NoListResults
}

// poke is the action droplet_poke.
type poke struct{}

func (poke) Metadata(_ context.Context, _ action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = "droplet_poke"
}

func (poke) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionschema.Schema{
		Description: "Pokes a widget.",
		Attributes: map[string]actionschema.Attribute{
			"target":  actionschema.StringAttribute{Required: true, MarkdownDescription: "The widget to poke."},
			"times":   actionschema.Int64Attribute{Optional: true},
			"options": actionschema.MapAttribute{Optional: true, ElementType: types.BoolType},
		},
		Blocks: map[string]actionschema.Block{
			"wait": actionschema.SingleNestedBlock{
				Attributes: map[string]actionschema.Attribute{
					"seconds": actionschema.Float64Attribute{Optional: true},
				},
			},
		},
	}
}

func (poke) Invoke(context.Context, action.InvokeRequest, *action.InvokeResponse) {}
