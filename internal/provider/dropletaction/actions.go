package dropletaction

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

var (
	_ action.Action                     = (*dropletAction)(nil)
	_ action.ActionWithConfigure        = (*dropletAction)(nil)
	_ action.ActionWithConfigValidators = (*dropletAction)(nil)
	_ action.ActionWithValidateConfig   = (*dropletAction)(nil)
)

// Actions returns the constructors of the Terraform actions, one per droplet action type
// (droplet_reboot, droplet_snapshot, …), for the provider's Actions method.
func Actions() []func() action.Action {
	out := make([]func() action.Action, len(terraformActions))
	for i, t := range terraformActions {
		out[i] = func() action.Action { return &dropletAction{kind: t} }
	}
	return out
}

// dropletAction is every Terraform action of this package, parameterised by the droplet action
// type it runs: the type table decides its schema, and the runner does the work.
type dropletAction struct {
	kind   actionType
	client *digitalocean.Client
}

func (a *dropletAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = actionTypeName(req.ProviderTypeName, a.kind)
}

func (a *dropletAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = invokeSchema(a.kind)
}

func (a *dropletAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *dropletAction) ConfigValidators(context.Context) []action.ConfigValidator {
	if !actionSpecs[a.kind].byTag {
		return nil // droplet_id is required and tag_name does not exist
	}
	return []action.ConfigValidator{
		actionvalidator.ExactlyOneOf(path.MatchRoot(argDropletID), path.MatchRoot(argTagName)),
	}
}

// ValidateConfig applies the rules a schema cannot express. Unknown values are skipped: Invoke
// checks them again once they are known.
func (a *dropletAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	a.validConfig(ctx, req.Config, &resp.Diagnostics)
}

// validConfig reads the configuration and checks it, as ValidateConfig and Invoke both must; ok
// is false when either step failed.
func (a *dropletAction) validConfig(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (cfg invokeConfig, ok bool) {
	cfg, d := readInvokeConfig(ctx, config, a.kind)
	diags.Append(d...)
	if diags.HasError() {
		return cfg, false
	}
	diags.Append(cfg.validate()...)
	return cfg, !diags.HasError()
}

func (a *dropletAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	cfg, ok := a.validConfig(ctx, req.Config, &resp.Diagnostics)
	if !ok || !providerutil.RequireClient(a.client, &resp.Diagnostics) {
		return
	}
	job, err := cfg.job()
	if err != nil {
		resp.Diagnostics.AddError("Invalid action configuration", err.Error())
		return
	}
	timeout := cfg.timeoutOr(defaultInvokeTimeout)
	tflog.Debug(ctx, "invoking droplet action", map[string]any{
		"type": string(a.kind), "droplet_id": job.DropletID, "tag_name": job.Tag, "timeout": timeout.String(),
	})
	results, err := a.execute(ctx, job, timeout, resp.SendProgress)
	resp.Diagnostics.Append(invokeDiagnostics(a.kind, job.Tag, timeout, results, err)...)
}

// execute runs the job with the runner, reporting its progress, within timeout.
//
// When Terraform is interrupted (Ctrl-C) it cancels ctx, and moments later stops reading this
// invocation's answer. So the answer does not wait for the runner to wind down: it is built at
// once from what the progress has reported, while the runner, whose context ends too, returns
// in the background.
func (a *dropletAction) execute(ctx context.Context, job digitalocean.Job, timeout time.Duration, send func(action.InvokeProgressEvent)) ([]digitalocean.Result, error) {
	sink := newProgressSink(ctx, send)
	job.Progress = sink.event
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	type outcome struct {
		results []digitalocean.Result
		err     error
	}
	done := make(chan outcome, 1)
	began := time.Now()
	go func() {
		defer cancel()
		results, err := a.client.Execute(runCtx, job)
		done <- outcome{results, err}
	}()
	select {
	case o := <-done:
		if job.Tag != "" && len(o.results) > 0 {
			sink.line(tagSummary(a.kind, job.Tag, o.results, time.Since(began)))
		}
		sink.close()
		return o.results, o.err
	case <-ctx.Done():
		sink.close()
		results := sink.interrupted(job.DropletID)
		if len(results) == 0 {
			return nil, fmt.Errorf("interrupted before any droplet tagged %q was acted on: %w", job.Tag, context.Canceled)
		}
		if job.Tag != "" {
			return results, &digitalocean.TagError{Tag: job.Tag, Total: len(results), Failed: countFailed(results)}
		}
		return results, results[0].Err
	}
}

func countFailed(results []digitalocean.Result) int {
	n := 0
	for _, r := range results {
		if r.Err != nil {
			n++
		}
	}
	return n
}

// invokeConfig is an action's configuration. Each type's schema holds only some of these
// attributes; the others stay null.
type invokeConfig struct {
	kind       actionType
	DropletID  types.Int64
	TagName    types.String
	Timeout    types.String
	ForceAfter types.String
	Image      types.String
	Size       types.String
	Disk       types.Bool
	Name       types.String
	Kernel     types.Int64
}

// readInvokeConfig reads the attributes the type's schema has: the struct cannot be read with
// Config.Get, whose target must match the schema exactly.
func readInvokeConfig(ctx context.Context, config tfsdk.Config, t actionType) (invokeConfig, diag.Diagnostics) {
	cfg := invokeConfig{
		kind: t, DropletID: types.Int64Null(), TagName: types.StringNull(), Timeout: types.StringNull(),
		ForceAfter: types.StringNull(), Image: types.StringNull(), Size: types.StringNull(), Disk: types.BoolNull(),
		Name: types.StringNull(), Kernel: types.Int64Null(),
	}
	targets := map[string]any{
		argDropletID: &cfg.DropletID, argTagName: &cfg.TagName, argTimeout: &cfg.Timeout,
		argForceAfter: &cfg.ForceAfter, argImage: &cfg.Image, argSize: &cfg.Size, argDisk: &cfg.Disk,
		argName: &cfg.Name, argKernel: &cfg.Kernel,
	}
	var diags diag.Diagnostics
	for name := range invokeSchema(t).Attributes {
		if target, ok := targets[name]; ok {
			diags.Append(config.GetAttribute(ctx, path.Root(name), target)...)
		}
	}
	return cfg, diags
}

// validate checks what the attribute validators cannot: a restore image must be a backup's
// numeric ID, and force_after must leave time for the power_off within timeout.
func (c invokeConfig) validate() diag.Diagnostics {
	var diags diag.Diagnostics
	if c.kind == actionRestore && providerutil.IsKnown(c.Image) {
		if err := checkRestoreImage(c.Image.ValueString()); err != nil {
			diags.AddAttributeError(path.Root(argImage), "Invalid image for restore",
				err.Error()+". Find the ID with the `droplet_backups` data source.")
		}
	}
	if providerutil.IsKnown(c.ForceAfter) && (c.Timeout.IsNull() || providerutil.IsKnown(c.Timeout)) {
		force, ferr := time.ParseDuration(c.ForceAfter.ValueString())
		timeout := c.timeoutOr(defaultInvokeTimeout)
		if ferr == nil && force > 0 && timeout > 0 && force >= timeout {
			diags.AddAttributeError(path.Root(argForceAfter), "`force_after` must be shorter than `timeout`",
				fmt.Sprintf("`force_after` is %s but `timeout` is %s: the power_off that follows an ignored shutdown "+
					"could never run in time. Lower `force_after`, or raise `timeout`.", force, timeout))
		}
	}
	return diags
}

// timeoutOr is the configured timeout, or def when it is unset (or invalid, which the schema's
// validator has already reported).
func (c invokeConfig) timeoutOr(def time.Duration) time.Duration {
	if !providerutil.IsKnown(c.Timeout) {
		return def
	}
	d, err := time.ParseDuration(c.Timeout.ValueString())
	if err != nil || d <= 0 {
		return def
	}
	return d
}

// job is the runner's job for this configuration. Power actions skip droplets already in the
// wanted state, and an action of the type left running by an earlier invocation is followed.
func (c invokeConfig) job() (digitalocean.Job, error) {
	job := digitalocean.Job{
		DropletID: int(c.DropletID.ValueInt64()),
		Tag:       c.TagName.ValueString(),
		Request: digitalocean.ActionRequest{
			Type:   string(c.kind),
			Image:  strings.TrimSpace(c.Image.ValueString()),
			Size:   c.Size.ValueString(),
			Disk:   c.Disk.ValueBool(),
			Name:   c.Name.ValueString(),
			Kernel: int(c.Kernel.ValueInt64()),
		},
		Adopt: true,
		// Only the power types can change nothing; for the others SkipNoop would wait out a busy
		// droplet before looking for an action to adopt.
		SkipNoop: c.kind == actionPowerOn || c.kind == actionPowerOff || c.kind == actionShutdown,
	}
	if providerutil.IsKnown(c.ForceAfter) {
		d, err := time.ParseDuration(c.ForceAfter.ValueString())
		if err != nil {
			return job, fmt.Errorf("force_after: %w", err)
		}
		job.ForceAfter = d
	}
	return job, nil
}
