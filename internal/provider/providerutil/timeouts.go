package providerutil

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// TimeoutFunc reads one operation's timeout from a `timeouts` block, such as timeouts.Value.Create:
// the configured duration, or the default it is given.
type TimeoutFunc func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics)

// Timeout is the operation's timeout, def when the configuration leaves it unset. It reports false,
// with the reason in diags, when the configured value is not a valid duration.
func Timeout(ctx context.Context, get TimeoutFunc, def time.Duration, diags *diag.Diagnostics) (time.Duration, bool) {
	timeout, d := get(ctx, def)
	diags.Append(d...)
	return timeout, !diags.HasError()
}

// WithTimeout bounds ctx by the operation's timeout (see Timeout). The cancel function is never
// nil, so a caller may defer it before looking at ok.
func WithTimeout(ctx context.Context, get TimeoutFunc, def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, bool) {
	timeout, ok := Timeout(ctx, get, def, diags)
	if !ok {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, true
}
