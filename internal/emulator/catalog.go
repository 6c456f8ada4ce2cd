package emulator

import "sort"

// The fixed catalogue of regions, sizes, public images and kernels the
// emulator knows. Slugs stay inside the spec's region enum so that responses
// validate against the bundled OpenAPI document.

type regionInfo struct {
	slug, name string
}

var regionCatalog = []regionInfo{
	{"nyc1", "New York 1"},
	{"nyc3", "New York 3"},
	{"sfo3", "San Francisco 3"},
	{"ams3", "Amsterdam 3"},
	{"lon1", "London 1"},
	{"fra1", "Frankfurt 1"},
	{"tor1", "Toronto 1"},
	{"sgp1", "Singapore 1"},
	{"blr1", "Bangalore 1"},
	{"syd1", "Sydney 1"},
}

var regionFeatures = []string{"private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"}

type sizeInfo struct {
	slug         string
	memory       int
	vcpus        int
	disk         int
	transfer     float64
	priceMonthly float64
	priceHourly  float64
	description  string
}

var sizeCatalog = []sizeInfo{
	{"s-1vcpu-512mb-10gb", 512, 1, 10, 0.5, 4, 0.00595, "Basic"},
	{"s-1vcpu-1gb", 1024, 1, 25, 1, 6, 0.00893, "Basic"},
	{"s-1vcpu-2gb", 2048, 1, 50, 2, 12, 0.01786, "Basic"},
	{"s-2vcpu-2gb", 2048, 2, 60, 3, 18, 0.02679, "Basic"},
	{"s-2vcpu-4gb", 4096, 2, 80, 4, 24, 0.03571, "Basic"},
	{"s-4vcpu-8gb", 8192, 4, 160, 5, 48, 0.07143, "Basic"},
	{"s-8vcpu-16gb", 16384, 8, 320, 6, 96, 0.14286, "Basic"},
	{"g-2vcpu-8gb", 8192, 2, 25, 4, 63, 0.09375, "General Purpose"},
	{"c-2", 4096, 2, 25, 4, 42, 0.0625, "CPU-Optimized"},
}

type publicImage struct {
	slug, name, distribution string
	minDisk                  int
	sizeGB                   float64
}

// Public images get the first image IDs, in this order.
var publicImageCatalog = []publicImage{
	{"ubuntu-24-04-x64", "24.04 (LTS) x64", "Ubuntu", 7, 2.48},
	{"ubuntu-22-04-x64", "22.04 (LTS) x64", "Ubuntu", 7, 2.26},
	{"debian-12-x64", "12 x64", "Debian", 7, 1.02},
	{"fedora-40-x64", "40 x64", "Fedora", 7, 1.56},
	{"centos-stream-9-x64", "Stream 9 x64", "CentOS", 10, 1.63},
	{"rockylinux-9-x64", "9 x64", "Rocky Linux", 10, 1.32},
}

// kernelCatalog is what GET /v2/droplets/{id}/kernels lists for every droplet;
// change_kernel accepts exactly these IDs.
var kernelCatalog = []Kernel{
	{ID: 7515, Name: "DigitalOcean GrubLoader v0.2 (20160714)", Version: "2016.07.13-DigitalOcean_loader_Ubuntu"},
	{ID: 7516, Name: "Ubuntu 16.04 x64 vmlinuz-4.4.0-24-generic", Version: "4.4.0-24-generic"},
	{ID: 7517, Name: "Ubuntu 18.04 x64 vmlinuz-4.15.0-20-generic", Version: "4.15.0-20-generic"},
	{ID: 7518, Name: "Debian 9 x64 vmlinuz-4.9.0-8-amd64", Version: "4.9.0-8-amd64"},
}

var weekdays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

var backupHours = []int{0, 4, 8, 12, 16, 20}

const (
	backupWindowHours   = 4
	dailyRetentionDays  = 7
	weeklyRetentionDays = 28
)

func knownRegion(slug string) bool {
	for _, r := range regionCatalog {
		if r.slug == slug {
			return true
		}
	}
	return false
}

func findSize(slug string) (sizeInfo, bool) {
	for _, s := range sizeCatalog {
		if s.slug == slug {
			return s, true
		}
	}
	return sizeInfo{}, false
}

func findKernel(id int) (Kernel, bool) {
	for _, k := range kernelCatalog {
		if k.ID == id {
			return k, true
		}
	}
	return Kernel{}, false
}

func weekdayIndex(w string) int {
	for i, d := range weekdays {
		if d == w {
			return i
		}
	}
	return -1
}

// regionViews are built once: every action and droplet embeds one.
var regionViews = func() map[string]Region {
	sizes := make([]string, 0, len(sizeCatalog))
	for _, s := range sizeCatalog {
		sizes = append(sizes, s.slug)
	}
	m := make(map[string]Region, len(regionCatalog))
	for _, r := range regionCatalog {
		m[r.slug] = Region{Name: r.name, Slug: r.slug, Features: regionFeatures, Available: true, Sizes: sizes}
	}
	return m
}()

func regionView(slug string) Region {
	r := regionViews[slug]
	// Copies of the slices so callers can never modify the shared catalogue.
	r.Features = append([]string(nil), r.Features...)
	r.Sizes = append([]string(nil), r.Sizes...)
	return r
}

func allRegionSlugs() []string {
	out := make([]string, 0, len(regionCatalog))
	for _, r := range regionCatalog {
		out = append(out, r.slug)
	}
	sort.Strings(out)
	return out
}

func sizeView(s sizeInfo) Size {
	return Size{
		Slug: s.slug, Memory: s.memory, Vcpus: s.vcpus, Disk: s.disk, Transfer: s.transfer,
		PriceMonthly: s.priceMonthly, PriceHourly: s.priceHourly,
		Regions: allRegionSlugs(), Available: true, Description: s.description,
		DiskInfo: []DiskInfo{{Type: "local", Size: DiskSize{Amount: s.disk, Unit: "gib"}}},
	}
}
