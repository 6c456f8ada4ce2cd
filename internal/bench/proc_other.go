//go:build !unix

package bench

import (
	"os"
	"os/exec"
)

// ownGroup is a no-op where process groups do not exist; a timeout then ends terraform only.
func ownGroup(*exec.Cmd) {}

func terminate(p *os.Process) error { return p.Kill() }
