package emulator

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// prepareDropletActionLocked validates a droplet action against the droplet
// as it is now and returns what the action does when it completes. The
// caller has already checked that the droplet is not locked.
func (s *Server) prepareDropletActionLocked(d *droplet, req actionRequest) (func(time.Time), error) {
	id := d.id
	// Every effect looks the droplet up again: it may be gone by then.
	onDroplet := func(f func(d *droplet, at time.Time)) func(time.Time) {
		return func(at time.Time) {
			if d := s.st.droplets[id]; d != nil {
				f(d, at)
			}
		}
	}
	setStatus := func(status string) func(time.Time) {
		return onDroplet(func(d *droplet, _ time.Time) { d.status = status })
	}
	switch req.Type {
	case "enable_backups":
		var cur *policy
		if d.backups {
			cur = &d.policy
		}
		// Enabling backups that are already on is accepted and applies the
		// policy, if any; whether the real API rejects it is unknown.
		p, err := s.resolvePolicy(req.BackupPolicy, cur, id)
		if err != nil {
			return nil, err
		}
		return onDroplet(func(d *droplet, at time.Time) { s.enableBackupsLocked(d, p, at) }), nil
	case "change_backup_policy":
		if req.BackupPolicy == nil {
			return nil, invalid("backup_policy is required for change_backup_policy")
		}
		if !d.backups {
			// Undocumented in the API; the emulator answers 422 (see the
			// reference's behaviour checklist).
			return nil, invalid("Backups are not enabled for this Droplet.")
		}
		p, err := s.resolvePolicy(req.BackupPolicy, &d.policy, id)
		if err != nil {
			return nil, err
		}
		return onDroplet(func(d *droplet, at time.Time) {
			if d.backups {
				s.enableBackupsLocked(d, p, at)
			}
		}), nil
	case "disable_backups":
		// Existing backups stay until their retention ends.
		return onDroplet(func(d *droplet, _ time.Time) { s.disableBackupsLocked(d) }), nil
	case "reboot", "power_cycle", "power_on":
		// Rebooting or power-cycling a droplet that is off boots it; the
		// real API's behaviour for reboot of an off droplet is undocumented.
		return setStatus("active"), nil
	case "power_off":
		return setStatus("off"), nil
	case "shutdown":
		return onDroplet(func(d *droplet, _ time.Time) {
			// shutdown only asks the guest; one that ignores it stays up
			// while the action still completes.
			if !s.st.ignoreShutdown[d.id] {
				d.status = "off"
			}
		}), nil
	case "password_reset":
		return func(time.Time) {}, nil
	case "enable_private_networking":
		return onDroplet(func(d *droplet, _ time.Time) { d.features = addFeature(d.features, "private_networking") }), nil
	case "enable_ipv6":
		return onDroplet(func(d *droplet, _ time.Time) {
			d.ipv6 = true
			d.features = addFeature(d.features, "ipv6")
		}), nil
	case "restore":
		imgID, err := intParam(req.Image)
		if err != nil {
			return nil, invalid("image is required and must be the ID of a backup or snapshot of this Droplet")
		}
		img := s.st.images[imgID]
		if img == nil || img.view.DropletID != id || (img.view.Type != "backup" && img.view.Type != "snapshot") {
			return nil, invalid(fmt.Sprintf("Image %d is not a backup or snapshot of Droplet %d.", imgID, id))
		}
		return setStatus("active"), nil
	case "resize":
		if req.Size == "" {
			return nil, invalid("size is required for resize")
		}
		sz, ok := findSize(req.Size)
		if !ok {
			return nil, invalid(fmt.Sprintf("Size %q is not a valid size.", req.Size))
		}
		if sz.disk < d.disk {
			return nil, invalid("Size can not decrease size of Droplet's disk image")
		}
		// Whether the real API refuses to resize a droplet that is on is
		// undocumented (the control panel powers it off first); the emulator
		// resizes it either way and leaves the power state alone.
		disk := req.Disk
		return onDroplet(func(d *droplet, _ time.Time) {
			d.size = sz.slug
			if disk {
				d.disk = sz.disk
			}
		}), nil
	case "rebuild":
		ref, err := imageRef(req.Image)
		if err != nil {
			return nil, invalid("image is required for rebuild: an image ID or a public image slug")
		}
		img := s.imageByRefLocked(ref)
		if img == nil || img.view.Type == "admin" {
			return nil, invalid(fmt.Sprintf("Image %s is not a valid image.", ref))
		}
		if img.view.MinDiskSize > d.disk {
			return nil, invalid("The image's minimum disk size is larger than the Droplet's disk.")
		}
		v := copyImage(img.view)
		return onDroplet(func(d *droplet, _ time.Time) {
			d.image = v
			d.status = "active"
		}), nil
	case "rename":
		if req.Name == nil || *req.Name == "" {
			return nil, invalid("name is required for rename")
		}
		name := *req.Name
		if !validName(name) {
			return nil, invalid(nameMessage)
		}
		return onDroplet(func(d *droplet, _ time.Time) { d.name = name }), nil
	case "change_kernel":
		if req.Kernel == nil {
			return nil, invalid("kernel is required for change_kernel")
		}
		k, ok := findKernel(*req.Kernel)
		if !ok {
			return nil, invalid(fmt.Sprintf("Kernel %d is not available for this Droplet.", *req.Kernel))
		}
		return onDroplet(func(d *droplet, _ time.Time) { d.kernel = &k }), nil
	case "snapshot":
		name := ""
		if req.Name != nil {
			name = *req.Name
		}
		return onDroplet(func(d *droplet, at time.Time) { s.takeSnapshotLocked(d, name, at) }), nil
	case "":
		return nil, invalid("type is required")
	default:
		// The real message for an unknown type is undocumented.
		return nil, invalid(fmt.Sprintf("%q is not a valid droplet action type.", req.Type))
	}
}

// dropletActionTypes are the types prepareDropletActionLocked knows.
var dropletActionTypes = []string{
	"change_backup_policy", "change_kernel", "disable_backups", "enable_backups", "enable_ipv6",
	"enable_private_networking", "password_reset", "power_cycle", "power_off", "power_on", "reboot",
	"rebuild", "rename", "resize", "restore", "shutdown", "snapshot",
}

// ActionTypes returns, sorted, every action type the emulator's API starts:
// the droplet action types, "create", and the image actions "convert" and
// "transfer". They are the keys Options.ActionDurations and Faults.ActionDurations take.
func ActionTypes() []string {
	out := append(slices.Clone(dropletActionTypes), "create", "convert", "transfer")
	slices.Sort(out)
	return out
}

func quoted(xs []string) string { return `"` + strings.Join(xs, `", "`) + `"` }
