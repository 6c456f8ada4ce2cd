package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestClientConfigPrecedence(t *testing.T) {
	env := map[string]string{
		envToken:             "env-token",
		envAccessToken:       "env-access-token",
		envAPIURL:            "http://127.0.0.1:9999",
		envHTTPRetryMax:      "7",
		envHTTPRetryWaitMin:  "0.5",
		envHTTPRetryWaitMax:  "9",
		envRequestsPerSecond: "3",
	}
	getenv := func(k string) string { return env[k] }

	t.Run("environment fills what the configuration leaves out", func(t *testing.T) {
		cfg, diags := clientConfig(nullModel(), getenv)
		if diags.HasError() {
			t.Fatalf("unexpected diagnostics: %v", diags)
		}
		if cfg.Token != "env-token" || cfg.APIEndpoint != "http://127.0.0.1:9999" || cfg.HTTPRetryMax != 7 ||
			cfg.HTTPRetryWaitMin != 500*time.Millisecond || cfg.HTTPRetryWaitMax != 9*time.Second || cfg.RequestsPerSecond != 3 {
			t.Fatalf("environment not honoured: %+v", cfg)
		}
	})

	t.Run("configuration wins over environment", func(t *testing.T) {
		m := providerModel{
			Token:             types.StringValue("attr-token"),
			APIEndpoint:       types.StringValue("https://api.example.test/prefix"),
			HTTPRetryMax:      types.Int64Value(0),
			HTTPRetryWaitMin:  types.Float64Value(0),
			HTTPRetryWaitMax:  types.Float64Value(2),
			RequestsPerSecond: types.Float64Value(0),
		}
		cfg, diags := clientConfig(m, getenv)
		if diags.HasError() {
			t.Fatalf("unexpected diagnostics: %v", diags)
		}
		if cfg.Token != "attr-token" || cfg.APIEndpoint != "https://api.example.test/prefix" || cfg.HTTPRetryMax != 0 ||
			cfg.HTTPRetryWaitMin != 0 || cfg.HTTPRetryWaitMax != 2*time.Second || cfg.RequestsPerSecond != 0 {
			t.Fatalf("configuration not preferred: %+v", cfg)
		}
	})

	t.Run("access token is the second choice", func(t *testing.T) {
		only := func(k string) string {
			if k == envAccessToken {
				return "env-access-token"
			}
			return ""
		}
		cfg, diags := clientConfig(nullModel(), only)
		if diags.HasError() {
			t.Fatalf("unexpected diagnostics: %v", diags)
		}
		if cfg.Token != "env-access-token" || cfg.APIEndpoint != defaultAPIEndpoint || cfg.HTTPRetryMax != defaultHTTPRetryMax ||
			cfg.HTTPRetryWaitMin != time.Second || cfg.HTTPRetryWaitMax != 30*time.Second {
			t.Fatalf("defaults not applied: %+v", cfg)
		}
	})

	t.Run("bad environment values are errors that name the variable", func(t *testing.T) {
		bad := map[string]string{
			envToken:            "t",
			envHTTPRetryMax:     "many",
			envHTTPRetryWaitMin: "-1",
			envAPIURL:           "http://api.example.test",
		}
		_, diags := clientConfig(nullModel(), func(k string) string { return bad[k] })
		var all []string
		for _, d := range diags.Errors() {
			all = append(all, d.Summary()+": "+d.Detail())
		}
		text := strings.Join(all, "\n")
		for _, want := range []string{envHTTPRetryMax, envHTTPRetryWaitMin, "Invalid DigitalOcean API endpoint"} {
			if !strings.Contains(text, want) {
				t.Errorf("diagnostics do not mention %q:\n%s", want, text)
			}
		}
	})
}

func nullModel() providerModel {
	return providerModel{
		Token:             types.StringNull(),
		APIEndpoint:       types.StringNull(),
		HTTPRetryMax:      types.Int64Null(),
		HTTPRetryWaitMin:  types.Float64Null(),
		HTTPRetryWaitMax:  types.Float64Null(),
		RequestsPerSecond: types.Float64Null(),
	}
}
