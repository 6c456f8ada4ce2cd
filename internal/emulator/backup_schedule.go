package emulator

import (
	"fmt"
	"time"
)

// Backups on a schedule: the next window, the backup taken when it opens,
// and the end of each backup's retention.

func (s *Server) scheduleWindowLocked(d *droplet, from time.Time) {
	d.windowGen++
	if !d.backups {
		d.nextWindow = time.Time{}
		return
	}
	d.nextWindow = nextWindowStart(d.policy, from)
	s.st.schedule(event{at: d.nextWindow, kind: evBackupWindow, id: d.id, gen: d.windowGen})
}

func (s *Server) enableBackupsLocked(d *droplet, p policy, at time.Time) {
	d.backups = true
	d.policy = p
	d.features = addFeature(d.features, "backups")
	s.scheduleWindowLocked(d, at)
}

func (s *Server) disableBackupsLocked(d *droplet) {
	d.backups = false
	d.features = removeFeature(d.features, "backups")
	s.scheduleWindowLocked(d, time.Time{})
}

func (s *Server) takeBackupLocked(d *droplet, at time.Time) *image {
	name := fmt.Sprintf("%s %s", d.name, apiTime(at).Format("2006-01-02"))
	if d.policy.backupPlan().usageBased {
		// Several backups a day: the name also says when (the real naming is unknown).
		name = fmt.Sprintf("%s %s", d.name, apiTime(at).Format("2006-01-02 15:04"))
	}
	img := s.dropletImageLocked(d, "backup", name, at)
	exp := apiTime(at).AddDate(0, 0, d.policy.retentionDays())
	img.view.ExpiresAt = &exp
	d.backupIDs = append(d.backupIDs, img.view.ID)
	s.st.schedule(event{at: exp, kind: evBackupExpire, id: img.view.ID})
	return img
}

func (s *Server) takeSnapshotLocked(d *droplet, name string, at time.Time) *image {
	if name == "" {
		name = fmt.Sprintf("%s-%d", d.name, at.Unix())
	}
	img := s.dropletImageLocked(d, "snapshot", name, at)
	d.snapshotIDs = append(d.snapshotIDs, img.view.ID)
	return img
}

// nextWindowView is next_backup_window: the next window, as long as the plan's windows.
func nextWindowView(d *droplet) *BackupWindow {
	return &BackupWindow{Start: d.nextWindow, End: d.nextWindow.Add(time.Duration(d.policy.windowHours()) * time.Hour)}
}
