package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
)

// invalidConfig is a configuration with exactly one mistake that `terraform validate` must reject
// before any request, with a message naming the attribute.
type invalidConfig struct {
	name string
	// provider replaces the provider block's extra arguments (the endpoint and token are always set).
	provider string
	body     string
	// attr is the attribute the message must name, as written in the configuration
	// ("backup_policy.weekday" for a nested one).
	attr string
	// want must also appear in the message: the allowed values, or what to do.
	want string
}

var invalidConfigs = []invalidConfig{
	// droplet_backups
	{name: "backups plan not offered", attr: "plan", want: `"daily" "weekly"`,
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  plan       = "hourly"
}`},
	{name: "backups weekday misspelt", attr: "weekday", want: `"SUN" "MON" "TUE" "WED" "THU" "FRI" "SAT"`,
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  plan       = "weekly"
  weekday    = "MONDAY"
}`},
	{name: "backups hour outside the windows", attr: "hour", want: `"0" "4" "8" "12" "16" "20"`,
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  hour       = 5
}`},
	{name: "backups weekday with daily plan", attr: "weekday", want: `plan = "weekly"`,
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  plan       = "daily"
  weekday    = "MON"
}`},
	{name: "backups weekday without plan", attr: "weekday", want: `plan = "weekly"`,
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  weekday    = "FRI"
}`},
	{name: "backups unknown usage-based plan", attr: "plan", want: `"intra_daily_4h" "intra_daily_6h" "intra_daily_12h"`,
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  plan       = "intra_daily_8h"
}`},
	{name: "backups retention with daily", attr: "retention_period_days", want: "usage-based plan",
		body: `resource "droplet_backups" "b" {
  droplet_id            = 1
  plan                  = "daily"
  retention_period_days = 14
}`},
	{name: "backups retention with weekly", attr: "retention_period_days", want: "`intra_daily_4h`",
		body: `resource "droplet_backups" "b" {
  droplet_id            = 1
  plan                  = "weekly"
  weekday               = "SUN"
  retention_period_days = 7
}`},
	{name: "backups window length with daily", attr: "window_length_hours", want: "usage-based plan",
		body: `resource "droplet_backups" "b" {
  droplet_id          = 1
  plan                = "daily"
  window_length_hours = 2
}`},
	{name: "backups weekday with intra-daily plan", attr: "weekday", want: `plan = "weekly"`,
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  plan       = "intra_daily_6h"
  weekday    = "MON"
}`},
	{name: "backups hour outside an intra-daily plan's windows", attr: "hour", want: "`0` or `4`",
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  plan       = "intra_daily_6h"
  hour       = 8
}`},
	{name: "backups retention zero", attr: "retention_period_days", want: "at least 1",
		body: `resource "droplet_backups" "b" {
  droplet_id            = 1
  plan                  = "intra_daily_4h"
  retention_period_days = 0
}`},
	{name: "backups window longer than the interval", attr: "window_length_hours", want: "at most 4",
		body: `resource "droplet_backups" "b" {
  droplet_id          = 1
  plan                = "intra_daily_4h"
  window_length_hours = 6
}`},
	{name: "backups retention while disabled", attr: "retention_period_days", want: "enabled = false",
		body: `resource "droplet_backups" "b" {
  droplet_id            = 1
  enabled               = false
  retention_period_days = 7
}`},
	{name: "backups droplet_id zero", attr: "droplet_id", want: "at least 1",
		body: `resource "droplet_backups" "b" {
  droplet_id = 0
}`},
	{name: "backups droplet_id negative", attr: "droplet_id", want: "at least 1",
		body: `resource "droplet_backups" "b" {
  droplet_id = -42
}`},
	{name: "backups droplet_id missing", attr: "droplet_id", want: "required",
		body: `resource "droplet_backups" "b" {
  plan = "daily"
}`},
	{name: "backups plan while disabled", attr: "plan", want: "enabled = false",
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  enabled    = false
  plan       = "weekly"
}`},
	{name: "backups hour while disabled", attr: "hour", want: "enabled = false",
		body: `resource "droplet_backups" "b" {
  droplet_id = 1
  enabled    = false
  hour       = 4
}`},

	// droplet_action
	{name: "action unknown type", attr: "type", want: `"reboot"`,
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "explode"
}`},
	{name: "action resize without size", attr: "size", want: "resize",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "resize"
}`},
	{name: "action rename without name", attr: "name", want: "rename",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "rename"
}`},
	{name: "action rebuild without image", attr: "image", want: "rebuild",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "rebuild"
}`},
	{name: "action change_kernel without kernel", attr: "kernel", want: "change_kernel",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_kernel"
}`},
	{name: "action change_backup_policy without policy", attr: "backup_policy", want: "change_backup_policy",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_backup_policy"
}`},
	{name: "action reboot with size", attr: "size", want: "resize",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "reboot"
  size       = "s-2vcpu-2gb"
}`},
	{name: "action power_off with image", attr: "image", want: "rebuild",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "power_off"
  image      = "ubuntu-24-04-x64"
}`},
	{name: "action snapshot with disk", attr: "disk", want: "resize",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "snapshot"
  disk       = true
}`},
	{name: "action reboot with backup_policy", attr: "backup_policy", want: "enable_backups",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "reboot"
  backup_policy = {
    plan = "daily"
  }
}`},
	{name: "action reboot by tag", attr: "type", want: "power_cycle",
		body: `resource "droplet_action" "a" {
  tag_name = "web"
  type     = "reboot"
}`},
	{name: "action resize by tag", attr: "type", want: "droplet_id",
		body: `resource "droplet_action" "a" {
  tag_name = "web"
  type     = "resize"
  size     = "s-2vcpu-2gb"
}`},
	{name: "action backup_policy by tag", attr: "backup_policy", want: "tag_name",
		body: `resource "droplet_action" "a" {
  tag_name = "web"
  type     = "enable_backups"
  backup_policy = {
    plan = "weekly"
  }
}`},
	{name: "action droplet_id and tag_name", attr: "tag_name", want: "Exactly one",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  tag_name   = "web"
  type       = "power_cycle"
}`},
	{name: "action neither droplet_id nor tag_name", attr: "droplet_id", want: "Exactly one",
		body: `resource "droplet_action" "a" {
  type = "reboot"
}`},
	{name: "action restore with a slug", attr: "image", want: "numeric ID",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "restore"
  image      = "ubuntu-24-04-x64"
}`},
	{name: "action backup_policy plan not offered", attr: "backup_policy.plan", want: `"daily" "weekly"`,
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "enable_backups"
  backup_policy = {
    plan = "monthly"
  }
}`},
	{name: "action backup_policy weekday with daily", attr: "backup_policy.weekday", want: `plan = "weekly"`,
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_backup_policy"
  backup_policy = {
    plan    = "daily"
    weekday = "TUE"
  }
}`},
	{name: "action backup_policy hour outside the windows", attr: "backup_policy.hour", want: `"0" "4" "8" "12" "16" "20"`,
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "enable_backups"
  backup_policy = {
    plan = "daily"
    hour = 3
  }
}`},
	{name: "action backup_policy unknown plan", attr: "backup_policy.plan", want: `"intra_daily_12h"`,
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_backup_policy"
  backup_policy = {
    plan = "intra_daily"
  }
}`},
	{name: "action backup_policy retention with daily", attr: "backup_policy.retention_period_days", want: "usage-based plan",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_backup_policy"
  backup_policy = {
    plan                  = "daily"
    retention_period_days = 14
  }
}`},
	{name: "action backup_policy weekday with intra-daily plan", attr: "backup_policy.weekday", want: `plan = "weekly"`,
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "enable_backups"
  backup_policy = {
    plan    = "intra_daily_4h"
    weekday = "SUN"
  }
}`},
	{name: "action backup_policy hour outside an intra-daily plan's windows", attr: "backup_policy.hour", want: "`0`, `4` or `8`",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_backup_policy"
  backup_policy = {
    plan = "intra_daily_12h"
    hour = 12
  }
}`},
	{name: "action backup_policy retention zero", attr: "backup_policy.retention_period_days", want: "at least 1",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_backup_policy"
  backup_policy = {
    plan                  = "intra_daily_6h"
    retention_period_days = 0
  }
}`},
	{name: "action backup_policy without plan", attr: "plan", want: "required",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "enable_backups"
  backup_policy = {
    hour = 4
  }
}`},
	{name: "action tag_name with spaces", attr: "tag_name", want: "letters, digits",
		body: `resource "droplet_action" "a" {
  tag_name = "web servers"
  type     = "power_cycle"
}`},
	{name: "action droplet_id zero", attr: "droplet_id", want: "at least 1",
		body: `resource "droplet_action" "a" {
  droplet_id = 0
  type       = "reboot"
}`},
	{name: "action kernel zero", attr: "kernel", want: "at least 1",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
  type       = "change_kernel"
  kernel     = 0
}`},
	{name: "action type missing", attr: "type", want: "required",
		body: `resource "droplet_action" "a" {
  droplet_id = 1
}`},

	// droplet_power
	{name: "power state unknown", attr: "state", want: `"on" "off"`,
		body: `resource "droplet_power" "p" {
  droplet_id = 1
  state      = "sleeping"
}`},
	{name: "power shutdown unknown", attr: "shutdown", want: `"graceful" "force"`,
		body: `resource "droplet_power" "p" {
  droplet_id = 1
  state      = "off"
  shutdown   = "gentle"
}`},
	{name: "power graceful_timeout not a duration", attr: "graceful_timeout", want: "duration",
		body: `resource "droplet_power" "p" {
  droplet_id       = 1
  state            = "off"
  graceful_timeout = "a while"
}`},
	{name: "power graceful_timeout zero", attr: "graceful_timeout", want: "greater than zero",
		body: `resource "droplet_power" "p" {
  droplet_id       = 1
  state            = "off"
  graceful_timeout = "0s"
}`},
	{name: "power graceful_timeout negative", attr: "graceful_timeout", want: "greater than zero",
		body: `resource "droplet_power" "p" {
  droplet_id       = 1
  state            = "off"
  graceful_timeout = "-1m"
}`},
	{name: "power droplet_id zero", attr: "droplet_id", want: "at least 1",
		body: `resource "droplet_power" "p" {
  droplet_id = 0
  state      = "on"
}`},
	{name: "power state missing", attr: "state", want: "required",
		body: `resource "droplet_power" "p" {
  droplet_id = 1
}`},

	// data sources
	{name: "data backups droplet_id zero", attr: "droplet_id", want: "at least 1",
		body: `data "droplet_backups" "d" {
  droplet_id = 0
}`},
	{name: "data backups droplet_id negative", attr: "droplet_id", want: "at least 1",
		body: `data "droplet_backups" "d" {
  droplet_id = -1
}`},
	{name: "data backups droplet_id missing", attr: "droplet_id", want: "required",
		body: `data "droplet_backups" "d" {}`},
	{name: "data backup_policies takes no argument", attr: "plan", want: "not expected",
		body: `data "droplet_backup_policies" "p" {
  plan = "daily"
}`},

	// provider
	{name: "provider endpoint over plain http", attr: "api_endpoint", want: "127.0.0.1",
		provider: `api_endpoint = "http://api.example.com"`, body: policiesDataSource},
	{name: "provider endpoint not a URL", attr: "api_endpoint", want: "absolute URL",
		provider: `api_endpoint = "api.digitalocean.com"`, body: policiesDataSource},
	{name: "provider endpoint scheme", attr: "api_endpoint", want: "https",
		provider: `api_endpoint = "ftp://127.0.0.1:21"`, body: policiesDataSource},
	{name: "provider negative retry", attr: "http_retry_max", want: "between 0 and 100",
		provider: `http_retry_max = -1`, body: policiesDataSource},
	{name: "provider negative retry wait", attr: "http_retry_wait_min", want: "at least 0",
		provider: `http_retry_wait_min = -0.5`, body: policiesDataSource},
	{name: "provider negative requests_per_second", attr: "requests_per_second", want: "at least 0",
		provider: `requests_per_second = -2`, body: policiesDataSource},
}

// validateOutput is `terraform validate -json`.
type validateOutput struct {
	Valid       bool `json:"valid"`
	ErrorCount  int  `json:"error_count"`
	Diagnostics []struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
		Snippet  *struct {
			Code string `json:"code"`
		} `json:"snippet"`
	} `json:"diagnostics"`
}

// Every invalid configuration is rejected by `terraform validate`, with a message that names the
// attribute, and not one request reaches the API; a valid configuration passes the same way.
func TestAccValidation_invalidConfigurations(t *testing.T) {
	if len(invalidConfigs) < 30 {
		t.Fatalf("only %d invalid configurations; the table must cover at least 30", len(invalidConfigs))
	}
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	w := newCLIWorkspace(t)
	emu := env.Emulator.Server

	validate := func(t *testing.T, dir, extraProvider, body string) validateOutput {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		provider := fmt.Sprintf("provider \"droplet\" {\n  api_endpoint = %q\n  token        = %q\n}\n", env.Endpoint, env.Token)
		if extraProvider != "" {
			// A provider argument under test replaces the endpoint when it is the endpoint.
			if strings.HasPrefix(extraProvider, "api_endpoint") {
				provider = fmt.Sprintf("provider \"droplet\" {\n  %s\n  token = %q\n}\n", extraProvider, env.Token)
			} else {
				provider = fmt.Sprintf("provider \"droplet\" {\n  api_endpoint = %q\n  token        = %q\n  %s\n}\n", env.Endpoint, env.Token, extraProvider)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cliProviderHeader+provider+body+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(w.terraform, "validate", "-json", "-no-color")
		cmd.Dir = dir
		cmd.Env = w.env
		out, _ := cmd.Output() // validate exits 1 on an invalid configuration; the JSON says why
		var v validateOutput
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("terraform validate -json: %v\n%s", err, out)
		}
		checkNoToken(t, string(out), env.Token)
		return v
	}

	// The group returns once every case has run, so the request count below covers them all.
	t.Run("validate", func(t *testing.T) {
		t.Run("valid control", func(t *testing.T) {
			t.Parallel()
			v := validate(t, filepath.Join(w.dir, "valid"), "", `
	resource "droplet_backups" "b" {
	  droplet_id = 1
	  plan       = "weekly"
	  weekday    = "MON"
	  hour       = 4
	}

	resource "droplet_backups" "u" {
	  droplet_id            = 2
	  plan                  = "intra_daily_12h"
	  hour                  = 8
	  window_length_hours   = 4
	  retention_period_days = 21
	}

	resource "droplet_action" "a" {
	  tag_name = "web"
	  type     = "power_cycle"
	}

	resource "droplet_action" "u" {
	  droplet_id = 2
	  type       = "change_backup_policy"
	  backup_policy = {
	    plan                  = "intra_daily_4h"
	    hour                  = 0
	    retention_period_days = 3
	  }
	}

	resource "droplet_power" "p" {
	  droplet_id       = 1
	  state            = "off"
	  graceful_timeout = "90s"
	}

	data "droplet_backups" "d" {
	  droplet_id = 1
	}
	`+policiesDataSource)
			if !v.Valid || v.ErrorCount != 0 {
				t.Errorf("a valid configuration was rejected: %+v", v)
			}
		})

		for i, c := range invalidConfigs {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				v := validate(t, filepath.Join(w.dir, fmt.Sprintf("case-%02d", i)), c.provider, c.body)
				if v.Valid || v.ErrorCount == 0 {
					t.Fatalf("terraform validate accepted:\n%s", c.body)
				}
				// "Type \"reboot\" cannot run by tag" names the type attribute too.
				names := regexp.MustCompile(`(?i)(^|[^a-z_.])` + regexp.QuoteMeta(c.attr) + `([^a-z_]|$)`)
				var shown []string
				for _, d := range v.Diagnostics {
					if d.Severity != "error" {
						continue
					}
					msg := d.Summary + ": " + d.Detail
					shown = append(shown, msg)
					if names.MatchString(msg) && strings.Contains(msg, c.want) {
						return
					}
				}
				t.Errorf("no error names %q and says %q; terraform validate said:\n  %s", c.attr, c.want, strings.Join(shown, "\n  "))
			})
		}
	})

	if s := emu.Stats(); s.TotalRequests != 0 {
		t.Errorf("terraform validate sent %d requests to the API (%v); validation must not reach it", s.TotalRequests, s.Requests)
	}
}
