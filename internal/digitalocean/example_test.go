package digitalocean_test

import (
	"context"
	"fmt"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// A Terraform action reports each step as a progress line; here the emulator's power_off
// completes at once, and a droplet that is already off is left alone.
func ExampleClient_Execute() {
	r, _ := emulator.Start(emulator.Options{})
	defer r.Close()
	on := r.Server.CreateDroplet(emulator.DropletSpec{Name: "web-1", Tags: []string{"web"}}).ID
	off := r.Server.CreateDroplet(emulator.DropletSpec{Name: "web-2", Tags: []string{"web"}}).ID
	_, _ = r.Server.StartAction(off, "power_off", 0)

	c, _ := digitalocean.NewClient(context.Background(), digitalocean.Config{Token: emulator.DefaultToken, APIEndpoint: r.URL})
	results, err := c.Execute(context.Background(), digitalocean.Job{
		Tag:      "web",
		Request:  digitalocean.ActionRequest{Type: "power_off"},
		SkipNoop: true,
		Progress: func(e digitalocean.Event) {
			if e.DropletID == on {
				fmt.Println(e.Kind)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	for _, res := range results {
		if res.Skipped != "" {
			fmt.Printf("%s: skipped: %s\n", res.DropletName, res.Skipped)
			continue
		}
		fmt.Printf("%s: %s %s\n", res.DropletName, res.Action.Type, res.Action.Status)
	}
	// Output:
	// started
	// done
	// web-1: power_off completed
	// web-2: skipped: the droplet is already off (status off)
}
