// Package sample is run by test-compat's tests through a real `go test -json`.
package sample

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestPass(t *testing.T) {
	t.Log("passing output is not shown")
	t.Run("one", func(t *testing.T) {})
	t.Run("two", func(t *testing.T) {})
}

// TestEnvironment fails unless test-compat set up the run as the acceptance suite needs it.
func TestEnvironment(t *testing.T) {
	if os.Getenv("TF_ACC") != "1" || os.Getenv("TF_ACC_REAL") != "" {
		t.Errorf("TF_ACC=%q TF_ACC_REAL=%q", os.Getenv("TF_ACC"), os.Getenv("TF_ACC_REAL"))
	}
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if !filepath.IsAbs(path) {
		t.Errorf("TF_ACC_TERRAFORM_PATH=%q is not absolute", path)
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Errorf("TF_ACC_TERRAFORM_PATH: %v", err)
	}
}

func TestSkipped(t *testing.T) {
	t.Skip("needs something this run lacks")
}

func TestFailsOnOpenTofu(t *testing.T) {
	t.Log("host is " + os.Getenv("TF_ACC_PROVIDER_HOST"))
	t.Run("host", func(t *testing.T) {
		if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
			t.Error("boom on OpenTofu")
		}
	})
}
