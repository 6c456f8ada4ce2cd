package backups

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// maxParallelConversions bounds how many backup-to-snapshot conversions run at once. A droplet
// keeps at most seven daily or four weekly backups, so this normally converts all of them together.
const maxParallelConversions = 4

// convertBackups turns every current backup of the droplet into a snapshot and waits for all of
// them. A backup that disappears meanwhile (its retention ended) is skipped.
func (r *dropletBackupsResource) convertBackups(ctx context.Context, dropletID int, diags *diag.Diagnostics) bool {
	backups, err := r.client.Backups(ctx, dropletID)
	if errors.Is(err, digitalocean.ErrNotFound) {
		return true
	}
	if err != nil {
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot list the backups of droplet %d", dropletID), err)
		return false
	}
	tflog.Debug(ctx, "Converting backups to snapshots before disabling backups",
		map[string]any{"droplet_id": dropletID, "backups": len(backups)})

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []string
		sem    = make(chan struct{}, maxParallelConversions)
	)
	for _, img := range backups {
		wg.Add(1)
		go func(imageID int) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				mu.Lock()
				failed = append(failed, fmt.Sprintf("backup %d: %v", imageID, ctx.Err()))
				mu.Unlock()
				return
			}
			_, err := r.client.ConvertImageToSnapshot(ctx, imageID)
			if err == nil || errors.Is(err, digitalocean.ErrNotFound) {
				return
			}
			mu.Lock()
			failed = append(failed, fmt.Sprintf("backup %d: %s", imageID, providerutil.APIErrorDetail(err)))
			mu.Unlock()
		}(img.ID)
	}
	wg.Wait()

	if len(failed) > 0 {
		diags.AddError(fmt.Sprintf("Cannot convert the backups of droplet %d to snapshots", dropletID),
			fmt.Sprintf("Backups were left on because snapshot_backups_on_disable is true and %d of %d conversions "+
				"failed:\n\n%s\n\nBackups already converted stay snapshots. Fix the cause and apply again, or set "+
				"snapshot_backups_on_disable = false to turn backups off without keeping them.",
				len(failed), len(backups), strings.Join(failed, "\n")))
		return false
	}
	return true
}
