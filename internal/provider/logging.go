package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// tfLogger sends the client's HTTP logs to Terraform's log, with the token masked wherever it might
// appear (the client already redacts the Authorization header; this is the second lock).
type tfLogger struct {
	secret string
}

func newTFLogger(token string) digitalocean.Logger { return tfLogger{secret: strings.TrimSpace(token)} }

func (l tfLogger) mask(ctx context.Context) context.Context {
	if l.secret == "" {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, l.secret)
	return tflog.MaskAllFieldValuesStrings(ctx, l.secret)
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tfLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}
