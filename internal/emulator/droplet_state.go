package emulator

import (
	"fmt"
	"slices"
	"time"
)

// A droplet's life in the state: creation, deletion, and its API view.

// dropletParams are validated inputs for a new droplet.
type dropletParams struct {
	name, region, size, image string
	tags                      []string
	backups                   bool
	policy                    policy
	ipv6, monitoring          bool
}

// createDropletLocked adds an active droplet (callers make it "new" when a
// create action is still running).
func (s *Server) createDropletLocked(now time.Time, p dropletParams) (*droplet, error) {
	sz, ok := findSize(p.size)
	if !ok {
		return nil, invalid("You specified an invalid size for Droplet creation.")
	}
	if !knownRegion(p.region) {
		return nil, invalid("You specified an invalid region for Droplet creation.")
	}
	img := s.imageByRefLocked(p.image)
	if img == nil || (img.view.Type != "base" && img.view.Type != "snapshot" && img.view.Type != "backup") {
		return nil, invalid("You specified an invalid image for Droplet creation.")
	}
	id := s.st.nextDropletID
	s.st.nextDropletID++
	d := &droplet{
		id: id, name: p.name, region: p.region, size: p.size, disk: sz.disk,
		image: copyImage(img.view), status: "active", createdAt: apiTime(now),
		features: []string{"private_networking"}, tags: append([]string{}, p.tags...),
		vpc:  fmt.Sprintf("760e09ef-dc84-11e8-981e-3cfdfe%06x", id%0xffffff),
		ipv6: p.ipv6,
	}
	if p.ipv6 {
		d.features = addFeature(d.features, "ipv6")
	}
	if p.monitoring {
		d.features = addFeature(d.features, "monitoring")
	}
	s.st.droplets[id] = d
	if p.backups {
		s.enableBackupsLocked(d, p.policy, now)
	}
	return d, nil
}

// imageByRefLocked resolves a numeric ID or a public slug.
func (s *Server) imageByRefLocked(ref string) *image {
	var id int
	if _, err := fmt.Sscanf(ref, "%d", &id); err == nil && fmt.Sprint(id) == ref {
		return s.st.images[id]
	}
	return s.publicImageBySlugLocked(ref)
}

func (s *Server) deleteDropletLocked(d *droplet) {
	// Destroying a droplet destroys its backups; its snapshots are kept.
	for _, id := range d.backupIDs {
		delete(s.st.images, id)
	}
	if d.pending != nil {
		d.pending.effect = nil
	}
	delete(s.st.droplets, d.id)
}

func (s *Server) sortedDropletsLocked() []*droplet {
	out := make([]*droplet, 0, len(s.st.droplets))
	for _, d := range s.st.droplets {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *droplet) int { return a.id - b.id })
	return out
}

func (d *droplet) hasTag(tag string) bool {
	for _, t := range d.tags {
		if t == tag {
			return true
		}
	}
	return false
}

func (s *Server) dropletViewLocked(d *droplet) Droplet {
	sz, _ := findSize(d.size)
	v := Droplet{
		ID:          d.id,
		Name:        d.name,
		Memory:      sz.memory,
		Vcpus:       sz.vcpus,
		Disk:        d.disk,
		DiskInfo:    []DiskInfo{{Type: "local", Size: DiskSize{Amount: d.disk, Unit: "gib"}}},
		Locked:      d.lockedField(),
		Status:      d.status,
		CreatedAt:   apiTime(d.createdAt),
		Features:    append([]string{}, d.features...),
		BackupIDs:   append([]int{}, d.backupIDs...),
		SnapshotIDs: append([]int{}, d.snapshotIDs...),
		Image:       copyImage(d.image),
		VolumeIDs:   []string{},
		Size:        sizeView(sz),
		SizeSlug:    d.size,
		Region:      regionView(d.region),
		Tags:        append([]string{}, d.tags...),
		VPCUUID:     d.vpc,
	}
	if d.kernel != nil {
		k := *d.kernel
		v.Kernel = &k
	}
	if d.backups {
		v.NextBackupWindow = nextWindowView(d)
	}
	a, b := d.id/256%256, d.id%256
	v.Networks.V4 = []NetworkV4{
		{IPAddress: fmt.Sprintf("10.108.%d.%d", a, b), Netmask: "255.255.0.0", Gateway: "nil", Type: "private"},
		{IPAddress: fmt.Sprintf("104.131.%d.%d", a, b), Netmask: "255.255.192.0", Gateway: "104.131.0.1", Type: "public"},
	}
	v.Networks.V6 = []NetworkV6{}
	if d.ipv6 {
		v.Networks.V6 = append(v.Networks.V6, NetworkV6{
			IPAddress: fmt.Sprintf("2604:a880:800:10::%x:%x", d.id>>16, d.id&0xffff),
			Netmask:   64, Gateway: "2604:a880:800:10::1", Type: "public",
		})
	}
	return v
}

func addFeature(fs []string, f string) []string {
	for _, x := range fs {
		if x == f {
			return fs
		}
	}
	return append(fs, f)
}

func removeFeature(fs []string, f string) []string {
	out := fs[:0:0]
	for _, x := range fs {
		if x != f {
			out = append(out, x)
		}
	}
	return out
}

func removeInt(xs []int, v int) []int {
	out := xs[:0:0]
	for _, x := range xs {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
