package emulator

import (
	"fmt"
	"time"
)

// Defaults for droplets created without explicit values.
const (
	defaultRegion = "nyc3"
	defaultSize   = "s-1vcpu-1gb"
	defaultImage  = "ubuntu-24-04-x64"
	seedTag       = "emulator"
)

// publicImageCreated is a fixed date so that seeded state is deterministic.
var publicImageCreated = time.Date(2024, 4, 25, 13, 45, 12, 0, time.UTC)

func (s *Server) seedLocked(now time.Time) {
	for _, p := range publicImageCatalog {
		slug := p.slug
		s.newImageLocked(Image{
			Name: p.name, Type: "base", Distribution: p.distribution, Slug: &slug, Public: true,
			Regions: allRegionSlugs(), CreatedAt: publicImageCreated, MinDiskSize: p.minDisk,
			SizeGigabytes: p.sizeGB, Description: p.distribution + " " + p.name, Tags: []string{},
			Status: "available",
		})
	}
	for i := 1; i <= s.opts.Droplets; i++ {
		// Seeded droplets are a month or more old, older than their backups.
		created := now.Add(-time.Duration(30+s.opts.Droplets-i) * 24 * time.Hour)
		d, err := s.createDropletLocked(created, dropletParams{
			name: fmt.Sprintf("droplet-%d", i), region: defaultRegion, size: defaultSize, image: defaultImage,
			tags: []string{seedTag},
		})
		if err != nil {
			panic(err) // the defaults are always valid
		}
		s.newActionLocked(d.createdAt, "create", "droplet", d.id, d.region, 0, false, nil)
		// Every other droplet has backups (alternately weekly and daily) with
		// two past backups, chosen from the seed so that runs repeat.
		if i%2 == 1 {
			p := policy{plan: "daily", hour: backupHours[s.randIntN(len(backupHours))]}
			step := 24 * time.Hour
			if i%4 == 1 {
				p.plan = "weekly"
				p.weekday = weekdays[s.randIntN(len(weekdays))]
				step = 7 * 24 * time.Hour
			}
			d.policy = p
			first := nextWindowStart(p, now.Add(-3*step))
			s.takeBackupLocked(d, first)
			s.takeBackupLocked(d, first.Add(step))
			s.enableBackupsLocked(d, p, now)
		}
	}
}
