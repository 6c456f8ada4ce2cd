// Package provider is the Terraform-facing layer: the provider's schema and configuration, and the
// registration of every resource and data source. The types themselves live in one package per
// capability (backups, dropletaction, power), which share the helpers of providerutil; each turns
// plans into calls on internal/digitalocean and its answers back into state.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/backups"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/dropletaction"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/power"
)

// Environment variables read when an argument is not set in the configuration. They are the official
// DigitalOcean provider's, so existing set-ups work unchanged.
const (
	envToken             = "DIGITALOCEAN_TOKEN"
	envAccessToken       = "DIGITALOCEAN_ACCESS_TOKEN"
	envAPIURL            = "DIGITALOCEAN_API_URL"
	envHTTPRetryMax      = "DIGITALOCEAN_HTTP_RETRY_MAX"
	envHTTPRetryWaitMin  = "DIGITALOCEAN_HTTP_RETRY_WAIT_MIN"
	envHTTPRetryWaitMax  = "DIGITALOCEAN_HTTP_RETRY_WAIT_MAX"
	envRequestsPerSecond = "DIGITALOCEAN_REQUESTS_PER_SECOND"

	defaultAPIEndpoint      = "https://api.digitalocean.com"
	defaultHTTPRetryMax     = 4
	defaultHTTPRetryWaitMin = 1.0
	defaultHTTPRetryWaitMax = 30.0
)

var (
	_ provider.Provider                  = (*dropletProvider)(nil)
	_ provider.ProviderWithListResources = (*dropletProvider)(nil)
	_ provider.ProviderWithActions       = (*dropletProvider)(nil)
)

// New returns a constructor for the provider at the given version ("dev" for local builds).
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &dropletProvider{version: version}
	}
}

type dropletProvider struct {
	version string
}

func (p *dropletProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "droplet"
	resp.Version = p.version
}

func (p *dropletProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages DigitalOcean droplet backup schedules and runs droplet actions " +
			"(reboot, power off, snapshot, resize, …), waiting until DigitalOcean reports each action " +
			"`completed`. It sits beside the official `digitalocean` provider, which creates the droplets. " +
			"Arguments and environment variables are the official provider's.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "DigitalOcean API token. Defaults to the `" + envToken + "` environment " +
					"variable, then `" + envAccessToken + "`. Needs the `droplet:read`, `droplet:update`, " +
					"`actions:read` and `image:read` scopes, plus `droplet:admin`, `droplet:create` and " +
					"`image:create`/`image:update` for the actions that require them.",
			},
			"api_endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the DigitalOcean API. Defaults to the `" + envAPIURL + "` " +
					"environment variable, then `" + defaultAPIEndpoint + "`. Must be an absolute `https` URL; " +
					"plain `http` is accepted only for loopback hosts such as the bundled emulator " +
					"(`http://127.0.0.1:PORT`). A URL with a path prefix works.",
				Validators: []validator.String{endpointValidator{}},
			},
			"http_retry_max": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a 429, a 5xx or a "+
					"network error. Defaults to the `%s` environment variable, then `%d`. `0` turns retries off. "+
					"Action starts are never blindly retried: an ambiguous failure is resolved by looking at the "+
					"droplet's actions, so no action runs twice.", envHTTPRetryMax, defaultHTTPRetryMax),
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"http_retry_wait_min": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Minimum wait between retries, in seconds. Defaults to the "+
					"`%s` environment variable, then `%g`.", envHTTPRetryWaitMin, defaultHTTPRetryWaitMin),
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"http_retry_wait_max": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Maximum wait between retries, in seconds. Defaults to the "+
					"`%s` environment variable, then `%g`.", envHTTPRetryWaitMax, defaultHTTPRetryWaitMax),
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"requests_per_second": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side limit on API requests per second for the whole provider " +
					"process. Defaults to the `" + envRequestsPerSecond + "` environment variable, then `0` " +
					"(no limit beyond the built-in budget that keeps the provider under DigitalOcean's " +
					"250 requests per minute).",
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
		},
	}
}

// Configure builds the API client. Arguments that are unknown until apply (a token produced by
// another resource) leave the provider unconfigured during plan instead of failing it.
func (p *dropletProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.Token.IsUnknown() || cfg.APIEndpoint.IsUnknown() || cfg.HTTPRetryMax.IsUnknown() ||
		cfg.HTTPRetryWaitMin.IsUnknown() || cfg.HTTPRetryWaitMax.IsUnknown() || cfg.RequestsPerSecond.IsUnknown() {
		return
	}

	clientCfg, diags := clientConfig(cfg, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	clientCfg.UserAgent = fmt.Sprintf("terraform-provider-droplet/%s Terraform/%s", p.version, req.TerraformVersion)
	clientCfg.Logger = newTFLogger(clientCfg.Token)

	client, err := digitalocean.NewClient(ctx, clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the DigitalOcean API client", err.Error())
		return
	}
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ListResourceData = client
	resp.ActionData = client
}

func (p *dropletProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		backups.NewResource,
		dropletaction.NewResource,
		power.NewResource,
	}
}

// ListResources are what `terraform query` (Terraform 1.14 and later) lists; each shares its type
// name and identity with the managed resource it finds.
func (p *dropletProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		backups.NewListResource,
		power.NewListResource,
	}
}

// Actions are the Terraform actions (Terraform 1.14 and later), one per droplet action type.
func (p *dropletProvider) Actions(_ context.Context) []func() action.Action {
	return dropletaction.Actions()
}

func (p *dropletProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		backups.NewDataSource,
		backups.NewPoliciesDataSource,
	}
}

// clientConfig merges configuration and environment (configuration wins) and checks the result.
func clientConfig(cfg providerModel, getenv func(string) string) (digitalocean.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := digitalocean.Config{
		Token:       firstNonEmpty(cfg.Token.ValueString(), getenv(envToken), getenv(envAccessToken)),
		APIEndpoint: firstNonEmpty(cfg.APIEndpoint.ValueString(), getenv(envAPIURL), defaultAPIEndpoint),
	}
	if strings.TrimSpace(out.Token) == "" {
		diags.AddAttributeError(path.Root("token"), "Missing DigitalOcean API token",
			"Set the provider's `token` argument or the "+envToken+" (or "+envAccessToken+") environment "+
				"variable to a DigitalOcean personal access token.")
	}
	if err := digitalocean.ValidateEndpoint(out.APIEndpoint); err != nil {
		source := "api_endpoint"
		if cfg.APIEndpoint.IsNull() {
			source = envAPIURL + " (used because api_endpoint is not set)"
		}
		diags.AddAttributeError(path.Root("api_endpoint"), "Invalid DigitalOcean API endpoint",
			fmt.Sprintf("%s: %s.", source, err))
	}

	retryMax, ok := intSetting(cfg.HTTPRetryMax, getenv(envHTTPRetryMax), defaultHTTPRetryMax)
	if !ok || retryMax < 0 {
		diags.AddAttributeError(path.Root("http_retry_max"), "Invalid "+envHTTPRetryMax,
			fmt.Sprintf("%s must be a whole number of at least 0, got %q.", envHTTPRetryMax, getenv(envHTTPRetryMax)))
	}
	waitMin, ok := floatSetting(cfg.HTTPRetryWaitMin, getenv(envHTTPRetryWaitMin), defaultHTTPRetryWaitMin)
	if !ok || waitMin < 0 {
		diags.AddAttributeError(path.Root("http_retry_wait_min"), "Invalid "+envHTTPRetryWaitMin,
			fmt.Sprintf("%s must be a number of seconds of at least 0, got %q.", envHTTPRetryWaitMin, getenv(envHTTPRetryWaitMin)))
	}
	waitMax, ok := floatSetting(cfg.HTTPRetryWaitMax, getenv(envHTTPRetryWaitMax), defaultHTTPRetryWaitMax)
	if !ok || waitMax < 0 {
		diags.AddAttributeError(path.Root("http_retry_wait_max"), "Invalid "+envHTTPRetryWaitMax,
			fmt.Sprintf("%s must be a number of seconds of at least 0, got %q.", envHTTPRetryWaitMax, getenv(envHTTPRetryWaitMax)))
	}
	if waitMax < waitMin {
		diags.AddAttributeError(path.Root("http_retry_wait_max"), "Invalid retry waits",
			fmt.Sprintf("http_retry_wait_max (%g s) must not be smaller than http_retry_wait_min (%g s).", waitMax, waitMin))
	}
	rps, ok := floatSetting(cfg.RequestsPerSecond, getenv(envRequestsPerSecond), 0)
	if !ok || rps < 0 {
		diags.AddAttributeError(path.Root("requests_per_second"), "Invalid "+envRequestsPerSecond,
			fmt.Sprintf("%s must be a number of at least 0, got %q.", envRequestsPerSecond, getenv(envRequestsPerSecond)))
	}
	out.HTTPRetryMax = int(retryMax)
	out.HTTPRetryWaitMin = seconds(waitMin)
	out.HTTPRetryWaitMax = seconds(waitMax)
	out.RequestsPerSecond = rps
	return out, diags
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func intSetting(attr types.Int64, env string, def int64) (int64, bool) {
	if !attr.IsNull() {
		return attr.ValueInt64(), true
	}
	if env == "" {
		return def, true
	}
	v, err := strconv.ParseInt(strings.TrimSpace(env), 10, 64)
	return v, err == nil
}

func floatSetting(attr types.Float64, env string, def float64) (float64, bool) {
	if !attr.IsNull() {
		return attr.ValueFloat64(), true
	}
	if env == "" {
		return def, true
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(env), 64)
	return v, err == nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

type providerModel struct {
	Token             types.String  `tfsdk:"token"`
	APIEndpoint       types.String  `tfsdk:"api_endpoint"`
	HTTPRetryMax      types.Int64   `tfsdk:"http_retry_max"`
	HTTPRetryWaitMin  types.Float64 `tfsdk:"http_retry_wait_min"`
	HTTPRetryWaitMax  types.Float64 `tfsdk:"http_retry_wait_max"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
}
