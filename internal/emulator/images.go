package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Handlers for /v2/images/{id} and the image actions convert and transfer.

func (s *Server) imageFromPathLocked(r *http.Request) *image {
	ref := r.PathValue("id")
	if n, err := strconv.Atoi(ref); err == nil {
		return s.st.images[n]
	}
	return s.publicImageBySlugLocked(ref)
}

func (s *Server) getImage(r *http.Request, _ time.Time) response {
	s.rlock()
	defer s.mu.RUnlock()
	img := s.imageFromPathLocked(r)
	if img == nil {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, struct {
		Image Image `json:"image"`
	}{copyImage(img.view)}}
}

// distributions are the values the spec lists; any other is stored as
// "Unknown", as the spec describes.
var distributions = []string{"Arch Linux", "CentOS", "CoreOS", "Debian", "Fedora", "Fedora Atomic", "FreeBSD",
	"Gentoo", "openSUSE", "RancherOS", "Rocky Linux", "Ubuntu", "Unknown"}

func (s *Server) updateImage(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	var req struct {
		Name         *string `json:"name"`
		Distribution *string `json:"distribution"`
		Description  *string `json:"description"`
	}
	if err := decodeBody(r, &req); err != nil {
		return errResponse(err)
	}
	s.lock()
	defer s.unlock()
	img, err := s.privateImageLocked(id)
	switch {
	case err != nil:
		return errResponse(err)
	case req.Name != nil && *req.Name == "":
		return errResponse(invalid("name can not be blank"))
	}
	if req.Name != nil {
		img.view.Name = *req.Name
	}
	if req.Distribution != nil {
		img.view.Distribution = "Unknown"
		if slices.Contains(distributions, *req.Distribution) {
			img.view.Distribution = *req.Distribution
		}
	}
	if req.Description != nil {
		img.view.Description = *req.Description
	}
	return response{http.StatusOK, struct {
		Image Image `json:"image"`
	}{copyImage(img.view)}}
}

func (s *Server) deleteImage(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	s.lock()
	defer s.unlock()
	img, err := s.privateImageLocked(id)
	switch {
	case err != nil:
		return errResponse(err)
	case img.view.Type == "backup":
		// The API documents DELETE for snapshots and custom images only; the
		// emulator refuses backups (convert one to a snapshot first).
		return errResponse(invalid("Backups can not be deleted; convert the backup to a snapshot first."))
	}
	s.removeImageLocked(img)
	return response{status: http.StatusNoContent}
}

// privateImageLocked returns the account's own image id for a change: a public image is
// refused (the exact status for that is undocumented).
func (s *Server) privateImageLocked(id int) (*image, error) {
	img := s.st.images[id]
	switch {
	case img == nil:
		return nil, errNotFound
	case img.view.Public:
		return nil, errForbidden
	}
	return img, nil
}

// imageActionRequest is the body of POST /v2/images/{id}/actions.
type imageActionRequest struct {
	Type   string `json:"type"`
	Region string `json:"region"`
}

// imageActions serves an image's action endpoints (see resourceActions).
func (s *Server) imageActions() resourceActions[imageActionRequest] {
	return resourceActions[imageActionRequest]{
		s:            s,
		resourceType: "image",
		actionIDsLocked: func(id int) ([]int, bool) {
			if img := s.st.images[id]; img != nil {
				return img.actionIDs, true
			}
			return nil, false
		},
		startLocked: s.startImageActionLocked,
	}
}

func (s *Server) startImageActionLocked(now time.Time, imageID int, req imageActionRequest) (*action, error) {
	img := s.st.images[imageID]
	if img == nil {
		return nil, errNotFound
	}
	if img.pending != nil {
		// The wording for a busy image is undocumented; it mirrors droplets.
		return nil, invalid("Image already has a pending event.")
	}
	id := img.view.ID
	var effect func(time.Time)
	switch req.Type {
	case "convert":
		if img.view.Type != "backup" {
			// Undocumented; converting anything but a backup is refused.
			return nil, invalid("Only backups can be converted to snapshots.")
		}
		effect = func(time.Time) {
			if img := s.st.images[id]; img != nil && img.view.Type == "backup" {
				s.convertToSnapshotLocked(img)
			}
		}
	case "transfer":
		if req.Region == "" {
			return nil, invalid("region is required for transfer")
		}
		if !knownRegion(req.Region) {
			return nil, invalid(fmt.Sprintf("Region %q is not a valid region.", req.Region))
		}
		if img.view.Type == "backup" {
			// DigitalOcean's own wording, misspelling included.
			return nil, invalid("Backups can not be transfered to other regions") //nolint:misspell
		}
		if img.view.Public {
			return nil, errForbidden
		}
		region := req.Region
		effect = func(time.Time) {
			if img := s.st.images[id]; img != nil && !slices.Contains(img.view.Regions, region) {
				img.view.Regions = append(img.view.Regions, region)
				slices.Sort(img.view.Regions)
			}
		}
	case "":
		return nil, invalid("type is required")
	default:
		return nil, invalid(fmt.Sprintf("%q is not a valid image action type.", req.Type))
	}
	s.stats.actionStarted(req.Type)
	region := defaultRegion
	if len(img.view.Regions) > 0 {
		region = img.view.Regions[0]
	}
	return s.newActionLocked(now, req.Type, "image", id, region, s.durationFor(req.Type), s.chance(s.cfg.Load().ErroredRate), effect), nil
}

func (s *Server) newImageLocked(v Image) *image {
	v.ID = s.st.nextImageID
	s.st.nextImageID++
	img := &image{view: v}
	s.st.images[v.ID] = img
	return img
}

func (s *Server) dropletImageLocked(d *droplet, typ, name string, at time.Time) *image {
	created := apiTime(at)
	return s.newImageLocked(Image{
		Name:          name,
		Type:          typ,
		Distribution:  d.image.Distribution,
		Regions:       []string{d.region},
		CreatedAt:     created,
		MinDiskSize:   d.disk,
		SizeGigabytes: d.image.SizeGigabytes + float64(d.id%7)*0.13 + 0.42,
		Tags:          []string{},
		Status:        "available",
		DropletID:     d.id,
	})
}

// removeImageLocked deletes an image and unlinks it from its droplet.
func (s *Server) removeImageLocked(img *image) {
	delete(s.st.images, img.view.ID)
	if d := s.st.droplets[img.view.DropletID]; d != nil {
		d.backupIDs = removeInt(d.backupIDs, img.view.ID)
		d.snapshotIDs = removeInt(d.snapshotIDs, img.view.ID)
	}
}

// convertToSnapshotLocked turns a backup into a snapshot with the same ID.
func (s *Server) convertToSnapshotLocked(img *image) {
	img.view.Type = "snapshot"
	img.view.ExpiresAt = nil
	if d := s.st.droplets[img.view.DropletID]; d != nil {
		d.backupIDs = removeInt(d.backupIDs, img.view.ID)
		d.snapshotIDs = append(d.snapshotIDs, img.view.ID)
		slices.Sort(d.snapshotIDs)
	}
}

func copyImage(v Image) Image {
	out := v
	if v.Slug != nil {
		s := *v.Slug
		out.Slug = &s
	}
	out.Regions = append([]string{}, v.Regions...)
	if v.Tags != nil {
		out.Tags = append([]string{}, v.Tags...)
	}
	if v.ExpiresAt != nil {
		t := *v.ExpiresAt
		out.ExpiresAt = &t
	}
	return out
}

// publicImageBySlugLocked finds a public image by slug.
func (s *Server) publicImageBySlugLocked(slug string) *image {
	for i := range publicImageCatalog {
		if img := s.st.images[firstImageID+i]; img != nil && img.view.Slug != nil && strings.EqualFold(*img.view.Slug, slug) {
			return img
		}
	}
	return nil
}
