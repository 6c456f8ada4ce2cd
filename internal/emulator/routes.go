package emulator

import (
	"net/http"
	"time"
)

// routes registers every API endpoint; each pattern doubles as its Stats key.
func (s *Server) routes() {
	lossy := routeOptions{lossy: true}
	plain := routeOptions{}
	dropletActions := s.dropletActions()
	imageActions := s.imageActions()

	s.handleAPI("GET /v2/actions", s.listActions, plain)
	s.handleAPI("GET /v2/actions/{id}", s.getAction, plain)

	s.handleAPI("GET /v2/droplets", s.listDroplets, plain)
	s.handleAPI("POST /v2/droplets", s.createDroplets, plain)
	s.handleAPI("DELETE /v2/droplets", s.deleteDropletsByTag, plain)
	s.handleAPI("GET /v2/droplets/{id}", s.getDroplet, plain)
	s.handleAPI("DELETE /v2/droplets/{id}", s.deleteDroplet, plain)
	s.handleAPI("GET /v2/droplets/{id}/backups", s.listBackups, plain)
	s.handleAPI("GET /v2/droplets/{id}/snapshots", s.listSnapshots, plain)
	s.handleAPI("GET /v2/droplets/{id}/kernels", s.listKernels, plain)
	s.handleAPI("GET /v2/droplets/{id}/backups/policy", s.getBackupPolicy, plain)
	s.handleAPI("GET /v2/droplets/backups/policies", s.listBackupPolicies, plain)
	s.handleAPI("GET /v2/droplets/backups/supported_policies", s.supportedPolicies, plain)
	s.handleAPI("GET /v2/droplets/{id}/actions", dropletActions.list, plain)
	s.handleAPI("POST /v2/droplets/{id}/actions", dropletActions.post, lossy)
	s.handleAPI("GET /v2/droplets/{id}/actions/{action_id}", dropletActions.get, plain)
	s.handleAPI("POST /v2/droplets/actions", s.postTagAction, lossy)

	s.handleAPI("GET /v2/images/{id}", s.getImage, plain)
	s.handleAPI("PUT /v2/images/{id}", s.updateImage, plain)
	s.handleAPI("DELETE /v2/images/{id}", s.deleteImage, plain)
	s.handleAPI("GET /v2/images/{id}/actions", imageActions.list, plain)
	s.handleAPI("POST /v2/images/{id}/actions", imageActions.post, lossy)
	s.handleAPI("GET /v2/images/{id}/actions/{action_id}", imageActions.get, plain)

	// Anything else under /v2/ is an authenticated 404, as on the real API.
	s.handleAPI("/v2/", func(*http.Request, time.Time) response { return errResponse(errNotFound) }, plain)

	s.controlRoutes()
}
